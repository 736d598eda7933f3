"""The Atom feeds: all projects, and a fund's, a partner's and a country's, the last changed first."""

import datetime
import importlib

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.feeds import MAX_ENTRIES
from projects.models import CatalogueVersion, Participation, ProjectCountry
from tests.factories import make_catalogue, make_country, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db


def read_feed(client, address):
    """The feed at `address`, parsed: well-formed Atom that feedparser reads without a complaint."""
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


def moment(text):
    return datetime.datetime.fromisoformat(text)


def test_the_feed_of_all_projects_has_the_published_ones_changed_last_first(client):
    older = make_project(name="Äldre & bättre", summary="Om <b>fetstil</b>.")
    newer = make_project(name="Nyare")
    make_project(name="Utkast", is_published=False)
    feed = read_feed(client, reverse("projects:feed"))
    assert titles(feed) == ["Nyare", "Äldre & bättre"]  # the text as it is: escaped once, not twice
    first, second = feed.entries
    assert first.link == f"http://testserver/projekt/{newer.slug}/"
    assert moment(first.updated) == newer.content_changed
    assert moment(second.updated) == older.content_changed
    # The summary's text, not markup: Atom's summary of type html, so the text escaped as HTML.
    assert second.summary_detail.type == "text/html" and second.summary == "Om &lt;b&gt;fetstil&lt;/b&gt;."
    assert first.id == f"tag:testserver,{timezone.localdate(newer.created).isoformat()}:/projekt/{newer.pk}"
    assert [tag.term for tag in first.tags] == ["pågående"]
    assert "published" not in first  # not known: no date is made up
    # The feed: updated with its newest entry, its own address as id, the list as its page, in Swedish.
    assert moment(feed.feed.updated) == newer.content_changed
    assert feed.feed.id == "http://testserver/flode/"
    assert feed.feed.link == "http://testserver/projekt/"
    assert feed.feed.title == "Migrationsverkets internationella projekt"
    assert feed.feed.author == "Migrationsverket"
    assert feed.feed.language == "sv"


def test_a_change_to_the_content_moves_a_project_first_and_a_review_does_not(client):
    first = make_project(name="Först gjord")
    make_project(name="Sist gjord")
    assert titles(read_feed(client, reverse("projects:feed"))) == ["Sist gjord", "Först gjord"]
    first.summary = "Ny sammanfattning."
    first.mark_content_changed()
    first.save()
    assert titles(read_feed(client, reverse("projects:feed"))) == ["Först gjord", "Sist gjord"]
    # Confirming the other's facts is no change of its content.
    last = type(first).objects.get(name_sv="Sist gjord")
    last.reviewed_on = timezone.localdate()
    last.save()
    assert titles(read_feed(client, reverse("projects:feed"))) == ["Först gjord", "Sist gjord"]


def test_a_day_without_its_moment_stands_for_the_first_moment_of_the_day():
    """The fixtures date the shipped content by the source page's day alone."""
    project = make_project(content_changed_on=datetime.date(2018, 2, 12))
    assert timezone.localtime(project.content_changed).isoformat() == "2018-02-12T00:00:00+01:00"


def test_a_funds_feed_counts_the_fund_with_its_parts(client):
    amif = make_fund(name="AMIF", slug="amif")
    special = make_fund(name="AMIF särskilda insatser", slug="amif-sarskilda", parent=amif)
    make_project(name="Hela fonden", funds=[amif])
    make_project(name="En del", funds=[special])
    make_project(name="Annan fond", funds=[make_fund()])
    make_project(name="Utkast", funds=[amif], is_published=False)
    feed = read_feed(client, reverse("projects:fund-feed", args=["amif"]))
    assert titles(feed) == ["En del", "Hela fonden"]
    assert feed.feed.title == "Internationella projekt finansierade av AMIF"
    assert feed.feed.link == "http://testserver/fond/amif/"
    assert titles(read_feed(client, reverse("projects:fund-feed", args=["amif-sarskilda"]))) == ["En del"]


def test_a_partners_feed_has_the_projects_it_took_part_in(client):
    unhcr = make_organisation(name="UNHCR", slug="unhcr")
    make_project(name="Med UNHCR", partners=[unhcr])
    make_project(name="Utan", partners=[make_organisation()])
    feed = read_feed(client, reverse("projects:partner-feed", args=["unhcr"]))
    assert titles(feed) == ["Med UNHCR"]
    assert feed.feed.title == "Internationella projekt med UNHCR"
    assert feed.feed.link == "http://testserver/partner/unhcr/"


