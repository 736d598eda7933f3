"""The read-only JSON API (api/): its answers, the project list's filters as the website's list has them,
caching, CORS, the rate limit, problem bodies for every bad request, and its documentation."""

import datetime
import json

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from projects.models import CatalogueVersion, Framework, Project, ProjectCountry, ProjectRelation
from projects.periods import Precision
from tests.factories import make_catalogue, make_country, make_document, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROBLEM = "application/problem+json"


def get(client, path, query=None, **headers):
    return client.get(f"{API}{path}", query, headers=headers)


def answer_of(response, status=200):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def problem_of(response, status=400):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["type"].startswith("http://testserver/api/#problem-")
    assert response["Access-Control-Allow-Origin"] == "*"
    return problem


def slugs(answer):
    return [item["slug"] for item in answer["results"]]


# Projects


def test_the_project_list_gives_published_projects_a_page_at_a_time(client, django_assert_max_num_queries):
    """The version, the catalogue index (built once per version), and one query for the page's projects."""
    for name in ("Alfa", "Beta", "Gamma"):
        make_project(name=name, slug=name.lower())
    make_project(name="Utkast", slug="utkast", is_published=False)
    answer = answer_of(get(client, "/projects", {"page_size": 2}))
    assert (answer["count"], answer["pages"], slugs(answer)) == (3, 2, ["alfa", "beta"])
    assert answer["previous"] is None and answer["next"] == "http://testserver/api/v1/projects?page_size=2&page=2"
    with django_assert_max_num_queries(3):
        second = answer_of(client.get(answer["next"]))
    assert slugs(second) == ["gamma"] and second["next"] is None and second["previous"].endswith("page=1")
    item = second["results"][0]
    assert item["url"] == "http://testserver/api/v1/projects/gamma"
    assert item["page"] == "http://testserver/projekt/gamma/"
    assert item["name"] == {"sv": "Gamma", "en": None}


@pytest.mark.parametrize("count", [3, 30])
def test_the_project_list_costs_the_same_queries_whatever_its_length(client, django_assert_max_num_queries, count):
    """No relation of a listed project is fetched row by row: the version, the catalogue index (built by this first
    request in four queries), the filters' options (four), the page's projects."""
    make_catalogue(count)
    with django_assert_max_num_queries(10):
        answer = answer_of(get(client, "/projects", {"country": "TR", "fund": "amif-x", "page_size": 100}))
    assert answer["count"] == count


FILTERS = [
    {},
    {"status": "ongoing"},
    {"status": "closed", "sort": "-end"},
    {"fund": "amif"},
    {"partner": ["unhcr", "easo"], "partner_mode": "all"},
    {"partner": ["unhcr", "easo"]},
    {"country": ["TR", "RS"]},
    {"year_from": 2016, "year_to": 2018, "sort": "start"},
    {"q": "asyl"},
    {"past_end": "hide", "sort": "-updated"},
    {"cooperation_type": "twinning", "sort": "-name"},
    {"framework": "budapestprocessen"},
]


def test_the_project_list_gives_what_the_website_list_gives_in_its_order(client, catalogue):
    """The same filter set, the same parameters: the same projects in the same order, for every combination."""
    for query in FILTERS:
        website = client.get(reverse("projects:list"), query)
        expected = [project.slug for project in website.context["page_obj"].object_list]
        assert expected or query.get("past_end"), query  # the combinations find something
        answer = answer_of(get(client, "/projects", {**query, "page_size": 100}))
        assert slugs(answer) == expected, query
        assert answer["count"] == website.context["result_count"], query


def test_a_project_says_its_period_as_precisely_as_it_is_known(client):
    """Dates are the first day of their unit with that unit; a length given instead of an end stays a length."""
    make_project(
        slug="hosten",
        status=Project.Status.ONGOING,
        start_date=datetime.date(2015, 9, 1),
        start_precision=Precision.SEASON,
        duration_months=30,
        duration_is_approximate=True,
        duration_text="ca 2,5 år",
        period_note="Enligt källan.",
        reviewed_on=datetime.date(2018, 2, 12),
    )
    answer = answer_of(get(client, "/projects/hosten"))
    assert answer["period"] == {
        "start": {"date": "2015-09-01", "precision": "season"},
        "end": {"date": None, "precision": "unknown"},
        "duration": {"months": 30, "is_approximate": True, "as_written": "ca 2,5 år"},
        "note": "Enligt källan.",
        "bounds": {
            "earliest_start": "2015-09-01",
            "latest_start": "2015-11-30",
            "earliest_end": "2017-08-31",
            "latest_end": "2018-11-29",  # from the latest start, for 30 months and a fifth
        },
    }
    assert answer["status"] == "ongoing" and answer["status_confirmed_on"] == "2018-02-12"
    assert answer["ongoing_past_end"] is True


