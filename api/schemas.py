"""What the API answers with, and what its project list takes: the OpenAPI document is made from these.

Every description is English, the OpenAPI document's language, and marked (`N_`) so that the
documentation page (api/docs.py) shows it in Swedish too. Codes are the catalogue's own
(`Project.Status`, `Precision`...): the documentation page lists each with its label.
"""

import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext_noop as N_
from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from portal.languages import Language
from projects.filters import MAX_CHOSEN, ProjectFilterForm, SortFilter
from projects.models import (
    Document,
    Fund,
    Funding,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
    ProjectRelation,
)
from projects.periods import Precision

# The most items a page of a list holds, and how many it holds unless asked.
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def codes(choices):
    """The codes of a TextChoices class, as a Literal type (an `enum` in the OpenAPI document)."""
    return Literal[tuple(choices.values)]


# The code types, and the choices each comes from (api/docs.py shows the labels).
StatusCode = codes(Project.Status)
CooperationTypeCode = codes(Project.CooperationType)
PrecisionCode = codes(Precision)
RoleCode = codes(Participation.Role)
ShareCode = codes(Funding.Share)
CountryRoleCode = codes(ProjectCountry.Role)
RelationKindCode = codes(ProjectRelation.Kind)
CertaintyCode = codes(ProjectRelation.Certainty)
DocumentKindCode = codes(Document.Kind)
OrganisationKindCode = codes(Organisation.Kind)
FundKindCode = codes(Fund.Kind)
LanguageCode = codes(Language)
CODE_CHOICES = (
    Project.Status,
    Project.CooperationType,
    Precision,
    Participation.Role,
    Funding.Share,
    ProjectCountry.Role,
    ProjectRelation.Kind,
    ProjectRelation.Certainty,
    Document.Kind,
    Organisation.Kind,
    Fund.Kind,
    Language,
)


def described(description):
    """A schema's description in the OpenAPI document (a docstring would be one too, but not translatable)."""
    return ConfigDict(json_schema_extra={"description": description})


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
SORTS = tuple(SortFilter.LABELS)


class Text(Schema):
    model_config = described(N_("A text editors give in Swedish and, where they have, in English."))

    sv: str = Field(description=N_("The text in Swedish."))
    en: str | None = Field(description=N_("The text in English; null where no English text is given."))


# References from one thing to another: enough to name it, and its address in the API.


class ProjectReference(Schema):
    slug: str = Field(description=N_("The project's identifier."))
    url: str = Field(description=N_("The project in the API."))
    name: Text
    status: StatusCode = Field(description=N_("Whether the project is ongoing or closed."))


class OrganisationReference(Schema):
    slug: str = Field(description=N_("The organisation's identifier."))
    url: str = Field(description=N_("The organisation in the API."))
    name: Text
    acronym: str = Field(description=N_("The organisation's acronym; empty where it has none."))


class FundReference(Schema):
    slug: str = Field(description=N_("The fund's identifier."))
    url: str = Field(description=N_("The fund in the API."))
    name: Text
    acronym: str = Field(description=N_("The fund's acronym; empty where it has none."))
    parent: str | None = Field(description=N_("For a part of a fund: the identifier of the fund it belongs to."))


class CountryReference(Schema):
    code: str = Field(description=N_("The country's ISO 3166-1 alpha-2 code (Kosovo is XK)."))
    url: str = Field(description=N_("The country in the API."))
    name: Text


class FrameworkReference(Schema):
    slug: str = Field(description=N_("The framework's identifier."))
    url: str = Field(description=N_("The framework in the API."))
    name: Text


# A project's period, as precisely as it is known.


class PeriodPoint(Schema):
    model_config = described(
        N_(
            "A start or an end as the catalogue holds it: the first day of the day, month, season or year it is "
            'known to, and which of them. "Autumn 2015" is 2015-09-01 with precision season; no day is given that '
            "is not known."
        )
    )

    date: datetime.date | None = Field(
        description=N_("The first day of the day, month, season or year the date is known to; null when unknown.")
    )
    precision: PrecisionCode = Field(description=N_("How precisely the date is known."))


class Duration(Schema):
    model_config = described(N_('A length stated instead of an end ("two years", "about 2.5 years").'))

    months: int = Field(description=N_("The length in months."))
    is_approximate: bool = Field(description=N_("Whether the length is stated as approximate."))
    as_written: str = Field(description=N_("The length in the words it was stated in; may be empty."))


