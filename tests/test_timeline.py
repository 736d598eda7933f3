"""The timeline: the list's projects on a year axis, each end as sharp as it is known, the same facts in a
table and one sentence."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import Project
from projects.periods import Precision
from projects.timeline import Span, bar_of
from tests.factories import make_catalogue, make_fund, make_organisation, make_project
from tests.test_hostile import MARKUP, assert_safe

pytestmark = pytest.mark.django_db

D = datetime.date
TIMELINE = reverse("projects:timeline")


def period(start=None, start_precision=Precision.UNKNOWN, end=None, end_precision=Precision.UNKNOWN, **more):
    return {
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        **more,
    }


def bar_links(html):
    """(address, class) of each bar's link in the SVG, in order."""
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    return re.findall(r'<a href="([^"]+)" class="([^"]+)">', svg)


def table_rows(html):
    """The cells' text of each row of the table's body."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [
        [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def segments(html, slug):
    """The kind, x and width (in per cent) of each part of a project's bar."""
    link = re.search(rf'<a href="/projekt/{slug}/" class="[^"]+">(.*?)</a>', html, re.DOTALL).group(1)
    found = re.findall(r'<rect class="([a-z-]+)" x="([\d.]+)%" width="([\d.]+)%"', link)
    return [(kind, float(x), float(width)) for kind, x, width in found]


@pytest.fixture
def small_catalogue():
    """Five published projects with partners, a fund and periods of every precision, and one unpublished."""
    amif, first, second = make_fund(slug="amif"), make_organisation(slug="unhcr"), make_organisation(slug="easo")
    make_project(name="Alfa", funds=[amif], partners=[first], **period(D(2016, 1, 1), Precision.YEAR))
    make_project(
        name="Beta",
        status=Project.Status.CLOSED,
        partners=[first, second],
        **period(D(2012, 6, 1), Precision.MONTH, D(2014, 3, 1), Precision.MONTH),
    )
    make_project(name="Gamma", funds=[amif])
    make_project(
        name="Delta",
        status=Project.Status.CLOSED,
        partners=[second],
        **period(D(2005, 1, 1), Precision.YEAR, D(2008, 1, 1), Precision.YEAR),
    )
    make_project(name="Epsilon", **period(D(2015, 9, 1), Precision.SEASON, duration_months=24))
    make_project(name="Utkast", is_published=False, funds=[amif], partners=[first], **period(D(2010, 1, 1), "year"))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "closed"},
        {"fund": "amif"},
        {"partner": ["unhcr", "easo"], "partner_mode": "all"},
        {"partner": ["unhcr", "easo"]},
        {"year_from": "2013", "sort": "-start"},
        {"sort": "end"},
        {"q": "Beta"},
    ],
)
def test_the_timeline_shows_the_lists_projects_in_the_lists_order(client, small_catalogue, query):
    listed = client.get(reverse("projects:list"), query)
    response = client.get(TIMELINE, query)
    assert response.status_code == 200
    names = [project.name for project in listed.context["object_list"]]
    assert names and "Utkast" not in names
    assert [row.bar.project.name for row in response.context["timeline"].rows] == names
    assert [row[0] for row in table_rows(response.text)] == names
    addresses = [f"/projekt/{project.slug}/" for project in listed.context["object_list"]]
    assert [address for address, _ in bar_links(response.text)] == addresses
    assert "Utkast" not in response.text


def test_the_timeline_is_paginated_as_the_list_is(client):
    make_catalogue(25)
    listed = client.get(reverse("projects:list"), {"page": "2", "sort": "-name"})
    response = client.get(TIMELINE, {"page": "2", "sort": "-name"})
    shown = [row.bar.project.pk for row in response.context["timeline"].rows]
    assert shown == [project.pk for project in listed.context["object_list"]] and len(shown) == 5
    assert response.context["summary"] == "25 projekt, varav 25 pågående."
    assert 'href="?page=1&amp;sort=-name"' in response.text and "Sida 2 av 2" in response.text