def test_a_project_gives_everything_connected_to_it_and_nothing_unpublished(client):
    unhcr = make_organisation(name="UNHCR", slug="unhcr", country=make_country("CH"))
    amif = make_fund(name="AMIF", slug="amif")
    part = make_fund(name="AMIF särskilda", slug="amif-sarskilda", parent=amif)
    project = make_project(
        slug="pp7",
        name="PP7",
        name_en="PP7 in English",
        partners=[unhcr],
        funds=[part],
        start_date=datetime.date(2016, 6, 1),
        start_precision=Precision.DAY,
        end_date=datetime.date(2019, 1, 1),
        end_precision=Precision.YEAR,
        editor_note="Hemlig anteckning",
    )
    ProjectCountry.objects.create(project=project, country=make_country("TR"), role=ProjectCountry.Role.TARGET_COUNTRY)
    earlier = make_project(slug="pp4", name="PP4", status=Project.Status.CLOSED, period_note="Okänt slut.")
    draft = make_project(slug="utkast", is_published=False)
    ProjectRelation.objects.create(project=project, kind=ProjectRelation.Kind.CONTINUES, related_project=earlier)
    ProjectRelation.objects.create(project=project, kind=ProjectRelation.Kind.BUILDS_ON, related_project=draft)
    ProjectRelation.objects.create(project=draft, kind=ProjectRelation.Kind.SUCCEEDED_BY, related_project=project)
    make_document(project, title="Rapport", url="https://example.org/r.pdf", is_external=True)
    answer = answer_of(get(client, "/projects/pp7"))
    assert answer["name"] == {"sv": "PP7", "en": "PP7 in English"}
    assert answer["period"]["end"] == {"date": "2019-01-01", "precision": "year"}
    (participant,) = answer["participants"]
    assert participant["organisation"]["slug"] == "unhcr" and participant["role"] == "partner"
    assert answer["funding"][0]["fund"] == {
        "slug": "amif-sarskilda",
        "url": "http://testserver/api/v1/funds/amif-sarskilda",
        "name": {"sv": "AMIF särskilda", "en": None},
        "acronym": "",
        "parent": "amif",
    }
    assert answer["countries"][0]["country"]["code"] == "TR" and answer["countries"][0]["role"] == "target_country"
    assert [relation["project"]["slug"] for relation in answer["relations"]] == ["pp4"]
    assert answer["inverse_relations"] == []
    assert answer["documents"][0]["url"] == "https://example.org/r.pdf"
    assert "Hemlig" not in json.dumps(answer)
    assert answer_of(get(client, "/projects/pp4"))["inverse_relations"][0]["project"]["slug"] == "pp7"
    assert problem_of(get(client, "/projects/utkast"), 404)["instance"] == "/api/v1/projects/utkast"


@pytest.mark.parametrize("count", [3, 30])
def test_a_project_costs_the_same_queries_whatever_is_connected(client, django_assert_max_num_queries, count):
    """The version, the project, then participants, funding, countries, relations both ways and documents, each
    one query."""
    make_catalogue(count)
    slug = Project.objects.order_by("-pk").values_list("slug", flat=True)[1]
    with django_assert_max_num_queries(8):
        answer = answer_of(get(client, f"/projects/{slug}"))
    assert len(answer["relations"]) == len(answer["inverse_relations"]) == 1


# Organisations, funds, countries, frameworks


def test_organisations_funds_countries_and_frameworks_count_published_projects_only(
    client, django_assert_max_num_queries
):
    """Counted as the project list counts them, from the catalogue index (built by the first request in four
    queries); a list is the version, its count and its page (a fund's parts one more), whatever its length."""
    sweden = make_country("SE")
    agency = make_organisation(name="Myndigheten", slug="myndigheten", country=sweden)
    amif = make_fund(name="AMIF", slug="amif")
    part = make_fund(name="AMIF särskilda", slug="amif-sarskilda", parent=amif)
    process = Framework.objects.create(name="Processen", slug="processen")
    shown = make_project(slug="synlig", partners=[agency], funds=[part], framework=process)
    hidden = make_project(slug="dold", partners=[agency], funds=[amif], framework=process, is_published=False)
    for project in (shown, hidden):
        ProjectCountry.objects.create(project=project, country=sweden, role=ProjectCountry.Role.PARTNER_COUNTRY)
    for path, key in (("/organisations", "myndigheten"), ("/funds", "amif"), ("/frameworks", "processen")):
        with django_assert_max_num_queries(7):
            answer = answer_of(get(client, path))
        (row,) = [item for item in answer["results"] if item.get("slug") == key]
        assert row["project_count"] == 1, path
        detail = answer_of(get(client, f"{path}/{key}"))
        assert "dold" not in json.dumps(detail) and "synlig" in json.dumps(detail), path
    assert answer_of(get(client, "/funds/amif"))["parts"] == ["amif-sarskilda"]
    assert answer_of(get(client, "/funds/amif"))["projects"][0]["fund"] == "amif-sarskilda"
    country = answer_of(get(client, "/countries/SE"))
    assert country["name"] == {"sv": "Sverige", "en": "Sweden"} and country["project_count"] == 1
    assert [row["project"]["slug"] for row in country["projects"]] == ["synlig"]
    assert country["organisations"][0]["slug"] == "myndigheten"
    assert answer_of(get(client, "/countries"))["results"][0]["code"] == "SE"
    problem_of(get(client, "/organisations/finns-inte"), 404)
    problem_of(get(client, "/countries/ZZ"), 404)


