"""Every public page is valid HTML by the W3C Nu checker, has a description, and no link that says
nothing out of context."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.public_pages import public_pages

pytestmark = pytest.mark.django_db

DEFAULT_VNU_JAR = Path.home() / ".cache/portal/vnu-26.9.27/node_modules/vnu-jar/build/dist/vnu.jar"
# Pages that answer bad input or nothing, which must be as valid as the rest.
EXTRA = [
    "/projekt/?year_from=abc&year_to=1&partner=ingen&country=%00&q=%3Cscript%3E&sort=x&page=99999",
    "/projekt/?status=ongoing&fund=amif&past_end=hide&visa=partner",
    "/en/projekt/?q=a+b+c+d+e+f+g+h+i+j",
    "/finns-inte/",
    "/en/finns-inte/",
]
# Link texts that say nothing out of their context (as Lighthouse's "link-text" audit lists them).
VAGUE = {"klicka här", "här", "läs mer", "mer", "start", "click here", "here", "read more", "more", "learn more", "go"}


@pytest.fixture
def vnu():
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_VNU_JAR))
    if not jar.is_file() or not shutil.which("java"):
        message = f"The Nu HTML checker is not at {jar} (or Java is missing): .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return jar


def test_every_public_page_is_valid_html(client, catalogue, vnu, tmp_path):
    names = {}
    for number, (address, html) in enumerate(public_pages(client, EXTRA)):
        path = tmp_path / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.as_uri()] = address
    assert len(names) > 60
    checked = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    errors = [f"{names.get(message.get('url'), message.get('url'))}: {message['message']}" for message in messages]
    assert errors == []


class Links(HTMLParser):
    """The description, canonical address, OpenGraph description and every link's text (its aria-label, if any,
    instead) of one page."""

    def __init__(self):
        super().__init__()
        self.description, self.links, self._open = None, [], None
        self.canonicals, self.opengraph_description = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        if tag == "meta" and attrs.get("property") == "og:description":
            self.opengraph_description = attrs.get("content")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonicals.append(attrs.get("href"))
        if tag == "a" and "href" in attrs:
            self._open = [attrs.get("aria-label") or ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            label, *texts = self._open
            self.links.append(" ".join((label or "".join(texts)).split()))
            self._open = None


def test_every_page_has_a_description_and_links_that_say_where_they_go(client, catalogue):
    descriptions = set()
    for address, html in public_pages(client, EXTRA):
        page = Links()
        page.feed(html)
        assert page.description and 50 <= len(page.description) <= 250, address
        descriptions.add(page.description)
        if address not in EXTRA:  # a public page is found at one address, and previewed with its description
            assert page.canonicals == [f"http://testserver{address}"], address
            assert page.opengraph_description == page.description, address
        for text in page.links:
            assert text and text.casefold().strip(" .›»") not in VAGUE, (address, text)
    assert len(descriptions) > 40  # each project, partner and fund says what it is


@pytest.mark.parametrize("query", ["q=a%00b", "q=a%1Bb&country=%00", "q=a%C2%85b", "visa=%00partner&page=%7F2"])
def test_control_characters_in_the_query_are_never_echoed(client, query):
    response = client.get(f"/projekt/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert not any(character in html for character in ("\x00", "\x1b", "\x7f", "\x85"))
    if "q=" in query:
        assert 'name="q" id="id_q" value="ab"' in html