class PeriodBounds(Schema):
    model_config = described(N_("The days the period may have begun and ended on, given how precisely it is known."))

    earliest_start: datetime.date | None = Field(description=N_("The first day the project may have begun on."))
    latest_start: datetime.date | None = Field(description=N_("The last day the project may have begun on."))
    earliest_end: datetime.date | None = Field(description=N_("The first day the project may have ended on."))
    latest_end: datetime.date | None = Field(
        description=N_("The last day the project may have run to; null when it may still be running.")
    )


class Period(Schema):
    start: PeriodPoint
    end: PeriodPoint
    duration: Duration | None = Field(description=N_("The length, where one is stated; else null."))
    note: str = Field(description=N_("A note on the period, in Swedish; may be empty."))
    bounds: PeriodBounds


# Projects


class ProjectSummary(Schema):
    slug: str = Field(description=N_("The project's identifier."))
    url: str = Field(description=N_("The project in the API."))
    page: str = Field(description=N_("The project's page on the website."))
    name: Text
    acronym: str = Field(description=N_("The project's acronym; empty where it has none."))
    summary: Text
    status: StatusCode = Field(description=N_("Whether the project is ongoing or closed."))
    status_confirmed_on: datetime.date | None = Field(
        description=N_("The day an editor last confirmed the project's facts, its status among them.")
    )
    ongoing_past_end: bool = Field(
        description=N_(
            "Whether the project is called ongoing although even its latest possible end has passed since its "
            "facts were confirmed."
        )
    )
    cooperation_type: CooperationTypeCode | None = Field(description=N_("The type of cooperation, where stated."))
    period: Period
    content_changed_on: datetime.date = Field(description=N_("The day the project's content last changed."))


class Participant(Schema):
    model_config = described(
        N_("An organisation, or a country named as a partner, taking part in the project in a role.")
    )

    organisation: OrganisationReference | None = Field(
        description=N_("The organisation; null for a partner named otherwise.")
    )
    country: CountryReference | None = Field(description=N_("The country, where a partner is named by its country."))
    designation: str = Field(description=N_("The partner as it is named, where no organisation is."))
    role: RoleCode = Field(description=N_("The participant's role."))
    note: str = Field(description=N_("A note on the participation, in Swedish; may be empty."))


class ProjectFunding(Schema):
    fund: FundReference
    share: ShareCode = Field(description=N_("The fund's share of the funding."))
    note: str = Field(description=N_("A note on the funding, in Swedish; may be empty."))


class ProjectCountryRole(Schema):
    country: CountryReference
    role: CountryRoleCode = Field(description=N_("What the country was to the project."))
    place: str = Field(description=N_("A place in the country, such as a city; may be empty."))
    note: str = Field(description=N_("A note, in Swedish; may be empty."))


class Relation(Schema):
    model_config = described(N_('This project\'s relation to another: "continues", "is succeeded by"...'))

    kind: RelationKindCode = Field(description=N_("How this project relates to the other."))
    certainty: CertaintyCode = Field(description=N_("How certain the relation is."))
    project: ProjectReference | None = Field(description=N_("The other project; null for one outside the catalogue."))
    external_name: str = Field(description=N_("The name of the other project where it is outside the catalogue."))
    note: str = Field(description=N_("A note, in Swedish; may be empty."))


class InverseRelation(Schema):
    model_config = described(N_("Another project's relation to this one: in `kind`, the other project is the subject."))

    kind: RelationKindCode = Field(description=N_("How the other project relates to this one."))
    certainty: CertaintyCode = Field(description=N_("How certain the relation is."))
    project: ProjectReference
    note: str = Field(description=N_("A note, in Swedish; may be empty."))


class ProjectDocument(Schema):
    title: str = Field(description=N_("The document's or the link's title."))
    kind: DocumentKindCode = Field(description=N_("The kind of document."))
    file_format: str = Field(description=N_("The file format, such as PDF; may be empty."))
    language: LanguageCode | None = Field(description=N_("The document's language, where known."))
    url: str | None = Field(description=N_("The document's address; null where none is known."))
    is_external: bool = Field(description=N_("Whether the address leads to another website."))