# Caching


def test_a_matching_etag_is_a_304_after_reading_the_version_alone(client, django_assert_num_queries):
    make_project(slug="alfa")
    first = get(client, "/projects/alfa")
    assert first["Cache-Control"].startswith("public, max-age=") and "Accept-Language" in first["Vary"]
    with django_assert_num_queries(1):
        again = get(client, "/projects/alfa", If_None_Match=first["ETag"])
    assert again.status_code == 304 and not again.content and again["ETag"] == first["ETag"]
    assert get(client, "/projects", If_None_Match=first["ETag"]).status_code == 200  # another address
    Project.objects.get(slug="alfa").save()  # the catalogue moves on
    changed = get(client, "/projects/alfa", If_None_Match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_if_modified_since_is_a_304_until_the_catalogue_changes(client):
    make_project(slug="alfa")
    first = get(client, "/projects")
    assert get(client, "/projects", If_Modified_Since=first["Last-Modified"]).status_code == 304
    assert get(client, "/projects", If_Modified_Since=http_date(0)).status_code == 200
    # A condition is no answer to an address that would not answer 200.
    assert get(client, "/projects/finns-inte", If_Modified_Since=first["Last-Modified"]).status_code == 404
    assert get(client, "/projects/finns-inte", If_None_Match="*").status_code == 404


def test_head_answers_as_get_without_a_body(client):
    make_project(slug="alfa")
    response = client.head(f"{API}/projects/alfa")
    assert response.status_code == 200 and response.content == b""
    assert int(response["Content-Length"]) == len(get(client, "/projects/alfa").content)
    assert response["ETag"]


def test_the_page_cache_and_the_sites_cache_rules_leave_the_api_alone(client, settings):
    """No page cache, no CSRF for a read-only API, and its own Cache-Control."""
    settings.PAGE_CACHE = True
    make_project(slug="alfa")
    first, second = get(client, "/projects"), get(client, "/projects")
    assert first["ETag"] == second["ETag"] and second["Cache-Control"] == first["Cache-Control"]
    assert "csrftoken" not in second.cookies
    csrf_checked = Client(enforce_csrf_checks=True)
    assert problem_of(csrf_checked.post(f"{API}/projects"), 405)["type"].endswith("#problem-method-not-allowed")


# CORS


def test_any_origin_may_read_the_api_without_credentials(client):
    make_project(slug="alfa")
    response = get(client, "/projects/alfa", Origin="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        f"{API}/projects",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match, X-Secret",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert preflight["Access-Control-Allow-Headers"] == "if-none-match"
    refused = client.options(
        f"{API}/projects", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"}
    )
    problem_of(refused, 405)
    problem_of(client.options(f"{API}/finns-inte"), 404)


# The rate limit


def test_a_client_over_the_rate_limit_is_told_when_to_try_again(client, settings):
    settings.API_RATE_LIMIT, settings.API_RATE_LIMIT_WINDOW = 2, 60
    for _ in range(2):
        assert get(client, "/countries").status_code == 200
    refused = get(client, "/countries")
    problem = problem_of(refused, 429)
    assert problem["type"].endswith("#problem-too-many-requests")
    assert refused["Retry-After"] == "60"  # the clock stands still at a window's start (conftest.py)
    assert Client(REMOTE_ADDR="198.51.100.9").get(f"{API}/countries").status_code == 200  # counted on its own
    settings.API_RATE_LIMIT = 0
    assert get(client, "/countries").status_code == 200


# Bad input


BAD_QUERIES = [
    ("/projects", "partner=finns-inte", "partner"),
    ("/projects", "country=ZZ", "country"),
    ("/projects", "country=se", "country"),
    ("/projects", "status=paused", "status"),
    ("/projects", "sort=popularity", "sort"),
    ("/projects", "partner_mode=some", "partner_mode"),
    ("/projects", "year_from=abc", "year_from"),
    ("/projects", "year_from=1800", "year_from"),
    ("/projects", "year_from=2020&year_to=2010", "year_to"),
    ("/projects", "page=0", "page"),
    ("/projects", "page=2", "page"),
    ("/projects", "page=99999999999999999999999999", "page"),
    ("/projects", "page=" + "9" * 10_240, "page"),
    ("/projects", "page_size=101", "page_size"),
    ("/projects", "page=1&page=2", "page"),
    ("/projects", "q=a%00b", "q"),
    ("/projects", "partner=a%00b", "partner"),
    ("/projects", "q=" + "a" * 10_240, "q"),
    ("/projects", "partner=" + "a" * 10_240, "partner"),
    ("/projects", "&".join(f"partner=p{number}" for number in range(21)), "partner"),
    ("/projects", "contry=SE", "contry"),
    ("/organisations", "page=5", "page"),
    ("/organisations", "q=unhcr", "q"),
    ("/projects/alfa", "fields=name", "fields"),
    ("/projects/a%00b", "", "slug"),
    ("/projects/" + "a" * 10_240, "", "slug"),
    ("/countries/sverige", "", "code"),
]


@pytest.mark.parametrize(
    ("path", "query", "parameter"), BAD_QUERIES, ids=[f"{path[:20]}?{query[:30]}" for path, query, _ in BAD_QUERIES]
)
def test_bad_input_is_a_400_problem_naming_the_parameter(client, path, query, parameter):
    make_project(slug="alfa")
    problem = problem_of(client.get(f"{API}{path}?{query}" if query else f"{API}{path}"), 400)
    assert problem["parameter"] == parameter
    assert problem["errors"][0]["parameter"] == parameter
    assert len(json.dumps(problem)) < 2_000  # a long value is not repeated in full
    assert "\\u0000" not in json.dumps(problem)


@pytest.mark.parametrize("control", ["", "%00"])
def test_more_parameters_than_django_reads_is_a_400_problem(client, control):
    query = "&".join(f"p{number}=1{control}" for number in range(1_001))
    problem_of(client.get(f"{API}/projects?{query}"), 400)


def test_problems_are_in_the_language_asked_for(client):
    swedish = problem_of(get(client, "/projects", {"status": "paused"}))
    english = problem_of(get(client, "/projects", {"status": "paused"}, Accept_Language="en-GB,en;q=0.8"))
    assert swedish["type"] == english["type"] and swedish["title"] != english["title"]
    assert english["title"] == "A parameter has a value the API does not accept"
    assert get(client, "/projects", {"status": "paused"}, Accept_Language="en")["Content-Language"] == "en"


@pytest.mark.parametrize(("method", "path", "status"), [("get", "/finns-inte", 404), ("delete", "/projects", 405)])
def test_addresses_and_methods_the_api_does_not_have_are_problems(client, method, path, status):
    response = getattr(client, method)(f"{API}{path}")
    problem_of(response, status)
    if status == 405:
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_database_that_does_not_answer_is_a_503_problem_with_retry_after(monkeypatch):
    def unreachable(request):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(CatalogueVersion.objects, "changed_for_request", unreachable)
    response = Client(raise_request_exception=False).get(f"{API}/projects")
    assert problem_of(response, 503)["type"].endswith("#problem-unavailable")
    assert response["Retry-After"] == "30"


# The OpenAPI document and the documentation page


def test_the_openapi_document_is_valid_openapi_3_1_and_says_what_the_api_answers(client):
    from openapi_spec_validator import validate

    document = answer_of(client.get(f"{API}/openapi.json"))
    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = [operation for path in document["paths"].values() for operation in path.values()]
    assert len(operations) == 10
    for operation in operations:
        responses = operation["responses"]
        assert {"200", "304", "400", "429"} <= set(responses)
        assert list(responses["400"]["content"]) == [PROBLEM]
        assert responses["200"]["headers"]["ETag"]["required"] is True
    listing = document["paths"]["/api/v1/projects"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert names == {"page", "page_size", "q", "status", "past_end", "partner", "partner_mode", "fund", "country"} | {
        "cooperation_type",
        "framework",
        "year_from",
        "year_to",
        "sort",
    }


def test_the_documentation_page_has_no_script_and_keeps_the_strict_policy(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in response.text and "style=" not in response.text
    for operation in ("listProjects", "getProject", "getCountry", "listFrameworks"):
        assert f'id="{operation}"' in response.text
    assert 'id="problem-invalid-parameter"' in response.text and 'id="type-ProjectDetail"' in response.text
    assert "Projekt med något av de här statusarna." in response.text  # a parameter, in Swedish
    assert "<code>season</code> (årstid)" in response.text  # a code with its label
    english = client.get("/en/api/")
    assert "Projects with any of these statuses." in english.text and "(season)" in english.text