def test_the_list_and_the_timeline_link_to_each_other_with_the_same_filters(client, small_catalogue):
    query = "status=closed&partner=easo&sort=end"
    listed = client.get(f"{reverse('projects:list')}?{query}")
    assert f'href="{TIMELINE}?status=closed&amp;partner=easo&amp;sort=end"' in listed.text
    response = client.get(f"{TIMELINE}?{query}")
    assert 'href="/projekt/?status=closed&amp;partner=easo&amp;sort=end"' in response.text
    assert f'href="{TIMELINE}"' in client.get(reverse("projects:list")).text


def test_a_project_may_be_called_tidslinje(client):
    """The timeline's address is not one a project's slug can take."""
    make_project(name="Tidslinjeprojektet", slug="tidslinje")
    page = client.get(reverse("projects:detail", kwargs={"slug": "tidslinje"}))
    assert page.status_code == 200 and "<h1" in page.text and "Tidslinjeprojektet" in page.text
    assert "timeline" not in page.context
    assert client.get(TIMELINE).context["timeline"].rows[0].bar.project.slug == "tidslinje"


# Each precision: the span of each end that the bar fades over, as moments (a day that ends a period
# ends at the start of the next), or None where it fades to the chart's edge; and how its ends are drawn.
PRECISIONS = [
    pytest.param(
        period(D(2016, 6, 1), Precision.DAY, D(2017, 4, 30), Precision.DAY),
        Span(D(2016, 6, 1), D(2016, 6, 1)),
        Span(D(2017, 5, 1), D(2017, 5, 1)),
        ("sharp", "sharp"),
        id="days",
    ),
    pytest.param(
        period(D(2016, 3, 1), Precision.MONTH, D(2017, 11, 1), Precision.MONTH),
        Span(D(2016, 3, 1), D(2016, 3, 31)),
        Span(D(2017, 11, 2), D(2017, 12, 1)),
        ("fuzzy", "fuzzy"),
        id="months",
    ),
    pytest.param(
        period(D(2015, 9, 1), Precision.SEASON, D(2017, 12, 1), Precision.SEASON),
        Span(D(2015, 9, 1), D(2015, 11, 30)),
        Span(D(2017, 12, 2), D(2018, 3, 1)),
        ("fuzzy", "fuzzy"),
        id="seasons",
    ),
    pytest.param(
        period(D(2015, 1, 1), Precision.YEAR, D(2021, 1, 1), Precision.YEAR),
        Span(D(2015, 1, 1), D(2015, 12, 31)),
        Span(D(2021, 1, 2), D(2022, 1, 1)),
        ("fuzzy", "fuzzy"),
        id="years",
    ),
    pytest.param(
        period(None, Precision.UNKNOWN, D(2013, 4, 1), Precision.MONTH, status=Project.Status.CLOSED),
        Span(None, None),
        Span(D(2013, 4, 2), D(2013, 5, 1)),
        ("open", "fuzzy"),
        id="unknown-start",
    ),
    pytest.param(
        period(D(2014, 2, 1), Precision.DAY, reviewed_on=D(2018, 2, 12)),
        Span(D(2014, 2, 1), D(2014, 2, 1)),
        Span(D(2018, 2, 13), None),
        ("sharp", "open"),
        id="unknown-end-still-running",
    ),
    pytest.param(
        period(D(2016, 3, 1), Precision.SEASON, duration_months=30, duration_is_approximate=True),
        Span(D(2016, 3, 1), D(2016, 5, 31)),
        Span(D(2018, 3, 1), D(2019, 5, 31)),
        ("fuzzy", "fuzzy"),
        id="about-two-and-a-half-years",
    ),
    pytest.param(
        period(D(2016, 6, 1), Precision.DAY, duration_months=24),
        Span(D(2016, 6, 1), D(2016, 6, 1)),
        Span(D(2018, 6, 1), D(2018, 6, 1)),
        ("sharp", "sharp"),
        id="exactly-two-years-from-a-day",
    ),
]