def test_a_countrys_feed_is_the_list_filtered_by_the_country_in_any_role_by_last_change(client):
    serbia = make_country("RS")
    target = make_project(name="Målland")
    ProjectCountry.objects.create(project=target, country=serbia, role=ProjectCountry.Role.TARGET_COUNTRY)
    named = make_project(name="Landet som partner")
    Participation.objects.create(project=named, country=serbia, role=Participation.Role.PARTNER)
    make_project(name="Myndighet i landet", partners=[make_organisation(country=serbia)])
    make_project(name="Annat land", partners=[make_organisation(country=make_country("TR"))])
    make_project(name="Utkast", partners=[make_organisation(country=serbia)], is_published=False)
    target.mark_content_changed()
    target.save()
    feed = read_feed(client, reverse("projects:country-feed", args=["RS"]))
    assert titles(feed) == ["Målland", "Myndighet i landet", "Landet som partner"]
    listed = client.get(reverse("projects:list"), {"country": "RS", "sort": "-updated"})
    assert titles(feed) == [project.name for project in listed.context["object_list"]]
    assert feed.feed.title == "Internationella projekt med anknytning till Serbien"
    assert feed.feed.link == "http://testserver/projekt/?country=RS"
    assert feed.feed.id == "http://testserver/land/rs/flode/"


def test_a_country_code_in_capitals_leads_to_the_feed_in_small_letters(client):
    make_country("RS")
    response = client.get("/land/RS/flode/")
    assert response.status_code == 301 and response["Location"] == "/land/rs/flode/"


def test_a_feed_with_no_entries_is_as_new_as_the_catalogue(client):
    make_fund(slug="tom")
    feed = read_feed(client, reverse("projects:fund-feed", args=["tom"]))
    assert feed.entries == []
    assert moment(feed.feed.updated) == CatalogueVersion.objects.get().changed


def test_the_english_feeds_are_under_en_and_mark_swedish_text_as_swedish(client):
    make_project(name="Projektet", name_en="The project", summary="Bara på svenska.")
    unhcr = make_organisation(name="FN:s flyktingorgan", name_en="UN Refugee Agency", slug="unhcr")
    make_project(name="Med UNHCR", partners=[unhcr])
    feed = read_feed(client, "/en/flode/")
    assert feed.feed.language == "en" and feed.feed.title == "The Swedish Migration Agency's international projects"
    assert feed.feed.link == "http://testserver/en/projekt/"
    english = next(entry for entry in feed.entries if entry.title == "The project")
    assert english.link.startswith("http://testserver/en/projekt/")
    assert english.title_detail.language == "en" and english.summary_detail.language == "sv"
    swedish = next(entry for entry in feed.entries if entry.title == "Med UNHCR")
    assert swedish.title_detail.language == "sv"
    assert [tag.term for tag in english.tags] == ["ongoing"]
    partner = read_feed(client, "/en/partner/unhcr/flode/")
    assert partner.feed.title == "International projects with UN Refugee Agency"
    assert partner.feed.link == "http://testserver/en/partner/unhcr/"


def test_an_entry_keeps_its_id_when_the_project_is_renamed_and_its_address_changes(client):
    project = make_project(slug="gammal")
    before = read_feed(client, reverse("projects:feed")).entries[0]
    project.slug = "ny"
    project.save()
    after = read_feed(client, reverse("projects:feed")).entries[0]
    assert before.id == after.id and before.link != after.link
    english = read_feed(client, "/en/flode/").entries[0]
    assert english.id != after.id and english.id.endswith(f":/en/projekt/{project.pk}")


def test_text_xml_cannot_carry_is_left_out(client):
    make_project(name="Vertikal\x0btab", summary="Sammanfattning\x01.")
    (entry,) = read_feed(client, reverse("projects:feed")).entries
    assert entry.title == "Vertikaltab" and entry.summary == "Sammanfattning."


