"""Database constraints: what must never be false is refused by the database itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Document, Funding, Participation, ProjectCountry, ProjectRelation
from projects.periods import Precision
from tests.factories import make_country, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_end_before_start_is_refused_by_the_database():
    refused(
        lambda: make_project(
            start_date=datetime.date(2016, 1, 1),
            start_precision=Precision.YEAR,
            end_date=datetime.date(2015, 1, 1),
            end_precision=Precision.YEAR,
        )
    )


def test_end_in_same_unit_as_start_is_allowed():
    project = make_project(
        start_date=datetime.date(2016, 3, 1),
        start_precision=Precision.MONTH,
        end_date=datetime.date(2016, 3, 1),
        end_precision=Precision.MONTH,
    )
    assert project.pk


@pytest.mark.parametrize(
    ("date", "precision"),
    [(datetime.date(2016, 1, 1), Precision.UNKNOWN), (None, Precision.YEAR)],
    ids=["date-without-precision", "precision-without-date"],
)
def test_start_precision_must_match_date(date, precision):
    refused(lambda: make_project(start_date=date, start_precision=precision))


def test_end_precision_must_match_date():
    refused(lambda: make_project(end_date=None, end_precision=Precision.MONTH))


def test_approximate_duration_needs_months():
    refused(lambda: make_project(duration_is_approximate=True, duration_months=None))


def test_unknown_status_is_refused():
    refused(lambda: make_project(status="maybe"))


def test_participation_must_name_someone():
    project = make_project()
    refused(lambda: Participation.objects.create(project=project, role=Participation.Role.PARTNER))


def test_organisation_takes_part_once_per_project():
    organisation = make_organisation()
    project = make_project(partners=[organisation])
    refused(
        lambda: Participation.objects.create(project=project, organisation=organisation, role=Participation.Role.LEAD)
    )


def test_country_as_partner_takes_part_once_per_project():
    project = make_project()
    belgium = make_country("BE")
    Participation.objects.create(project=project, country=belgium, role=Participation.Role.PARTNER)
    refused(lambda: Participation.objects.create(project=project, country=belgium, role=Participation.Role.LEAD))


def test_fund_listed_once_per_project():
    fund = make_fund()
    project = make_project(funds=[fund])
    refused(lambda: Funding.objects.create(project=project, fund=fund, share=Funding.Share.CO_FINANCING))


def test_country_role_listed_once():
    project = make_project()
    country = make_country("AF")
    ProjectCountry.objects.create(project=project, country=country, role=ProjectCountry.Role.POSTING_LOCATION)
    refused(
        lambda: ProjectCountry.objects.create(
            project=project, country=country, role=ProjectCountry.Role.POSTING_LOCATION
        )
    )


def test_relation_names_exactly_one_other_side():
    project, other = make_project(), make_project()
    kind = ProjectRelation.Kind.CONTINUES
    refused(lambda: ProjectRelation.objects.create(project=project, kind=kind))
    refused(
        lambda: ProjectRelation.objects.create(project=project, kind=kind, related_project=other, external_name="X")
    )


def test_project_cannot_relate_to_itself():
    project = make_project()
    refused(lambda: ProjectRelation.objects.create(project=project, kind="continues", related_project=project))


def test_document_has_address_or_file_not_both():
    project = make_project()
    refused(
        lambda: Document.objects.create(
            project=project, title="T", kind="report", url="https://example.org/", file="x.pdf"
        )
    )


def test_document_without_address_is_allowed():
    """A document the source names without an address is kept with an empty URL."""
    document = Document.objects.create(project=make_project(), title="Nyhetsbrev", kind="newsletter")
    assert document.href == ""


def test_clean_stores_first_day_of_the_unit():
    project = make_project()
    project.start_date, project.start_precision = datetime.date(2015, 10, 17), Precision.SEASON
    project.end_date, project.end_precision = datetime.date(2016, 3, 31), Precision.MONTH
    project.full_clean()
    assert project.start_date == datetime.date(2015, 9, 1)
    assert project.end_date == datetime.date(2016, 3, 1)


def test_full_clean_reports_end_before_start():
    project = make_project()
    project.start_date, project.start_precision = datetime.date(2016, 1, 1), Precision.YEAR
    project.end_date, project.end_precision = datetime.date(2015, 1, 1), Precision.YEAR
    with pytest.raises(ValidationError):
        project.full_clean()


def test_country_names_in_swedish_and_english():
    kosovo, britain = make_country("XK"), make_country("GB")
    assert (kosovo.name_sv, kosovo.name_en) == ("Kosovo", "Kosovo")
    assert (britain.name_sv, britain.name_en) == ("Storbritannien", "United Kingdom")


def test_published_queryset_hides_drafts():
    shown, hidden = make_project(), make_project(is_published=False)
    published = set(type(shown).objects.published())
    assert shown in published and hidden not in published


def test_a_save_on_top_of_a_version_it_never_saw_is_refused():
    """Two copies read at the same version: the first save wins, the second changes nothing."""
    first = make_project(summary="Original.")
    second = type(first).objects.get(pk=first.pk)
    first.summary = "First."
    first.save()
    second.summary = "Second."
    with pytest.raises(type(first).VersionConflict):
        second.save()
    first.refresh_from_db()
    assert (first.summary, first.version) == ("First.", 2)


def test_every_save_is_a_new_version_with_the_period_bounds_derived():
    project = make_project(start_date=datetime.date(2015, 9, 1), start_precision=Precision.SEASON, duration_months=24)
    assert (project.version, project.earliest_start, project.latest_end) == (
        1,
        datetime.date(2015, 9, 1),
        datetime.date(2017, 11, 29),
    )
    project.duration_months = 12
    project.save()
    project.refresh_from_db()
    assert (project.version, project.latest_end) == (2, datetime.date(2016, 11, 29))