@pytest.mark.parametrize(("fields", "start", "end", "kinds"), PRECISIONS)
def test_each_end_is_drawn_as_sharp_as_it_is_known(client, fields, start, end, kinds):
    project = make_project(slug="p", **fields)
    bar = bar_of(Project.objects.get(pk=project.pk))
    assert (bar.start, bar.end) == (start, end)
    response = client.get(TIMELINE)
    assert bar_links(response.text) == [("/projekt/p/", f"bar start-{kinds[0]} end-{kinds[1]}")]
    timeline = response.context["timeline"]
    left, right = D(timeline.first_year, 1, 1), D(timeline.last_year + 1, 1, 1)

    def x(moment, edge=None):
        return edge if moment is None else (moment - left) / (right - left) * 100

    # A fade runs from its outer bound (or the edge) to its inner one (or, not known, the other end's).
    fades = {
        "fade-in": (x(start.first, 0), x(start.last or end.first)),
        "fade-out": (x(end.first or start.last), x(end.last, 100)),
    }
    parts = {kind: (x0, width) for kind, x0, width in segments(response.text, "p")}
    for kind, (low, high) in fades.items():
        if high == low:
            assert kind not in parts  # a sharp end: no fade, a cap instead
        else:
            assert parts[kind][0] == pytest.approx(low, abs=0.01)
            assert parts[kind][1] == pytest.approx(high - low, abs=0.01)
    assert response.text.count('class="cap"') == kinds.count("sharp")


def test_fades_that_overlap_meet_halfway_and_a_period_not_given_is_not_drawn(client):
    make_project(slug="one-year", **period(D(2016, 1, 1), Precision.YEAR, D(2016, 1, 1), Precision.YEAR))
    make_project(slug="unknown", name="Okänd period")
    response = client.get(TIMELINE)
    parts = segments(response.text, "one-year")
    assert [kind for kind, _, _ in parts] == ["fade-in", "fade-out"]
    assert parts[0][2] == pytest.approx(parts[1][2], abs=0.01)
    assert parts[0][1] + parts[0][2] == pytest.approx(parts[1][1], abs=0.01)
    assert segments(response.text, "unknown") == []
    assert "period inte angiven" in response.text
    assert ("/projekt/unknown/", "bar start-none end-none") in bar_links(response.text)


def test_dates_at_the_ends_of_the_calendar_are_drawn(client):
    make_project(slug="long", **period(D(1, 1, 1), Precision.YEAR, D(9999, 1, 1), Precision.YEAR))
    response = client.get(TIMELINE)
    assert response.status_code == 200
    assert [kind for kind, _, _ in segments(response.text, "long")] == ["fade-in", "core", "fade-out"]


def test_the_table_gives_each_end_as_the_site_writes_it(client):
    make_project(
        name="Kosovo",
        reviewed_on=D(2018, 2, 12),
        **period(D(2016, 3, 1), Precision.SEASON, duration_months=30, duration_is_approximate=True),
    )
    make_project(
        name="Serbien",
        status=Project.Status.CLOSED,
        **period(D(2012, 1, 1), Precision.YEAR, D(2016, 8, 1), Precision.MONTH),
    )
    make_project(name="Turkiet", status=Project.Status.CLOSED, **period(None, end=D(2016, 3, 1), end_precision="month"))
    rows = table_rows(client.get(TIMELINE).text)
    assert rows == [
        # Its latest possible end, May 2019, has passed.
        [
            "Kosovo",
            "våren 2016",
            "anges inte",
            "ca 2,5 år",
            "Pågående (uppgifterna bekräftade 12 februari 2018), men slutet har passerat",
        ],
        ["Serbien", "2012", "augusti 2016", "", "Avslutat"],
        ["Turkiet", "anges inte", "mars 2016", "", "Avslutat"],
    ]
    english = table_rows(client.get("/en" + TIMELINE).text)
    assert english[0] == ["Kosovo", "spring 2016", "not stated", "about 2.5 years", english[0][4]]
    assert english[0][4].startswith("Ongoing")


