"""The catalogue as the API gives it: the rows each answer reads, and the JSON made of them.

Each answer reads a fixed number of queries whatever the number of rows (select_related,
prefetches with only the columns shown). Nothing unpublished is read: every project, and every
relation, participation and funding that leads to one, is of a published project. The answers do
not depend on the language the client asks in: texts editors give in two languages are given
in both, and codes stand for the catalogue's labels.
"""

from django.db.models import Prefetch, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import override

from projects.models import Funding, Participation, Project, ProjectCountry, ProjectRelation

# A project as a list shows it (ProjectSummary), and as another thing refers to it (ProjectReference).
SUMMARY_COLUMNS = (
    "slug",
    "name_sv",
    "name_en",
    "acronym",
    "summary_sv",
    "summary_en",
    "status",
    "reviewed_on",
    "cooperation_type",
    *Project.PERIOD_COLUMNS,
    "duration_text",
    "period_note",
    "earliest_start",
    "latest_end",
    "content_changed_on",
)
DETAIL_COLUMNS = (
    *SUMMARY_COLUMNS,
    "official_title",
    "official_title_language",
    "description_sv",
    "description_en",
    "agency_role",
    "agency_role_note",
    "countries_note",
    "framework",
    "framework__slug",
    "framework__name_sv",
    "framework__name_en",
)
REFERENCE_COLUMNS = ("slug", "name_sv", "name_en", "status")
ORGANISATION_REFERENCE_COLUMNS = ("slug", "name_sv", "name_en", "acronym")
FUND_REFERENCE_COLUMNS = ("slug", "name_sv", "name_en", "acronym", "parent")
SLUG = "slug-placeholder"


def referred(prefix, columns):
    """`columns` of a related row, as only() names them through the relation `prefix`."""
    return [f"{prefix}__{column}" for column in columns]


def project_detail_queryset():
    """The published projects with everything their answer shows, and no more: no note for editors is read."""
    published_project = referred("project", REFERENCE_COLUMNS)
    return (
        Project.objects.published()
        .select_related("framework")
        .only(*DETAIL_COLUMNS)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "country").only(
                    "project",
                    "designation",
                    "role",
                    "note",
                    *referred("organisation", ORGANISATION_REFERENCE_COLUMNS),
                    "country__code",
                ),
            ),
            Prefetch(
                "fundings",
                queryset=Funding.objects.select_related("fund__parent").only(
                    "project", "share", "note", *referred("fund", FUND_REFERENCE_COLUMNS), "fund__parent__slug"
                ),
            ),
            Prefetch(
                "project_countries",
                queryset=ProjectCountry.objects.select_related("country").only(
                    "project", "role", "place", "note", "country__code"
                ),
            ),
            Prefetch(
                "relations",
                queryset=ProjectRelation.objects.select_related("related_project")
                .filter(Q(related_project__isnull=True) | Q(related_project__is_published=True))
                .only(
                    "project",
                    "kind",
                    "certainty",
                    "external_name",
                    "note",
                    *referred("related_project", REFERENCE_COLUMNS),
                ),
            ),
            Prefetch(
                "inverse_relations",
                queryset=ProjectRelation.objects.select_related("project")
                .filter(project__is_published=True)
                .only("related_project", "kind", "certainty", "note", *published_project),
            ),
            "documents",
        )
    )


class Links:
    """The addresses an answer gives: of things in the API, and of their pages on the website (in
    Swedish, the site's first language, whatever the language of the request), all absolute."""

    def __init__(self, request):
        self.request = request
        self.api = request.build_absolute_uri(f"{get_script_prefix()}api/v1/")
        with override("sv"):
            self._pages = {
                name: request.build_absolute_uri(reverse(f"projects:{name}", kwargs={"slug": SLUG}))
                for name in ("detail", "partner", "fund")
            }

    def api_url(self, collection, key=""):
        return f"{self.api}{collection}/{key}" if key else f"{self.api}{collection}"

    def page(self, name, slug):
        return self._pages[name].replace(SLUG, slug)

    def projects_filtered(self, parameter, value):
        return f"{self.api}projects?{parameter}={value}"

    def absolute(self, address):
        return self.request.build_absolute_uri(address)


def text(row, field):
    """A text editors give in Swedish and perhaps in English: {sv, en}."""
    return {"sv": getattr(row, f"{field}_sv") or "", "en": getattr(row, f"{field}_en") or None}


def project_reference(project, links):
    return {
        "slug": project.slug,
        "url": links.api_url("projects", project.slug),
        "name": text(project, "name"),
        "status": project.status,
    }


def organisation_reference(organisation, links):
    return {
        "slug": organisation.slug,
        "url": links.api_url("organisations", organisation.slug),
        "name": text(organisation, "name"),
        "acronym": organisation.acronym,
    }


def fund_reference(fund, links):
    return {
        "slug": fund.slug,
        "url": links.api_url("funds", fund.slug),
        "name": text(fund, "name"),
        "acronym": fund.acronym,
        "parent": fund.parent.slug if fund.parent_id else None,
    }


