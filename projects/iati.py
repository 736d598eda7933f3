"""The published catalogue as IATI 2.03 activities XML (iatistandard.org, activity standard 2.03).

One <iati-activity> per published project, written a batch of projects at a time, so that the
document is streamed and its memory stays bounded however large the catalogue grows. The
reporting organisation and the identifiers' prefix come from settings (IATI_*). Nothing is
stronger than the catalogue: what it does not state is left out, never guessed.

Organisation roles (IATI OrganisationRole; only stated roles are mapped):

* 1 Funding: every fund or funder of the project (Funding), whatever its share.
* 2 Accountable: lead, co-lead, project owner: the source says they answer for the project.
* 4 Implementing: partner, junior partner, stakeholder and partner, implementer, secretariat,
  support function: each names an organisation doing the project's own work.
* 3 Extending: no role in the catalogue says that an organisation manages a funder's money.
* Not mapped: participant, cooperation partner, stakeholder, beneficiary, initiator, project
  actor and "not stated". They say that an organisation was there, or gained, not which of the
  four IATI roles it had, so they are left out rather than given one.

The Migration Agency's own role (Project.agency_role) is mapped the same way and reported with
the reporting organisation's identifier.

Activity status: ongoing is 2 Implementation; closed is 4 Closed ("physical activity is
complete"). 3 Finalisation would add that the activity remains open pending financial sign-off
or evaluation, which the catalogue does not say.

Activity dates. The 2.03 schema requires a full `iso-date` on every activity-date, and at least
one activity-date per activity; its documentation gives the way to flag a less specific date:
"the narrative content may contain text (e.g. 2011Q1) for accurately recording less specific
dates such as month, quarter, or year". Leaving out every date not known to the day would leave
most of the catalogue without any date, and so without a valid activity. So:

* a date known to the day is written as it is, with no narrative;
* a date known to the month, season or year is written as the bound of its unit that the
  catalogue's own "active during" filter uses (a start as its first day, the earliest it may
  have been; an end as Project.latest_end, the latest it may have been), with narratives in
  Swedish and English that say the date as the catalogue knows it ("hösten 2015", "autumn 2015");
* an unknown date is left out; no end is worked out from a duration.

A start is actual (2) once its first day has come, planned (1) before; the end of a closed
project is actual (4), of an ongoing one planned (3).

Recipient countries: the target countries (ProjectCountry.Role.TARGET_COUNTRY), the countries the
project is for. Partner countries, countries in regional activities, posting locations and where a
project was run are not said to benefit, so they are not recipients. No percentages: the catalogue
does not know how the money was split.

A project that cannot be a valid activity (no date stated at all, or no organisation with a
role IATI names) is left out of the document and reported in `ActivityWriter.left_out`. Notes for
editors, notes on roles, countries and periods are never read, let alone written.
"""

import itertools
import re
from xml.etree import ElementTree

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation

from portal.languages import Language

from .models import Funding, Organisation, Participation, Project, ProjectCountry
from .periods import Precision, format_point, last_day

IATI_VERSION = "2.03"
# Projects in memory at once while the document is written.
BATCH_SIZE = 500
# The catalogue's languages, Swedish first: every narrative says which one it is in.
LANGUAGES = tuple(Language.values)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI OrganisationRole
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
ORGANISATION_ROLES = {
    Participation.Role.LEAD: ACCOUNTABLE,
    Participation.Role.CO_LEAD: ACCOUNTABLE,
    Participation.Role.PROJECT_OWNER: ACCOUNTABLE,
    Participation.Role.PARTNER: IMPLEMENTING,
    Participation.Role.JUNIOR_PARTNER: IMPLEMENTING,
    Participation.Role.STAKEHOLDER_AND_PARTNER: IMPLEMENTING,
    Participation.Role.IMPLEMENTER: IMPLEMENTING,
    Participation.Role.SECRETARIAT: IMPLEMENTING,
    Participation.Role.SUPPORT_FUNCTION: IMPLEMENTING,
}

# IATI OrganisationType, where the catalogue's kind says it. "International organisation" may be
# an organisation of states or a non-governmental one, and "other" says nothing: no type.
ORGANISATION_TYPES = {
    Organisation.Kind.AGENCY: "10",  # Government
    Organisation.Kind.MINISTRY: "10",
    Organisation.Kind.EU_BODY: "40",  # Multilateral
    Organisation.Kind.UN_AGENCY: "40",
}