@pytest.mark.parametrize(
    "address",
    [
        "/fond/finns-inte/flode/",
        "/partner/finns-inte/flode/",
        "/land/zz/flode/",  # no such country in the catalogue
        "/land/se/flode/",  # a country, but not in the catalogue
        "/land/serbien/flode/",
        "/land/r/flode/",
        "/land/%00%00/flode/",
        "/fond/%00/flode/",
        "/partner/a%00b/flode/",
        "/fond/" + "a" * 10_000 + "/flode/",
        "/en/land/xx/flode/",
        "/land/s%C3%A9/flode/",
    ],
)
def test_an_unknown_or_malformed_subject_is_a_404(client, address):
    make_country("RS")
    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    "query", ["?page=99999999999999999999", "?country=%00", "?fund=finns-inte&sort=x", "?q=" + "x" * 10_000]
)
def test_a_query_string_changes_nothing(client, query):
    """A feed is what its address says: the list's parameters are not read from the query."""
    make_project(name="Ett", funds=[make_fund(slug="amif")])
    make_project(name="Två")
    plain = titles(read_feed(client, reverse("projects:fund-feed", args=["amif"])))
    assert titles(read_feed(client, reverse("projects:fund-feed", args=["amif"]) + query)) == plain == ["Ett"]


@pytest.mark.parametrize("count", [10, 60])
def test_a_feed_costs_the_same_queries_however_many_entries(client, django_assert_max_num_queries, count):
    """The entries are one query (no query per project); the rest is the catalogue version, the fund, and
    the catalogue index with the filter options, built once per catalogue version."""
    make_catalogue(count)
    with django_assert_max_num_queries(12):
        feed = read_feed(client, reverse("projects:fund-feed", args=["amif-x"]))
    assert len(feed.entries) == min(count, MAX_ENTRIES)
    with django_assert_max_num_queries(3):
        read_feed(client, reverse("projects:fund-feed", args=["amif-x"]))
    changed = [moment(entry.updated) for entry in feed.entries]
    assert changed == sorted(changed, reverse=True)


def test_a_feed_may_be_kept_briefly_like_a_page(client, settings):
    response = client.get(reverse("projects:feed"))
    assert response["Cache-Control"] == f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate"


@pytest.mark.parametrize(
    ("language", "list_title", "fund_title", "partner_title"),
    [
        (
            "",
            "Flöde med ändringar i alla projekt (Atom)",
            "Flöde med ändringar i fondens projekt (Atom)",
            "Flöde med ändringar i organisationens projekt (Atom)",
        ),
        (
            "/en",
            "Feed of changes to all projects (Atom)",
            "Feed of changes to this fund's projects (Atom)",
            "Feed of changes to this partner's projects (Atom)",
        ),
    ],
)
def test_the_list_fund_and_partner_pages_offer_their_feeds(client, language, list_title, fund_title, partner_title):
    fund, partner = make_fund(slug="amif"), make_organisation(slug="unhcr")
    make_project(funds=[fund], partners=[partner])
    for page, feed, title in [
        ("/projekt/", "/flode/", list_title),
        ("/fond/amif/", "/fond/amif/flode/", fund_title),
        ("/partner/unhcr/", "/partner/unhcr/flode/", partner_title),
    ]:
        html = client.get(language + page).text
        head, body = html.split("</head>")
        title = title.replace("'", "&#39;")
        assert f'<link rel="alternate" type="application/atom+xml" href="{language}{feed}" title="{title}">' in head
        assert f'<a href="{language}{feed}" type="application/atom+xml">{title}</a>' in body


def test_a_list_filtered_by_one_fund_partner_or_country_alone_offers_its_feed(client):
    make_country("RS")
    make_project(funds=[make_fund(slug="amif")])
    narrowed = "Flöde med ändringar i de här projekten (Atom)"
    for query, feed in [
        ("?fund=amif", "/fond/amif/flode/"),
        ("?country=RS&sort=name", "/land/rs/flode/"),
        ("?fund=amif&status=ongoing", "/flode/"),
        ("?fund=amif&country=RS", "/flode/"),
        ("?fund=finns-inte", "/flode/"),
    ]:
        html = client.get("/projekt/" + query).text
        assert f'href="{feed}" type="application/atom+xml"' in html, query
        assert (narrowed in html) == (feed != "/flode/"), query


def test_the_migration_dates_a_change_by_the_last_write_on_its_day_else_the_days_first_moment():
    moment_of = importlib.import_module("projects.migrations.0019_content_changed_moment").moment_of
    day = datetime.date(2026, 3, 4)
    written = timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 30))
    assert moment_of(day, written) == written
    later = timezone.make_aware(datetime.datetime(2026, 5, 1, 9, 0))
    assert timezone.localtime(moment_of(day, later)).isoformat() == "2026-03-04T00:00:00+01:00"
