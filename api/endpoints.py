"""The read-only JSON API, version 1 (django-ninja): projects, organisations, funds, countries, frameworks.

Things are named by what the catalogue names them by: slugs, and ISO 3166-1 alpha-2 codes for
countries. The project list takes the website list's filters and gives its result in its order
(projects/filters.py): bad input is refused with a problem body (api/problems.py) instead of being
ignored with a message, as the website does for people. Headers (caching, CORS, the rate limit)
are api/middleware.py's; the OpenAPI document is made from api/schemas.py.
"""

from typing import get_origin

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError

from projects.filters import MAX_CHOSEN, ProjectFilterSet
from projects.index import current_index
from projects.models import (
    CatalogueVersion,
    Country,
    Framework,
    Fund,
    Funding,
    Organisation,
    Participation,
    Project,
    ProjectCountry,
)

from . import openapi, problems, representations, schemas
from .problems import ParameterError, shown


class InvalidInput(Exception):
    """The request asks for something the API does not take: refused as a 400 naming the parameters."""

    def __init__(self, errors, kind=problems.INVALID_PARAMETER):
        super().__init__(errors)
        self.errors = errors
        self.kind = kind


class PortalAPI(NinjaAPI):
    """django-ninja's API, its OpenAPI document completed with what api/middleware.py adds to the answers."""

    _document = None

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is not None or path_params:
            return openapi.completed(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))
        # The same as long as the code is: made once per process.
        if self._document is None:
            self._document = openapi.completed(super().get_openapi_schema())
        return self._document


