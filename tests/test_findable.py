"""Findable: the sitemap, robots.txt, each public page's canonical address, alternates, description and
OpenGraph tags, the projects' schema.org descriptions, and the page cache kept apart by scheme and host."""

import datetime
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from projects import sitemaps
from projects.models import Fund, Funding, Organisation, Participation, Project, ProjectCountry, ProjectRelation
from projects.periods import Precision, iso_8601
from projects.views import ProjectListView
from tests.factories import make_catalogue, make_country, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db

XML = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ORIGIN = "http://testserver"


class Head(HTMLParser):
    """What a page says about itself to search engines and link previews."""

    def __init__(self, html):
        super().__init__()
        self.canonicals, self.alternates, self.meta, self.scripts = [], {}, {}, []
        self.title, self._in = "", None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonicals.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs["property"], []).append(attrs["content"])
        elif tag in ("title", "script"):
            self._in = (tag, attrs.get("type"))
            if tag == "script":
                self.scripts.append([attrs.get("type"), ""])

    def handle_data(self, data):
        if self._in and self._in[0] == "title":
            self.title += data
        elif self._in and self._in[0] == "script":
            self.scripts[-1][1] += data

    def handle_endtag(self, tag):
        self._in = None

    @property
    def canonical(self):
        assert len(self.canonicals) == 1
        return self.canonicals[0]

    def structured_data(self):
        blocks = [text for kind, text in self.scripts if kind == "application/ld+json"]
        assert len(blocks) == 1
        return json.loads(blocks[0])


def head(response):
    assert response.status_code == 200
    return Head(response.text)


# Every public page, and OpenGraph


@pytest.fixture
def public_paths():
    """One public page of each kind (its Swedish path)."""
    fund = make_fund(name="Asyl-, migrations- och integrationsfonden", slug="amif")
    partner = make_organisation(name="UNHCR", slug="unhcr")
    summary = "Ett nätverk av europeiska migrationsmyndigheter för återvändande till tredjeländer."
    make_project(name="EURLO", slug="eurlo", summary=summary, partners=[partner], funds=[fund])
    names = ("home", "list", "timeline", "accessibility", "privacy")
    return [reverse(f"projects:{name}") for name in names] + ["/projekt/eurlo/", "/partner/unhcr/", "/fond/amif/"]


@pytest.mark.parametrize(
    ("prefix", "locale", "other_locale", "site_name"),
    [
        ("", "sv_SE", "en_GB", "Migrationsverket – Internationella projekt"),
        ("/en", "en_GB", "sv_SE", "Swedish Migration Agency – International projects"),
    ],
)
def test_every_public_page_names_its_canonical_address_its_languages_and_describes_itself(
    client, public_paths, prefix, locale, other_locale, site_name
):
    for path in public_paths:
        page = head(client.get(prefix + path))
        canonical = f"{ORIGIN}{prefix}{path}"
        assert page.canonical == canonical
        assert page.alternates == {"sv": ORIGIN + path, "en": f"{ORIGIN}/en{path}", "x-default": ORIGIN + path}
        (description,) = page.meta["description"]
        assert 50 <= len(description) <= 250, path
        assert page.meta["og:description"] == [description]
        assert page.meta["og:url"] == [canonical]
        assert page.meta["og:type"] == ["website"]
        assert page.meta["og:locale"] == [locale] and page.meta["og:locale:alternate"] == [other_locale]
        (title,) = page.meta["og:title"]
        assert title and page.title.startswith(f"{title} – ")
        assert page.meta["og:site_name"] == [site_name]


def test_the_query_of_a_plain_page_is_left_out_of_its_canonical_address(client):
    project = make_project(slug="eurlo")
    page = head(client.get(project.get_absolute_url(), {"feedback": "tack", "utm_source": "x" * 10_000}))
    assert page.canonical == f"{ORIGIN}/projekt/eurlo/"
    assert page.alternates["en"] == f"{ORIGIN}/en/projekt/eurlo/"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        # The order and the facets opened in full show the same projects; values come sorted.
        ("fund=isf&fund=amif&sort=-name&visa=partner", "fund=amif&fund=isf"),
        # An invalid value is ignored, so it is not part of the page either.
        ("fund=amif&country=ZZ&page=2", "fund=amif&page=2"),
        ("country=%00&year_from=abc&q=" + "a" * 10_000, ""),
        # The radio buttons at their defaults, and "all of" without a partner, change nothing.
        ("page=1&partner_mode=all&past_end=show", ""),
        ("partner=unhcr&partner_mode=all&past_end=hide&year_from=2015&status=ongoing", None),
        # A page past the last shows the last, and is that page.
        ("page=99999999999999999999", "page=2"),
    ],
)
def test_a_list_is_canonical_with_its_valid_filters_and_its_page(client, monkeypatch, query, canonical):
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    amif, isf = make_fund(slug="amif"), make_fund(slug="isf")
    partner = make_organisation(slug="unhcr")
    for _ in range(3):
        make_project(funds=[amif, isf], partners=[partner])
    if canonical is None:
        canonical = "status=ongoing&partner=unhcr&partner_mode=all&year_from=2015&past_end=hide"
    suffix = f"?{canonical}" if canonical else ""
    for path in ("/projekt/", "/tidslinje/"):
        page = head(client.get(f"{path}?{query}"))
        assert page.canonical == f"{ORIGIN}{path}{suffix}"
        assert page.alternates["en"] == f"{ORIGIN}/en{path}{suffix}"