@pytest.fixture
def three_projects():
    make_project(name="A", **period(D(2009, 1, 1), Precision.YEAR, D(2012, 1, 1), Precision.YEAR))
    make_project(
        name="B",
        status=Project.Status.CLOSED,
        **period(D(2014, 1, 1), Precision.YEAR, D(2019, 1, 1), Precision.YEAR),
    )
    make_project(name="C", **period(D(2015, 9, 1), Precision.SEASON, duration_months=24))


@pytest.mark.parametrize(
    ("language", "query", "sentence"),
    [
        ("sv", "", "3 projekt mellan 2009 och 2019, varav 2 pågående."),
        ("en", "", "3 projects between 2009 and 2019, 2 of them ongoing."),
        ("sv", "?status=closed", "1 projekt mellan 2014 och 2019, avslutat."),
        ("en", "?status=ongoing&year_to=2010", "1 project between 2009 and 2012, ongoing."),
        ("sv", "?q=zzzz", "Inga projekt matchar filtren."),
    ],
)
def test_the_summary_says_it_in_one_sentence(client, three_projects, language, query, sentence):
    prefix = "/en" if language == "en" else ""
    response = client.get(f"{prefix}{TIMELINE}{query}")
    assert f'<p class="lead" id="timeline-summary">{sentence}</p>' in response.text
    assert ("<svg" in response.text) == ("zzzz" not in query)


def test_the_summary_of_one_year(client):
    make_project(status=Project.Status.CLOSED, **period(D(2016, 2, 1), Precision.DAY, D(2016, 9, 30), Precision.DAY))
    with translation.override("sv"):
        assert client.get(TIMELINE).context["summary"] == "1 projekt under 2016, avslutat."


def test_the_page_has_no_script_and_no_inline_style(client, three_projects):
    response = client.get(TIMELINE)
    assert "Content-Security-Policy" in response.headers
    assert "<script" not in response.text and "style=" not in response.text and "<style" not in response.text
    assert 'role="group" aria-labelledby="timeline-title" aria-describedby="timeline-desc"' in response.text


HOSTILE = [
    "page=99999999999999999999999999",
    "page=-1",
    "page=%00",
    "page=1e9",
    "q=%00",
    "q=" + "a" * 10_000,
    "q=" + MARKUP,
    "partner=" + "x" * 10_000,
    "partner=" + MARKUP,
    "country=%00",
    "status=maybe",
    "sort=password",
    "sort=-start,name,__class__",
    "year_from=99999999999999999999999",
    "year_from=2020&year_to=2010",
    "year_to=abc&year_from=%00",
    "%00=%00",
    "%",
    "&&&=&==",
    "q[]=x&q[]=y",
    "&".join(["partner=unhcr"] * 500),
]


def test_bad_input_never_gives_a_server_error(client, small_catalogue):
    for query in HOSTILE:
        for prefix in ("", "/en"):
            response = client.get(f"{prefix}{TIMELINE}?{query}")
            assert_safe(response)
            assert response.status_code == 200, query
            assert 'id="timeline-summary"' in response.text, query
            assert ("<table" in response.text) == bool(response.context["paginator"].count), query


def test_the_timeline_keeps_its_query_count_whatever_the_number_of_rows(client, django_assert_max_num_queries):
    """No query per bar or row: the period's columns, the derived bounds and the status's are fetched with the
    page. The eleven: the catalogue version, the catalogue index (four), the filters' options (four), the page's
    projects and the feedback block's texts."""
    counts = []
    for rows in (2, 20):
        Project.objects.all().delete()
        for number in range(rows):
            make_project(
                reviewed_on=D(2018, 2, 12),
                **period(
                    D(2010 + number % 5, 3, 1), Precision.SEASON, duration_months=30, duration_is_approximate=True
                ),
            )
        with django_assert_max_num_queries(11) as captured:
            response = client.get(TIMELINE, {"status": "ongoing", "sort": "start"})
        assert len(response.context["timeline"].rows) == rows
        counts.append(len(captured))
    assert counts[0] == counts[1]
