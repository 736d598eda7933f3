"""English pages: Swedish content is marked lang="sv" wherever it stands, and a block of it says so once."""

from html.parser import HTMLParser

import pytest

from projects.models import PageContent

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Languages(HTMLParser):
    """Every run of text in <body> with the language it is in (the nearest lang attribute)."""

    def __init__(self):
        super().__init__()
        self.open, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and any(tag == "body" for tag, _ in self.open):
            self.texts.append((text, next(lang for _, lang in reversed(self.open) if lang)))


def languages(client, address):
    parser = Languages()
    parser.feed(client.get(address).content.decode())
    return parser.texts


def language_of(texts, text):
    found = {language for run, language in texts if run == text}
    assert found, f"{text!r} not on the page"
    return found


@pytest.mark.parametrize(
    ("address", "swedish"),
    [
        ("/en/projekt/eu-frank/", ["Belgien", "Asyl-, migrations- och integrationsfonden", "EU-FRANK"]),
        ("/en/projekt/pp7/", ["BAMF"]),
        ("/en/projekt/eac-piloten-pp4/", ["Pragprocessens Targeted Initiative", "Tyskland"]),
        ("/en/projekt/twinning-serbien/", ["IPA-fonderna", "Sida"]),
        ("/en/fond/amif-sarskilda-atgarder/", ["Asyl-, migrations- och integrationsfonden"]),
        ("/en/fond/amif/", ["AMIF – särskilda åtgärder"]),
    ],
)
def test_swedish_names_on_english_pages_are_marked_swedish(client, catalogue, address, swedish):
    texts = languages(client, address)
    for text in swedish:
        assert language_of(texts, text) == {"sv"}, text
    assert language_of(texts, "Accessibility statement") == {"en"}  # the interface stays English


def test_a_block_of_swedish_content_says_so_once_on_an_english_page(client, catalogue):
    home = languages(client, "/en/")
    assert [run for run in home if run[0] == "(in Swedish)"] == [("(in Swedish)", "en")] * 2  # intro, newsletter
    assert language_of(home, "International projects") == {"en"}  # the page's heading is the site's name
    page = PageContent.objects.get(key=PageContent.CATALOGUE_KEY)
    assert language_of(home, " ".join(page.introduction.split())) == {"sv"}
    detail = languages(client, "/en/projekt/eu-frank/")
    assert sum(run == ("(in Swedish)", "en") for run in detail) == 1  # before the description
    swedish = client.get("/projekt/eu-frank/").content.decode()
    assert "in-swedish" not in swedish and "(på svenska)" not in swedish