def test_an_error_page_names_no_canonical_address(client):
    response = client.get("/projekt/finns-inte/")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.text and "og:url" not in response.text


# The projects' schema.org descriptions


@pytest.mark.parametrize(
    ("date", "precision", "written"),
    [
        (datetime.date(2016, 6, 1), Precision.DAY, "2016-06-01"),
        (datetime.date(2016, 3, 1), Precision.MONTH, "2016-03"),
        (datetime.date(2015, 3, 1), Precision.SEASON, "2015"),
        (datetime.date(2015, 9, 1), Precision.SEASON, "2015"),
        (datetime.date(2015, 12, 1), Precision.SEASON, None),  # winter runs into the next year
        (datetime.date(2016, 1, 1), Precision.YEAR, "2016"),
        (None, Precision.UNKNOWN, None),
    ],
)
def test_dates_are_written_at_the_precision_they_are_known_to(date, precision, written):
    assert iso_8601(date, precision) == written


@pytest.fixture
def described_project():
    """A closed project with something of each kind its description says, and what it must leave out."""
    eu = make_fund(name="Asyl-, migrations- och integrationsfonden", acronym="AMIF", slug="amif")
    part = make_fund(name="Särskilda insatser", slug="amif-sa", parent=eu)
    sida = make_fund(name="Sida", slug="sida", kind=Fund.Kind.SWEDISH_FUNDER)
    unhcr = make_organisation(name="FN:s flyktingorgan", acronym="UNHCR", slug="unhcr", country=make_country("CH"))
    iom = make_organisation(name="IOM", slug="iom")
    project = make_project(
        name="Projektet",
        slug="projektet",
        acronym="PRJ",
        official_title="The project",
        description="Om projektet.",
        status=Project.Status.CLOSED,
        agency_role=Participation.Role.LEAD,
        start_date=datetime.date(2015, 9, 1),
        start_precision=Precision.SEASON,
        end_date=datetime.date(2017, 3, 1),
        end_precision=Precision.MONTH,
    )
    Participation.objects.create(project=project, organisation=unhcr, role=Participation.Role.PARTNER)
    Participation.objects.create(project=project, organisation=iom, role=Participation.Role.NOT_STATED)
    Participation.objects.create(
        project=project, designation="Belgiens migrationsverk", country=make_country("BE"), role="partner"
    )
    Participation.objects.create(project=project, country=make_country("IT"), role=Participation.Role.PARTNER)
    Funding.objects.create(project=project, fund=part, share=Funding.Share.MAIN)
    Funding.objects.create(project=project, fund=sida, share=Funding.Share.NOT_STATED)
    for code, role, place in [("RS", "target_country", ""), ("AF", "implementation_location", "Kabul")]:
        ProjectCountry.objects.create(project=project, country=make_country(code), role=role, place=place)
    ProjectCountry.objects.create(project=project, country=make_country("SE"), role="partner_country")
    draft = make_project(name="Hemligt utkast", is_published=False)
    ProjectRelation.objects.create(project=project, related_project=draft, kind=ProjectRelation.Kind.CONTINUES)
    return project


