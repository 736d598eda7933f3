import datetime

import pytest
from django.urls import reverse

from projects import snapshots
from projects.models import Fund, Organisation, PageContent, Project
from projects.periods import Precision
from tests.factories import make_catalogue, make_document, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db


def test_start_page_renders_every_published_project(client, catalogue):
    response = client.get(reverse("projects:home"))
    assert response.status_code == 200
    page = PageContent.objects.get()
    assert page.introduction in response.text
    for project in Project.objects.all():
        assert project.get_absolute_url() in response.text
        assert project.summary in response.text
    assert "2018-02-12" in response.text
    assert "EU-FRANK Nyhetsbrev 1 2017" in response.text
    assert "https://www.pragueprocess.eu" in response.text


def test_start_page_lists_ongoing_before_closed(client, catalogue):
    text = client.get(reverse("projects:home")).text
    closed_heading = text.index("Avslutade projekt")
    assert text.index(">EURLO") < closed_heading < text.index(">Söderköpingsprocessen")


def test_start_page_hides_unpublished_projects(client):
    make_project(name="Synlig")
    make_project(name="Utkast", is_published=False)
    text = client.get(reverse("projects:home")).text
    assert "Synlig" in text and "Utkast" not in text


def test_start_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    """Documents are prefetched: no query per project (the sixth reads the catalogue version for the feedback texts)."""
    for _ in range(30):
        make_document(make_project())
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:home"))
    assert response.status_code == 200


def test_start_page_is_rendered_once_per_catalogue_version_and_language(client, django_assert_num_queries):
    """Its main part is kept under the catalogue version: read again in one query, and a change
    shows on the very next request."""
    project = make_project(name="Första namnet")
    home, home_en = reverse("projects:home"), "/en/"
    assert client.get(home).status_code == 200
    with django_assert_num_queries(1):  # the catalogue version
        text = client.get(home).text
    assert "Första namnet" in text and "Pågående projekt" in text
    assert "Ongoing projects" in client.get(home_en).text  # kept per language
    project.name_sv = "Andra namnet"
    project.save()
    text = client.get(home).text
    assert "Andra namnet" in text and "Första namnet" not in text


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("projects:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in response.text and "style=" not in response.text


@pytest.mark.parametrize("count", [10, 200])
def test_list_page_query_count_is_fixed(client, django_assert_max_num_queries, count):
    """The first list of a catalogue version builds the catalogue index and looks the search word up
    (on PostgreSQL in a savepoint of its own, projects/search.py); options are fetched once (for the
    form and the active filters alike) and the entries of the page are read from the snapshots, then,
    as none has been taken, from the rows, with no relations: 10 or 200 projects, same queries."""
    make_catalogue(count)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("projects:list"), {"country": "TR", "fund": "amif-x", "q": "project"})
    assert response.status_code == 200
    assert response.context["result_count"] == count


@pytest.mark.parametrize("count", [10, 200])
def test_detail_page_query_count_is_fixed(client, django_assert_max_num_queries, count):
    """Participants, funds, countries, relations both ways and documents are prefetched."""
    make_catalogue(count)
    project = Project.objects.order_by("-pk")[1]
    with django_assert_max_num_queries(12):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200


def test_list_shows_count_and_active_filters_with_removal_links(client, catalogue):
    response = client.get(reverse("projects:list"), {"fund": "ipa", "status": "ongoing"})
    assert "2 projekt matchar" in response.text
    active = {item["label"]: item["remove_url"] for item in response.context["active_filters"]}
    assert set(active) == {"IPA-fonderna", "Pågående"}
    assert "fund" not in active["IPA-fonderna"] and "status=ongoing" in active["IPA-fonderna"]
    assert "Rensa alla filter" in response.text


def test_empty_result_says_so_and_offers_to_clear(client, catalogue):
    response = client.get(reverse("projects:list"), {"q": "zzzz"})
    assert "Inga projekt matchar filtren." in response.text
    assert response.context["result_count"] == 0


def test_pagination_keeps_filters(client):
    make_catalogue(45)
    response = client.get(reverse("projects:list"), {"fund": "amif-x", "sort": "name"})
    assert 'href="?fund=amif-x&amp;sort=name&amp;page=2"' in response.text


