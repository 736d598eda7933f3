"""Exports of the project list (projects/exports.py): the list's projects, in its order, as CSV, XLSX and JSON."""

import codecs
import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from portal import liveness
from projects import exports
from projects.models import Framework, Participation, Project, ProjectCountry
from projects.periods import Precision
from tests.factories import make_catalogue, make_country, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "json")
SWEDISH_HEADINGS = [
    "Namn",
    "Förkortning",
    "Adress",
    "Status",
    "Uppgifterna bekräftade",
    "Start",
    "Start (ISO 8601)",
    "Slut",
    "Slut (ISO 8601)",
    "Längd",
    "Längd i månader",
    "Migrationsverkets roll",
    "Samarbetsform",
    "Ramverk eller process",
    "Partner och roller",
    "Finansiering och andelar",
    "Länder och roller",
    "Sammanfattning",
    "Innehållet senast ändrat",
]


def export_url(export_format):
    return reverse("projects:export", kwargs={"format": export_format})


def download(client, export_format, query=None, **headers):
    """An export's response and its content; `query` a dict, or a query string as it is sent."""
    if isinstance(query, str):
        response = client.get(f"{export_url(export_format)}?{query}", headers=headers)
    else:
        response = client.get(export_url(export_format), query, headers=headers)
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def csv_table(content):
    """The heading row and the rows of a CSV export, after checking that it is UTF-8 with a BOM and CRLF."""
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def xlsx_table(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def slug_of(address):
    return address.rstrip("/").rsplit("/", 1)[1]


def exported_slugs(client, export_format, query):
    """The slugs of an export's projects, in its order, read back by each format's own parser."""
    _response, content = download(client, export_format, query)
    if export_format == "json":
        document = json.loads(content)
        assert document["count"] == len(document["projects"])
        return [project["slug"] for project in document["projects"]]
    headings, rows = (csv_table if export_format == "csv" else xlsx_table)(content)
    address = headings.index("Adress")
    return [slug_of(row[address]) for row in rows]


def listed_slugs(client, query):
    response = client.get(reverse("projects:list"), query)
    assert response.status_code == 200
    assert response.context["paginator"].num_pages == 1
    return [project.slug for project in response.context["object_list"]]


@pytest.fixture
def little_catalogue():
    """Eight published projects that differ in every filter, and an unpublished one."""
    first, second, third = (make_organisation(name=name, slug=slug) for name, slug in
                            (("Alfa byrå", "alfa"), ("Beta verket", "beta"), ("Gamma", "gamma")))  # fmt: skip
    amif = make_fund(name="AMIF", slug="amif")
    special = make_fund(name="AMIF särskilda insatser", slug="amif-sarskilda", parent=amif)
    sida = make_fund(name="Sida", slug="sida", kind="swedish_funder")
    budapest = Framework.objects.create(name="Budapestprocessen", slug="budapest")
    turkey, sweden, serbia = make_country("TR"), make_country("SE"), make_country("RS")

    def project(name, *, partners=(), funds=(), countries=(), **fields):
        made = make_project(name=name, slug=slugify(name), funds=funds, **fields)
        for organisation, role in partners:
            Participation.objects.create(project=made, organisation=organisation, role=role)
        for country, role in countries:
            ProjectCountry.objects.create(project=made, country=country, role=role)
        return made

    lead, partner = Participation.Role.LEAD, Participation.Role.PARTNER
    target, partner_country = ProjectCountry.Role.TARGET_COUNTRY, ProjectCountry.Role.PARTNER_COUNTRY
    closed = Project.Status.CLOSED
    project("Asylstöd i Turkiet", partners=[(first, lead), (second, partner)], funds=[amif],
            countries=[(turkey, target)], summary="Stöd till asylsystemet.", acronym="AST",
            start_date=datetime.date(2015, 9, 1), start_precision=Precision.SEASON, duration_months=30,
            duration_is_approximate=True, cooperation_type="twinning", framework=budapest,
            agency_role=lead, reviewed_on=datetime.date(2018, 2, 12))  # fmt: skip
    project("Budapestnätverket", partners=[(second, partner)], funds=[special], countries=[(sweden, partner_country)],
            status=closed, start_date=datetime.date(2012, 1, 1), start_precision=Precision.YEAR,
            end_date=datetime.date(2014, 6, 1), end_precision=Precision.MONTH, framework=budapest,
            cooperation_type="network")  # fmt: skip
    project("Cypern pilot", partners=[(first, partner), (third, lead)], funds=[sida], summary="Om asylprövning.",
            status=closed, start_date=datetime.date(2016, 3, 14), start_precision=Precision.DAY,
            end_date=datetime.date(2017, 12, 1), end_precision=Precision.SEASON, cooperation_type="pilot")  # fmt: skip
    project("Dokument i Serbien", partners=[(third, partner)], funds=[sida], countries=[(serbia, target)],
            start_date=datetime.date(2017, 1, 1), start_precision=Precision.YEAR,
            end_date=datetime.date(2019, 1, 1), end_precision=Precision.YEAR)  # fmt: skip
    project("Eritrea återvändande", cooperation_type="network")
    project("Flyktingar i Georgien", partners=[(first, partner)], funds=[amif],
            countries=[(make_country("GE"), target), (turkey, partner_country)],
            start_date=datetime.date(2020, 1, 1), start_precision=Precision.MONTH,
            end_date=datetime.date(2023, 1, 1), end_precision=Precision.YEAR)  # fmt: skip
    project("Gränssamarbete", partners=[(second, lead)], funds=[special, sida], countries=[(sweden, target)],
            status=closed, start_date=datetime.date(2010, 1, 1), start_precision=Precision.YEAR,
            end_date=datetime.date(2011, 1, 1), end_precision=Precision.YEAR, cooperation_type="twinning")  # fmt: skip
    project("Hållbart mottagande", partners=[(third, partner), (second, partner)], funds=[amif],
            countries=[(turkey, target), (serbia, target)], start_date=datetime.date(2021, 6, 1),
            start_precision=Precision.SEASON)  # fmt: skip
    hidden = make_organisation(name="Bara i utkast", slug="utkast")
    project("Hemligt utkast", partners=[(hidden, lead), (first, partner)], funds=[amif], countries=[(turkey, target)],
            summary="Om asyl.", is_published=False)  # fmt: skip


# Every format holds the list's result


# 24 lists: each filter alone, in pairs, every sort order, and what an export ignores (the list's page).
FILTER_COMBINATIONS = [
    {},
    {"status": "ongoing"},
    {"status": "closed"},
    {"status": ["ongoing", "closed"]},
    {"partner": "alfa"},
    {"partner": ["alfa", "beta"]},
    {"partner": ["alfa", "beta"], "partner_mode": "all"},
    {"fund": "amif"},
    {"fund": "amif-sarskilda"},
    {"fund": ["sida", "amif-sarskilda"], "status": "closed"},
    {"country": "TR"},
    {"country": ["SE", "RS"]},
    {"year_from": "2016"},
    {"year_to": "2015"},
    {"year_from": "2015", "year_to": "2017", "sort": "-start"},
    {"cooperation_type": "twinning"},
    {"framework": "budapest", "sort": "end"},
    {"q": "asyl"},
    {"status": "ongoing", "past_end": "hide"},
    {"sort": "-name"},
    {"sort": "start"},
    {"sort": "-end", "fund": "amif"},
    {"sort": "-updated", "country": "TR", "partner": "beta"},
    {"page": "1", "visa": "partner", "partner": "gamma"},
]


def test_every_format_holds_the_lists_projects_in_its_order(client, little_catalogue):
    """CSV, XLSX and JSON, parsed back, give the very projects of the HTML list, in its order, for 24 lists."""
    nonempty = set()
    for query in FILTER_COMBINATIONS:
        listed = listed_slugs(client, query)
        for export_format in FORMATS:
            assert exported_slugs(client, export_format, query) == listed, (export_format, query)
        nonempty.add(tuple(listed))
    assert len(nonempty) >= 18  # the lists differ: a filter that did nothing would show here


def test_an_export_is_the_whole_list_not_one_of_its_pages(client):
    make_catalogue(25)
    pages = [listed_page(client, page) for page in ("1", "2")]
    for export_format in FORMATS:
        assert exported_slugs(client, export_format, {"page": "2", "sort": "-name"}) == pages[0] + pages[1]


def listed_page(client, page):
    response = client.get(reverse("projects:list"), {"page": page, "sort": "-name"})
    return [project.slug for project in response.context["object_list"]]


def test_unpublished_projects_are_never_exported(client, little_catalogue):
    for export_format in FORMATS:
        for query in ({}, {"partner": "utkast"}, {"q": "asyl"}, {"country": "TR"}):
            slugs = exported_slugs(client, export_format, query)
            assert "hemligt-utkast" not in slugs
        _response, content = download(client, export_format)
        assert b"Hemligt" not in content and b"Bara i utkast" not in content
    assert exported_slugs(client, "json", {"partner": "utkast"}) == []


# CSV


def test_csv_is_rfc_4180_in_utf8_with_a_bom_swedish_headings_and_a_row_per_project(client, little_catalogue):
    response, content = download(client, "csv", {"status": "ongoing"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="projekt-{today}.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    headings, rows = csv_table(content)
    assert headings == SWEDISH_HEADINGS
    assert len(rows) == 5 and all(len(row) == len(headings) for row in rows)


def test_a_csv_row_says_every_fact_as_the_pages_do(client, little_catalogue):
    _response, content = download(client, "csv", {"q": "asylsystemet"})
    headings, [row] = csv_table(content)
    assert dict(zip(headings, row, strict=True)) == {
        "Namn": "Asylstöd i Turkiet",
        "Förkortning": "AST",
        "Adress": "http://testserver/projekt/asylstod-i-turkiet/",
        "Status": "Pågående, men slutet har passerat",  # hösten 2015 and ca 2,5 år: by 2018 at the latest
        "Uppgifterna bekräftade": "2018-02-12",
        "Start": "hösten 2015",
        "Start (ISO 8601)": "2015-09/2015-11",
        "Slut": "",
        "Slut (ISO 8601)": "",
        "Längd": "ca 2,5 år",
        "Längd i månader": "30",
        "Migrationsverkets roll": "Projektledare",
        "Samarbetsform": "Twinning",
        "Ramverk eller process": "Budapestprocessen",
        "Partner och roller": "Alfa byrå (projektledare); Beta verket (partner)",
        "Finansiering och andelar": "AMIF (huvudfinansiär)",
        "Länder och roller": "Turkiet (målland)",
        "Sammanfattning": "Stöd till asylsystemet.",
        "Innehållet senast ändrat": timezone.localdate().isoformat(),
    }


def test_commas_quotes_and_line_breaks_are_quoted_as_rfc_4180_says(client):
    summary = 'Första raden, med "citat".\r\nAndra raden; sist.'
    make_project(name="Komma, citat", summary=summary)
    _response, content = download(client, "csv")
    assert b'"Komma, citat"' in content and b'"F\xc3\xb6rsta raden, med ""citat"".\r\nAndra raden; sist."' in content
    headings, [row] = csv_table(content)
    assert (row[0], row[headings.index("Sammanfattning")]) == ("Komma, citat", summary)


def test_headings_and_words_are_in_the_language_of_the_address(client, little_catalogue):
    with translation.override("en"):
        url = export_url("csv")
    assert url == "/en/projekt/export.csv"
    response = client.get(url, {"q": "asylsystemet"})
    headings, [row] = csv_table(b"".join(response.streaming_content))
    assert response["Content-Disposition"].endswith(f'filename="projects-{timezone.localdate().isoformat()}.csv"')
    assert headings[:5] == ["Name", "Acronym", "Address", "Status", "Facts confirmed"]
    cell = dict(zip(headings, row, strict=True))
    assert cell["Address"] == "http://testserver/en/projekt/asylstod-i-turkiet/"
    assert cell["Status"] == "Ongoing, but its end has passed"
    assert (cell["Start"], cell["Duration"]) == ("autumn 2015", "about 2.5 years")


def test_an_ongoing_project_past_its_end_says_so_with_its_status(client, little_catalogue):
    _response, content = download(client, "csv", {"q": "Serbien"})
    headings, [row] = csv_table(content)
    assert row[headings.index("Status")] == "Pågående, men slutet har passerat"


@pytest.mark.parametrize(
    ("start", "precision", "words", "iso"),
    [
        (datetime.date(2016, 3, 14), Precision.DAY, "14 mars 2016", "2016-03-14"),
        (datetime.date(2020, 1, 1), Precision.MONTH, "januari 2020", "2020-01"),
        (datetime.date(2017, 12, 1), Precision.SEASON, "vintern 2017", "2017-12/2018-02"),
        (datetime.date(2012, 1, 1), Precision.YEAR, "2012", "2012"),
        (None, Precision.UNKNOWN, "", ""),
    ],
)
def test_dates_are_written_at_the_precision_they_are_known_to(client, start, precision, words, iso):
    make_project(start_date=start, start_precision=precision)
    _response, content = download(client, "csv")
    headings, [row] = csv_table(content)
    assert (row[headings.index("Start")], row[headings.index("Start (ISO 8601)")]) == (words, iso)
    _response, content = download(client, "json")
    expected = {"date": start.isoformat(), "precision": precision, "text": words} if start else None
    assert json.loads(content)["projects"][0]["start"] == expected


def test_no_cell_is_taken_for_a_formula(client):
    """A spreadsheet would run "=...", "+...", "-...", "@..." and cells after a tab or CR as formulas: in CSV they
    begin with an apostrophe; XLSX keeps them exactly, typed as text; JSON exactly."""
    project = make_project(name='=HYPERLINK("http://example.org","x")', acronym="+SUM(1)", summary="-2+3")
    Participation.objects.create(project=project, designation="@SUM(A1)", role=Participation.Role.PARTNER)
    Participation.objects.create(project=project, designation="\tvid en tabb", role=Participation.Role.LEAD)
    _response, content = download(client, "csv")
    headings, [row] = csv_table(content)
    cell = dict(zip(headings, row, strict=True))
    assert cell["Namn"] == '\'=HYPERLINK("http://example.org","x")'
    assert (cell["Förkortning"], cell["Sammanfattning"]) == ("'+SUM(1)", "'-2+3")
    assert cell["Partner och roller"] == "'@SUM(A1) (partner); \tvid en tabb (projektledare)"
    _response, content = download(client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == project.name and sheet["A2"].data_type == "s"
    assert (sheet["B2"].value, sheet["R2"].value) == ("+SUM(1)", "-2+3")
    _response, content = download(client, "json")
    assert json.loads(content)["projects"][0]["name"] == project.name


# XLSX and JSON


def test_xlsx_is_a_workbook_with_the_same_cells(client, little_catalogue):
    response, content = download(client, "xlsx", {"q": "asylsystemet"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    headings, [row] = xlsx_table(content)
    assert headings == SWEDISH_HEADINGS
    cell = dict(zip(headings, row, strict=True))
    assert cell["Uppgifterna bekräftade"] == datetime.datetime(2018, 2, 12)  # a date, as a spreadsheet sorts it
    assert cell["Längd i månader"] == 30
    assert cell["Partner och roller"] == "Alfa byrå (projektledare); Beta verket (partner)"
    assert cell["Slut"] is None  # an empty cell


def test_text_that_xml_cannot_hold_does_not_break_the_workbook(client):
    make_project(name="Med\x0bkontrolltecken", summary="Klocka\x07")
    _response, content = download(client, "xlsx")
    _headings, [row] = xlsx_table(content)
    assert (row[0], row[17]) == ("Medkontrolltecken", "Klocka")


def test_json_holds_facts_and_dates_as_the_catalogue_does(client, little_catalogue):
    response, content = download(client, "json", {"status": "ongoing", "fund": "amif"})
    assert response["Content-Type"] == "application/json"
    document = json.loads(content)
    assert set(document) == {"generated_at", "catalogue_version", "language", "list_url", "count", "projects"}
    assert document["count"] == 3 and document["language"] == "sv"
    assert document["list_url"] == "http://testserver/projekt/?status=ongoing&fund=amif"
    assert isinstance(document["catalogue_version"], int)
    first = document["projects"][0]
    assert first == {
        "slug": "asylstod-i-turkiet",
        "url": "http://testserver/projekt/asylstod-i-turkiet/",
        "name": "Asylstöd i Turkiet",
        "acronym": "AST",
        "status": "ongoing",
        "facts_confirmed_on": "2018-02-12",
        "start": {"date": "2015-09-01", "precision": "season", "text": "hösten 2015"},
        "end": None,
        "duration": {"months": 30, "approximate": True},
        "agency_role": "lead",
        "cooperation_type": "twinning",
        "framework": {"slug": "budapest", "name": "Budapestprocessen"},
        "partners": [
            {"name": "Alfa byrå", "organisation": "alfa", "country": None, "role": "lead"},
            {"name": "Beta verket", "organisation": "beta", "country": None, "role": "partner"},
        ],
        "funds": [{"slug": "amif", "name": "AMIF", "share": "main"}],
        "countries": [{"code": "TR", "name": "Turkiet", "role": "target_country", "place": None}],
        "summary": "Stöd till asylsystemet.",
        "content_changed_on": timezone.localdate().isoformat(),
    }


# Bad input


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("status=nope", "Status"),
        ("partner=ingen", "Partnerorganisation"),
        ("country=QQ&country=SE", "Land"),
        ("sort=x", "Sortera efter"),
        ("year_from=abc", "Aktivt från år"),
        ("year_from=2020&year_to=2010", "Aktivt till år"),
        ("q=" + "x" * 10_000, "Sök"),
        ("country=%00", "Land"),
    ],
)
def test_filters_that_cannot_be_used_are_named_rather_than_left_out(client, query, named):
    """An export with a filter left out would hold other projects than were asked for: it is refused (400), and
    the page names the filter and leads to the list, where it is explained."""
    make_project()
    response = client.get(f"{export_url('csv')}?{query}")
    assert response.status_code == 400
    assert not response.streaming and response["Content-Type"].startswith("text/html")
    assert "Listan kunde inte laddas ner" in response.text and f"<li>{named}: " in response.text
    assert 'href="/projekt/?' in response.text


# What an address may carry that is no filter, or that a filter takes as it is.
IGNORED = [
    "page=99999999999999999999999",
    "page=-1&page=abc",
    "x" * 10_000 + "=1",
    "visa=" + "y" * 10_000,
    "partner=alfa&" * 50,
    "q=%00Pro%1bject",
    "status=ongoing&status=ongoing",
]


@pytest.mark.parametrize("export_format", FORMATS)
def test_what_is_no_filter_is_ignored(client, export_format):
    make_project(partners=[make_organisation(slug="alfa")])
    for query in IGNORED:
        assert len(exported_slugs(client, export_format, query)) == 1, query


def test_other_requests_get_a_clear_answer(client):
    make_project()
    assert client.get("/projekt/export.pdf").status_code == 404
    assert client.get("/projekt/export.CSV").status_code == 404
    assert client.post(export_url("csv")).status_code in (403, 405)
    # More fields than Django reads: the site's page for a bad request, here as everywhere.
    for address in (export_url("json"), reverse("projects:list")):
        response = client.get(f"{address}?{'a=1&' * 1500}")
        assert response.status_code == 400 and "Begäran kunde inte förstås" in response.text


# The list page's links


def test_the_list_links_each_format_with_its_filters_saying_how_many(client, little_catalogue):
    response = client.get(
        reverse("projects:list"), {"status": "ongoing", "page": "1", "visa": "partner", "sort": "x", "fund": "amif"}
    )
    html = response.text
    for export_format, name in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON")):
        link = f'<a href="{export_url(export_format)}?status=ongoing&amp;fund=amif" rel="nofollow">'
        assert f"{link}Ladda ner som {name} (3 projekt)</a>" in html
    with translation.override("en"):
        english = client.get(reverse("projects:list"), {"q": "asylsystemet"}).text
    assert "Download as CSV (1 project)</a>" in english


def test_an_empty_list_offers_no_download(client, little_catalogue):
    html = client.get(reverse("projects:list"), {"partner": "utkast"}).text
    assert "Ladda ner" not in html and "export." not in html


# Queries, caching and long exports


# The catalogue version. A version's first request also builds the catalogue index and reads the filters' options
# (projects/index.py), which each worker then keeps: the tests below ask once before they count.
FIXED_QUERIES = 1
# The projects by id, their participations, fundings and countries.
QUERIES_PER_BATCH = 4


@pytest.mark.parametrize(("count", "batches"), [(3, 1), (20, 1), (25, 3)])
@pytest.mark.parametrize("export_format", FORMATS)
def test_queries_are_a_fixed_set_per_batch_of_projects(
    client, django_assert_num_queries, monkeypatch, export_format, count, batches
):
    """Partners, funds and countries are fetched for a batch at once (no N+1): a batch of 3 or of 20 projects costs
    the same few queries, and each further batch the same again."""
    monkeypatch.setattr(exports, "BATCH_SIZE", 10 if count > 20 else 20)
    make_catalogue(count)
    exported_slugs(client, export_format, {"country": "TR"})
    with django_assert_num_queries(FIXED_QUERIES + QUERIES_PER_BATCH * batches):
        assert len(exported_slugs(client, export_format, {"country": "TR"})) == count


def test_a_head_request_reads_no_projects(client, django_assert_num_queries):
    make_catalogue(3)
    client.head(export_url("csv"))
    with django_assert_num_queries(FIXED_QUERIES):
        response = client.head(export_url("csv"))
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Disposition"].startswith("attachment")


def test_an_unchanged_export_is_not_sent_again(client, little_catalogue):
    response, _content = download(client, "json", {"status": "ongoing"})
    etag = response["ETag"]
    assert etag.startswith('W/"') and response["Cache-Control"].startswith("public, max-age=")
    again = client.get(export_url("json"), {"status": "ongoing"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    other, _content = download(client, "csv", {"status": "ongoing"}, **{"If-None-Match": etag})
    assert other["ETag"] != etag
    project = Project.objects.get(slug="eritrea-atervandande")
    project.acronym = "ERÅ"
    project.save()
    changed, content = download(client, "json", {"status": "ongoing"}, **{"If-None-Match": etag})
    assert changed["ETag"] != etag and b"ER\xc3\x85" in content


def test_a_long_export_reports_its_progress_after_each_batch(client, monkeypatch):
    """gunicorn replaces a worker silent for its timeout: an export says it is still working, batch by batch."""
    reports = []
    monkeypatch.setattr(liveness, "INTERVAL_SECONDS", 0)
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    liveness.report_to(lambda: reports.append(1))
    try:
        make_catalogue(5)
        download(client, "csv")
    finally:
        liveness.report_to(None)
    assert len(reports) == 3
