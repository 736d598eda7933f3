"""English pages: Swedish content is marked lang="sv" wherever it stands, and a block of it says so once."""

import re
from html.parser import HTMLParser

import pytest

from projects.models import PageContent, Project

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
    ("address", "swedish", "english"),
    [
        ("/en/projekt/eu-frank/", ["Belgien", "EU-FRANK"], ["Asylum, Migration and Integration Fund"]),
        ("/en/projekt/pp7/", ["BAMF"], []),
        ("/en/projekt/eac-piloten-pp4/", ["Tyskland"], ["Prague Process Targeted Initiative"]),
        ("/en/projekt/twinning-serbien/", ["Sida"], ["Instrument for Pre-accession Assistance"]),
        (
            "/en/fond/amif-sarskilda-atgarder/",
            [],
            ["AMIF – Specific Actions", "Asylum, Migration and Integration Fund"],
        ),
        ("/en/fond/amif/", ["EU-FRANK"], ["AMIF – Specific Actions", "Asylum, Migration and Integration Fund"]),
    ],
)
def test_names_on_english_pages_are_english_where_given_and_marked_swedish_where_not(
    client, catalogue, address, swedish, english
):
    texts = languages(client, address)
    for text in swedish:
        assert language_of(texts, text) == {"sv"}, text
    for text in english:
        assert language_of(texts, text) == {"en"}, text
    assert language_of(texts, "Accessibility statement") == {"en"}  # the interface stays English


def test_a_block_of_swedish_content_says_so_once_on_an_english_page(client, catalogue):
    home = languages(client, "/en/")
    page = PageContent.objects.get(key=PageContent.CATALOGUE_KEY)
    assert language_of(home, page.title_en) == {"en"}
    assert language_of(home, " ".join(page.introduction_en.split())) == {"en"}  # given in English: no notice
    # Each project's full text is Swedish: one notice before each.
    notices = [run for run in home if run[0] == "(in Swedish)"]
    assert notices == [("(in Swedish)", "en")] * Project.objects.published().count()
    detail = languages(client, "/en/projekt/eu-frank/")
    assert sum(run == ("(in Swedish)", "en") for run in detail) == 1  # before the description
    swedish = client.get("/projekt/eu-frank/").content.decode()
    assert "in-swedish" not in swedish and "(på svenska)" not in swedish


def test_an_editors_english_text_is_shown_on_english_pages_at_once(client, catalogue):
    project = Project.objects.get(slug="eu-frank")
    client.get("/en/projekt/eu-frank/")  # a snapshot taken before the change
    project.name_en = "EU-FRANK in English"
    project.summary_en = "A resettlement project in English."
    project.description_en = "The whole description in English."
    project.save()
    detail = languages(client, "/en/projekt/eu-frank/")
    assert language_of(detail, "EU-FRANK in English") == {"en"}
    assert language_of(detail, "The whole description in English.") == {"en"}
    assert not any(run == ("(in Swedish)", "en") for run in detail)
    listed = languages(client, "/en/projekt/?q=resettlement")  # searched in English too
    assert language_of(listed, "A resettlement project in English.") == {"en"}
    swedish = client.get("/projekt/eu-frank/").text
    assert "EU-FRANK in English" not in swedish and project.description_sv in swedish
    project.name_en = project.description_en = ""  # taken back: the Swedish text, marked, with its notice
    project.save()
    detail = languages(client, "/en/projekt/eu-frank/")
    assert language_of(detail, "EU-FRANK") == {"sv"}
    assert sum(run == ("(in Swedish)", "en") for run in detail) == 1


def test_facet_options_are_in_the_alphabetical_order_of_the_page_language(client, catalogue):
    def funds(address):
        html = client.get(address).text
        facet = html[html.index('id="fund-group"') : html.index('id="country-group"')]
        return [" ".join(label.split()) for label in re.findall(r'<label for="fund-\d+"[^>]*>([^<(]+)', facet)]

    english = funds("/en/projekt/")
    assert english.index("Asylum, Migration and Integration Fund") + 1 == english.index("AMIF – Specific Actions")
    assert english.index("European Return Fund") < english.index("Ministry for Foreign Affairs")
    swedish = funds("/projekt/")
    assert swedish.index("Asyl-, migrations- och integrationsfonden") + 1 == swedish.index("AMIF – särskilda åtgärder")
    assert swedish[-1] == "Återvändandefonden"  # å, ä and ö come after z in Swedish