def test_a_project_page_describes_the_project_for_search_engines(client, described_project):
    fund_url = f"{ORIGIN}/en/fond"
    data = head(client.get("/en/projekt/projektet/")).structured_data()
    assert data == {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": f"{ORIGIN}/projekt/projektet/#project",
        "url": f"{ORIGIN}/en/projekt/projektet/",
        "identifier": "projektet",
        "name": "Projektet",
        "description": "Om projektet.",
        "alternateName": ["PRJ", "The project"],
        "funder": [
            {
                "@type": "Role",
                "roleName": "main funder",
                "funder": {
                    "@type": "FundingScheme",
                    "name": "Särskilda insatser",
                    "url": f"{fund_url}/amif-sa/",
                    "parentOrganization": {
                        "@type": "FundingScheme",
                        "name": "Asyl-, migrations- och integrationsfonden",
                        "url": f"{fund_url}/amif/",
                        "alternateName": "AMIF",
                    },
                },
            },
            {"@type": "Organization", "name": "Sida", "url": f"{fund_url}/sida/"},
        ],
        "member": [
            {
                "@type": "Role",
                "roleName": "lead",
                "member": {"@type": "GovernmentOrganization", "name": "Swedish Migration Agency"},
            },
            {
                "@type": "Role",
                "roleName": "partner",
                "member": {
                    "@type": "Organization",
                    "name": "FN:s flyktingorgan",
                    "url": f"{ORIGIN}/en/partner/unhcr/",
                    "alternateName": "UNHCR",
                    "address": {"@type": "PostalAddress", "addressCountry": "CH"},
                },
            },
            {"@type": "Organization", "name": "IOM", "url": f"{ORIGIN}/en/partner/iom/"},
            {
                "@type": "Role",
                "roleName": "partner",
                "member": {
                    "@type": "Organization",
                    "name": "Belgiens migrationsverk",
                    "address": {"@type": "PostalAddress", "addressCountry": "BE"},
                },
            },
        ],
        "areaServed": [{"@type": "Country", "name": "Serbia", "identifier": "RS"}],
        "location": [
            {
                "@type": "Place",
                "name": "Kabul",
                "containedInPlace": {"@type": "Country", "name": "Afghanistan", "identifier": "AF"},
            }
        ],
        "foundingDate": "2015",
        "dissolutionDate": "2017-03",
    }


def test_the_swedish_page_describes_the_project_in_swedish(client, described_project):
    data = head(client.get("/projekt/projektet/")).structured_data()
    with translation.override("sv"):
        lead, main = str(Participation.Role.LEAD.label), str(Funding.Share.MAIN.label)
    assert data["url"] == f"{ORIGIN}/projekt/projektet/" and data["@id"] == f"{ORIGIN}/projekt/projektet/#project"
    assert data["member"][0]["roleName"] == lead != "lead"
    assert data["member"][0]["member"]["name"] == "Migrationsverket"
    assert data["funder"][0]["roleName"] == main
    assert data["areaServed"][0]["name"] == "Serbien"


def test_an_unknown_or_planned_date_is_left_out(client):
    """A winter start spans two years; the end of an ongoing project is a plan, not a dissolution."""
    make_project(
        slug="vintern",
        start_date=datetime.date(2015, 12, 1),
        start_precision=Precision.SEASON,
        end_date=datetime.date(2019, 1, 1),
        end_precision=Precision.YEAR,
    )
    data = head(client.get("/projekt/vintern/")).structured_data()
    assert "foundingDate" not in data and "dissolutionDate" not in data
    assert "member" not in data and "funder" not in data and "areaServed" not in data


def test_nothing_in_the_description_can_end_its_script_element(client):
    name = "</script><script>alert(1)</script> & <!--"
    make_project(slug="elak", name=name, description="A & B <b>")
    response = client.get("/projekt/elak/")
    assert response.text.count("</script>") == 1 and "<!--" not in response.text
    data = head(response).structured_data()
    assert data["name"] == name and data["description"] == "A & B <b>"


def test_an_unpublished_project_is_never_described(client, described_project):
    assert "Hemligt utkast" not in client.get("/projekt/projektet/").text
    assert client.get(Project.objects.get(name="Hemligt utkast").get_absolute_url()).status_code == 404


# robots.txt