# IATI ActivityStatus
ACTIVITY_STATUSES = {Project.Status.ONGOING: "2", Project.Status.CLOSED: "4"}

# IATI ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

RECIPIENT_ROLES = (ProjectCountry.Role.TARGET_COUNTRY,)

# Characters XML 1.0 cannot carry at all (control characters but tab and newlines, lone surrogates).
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

PROJECT_COLUMNS = (
    "slug",
    *(f"name_{language}" for language in LANGUAGES),
    *(f"description_{language}" for language in LANGUAGES),
    "status",
    "agency_role",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "latest_end",
    "updated",
    "is_published",
)


def exported_projects():
    """The published projects with what an activity shows, and no more: no note is even read."""
    names = [f"name_{language}" for language in LANGUAGES]
    return (
        Project.objects.published()
        .only(*PROJECT_COLUMNS)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(role__in=list(ORGANISATION_ROLES))
                .select_related("organisation", "country")
                .only(
                    "project",
                    "role",
                    "designation",
                    "organisation",
                    "country",
                    "organisation__kind",
                    "country__code",
                    *(f"organisation__{name}" for name in names),
                ),
            ),
            Prefetch(
                "fundings",
                queryset=Funding.objects.select_related("fund").only(
                    "project", "fund", *(f"fund__{name}" for name in names)
                ),
            ),
            Prefetch(
                "project_countries",
                queryset=ProjectCountry.objects.filter(role__in=RECIPIENT_ROLES)
                .select_related("country")
                .only("project", "role", "country", "country__code"),
            ),
        )
    )


def in_batches(results, size=None):
    """Each project of `results` (ProjectFilterSet.results()), fetched a batch at a time (ProjectResults.batches).

    How many there are is worked out now, before the first piece of the document is sent.
    """
    return (project for batch in results.batches(size or BATCH_SIZE) for project in batch)


def xml_text(value):
    """`value` as text XML can carry: characters it cannot are dropped."""
    return NOT_IN_XML.sub("", str(value or ""))


def add(parent, tag, **attributes):
    element = ElementTree.SubElement(parent, tag)
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), xml_text(value))
    return element


def add_narratives(parent, texts):
    """A narrative for each language given a text in `texts`; Swedish always, since one is required."""
    for language in LANGUAGES:
        text = xml_text(texts.get(language)).strip()
        if text or language == LANGUAGES[0]:
            narrative = add(parent, "narrative")
            narrative.text = text
            narrative.set(XML_LANG, language)


def translated(instance, field):
    return {language: getattr(instance, f"{field}_{language}", "") for language in LANGUAGES}


def in_each_language(function, *args):
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = function(*args)
    return texts