def country_reference(country, links):
    code = country.code.code
    return {"code": code, "url": links.api_url("countries", code), "name": country_name(country)}


def country_name(country):
    return {"sv": country.name_sv, "en": country.name_en}


def framework_reference(framework, links):
    return {"slug": framework.slug, "url": links.api_url("frameworks", framework.slug), "name": text(framework, "name")}


def period(project):
    """The period as the catalogue holds it, with the days it may have begun and ended on."""
    value = project.period
    duration = None
    if project.duration_months is not None:
        duration = {
            "months": project.duration_months,
            "is_approximate": project.duration_is_approximate,
            "as_written": project.duration_text,
        }
    return {
        "start": {"date": project.start_date, "precision": project.start_precision},
        "end": {"date": project.end_date, "precision": project.end_precision},
        "duration": duration,
        "note": project.period_note,
        "bounds": {
            # The stored bounds are the ones the filters use (a closed project's end is bounded by its review too).
            "earliest_start": project.earliest_start,
            "latest_start": value.latest_start(),
            "earliest_end": value.earliest_end(),
            "latest_end": project.latest_end,
        },
    }


def project_summary(project, links, today):
    return {
        "slug": project.slug,
        "url": links.api_url("projects", project.slug),
        "page": links.page("detail", project.slug),
        "name": text(project, "name"),
        "acronym": project.acronym,
        "summary": text(project, "summary"),
        "status": project.status,
        "status_confirmed_on": project.reviewed_on,
        "ongoing_past_end": project.status == Project.Status.ONGOING
        and project.latest_end is not None
        and project.latest_end < today,
        "cooperation_type": project.cooperation_type or None,
        "period": period(project),
        "content_changed_on": project.content_changed_on,
    }


def project_detail(project, links):
    answer = project_summary(project, links, timezone.localdate())
    answer.update(
        official_title=project.official_title,
        official_title_language=project.official_title_language or None,
        description=text(project, "description"),
        agency_role=project.agency_role or None,
        agency_role_note=project.agency_role_note,
        framework=framework_reference(project.framework, links) if project.framework_id else None,
        participants=[
            {
                "organisation": organisation_reference(participation.organisation, links)
                if participation.organisation_id
                else None,
                "country": country_reference(participation.country, links) if participation.country_id else None,
                "designation": participation.designation,
                "role": participation.role,
                "note": participation.note,
            }
            for participation in project.participations.all()
        ],
        funding=[
            {"fund": fund_reference(funding.fund, links), "share": funding.share, "note": funding.note}
            for funding in project.fundings.all()
        ],
        countries=[
            {
                "country": country_reference(place.country, links),
                "role": place.role,
                "place": place.place,
                "note": place.note,
            }
            for place in project.project_countries.all()
        ],
        countries_note=project.countries_note,
        relations=[
            {
                "kind": relation.kind,
                "certainty": relation.certainty,
                "project": project_reference(relation.related_project, links) if relation.related_project_id else None,
                "external_name": relation.external_name,
                "note": relation.note,
            }
            for relation in project.relations.all()
        ],
        inverse_relations=[
            {
                "kind": relation.kind,
                "certainty": relation.certainty,
                "project": project_reference(relation.project, links),
                "note": relation.note,
            }
            for relation in project.inverse_relations.all()
        ],
        documents=[
            {
                "title": document.title,
                "kind": document.kind,
                "file_format": document.file_format,
                "language": document.language or None,
                "url": links.absolute(document.href) if document.href else None,
                "is_external": document.is_external,
            }
            for document in project.documents.all()
        ],
    )
    return answer


def organisation(row, links, counts):
    return {
        "slug": row.slug,
        "url": links.api_url("organisations", row.slug),
        "page": links.page("partner", row.slug),
        "name": text(row, "name"),
        "acronym": row.acronym,
        "kind": row.kind,
        "country": country_reference(row.country, links) if row.country_id else None,
        "description": text(row, "description"),
        "project_count": counts.get(row.slug, 0),
        "projects_url": links.projects_filtered("partner", row.slug),
    }


def fund(row, links, counts):
    return {
        "slug": row.slug,
        "url": links.api_url("funds", row.slug),
        "page": links.page("fund", row.slug),
        "name": text(row, "name"),
        "acronym": row.acronym,
        "kind": row.kind,
        "parent": row.parent.slug if row.parent_id else None,
        "parts": [part.slug for part in row.parts.all()],
        "description": text(row, "description"),
        "project_count": counts.get(row.slug, 0),
        "projects_url": links.projects_filtered("fund", row.slug),
    }


def country(row, links, counts):
    code = row.code.code
    return {
        **country_reference(row, links),
        "project_count": counts.get(code, 0),
        "projects_url": links.projects_filtered("country", code),
    }


def framework(row, links, counts):
    return {
        **framework_reference(row, links),
        "description": text(row, "description"),
        "project_count": counts.get(row.slug, 0),
        "projects_url": links.projects_filtered("framework", row.slug),
    }