def allowed(disallowed, path):
    """Whether a crawler may read `path`, as Google reads Disallow patterns: * is any text, $ the end."""
    for pattern in disallowed:
        expression = re.escape(pattern).replace(r"\*", ".*").replace(r"\$", "$")
        if re.match(expression, path):
            return False
    return True


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_what_is_not_for_them(
    client, settings, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = ["projekt.example.se"]
    with django_assert_num_queries(0):
        response = client.get("/robots.txt", {"x": "\x00" * 10}, secure=True, headers={"host": "projekt.example.se"})
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: https://projekt.example.se/sitemap.xml" in lines
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    assert reverse("admin:index") in disallowed
    for path in [
        reverse("admin:index") + "login/",
        "/health/ready",
        "/synpunkter/",
        "/en/synpunkter/kommentar/",
        "/projekt/?fund=amif&country=RS",
        "/projekt/?status=ongoing&page=2",
        "/projekt/?q=asyl",
        "/en/tidslinje/?sort=name",
        "/projekt/?visa=partner",
        "/projekt/eurlo/?feedback=tack",
    ]:
        assert not allowed(disallowed, path), path
    for path in ["/", "/en/", "/projekt/", "/projekt/?page=2", "/projekt/?fund=amif", "/en/projekt/?status=ongoing"]:
        assert allowed(disallowed, path), path
    for path in ["/tidslinje/", "/projekt/eurlo/", "/partner/unhcr/", "/fond/amif/", "/sitemap.xml", "/static/x.css"]:
        assert allowed(disallowed, path), path


# The sitemap


def sitemap(client, address, **extra):
    response = client.get(address, **extra)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "noindex" in response["X-Robots-Tag"] and "public" in response["Cache-Control"]
    return ElementTree.fromstring(response.content)


def entries(root):
    """{address: (lastmod, {language: address})} of a sitemap section's page."""
    found = {}
    for url in root.findall("s:url", XML):
        lastmod = url.find("s:lastmod", XML)
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", XML)}
        found[url.find("s:loc", XML).text] = (None if lastmod is None else lastmod.text, alternates)
    return found


@pytest.fixture
def catalogue_with_a_draft():
    fund = make_fund(slug="amif")
    part = make_fund(slug="amif-sa", parent=fund)
    draft_fund = make_fund(slug="utkastfond")
    partner = make_organisation(slug="unhcr")
    draft_partner = make_organisation(slug="hemlig")
    make_project(slug="eurlo", partners=[partner], funds=[part], content_changed_on=datetime.date(2018, 2, 12))
    make_project(slug="utkast", partners=[draft_partner], funds=[draft_fund], is_published=False)
    # The partner itself last changed before its project did.
    Organisation.history.filter(id=partner.pk).update(history_date=datetime.datetime(2017, 1, 1, tzinfo=datetime.UTC))


def test_the_sitemap_index_lists_each_section_with_its_last_change(
    client, catalogue_with_a_draft, django_assert_max_num_queries
):
    """A count and the latest change of each section, whatever its size: the catalogue's last change for the
    pages; a count and the latest change of the projects; for partners and funds, a count, the latest
    project shown and the latest change of their own."""
    with django_assert_max_num_queries(9):
        root = sitemap(client, "/sitemap.xml")
    today = timezone.localdate().isoformat()
    listed = {entry.find("s:loc", XML).text: entry.find("s:lastmod", XML).text for entry in root}
    assert listed == {
        f"{ORIGIN}/sitemap-pages.xml": today,
        f"{ORIGIN}/sitemap-projects.xml": "2018-02-12",
        f"{ORIGIN}/sitemap-partners.xml": "2018-02-12",
        f"{ORIGIN}/sitemap-funds.xml": today,
    }


def test_the_sitemap_lists_published_pages_in_both_languages_with_alternates_and_last_changes(
    client, catalogue_with_a_draft
):
    today = timezone.localdate().isoformat()
    expected = {
        "projects": {"/projekt/eurlo/": "2018-02-12"},
        "partners": {"/partner/unhcr/": "2018-02-12"},  # its project changed after it
        "funds": {"/fond/amif/": today, "/fond/amif-sa/": today},  # a fund is shown with its parts' projects
        "pages": {"/": today, "/projekt/": today, "/tidslinje/": today, "/tillganglighet/": None},
    }
    for section, pages in expected.items():
        found = entries(sitemap(client, f"/sitemap-{section}.xml"))
        if section != "pages":
            assert len(found) == 2 * len(pages)
        for path, lastmod in pages.items():
            alternates = {"sv": ORIGIN + path, "en": f"{ORIGIN}/en{path}", "x-default": ORIGIN + path}
            assert found[ORIGIN + path] == found[f"{ORIGIN}/en{path}"] == (lastmod, alternates)
    assert f"{ORIGIN}/personuppgifter/" in found


def test_the_sitemap_is_paged_and_each_page_costs_the_same(client, monkeypatch, django_assert_max_num_queries):
    """A page of a section counts the rows and reads its own; a page of partners or funds reads their last
    changes and their projects' for the page at once: no more, whatever the catalogue's size."""
    monkeypatch.setattr(sitemaps.ProjectSitemap, "limit", 4)
    monkeypatch.setattr(sitemaps.PartnerSitemap, "limit", 4)
    make_catalogue(5)
    index = [entry.find("s:loc", XML).text for entry in sitemap(client, "/sitemap.xml")]
    section = f"{ORIGIN}/sitemap-projects.xml"
    pages = [address for address in index if address.startswith(section)]
    assert pages == [section, f"{section}?p=2", f"{section}?p=3"]
    found = []
    for page in (1, 2, 3):
        with django_assert_max_num_queries(2) as queries:
            addresses = list(entries(sitemap(client, "/sitemap-projects.xml", data={"p": page})))
        assert " LIMIT " in queries.captured_queries[-1]["sql"]  # only this page's rows are read
        # A project's two languages are on one page.
        assert len(addresses) == (4 if page < 3 else 2) and addresses[1] == addresses[0].replace(ORIGIN, f"{ORIGIN}/en")
        found += addresses
    slugs = Project.objects.values_list("slug", flat=True)
    assert sorted(found) == sorted(f"{ORIGIN}{prefix}/projekt/{slug}/" for slug in slugs for prefix in ("", "/en"))
    with django_assert_max_num_queries(4):  # three partners take part in the projects: six addresses
        assert len(entries(sitemap(client, "/sitemap-partners.xml", data={"p": 2}))) == 2


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-projects.xml?p=abc",
        "/sitemap-projects.xml?p=0",
        "/sitemap-projects.xml?p=-1",
        "/sitemap-projects.xml?p=1.5",
        "/sitemap-projects.xml?p=99999999999999999999",
        "/sitemap-projects.xml?p=%00",
        "/sitemap-projects.xml?p=" + "9" * 10_000,
        "/sitemap-finns-inte.xml",
        "/sitemap-.xml",
    ],
)
def test_a_sitemap_page_that_is_not_there_is_a_404(client, address):
    make_project()
    assert client.get(address).status_code == 404