class ActivityWriter:
    """Writes IATI activities for projects; remembers the projects it had to leave out, and why."""

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.reporting_org = {
            "ref": settings.IATI_REPORTING_ORG_REF,
            "type": settings.IATI_REPORTING_ORG_TYPE,
            "name": settings.IATI_REPORTING_ORG_NAME,
        }
        self.identifier_prefix = settings.IATI_IDENTIFIER_PREFIX
        self.written = 0
        self.left_out = []  # (slug, reason)

    def document(self, projects):
        """The <iati-activities> document for `projects`, as pieces of text to send or write in turn."""
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        generated = xml_text(self.now.isoformat(timespec="seconds"))
        yield f'<iati-activities version="{IATI_VERSION}" generated-datetime="{generated}">\n'
        for project in projects:
            activity = self.activity(project)
            if activity is not None:
                self.written += 1
                yield ElementTree.tostring(activity, encoding="unicode") + "\n"
        yield "</iati-activities>\n"

    def document_if_valid(self, projects):
        """The document's pieces as document() gives them, or None when no project can be an activity:
        the schema requires at least one, so then there is no valid document to give. Read up to the
        first activity before it answers; the rest is still read a batch at a time."""
        pieces = self.document(projects)
        head = []
        for piece in pieces:
            head.append(piece)
            if self.written:
                return itertools.chain(head, pieces)
        return None

    def identifier(self, project):
        return f"{self.identifier_prefix}-{project.slug}"

    def activity(self, project):
        """The <iati-activity> of one project, its elements in the order the schema requires; None when
        the project cannot be a valid activity (see `left_out`)."""
        if not project.is_published:  # never, from exported_projects(); a last guard all the same
            return None
        organisations = self.participating_organisations(project)
        dates = self.activity_dates(project)
        if not dates:
            self.left_out.append((project.slug, "no start or end is stated, and IATI requires an activity date"))
            return None
        if not organisations:
            self.left_out.append((project.slug, "no organisation has a role that IATI names"))
            return None
        activity = ElementTree.Element("iati-activity")
        activity.set("last-updated-datetime", project.updated.isoformat(timespec="seconds"))
        activity.set(XML_LANG, LANGUAGES[0])
        add(activity, "iati-identifier").text = xml_text(self.identifier(project))
        reporting_org = add(activity, "reporting-org", ref=self.reporting_org["ref"], type=self.reporting_org["type"])
        add_narratives(reporting_org, {LANGUAGES[0]: self.reporting_org["name"]})
        add_narratives(add(activity, "title"), translated(project, "name"))
        add_narratives(add(activity, "description", type="1"), translated(project, "description"))
        for role, attributes, texts in organisations:
            add_narratives(add(activity, "participating-org", role=role, **attributes), texts)
        add(activity, "activity-status", code=ACTIVITY_STATUSES[project.status])
        for date_type, iso_date, texts in dates:
            element = add(activity, "activity-date", type=date_type, iso_date=iso_date.isoformat())
            if texts:
                add_narratives(element, texts)
        for code in self.recipient_countries(project):
            add(activity, "recipient-country", code=code)
        return activity

    def participating_organisations(self, project):
        """(IATI role, attributes, names by language) of each organisation with a stated role, by role."""
        organisations = []
        agency_role = ORGANISATION_ROLES.get(project.agency_role)
        if agency_role:
            reporting_org = self.reporting_org
            organisations.append(
                (
                    agency_role,
                    {"ref": reporting_org["ref"], "type": reporting_org["type"]},
                    {LANGUAGES[0]: reporting_org["name"]},
                )
            )
        for participation in project.participations.all():
            role = ORGANISATION_ROLES.get(participation.role)
            if role is None:  # not among the prefetched ones; a guard for a queryset made elsewhere
                continue
            if participation.organisation_id:
                organisation = participation.organisation
                kind = ORGANISATION_TYPES.get(organisation.kind)
                organisations.append((role, {"type": kind} if kind else {}, translated(organisation, "name")))
            elif participation.designation:
                organisations.append((role, {}, {LANGUAGES[0]: participation.designation}))
            else:
                organisations.append((role, {}, in_each_language(getattr, participation.country, "name")))
        for funding in project.fundings.all():
            organisations.append((FUNDING, {}, translated(funding.fund, "name")))
        return sorted(organisations, key=lambda organisation: organisation[0])

    def activity_dates(self, project):
        """(IATI date type, iso-date, narratives or None) of the start and the end the catalogue states."""
        dates = []
        if project.start_date is not None and project.start_precision != Precision.UNKNOWN:
            date_type = ACTUAL_START if project.start_date <= self.today else PLANNED_START
            dates.append((date_type, project.start_date, self.as_known(project.start_date, project.start_precision)))
        if project.end_date is not None and project.end_precision != Precision.UNKNOWN:
            date_type = ACTUAL_END if project.status == Project.Status.CLOSED else PLANNED_END
            if project.end_precision == Precision.DAY:
                iso_date = project.end_date
            else:
                # The latest the end may be: the unit's last day, or the day a closed project was confirmed closed.
                iso_date = max(
                    project.latest_end or last_day(project.end_date, project.end_precision), project.end_date
                )
            dates.append((date_type, iso_date, self.as_known(project.end_date, project.end_precision)))
        return dates

    def as_known(self, date, precision):
        """Narratives that say a date less specific than a day as the catalogue knows it; None for a day."""
        if precision == Precision.DAY:
            return None
        return in_each_language(format_point, date, precision)

    def recipient_countries(self, project):
        codes = []
        for place in project.project_countries.all():
            code = place.country.code.code
            if place.role in RECIPIENT_ROLES and code not in codes:
                codes.append(code)
        return codes