api = PortalAPI(
    title="Internationella projekt – Migrationsverket",
    version="1",
    description=N_(
        "The Swedish Migration Agency's international projects, as published on the website: read-only, "
        "open to any origin, in JSON."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)


# Problems


def error_message(error):
    """One of pydantic's validation errors, in the words of Django's own messages where it has them
    (so that they read in Swedish too)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": context["ge"]}
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": context["le"]}
    if kind == "string_too_long":
        limit = context["max_length"]
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(str(error.get("input", "")))}
    if kind == "too_long":
        return ngettext(
            "At most %(counter)s value may be given.", "At most %(counter)s values may be given.", MAX_CHOSEN
        ) % {"counter": MAX_CHOSEN}
    if kind in ("literal_error", "enum"):
        return _("“%(value)s” is not one of the values this parameter takes.") % {"value": shown(error.get("input"))}
    if kind == "missing":
        return _("This field is required.")
    return _("Enter a valid value.")


def parameter_of(error):
    """The name of the parameter a pydantic error is about: its location is ("query", name, ...) or ("path", name)."""
    names = [part for part in error.get("loc", ()) if isinstance(part, str) and part not in ("query", "path")]
    return names[-1] if names else "?"


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = [ParameterError(parameter_of(error), error_message(error)) for error in exc.errors]
    return problems.problem_response(request, problems.INVALID_PARAMETER, errors[0].detail, errors=errors)


@api.exception_handler(InvalidInput)
def invalid_input(request, exc):
    return problems.problem_response(request, exc.kind, exc.errors[0].detail, errors=exc.errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return problems.problem_response(request, problems.NOT_FOUND, _("No published entry has this identifier."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    kind = problems.kind_for_status(exc.status_code)
    return problems.problem_response(request, kind, str(exc), status=exc.status_code)


# What a request may ask


def refuse_unknown_parameters(request, *, accepted=frozenset(), lists=frozenset()):
    """Refuse a parameter the operation does not take (a typo would otherwise go unnoticed) and a
    parameter that takes one value given more than once."""
    errors = []
    for name, values in request.GET.lists():
        if name not in accepted:
            errors.append(ParameterError(shown(name), _("This operation takes no parameter of this name.")))
        elif len(values) > 1 and name not in lists:
            errors.append(ParameterError(name, _("This parameter takes one value, and was given more than one.")))
    if errors:
        unknown = any(error.parameter not in accepted for error in errors)
        raise InvalidInput(errors, problems.UNKNOWN_PARAMETER if unknown else problems.INVALID_PARAMETER)


def refuse_invalid_filters(filterset):
    """The filter values the website's list would leave out (and say so next to the filter), refused."""
    form = filterset.form
    if not form.errors:  # valid, or nothing asked
        return
    errors = []
    for name, field_errors in form.errors.as_data().items():
        for error in field_errors:
            if error.code == "invalid_choice":
                value = (error.params or {}).get("value", "")
                detail = _("“%(value)s” is not one of the values this parameter takes.") % {"value": shown(value)}
            else:
                detail = " ".join(error.messages)
            errors.append(ParameterError(name, detail))
    raise InvalidInput(errors)


def paginated(request, items, *, page, page_size, to_json):
    """One page of `items` with the addresses of the pages beside it; a page past the last is refused."""
    paginator = Paginator(items, page_size)
    if page > paginator.num_pages:
        detail = ngettext(
            "There is no page %(page)s: the list has %(counter)s page.",
            "There is no page %(page)s: the list has %(counter)s pages.",
            paginator.num_pages,
        ) % {"page": page, "counter": paginator.num_pages}
        raise InvalidInput([ParameterError("page", detail)])
    current = paginator.page(page)

    def address(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": page,
        "page_size": page_size,
        "pages": paginator.num_pages,
        "next": address(page + 1) if current.has_next() else None,
        "previous": address(page - 1) if current.has_previous() else None,
        "results": [to_json(item) for item in current.object_list],
    }


PAGES = frozenset(schemas.Pages.model_fields)
PROJECT_FILTERS = frozenset(schemas.ProjectFilters.model_fields)
PROJECT_LISTS = frozenset(
    name for name, field in schemas.ProjectFilters.model_fields.items() if get_origin(field.annotation) is list
)


def project_counts(request, facet):
    """{value: published projects} of a facet of the project list, as the list counts them (a fund with its
    parts, a country in any role), from the catalogue index."""
    index = current_index(CatalogueVersion.objects.for_request(request))
    return index.select(chosen={}).facet_counts[facet]


def slug_in_path(example):
    """A slug in the path, with an example from the shipped catalogue (schemathesis starts from it, and the
    documentation page shows it)."""
    return Path(
        ..., pattern=schemas.SLUG_PATTERN, max_length=100, description=N_("The identifier."), examples=[example]
    )


def code_in_path(example):
    return Path(
        ...,
        pattern=schemas.COUNTRY_PATTERN,
        description=N_("The ISO 3166-1 alpha-2 code, upper case."),
        examples=[example],
    )


ERRORS = {400: schemas.Problem, 429: schemas.Problem}
ERRORS_OF_ONE = {**ERRORS, 404: schemas.Problem}


# Projects


@api.get(
    "/projects",
    response={200: schemas.ProjectPage, **ERRORS},
    url_name="projects",
    operation_id="listProjects",
    summary=N_("Projects"),
    description=N_(
        "The published projects, filtered and ordered as the project list on the website is, a page at a time."
    ),
    tags=["projects"],
)
def list_projects(request, filters: Query[schemas.ProjectFilters]):
    refuse_unknown_parameters(request, accepted=PROJECT_FILTERS, lists=PROJECT_LISTS)
    queryset = Project.objects.published().only(*representations.SUMMARY_COLUMNS)
    filterset = ProjectFilterSet(request.GET or None, queryset=queryset, request=request)
    refuse_invalid_filters(filterset)
    links, today = representations.Links(request), timezone.localdate()
    return paginated(
        request,
        filterset.results(),
        page=filters.page,
        page_size=filters.page_size,
        to_json=lambda project: representations.project_summary(project, links, today),
    )


@api.get(
    "/projects/{slug}",
    response={200: schemas.ProjectDetail, **ERRORS_OF_ONE},
    url_name="project",
    operation_id="getProject",
    summary=N_("A project"),
    description=N_(
        "One published project with its participants, funding, countries, relations both ways and documents."
    ),
    tags=["projects"],
)
def get_project(request, slug: str = slug_in_path("twinning-kosovo")):
    refuse_unknown_parameters(request)
    project = get_object_or_404(representations.project_detail_queryset(), slug=slug)
    return representations.project_detail(project, representations.Links(request))


# Organisations


@api.get(
    "/organisations",
    response={200: schemas.OrganisationPage, **ERRORS},
    url_name="organisations",
    operation_id="listOrganisations",
    summary=N_("Organisations"),
    description=N_("The partner organisations, by name, a page at a time."),
    tags=["organisations"],
)
def list_organisations(request, pages: Query[schemas.Pages]):
    refuse_unknown_parameters(request, accepted=PAGES)
    links, counts = representations.Links(request), project_counts(request, "partner")
    return paginated(
        request,
        Organisation.objects.select_related("country").order_by("name_sv", "pk"),
        page=pages.page,
        page_size=pages.page_size,
        to_json=lambda row: representations.organisation(row, links, counts),
    )


@api.get(
    "/organisations/{slug}",
    response={200: schemas.OrganisationDetail, **ERRORS_OF_ONE},
    url_name="organisation",
    operation_id="getOrganisation",
    summary=N_("An organisation"),
    description=N_("One organisation and the published projects it took part in, with its role."),
    tags=["organisations"],
)
def get_organisation(request, slug: str = slug_in_path("unhcr")):
    refuse_unknown_parameters(request)
    row = get_object_or_404(Organisation.objects.select_related("country"), slug=slug)
    links = representations.Links(request)
    participations = (
        Participation.objects.filter(organisation=row, project__is_published=True)
        .select_related("project")
        .only("role", "note", "project", *representations.referred("project", representations.REFERENCE_COLUMNS))
        .order_by("project__name_sv", "project__pk")
    )
    answer = representations.organisation(row, links, project_counts(request, "partner"))
    answer["projects"] = [
        {
            "project": representations.project_reference(participation.project, links),
            "role": participation.role,
            "note": participation.note,
        }
        for participation in participations
    ]
    return answer


# Funds


@api.get(
    "/funds",
    response={200: schemas.FundPage, **ERRORS},
    url_name="funds",
    operation_id="listFunds",
    summary=N_("Funds"),
    description=N_("The funds and funders, by name, a page at a time."),
    tags=["funds"],
)
def list_funds(request, pages: Query[schemas.Pages]):
    refuse_unknown_parameters(request, accepted=PAGES)
    links, counts = representations.Links(request), project_counts(request, "fund")
    funds = (
        Fund.objects.select_related("parent")
        .prefetch_related(Prefetch("parts", queryset=Fund.objects.only("slug", "parent").order_by("name_sv", "pk")))
        .order_by("name_sv", "pk")
    )
    return paginated(
        request,
        funds,
        page=pages.page,
        page_size=pages.page_size,
        to_json=lambda row: representations.fund(row, links, counts),
    )


@api.get(
    "/funds/{slug}",
    response={200: schemas.FundDetail, **ERRORS_OF_ONE},
    url_name="fund",
    operation_id="getFund",
    summary=N_("A fund"),
    description=N_("One fund or funder and the published projects it or one of its parts paid for, with the share."),
    tags=["funds"],
)
def get_fund(request, slug: str = slug_in_path("amif")):
    refuse_unknown_parameters(request)
    funds = Fund.objects.select_related("parent").prefetch_related(
        Prefetch("parts", queryset=Fund.objects.only("slug", "parent").order_by("name_sv", "pk"))
    )
    row = get_object_or_404(funds, slug=slug)
    links = representations.Links(request)
    fundings = (
        Funding.objects.filter(fund__in=[row, *row.parts.all()], project__is_published=True)
        .select_related("project", "fund")
        .only(
            "share",
            "note",
            "fund__slug",
            "project",
            *representations.referred("project", representations.REFERENCE_COLUMNS),
        )
        .order_by("project__name_sv", "project__pk", "pk")
    )
    answer = representations.fund(row, links, project_counts(request, "fund"))
    answer["projects"] = [
        {
            "project": representations.project_reference(funding.project, links),
            "fund": funding.fund.slug,
            "share": funding.share,
            "note": funding.note,
        }
        for funding in fundings
    ]
    return answer


# Countries


@api.get(
    "/countries",
    response={200: schemas.CountryPage, **ERRORS},
    url_name="countries",
    operation_id="listCountries",
    summary=N_("Countries"),
    description=N_("The countries the catalogue names, by ISO code, a page at a time."),
    tags=["countries"],
)
def list_countries(request, pages: Query[schemas.Pages]):
    refuse_unknown_parameters(request, accepted=PAGES)
    links, counts = representations.Links(request), project_counts(request, "country")
    return paginated(
        request,
        Country.objects.order_by("code"),
        page=pages.page,
        page_size=pages.page_size,
        to_json=lambda row: representations.country(row, links, counts),
    )


@api.get(
    "/countries/{code}",
    response={200: schemas.CountryDetail, **ERRORS_OF_ONE},
    url_name="country",
    operation_id="getCountry",
    summary=N_("A country"),
    description=N_(
        "One country: the organisations in it, the published projects it had a stated role in, and those in "
        "which a partner is named by the country alone."
    ),
    tags=["countries"],
)
def get_country(request, code: str = code_in_path("RS")):
    refuse_unknown_parameters(request)
    row = get_object_or_404(Country, code=code)
    links = representations.Links(request)
    project = representations.referred("project", representations.REFERENCE_COLUMNS)
    places = (
        ProjectCountry.objects.filter(country=row, project__is_published=True)
        .select_related("project")
        .only("role", "place", "note", "project", *project)
        .order_by("project__name_sv", "project__pk", "pk")
    )
    partners = (
        Participation.objects.filter(country=row, organisation__isnull=True, project__is_published=True)
        .select_related("project")
        .only("role", "designation", "project", *project)
        .order_by("project__name_sv", "project__pk", "pk")
    )
    organisations = row.organisations.only(*representations.ORGANISATION_REFERENCE_COLUMNS, "country").order_by(
        "name_sv", "pk"
    )
    answer = representations.country(row, links, project_counts(request, "country"))
    answer.update(
        organisations=[representations.organisation_reference(organisation, links) for organisation in organisations],
        projects=[
            {
                "project": representations.project_reference(place.project, links),
                "role": place.role,
                "place": place.place,
                "note": place.note,
            }
            for place in places
        ],
        partner_in=[
            {
                "project": representations.project_reference(partner.project, links),
                "designation": partner.designation,
                "role": partner.role,
            }
            for partner in partners
        ],
    )
    return answer


# Frameworks


@api.get(
    "/frameworks",
    response={200: schemas.FrameworkPage, **ERRORS},
    url_name="frameworks",
    operation_id="listFrameworks",
    summary=N_("Frameworks"),
    description=N_("The frameworks and processes projects run under, by name, a page at a time."),
    tags=["frameworks"],
)
def list_frameworks(request, pages: Query[schemas.Pages]):
    refuse_unknown_parameters(request, accepted=PAGES)
    links, counts = representations.Links(request), project_counts(request, "framework")
    return paginated(
        request,
        Framework.objects.order_by("name_sv", "pk"),
        page=pages.page,
        page_size=pages.page_size,
        to_json=lambda row: representations.framework(row, links, counts),
    )


@api.get(
    "/frameworks/{slug}",
    response={200: schemas.FrameworkDetail, **ERRORS_OF_ONE},
    url_name="framework",
    operation_id="getFramework",
    summary=N_("A framework"),
    description=N_("One framework or process and the published projects run under it."),
    tags=["frameworks"],
)
def get_framework(request, slug: str = slug_in_path("budapestprocessen")):
    refuse_unknown_parameters(request)
    row = get_object_or_404(Framework, slug=slug)
    links = representations.Links(request)
    projects = row.projects.published().only(*representations.REFERENCE_COLUMNS, "framework").order_by("name_sv", "pk")
    answer = representations.framework(row, links, project_counts(request, "framework"))
    answer["projects"] = [representations.project_reference(project, links) for project in projects]
    return answer