class ProjectDetail(ProjectSummary):
    official_title: str = Field(description=N_("The project's own title, often in English; may be empty."))
    official_title_language: LanguageCode | None = Field(description=N_("The language of the official title."))
    description: Text
    agency_role: RoleCode | None = Field(description=N_("The Swedish Migration Agency's role, where stated."))
    agency_role_note: str = Field(description=N_("What the agency did or does, in Swedish; may be empty."))
    framework: FrameworkReference | None = Field(description=N_("The framework or process the project runs under."))
    participants: list[Participant]
    funding: list[ProjectFunding]
    countries: list[ProjectCountryRole]
    countries_note: str = Field(description=N_("Countries mentioned without being named; may be empty."))
    relations: list[Relation]
    inverse_relations: list[InverseRelation]
    documents: list[ProjectDocument]


# Organisations, funds, countries, frameworks


class Organisation(Schema):
    slug: str = Field(description=N_("The organisation's identifier."))
    url: str = Field(description=N_("The organisation in the API."))
    page: str = Field(description=N_("The organisation's page on the website."))
    name: Text
    acronym: str = Field(description=N_("The organisation's acronym; empty where it has none."))
    kind: OrganisationKindCode = Field(description=N_("The kind of organisation."))
    country: CountryReference | None = Field(description=N_("The organisation's country, where known."))
    description: Text
    project_count: int = Field(description=N_("The number of published projects the organisation took part in."))
    projects_url: str = Field(description=N_("The project list filtered by this organisation."))


class OrganisationProject(Schema):
    project: ProjectReference
    role: RoleCode = Field(description=N_("The organisation's role in the project."))
    note: str = Field(description=N_("A note on the participation, in Swedish; may be empty."))


class OrganisationDetail(Organisation):
    projects: list[OrganisationProject]


class Fund(Schema):
    slug: str = Field(description=N_("The fund's identifier."))
    url: str = Field(description=N_("The fund in the API."))
    page: str = Field(description=N_("The fund's page on the website."))
    name: Text
    acronym: str = Field(description=N_("The fund's acronym; empty where it has none."))
    kind: FundKindCode = Field(description=N_("The kind of fund or funder."))
    parent: str | None = Field(description=N_("For a part of a fund: the identifier of the fund it belongs to."))
    parts: list[str] = Field(description=N_("The identifiers of the fund's parts."))
    description: Text
    project_count: int = Field(
        description=N_("The number of published projects the fund or one of its parts paid for.")
    )
    projects_url: str = Field(description=N_("The project list filtered by this fund (with its parts)."))


class FundProject(Schema):
    project: ProjectReference
    fund: str = Field(description=N_("The fund that paid: this fund or one of its parts."))
    share: ShareCode = Field(description=N_("The fund's share of the funding."))
    note: str = Field(description=N_("A note on the funding, in Swedish; may be empty."))


class FundDetail(Fund):
    projects: list[FundProject]


class Country(Schema):
    code: str = Field(description=N_("The country's ISO 3166-1 alpha-2 code (Kosovo is XK)."))
    url: str = Field(description=N_("The country in the API."))
    name: Text
    project_count: int = Field(
        description=N_("The number of published projects the country has any role in, as the project list counts.")
    )
    projects_url: str = Field(description=N_("The project list filtered by this country."))


class CountryProject(Schema):
    project: ProjectReference
    role: CountryRoleCode = Field(description=N_("What the country was to the project."))
    place: str = Field(description=N_("A place in the country, such as a city; may be empty."))
    note: str = Field(description=N_("A note, in Swedish; may be empty."))


class CountryPartner(Schema):
    project: ProjectReference
    designation: str = Field(description=N_("The partner as it is named."))
    role: RoleCode = Field(description=N_("The partner's role."))


class CountryDetail(Country):
    organisations: list[OrganisationReference] = Field(description=N_("The organisations in the country."))
    projects: list[CountryProject] = Field(description=N_("The projects the country had a stated role in."))
    partner_in: list[CountryPartner] = Field(
        description=N_("The projects in which a partner is named by this country alone.")
    )


class Framework(Schema):
    slug: str = Field(description=N_("The framework's identifier."))
    url: str = Field(description=N_("The framework in the API."))
    name: Text
    description: Text
    project_count: int = Field(description=N_("The number of published projects run under the framework."))
    projects_url: str = Field(description=N_("The project list filtered by this framework."))


class FrameworkDetail(Framework):
    projects: list[ProjectReference]