@pytest.mark.parametrize(("page", "shown"), [("99999999999999999999", 3), ("abc", 1), ("-1", 1), ("0", 1)])
def test_out_of_range_page_is_explained(client, page, shown):
    make_catalogue(45)
    response = client.get(reverse("projects:list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert response.context["messages"]


def test_detail_page_shows_every_fact(client, catalogue):
    response = client.get(reverse("projects:detail", kwargs={"slug": "twinning-kosovo"}))
    text = response.text
    assert '<p class="official-title" lang="en">Strengthening Kosovo institutions' in text
    assert "från våren 2016, under ca 2,5 år" in text
    assert "Nederländerna" in text and "Projektledare" in text
    assert "IPA-fonderna" in text and "Delfinansiering" in text
    assert "Målland" in text and "Kosovo" in text


def test_detail_page_links_relations_both_ways(client, catalogue):
    pp4 = client.get(reverse("projects:detail", kwargs={"slug": "eac-piloten-pp4"})).text
    pp7 = client.get(reverse("projects:detail", kwargs={"slug": "pp7"})).text
    assert reverse("projects:detail", kwargs={"slug": "pp7"}) in pp4
    assert reverse("projects:detail", kwargs={"slug": "eac-piloten-pp4"}) in pp7


def test_external_links_are_marked_for_everyone(client, catalogue):
    text = client.get(reverse("projects:detail", kwargs={"slug": "pp7"})).text
    assert 'href="https://www.pragueprocess.eu" rel="external"' in text
    assert "länk till annan webbplats" in text


@pytest.mark.parametrize("slug", ["finns-inte", "utkast"])
def test_unknown_or_unpublished_project_gives_404_page(client, slug):
    make_project(slug="utkast", is_published=False)
    response = client.get(reverse("projects:detail", kwargs={"slug": slug}))
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


def test_partner_page_lists_projects_with_roles(client, catalogue):
    unhcr = Organisation.objects.get(slug="unhcr")
    response = client.get(unhcr.get_absolute_url())
    assert response.status_code == 200
    assert "EU-FRANK" in response.text and "EAC-piloten (PP4)" in response.text
    assert "Intressent" in response.text
    assert "?partner=unhcr" in response.text


def test_fund_page_includes_the_fund_parts(client, catalogue):
    response = client.get(Fund.objects.get(slug="amif").get_absolute_url())
    assert {"EU-FRANK", "EURLO", "European Reintegration Network (ERIN)"} <= {
        f.project.name for f in response.context["fundings"]
    }


def test_partner_and_fund_pages_hide_drafts(client):
    organisation, fund = make_organisation(), make_fund()
    make_project(name="Utkastet", partners=[organisation], funds=[fund], is_published=False)
    assert "Utkastet" not in client.get(organisation.get_absolute_url()).text
    assert "Utkastet" not in client.get(fund.get_absolute_url()).text


def test_english_version_of_interface(client, catalogue):
    response = client.get("/en/projekt/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "15 projects match" in response.text
    assert 'href="/projekt/" lang="sv"' in response.text


def test_swedish_is_the_default(client):
    response = client.get(reverse("projects:list"))
    assert '<html lang="sv">' in response.text
    assert 'href="/en/projekt/" lang="en"' in response.text


def test_accessibility_statement_has_the_required_parts(client):
    text = client.get(reverse("projects:accessibility")).text
    for heading in (
        "Hur tillgänglig är webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat webbplatsen",
    ):
        assert heading in text
    assert "digg.se" in text
    assert "Enforcement procedure" in client.get("/en/tillganglighet/").text


def test_start_page_keeps_the_source_order(client, catalogue):
    text = client.get(reverse("projects:home")).text
    order = ["EU-FRANK", "Twinningprojektet i Serbien", "Twinningprojektet i Kosovo", "EURLO", "European Reintegration"]
    order += ["Stödfunktion för Östliga", "The Silk Routes Partnership", "Samarbetsprojektet med Turkiet"]
    order += ["EAC-piloten (PP4)", "Pilotprojektet PP7", "Twinningprojektet i Armenien", "European Return Platform"]
    order += ["European Asylum Curriculum", "Söderköpingsprocessen", "Fostering Migration Cooperation"]
    positions = [text.index(f">{name}") for name in order]
    assert positions == sorted(positions)


def test_swedish_content_is_marked_as_swedish_on_english_pages(client, catalogue):
    """WCAG 3.1.2: screen readers must pronounce the Swedish project texts as Swedish."""
    english = client.get("/en/projekt/eurlo/").text
    assert '<p class="description" lang="sv">' in english
    swedish = client.get("/projekt/eurlo/").text
    main = swedish.split("<main", 1)[1].split("</main>")[0]
    assert 'lang="sv"' not in main


def test_start_page_links_to_the_list_when_the_catalogue_outgrows_it(client):
    for _ in range(30):
        make_project()
    response = client.get(reverse("projects:home"))
    assert len(response.context["ongoing"]) == 25
    assert f"{reverse('projects:list')}?status=ongoing" in response.text


def test_filter_values_are_checked_against_the_kept_options(client, django_assert_num_queries):
    """Once a worker keeps the catalogue's options, a list asks the database for the version and its entries
    alone: known values filter, unknown ones are reported, and no query looks either up."""
    make_catalogue(20)
    snapshots.take_all()
    url = reverse("projects:list")
    client.get(url, {"country": "TR"})
    with django_assert_num_queries(2):  # the catalogue version, then the page's entries from their snapshots
        response = client.get(url, {"country": ["TR", "QQ"], "fund": "amif-x", "partner": "nope", "framework": "x"})
    assert response.context["result_count"] == 20
    assert set(response.context["filter"].form.errors) == {"country", "partner", "framework"}
    assert "QQ" in response.text and "nope" in response.text


def test_facet_counts_are_cached_until_the_catalogue_changes(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_catalogue(5)
    url = reverse("projects:list")
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"country": "TR"})
    with CaptureQueriesContext(connection) as second:
        response = client.get(url, {"country": "TR"})
    assert len(second) < len(first)
    assert response.context["facets"][0].options[0].count == 5
    project = Project.objects.first()
    project.status = Project.Status.CLOSED
    project.save()
    statuses = client.get(url, {"country": "TR"}).context["facets"][0].options
    assert [option.count for option in statuses] == [4, 1]


def test_an_ongoing_project_past_its_latest_end_says_so(client):
    """The status is the source's word; once even the latest possible end has passed, the pages say so too."""
    past = make_project(
        name="Förbi", end_date=datetime.date(2020, 1, 1), end_precision=Precision.YEAR, summary="Sammanfattning."
    )
    open_ended = make_project(name="Öppen", start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    note = "men slutet har passerat"
    assert note in client.get(past.get_absolute_url()).text
    assert note not in client.get(open_ended.get_absolute_url()).text
    listed = client.get(reverse("projects:list")).text
    assert listed.count(note) == 1 and listed.index("Förbi") < listed.index(note) < listed.index("Öppen")


@pytest.mark.parametrize(
    ("address", "link"),
    [
        ("/", 'href="/en/"'),
        ("/en/", 'href="/"'),
        ("/projekt/?status=ongoing&q=asyl", 'href="/en/projekt/?status=ongoing&amp;q=asyl"'),
        ("/en/projekt/?status=closed", 'href="/projekt/?status=closed"'),
        ("/projekt/det-nya-projektet/", 'href="/en/projekt/det-nya-projektet/"'),
        ("/en/projekt/det-nya-projektet/?feedback=tack", 'href="/projekt/det-nya-projektet/?feedback=tack"'),
        ("/finns-inte/", 'href="/en/"'),  # no page: the start page in the other language
        ("//evil.example/", 'href="/en/"'),  # never off the site
        ("/en//evil.example/?a=b", 'href="/"'),
    ],
)
def test_the_language_link_leads_to_the_same_page_in_the_other_language(client, address, link):
    make_project(name="Det nya projektet")
    response = client.get(address)
    header = response.text.split('<li class="language">', 1)[1].split("</li>", 1)[0]
    assert link in header
    assert "evil" not in header