def test_the_sitemap_index_ignores_what_it_does_not_read(client):
    response = client.get("/sitemap.xml", {"p": "\x00" + "x" * 10_000, "section": "<script>"})
    assert response.status_code == 200 and b"<script>" not in response.content


# The page cache and the snapshots, for more than one host


def test_a_page_is_kept_for_each_scheme_and_host_it_names(client, settings, django_assert_num_queries):
    """A kept page carries absolute addresses: another host or scheme is never served them. The project's
    snapshot is the same for every host, and its addresses are made absolute for each request."""
    settings.PAGE_CACHE = True
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    make_project(slug="eurlo", partners=[make_organisation(slug="unhcr")])
    first = client.get("/projekt/eurlo/", headers={"host": "a.example"})
    assert head(first).canonical == "http://a.example/projekt/eurlo/"
    for host, secure, origin in [("b.example", False, "http://b.example"), ("a.example", True, "https://a.example")]:
        page = head(client.get("/projekt/eurlo/", headers={"host": host}, secure=secure))
        assert page.canonical == f"{origin}/projekt/eurlo/" and page.meta["og:url"] == [page.canonical]
        data = page.structured_data()
        assert data["url"] == page.canonical and data["member"][0]["member"]["url"] == f"{origin}/partner/unhcr/"
    with django_assert_num_queries(1):  # the catalogue version: the page comes from the cache
        again = client.get("/projekt/eurlo/", headers={"host": "a.example"})
    assert again.content == first.content
    for host in ("a.example", "b.example"):
        root = sitemap(client, "/sitemap-projects.xml", headers={"host": host})
        assert f"http://{host}/projekt/eurlo/" in entries(root)
    sitemap(client, "/sitemap.xml", headers={"host": "b.example"})
    with django_assert_num_queries(1):  # kept, and served with its headers again
        root = sitemap(client, "/sitemap.xml", headers={"host": "b.example"})
    assert root.find("s:sitemap/s:loc", XML).text.startswith("http://b.example/")


def test_an_address_like_text_in_the_structured_data_is_left_as_written(client):
    """Only the page's own addresses are made absolute: a summary that looks like JSON with a path in it
    stays as the editor wrote it, and nothing in it ends the data block."""
    summary = 'Se "url":"/projekt/annat/" och "@id":"/x" </script><b>'
    make_project(
        slug="texten",
        summary=summary,
        description=summary,
        start_date=datetime.date(2016, 1, 1),
        start_precision=Precision.YEAR,
    )
    response = client.get("/projekt/texten/")
    assert "</script><b>" not in response.content.decode()
    data = head(response).structured_data()
    assert data["description"] == summary
    assert data["url"] == f"{ORIGIN}/projekt/texten/"