# Pages of a list


class PageLinks(Schema):
    count: int = Field(description=N_("How many items the whole list holds."))
    page: int = Field(description=N_("The number of this page, from 1."))
    page_size: int = Field(description=N_("How many items a page holds."))
    pages: int = Field(description=N_("How many pages the list has (at least 1)."))
    next: str | None = Field(description=N_("The next page; null on the last."))
    previous: str | None = Field(description=N_("The previous page; null on the first."))


class ProjectPage(PageLinks):
    results: list[ProjectSummary]


class OrganisationPage(PageLinks):
    results: list[Organisation]


class FundPage(PageLinks):
    results: list[Fund]


class CountryPage(PageLinks):
    results: list[Country]


class FrameworkPage(PageLinks):
    results: list[Framework]


# What the lists take


class Pages(Schema):
    page: int = Field(1, ge=1, description=N_("The page to give, from 1; a page past the last is refused."))
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=N_("How many items a page holds."))


class ProjectFilters(Pages):
    model_config = described(
        N_("The project list's filters: the same parameters, with the same meaning, as the list on the website.")
    )

    q: str | None = Field(
        None,
        max_length=200,
        description=N_(
            "Free text, searched for in the projects' names and texts and their partners' and funds' names; "
            "the first eight words are used."
        ),
    )
    status: list[StatusCode] = Field([], max_length=MAX_CHOSEN, description=N_("Projects with any of these statuses."))
    past_end: Literal[tuple(value for value, _label in ProjectFilterForm.PAST_END)] = Field(
        "show",
        description=N_(
            "hide: leave out the projects called ongoing whose latest possible end has passed (ongoing_past_end)."
        ),
    )
    partner: list[Slug] = Field(
        [], max_length=MAX_CHOSEN, description=N_("Projects with these partner organisations (identifiers).")
    )
    partner_mode: Literal[tuple(value for value, _label in ProjectFilterForm.PARTNER_MODES)] = Field(
        "any", description=N_("any: projects with any of the partners; all: with all of them.")
    )
    fund: list[Slug] = Field(
        [],
        max_length=MAX_CHOSEN,
        description=N_("Projects paid for by any of these funds (identifiers); a fund counts with its parts."),
    )
    country: list[CountryCode] = Field(
        [],
        max_length=MAX_CHOSEN,
        description=N_(
            "Projects with any of these countries (ISO codes) in any role, named as a partner, or as the country "
            "of a partner organisation."
        ),
    )
    cooperation_type: list[CooperationTypeCode] = Field(
        [], max_length=MAX_CHOSEN, description=N_("Projects of any of these types of cooperation.")
    )
    framework: list[Slug] = Field(
        [], max_length=MAX_CHOSEN, description=N_("Projects run under any of these frameworks (identifiers).")
    )
    year_from: int | None = Field(
        None,
        ge=ProjectFilterForm.YEAR_MIN,
        le=ProjectFilterForm.YEAR_MAX,
        description=N_(
            "Projects that may have been active in this year or later, given how precisely their period is known."
        ),
    )
    year_to: int | None = Field(
        None,
        ge=ProjectFilterForm.YEAR_MIN,
        le=ProjectFilterForm.YEAR_MAX,
        description=N_("Projects that may have been active in this year or earlier."),
    )
    sort: Literal[SORTS] | None = Field(
        None,
        description=N_(
            "The order: name, start, end or updated (last changed), a minus sign first for the other way; "
            "unknown dates last either way. Without it, by name."
        ),
    )


# Problems (RFC 9457)


class ParameterProblem(Schema):
    parameter: str = Field(description=N_("The parameter at fault."))
    detail: str = Field(description=N_("What is wrong with it."))


class Problem(Schema):
    model_config = described(N_("What went wrong, as RFC 9457 problem details (media type application/problem+json)."))

    type: str = Field(description=N_("An address that identifies the kind of problem and explains it."))
    title: str = Field(description=N_("The kind of problem, in words."))
    status: int = Field(description=N_("The HTTP status code."))
    detail: str = Field(description=N_("What went wrong this time."))
    instance: str | None = Field(None, description=N_("The address the request was made to, unless it is long."))
    parameter: str | None = Field(None, description=N_("For bad input: the (first) parameter at fault."))
    errors: list[ParameterProblem] | None = Field(None, description=N_("For bad input: each parameter at fault."))
