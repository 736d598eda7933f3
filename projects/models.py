"""The catalogue: projects, who took part and in what role, who paid, where, and when.

Every model has a natural key so that the content fixtures can name rows by
what they are (a slug, an ISO code) rather than by database ids.
"""

import datetime
import functools

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.languages import Language

from .periods import Period, Precision, normalise
from .uploads import validate_upload

SLUG = "slug-placeholder"


@functools.cache
def _slug_address_pattern(view_name, language, script_prefix):
    return reverse(view_name, kwargs={"slug": SLUG})


def start_of_day(day):
    """The first moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def slug_address(view_name, slug):
    """What reverse() gives for a page addressed by a slug, worked out once per language: lists write many."""
    return _slug_address_pattern(view_name, translation.get_language(), get_script_prefix()).replace(SLUG, slug)


@functools.cache
def _choice_labels(field):
    return dict(field.flatchoices)


class ChoiceLabels:
    """get_FOO_display() from a table of the field's labels made once, not on every call.

    Django's own builds a dict of every choice each time, translating each label on the way;
    a list page asks for dozens of labels. The labels stay lazy: each is translated into the
    language active when it is shown.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(value, value), strings_only=True)


class NaturalKeyManager(models.Manager):
    """Looks a row up by the fields named in `natural_key_fields`."""

    natural_key_fields = ("slug",)

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.natural_key_fields, key, strict=True)))


class CountryManager(NaturalKeyManager):
    natural_key_fields = ("code",)


class Country(models.Model):
    """A country the source names, by its ISO 3166-1 alpha-2 code (Kosovo is XK)."""

    code = CountryField(_("ISO 3166-1 code"), unique=True)

    objects = CountryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code.code,)

    @property
    def name(self):
        """The name in the active language."""
        return countries.name(self.code.code)

    @property
    def name_sv(self):
        with translation.override("sv"):
            return countries.name(self.code.code)

    @property
    def name_en(self):
        with translation.override("en"):
            return countries.name(self.code.code)


class Framework(models.Model):
    """A process or programme that projects run under, such as the Budapest Process."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("framework or process")
        verbose_name_plural = _("frameworks and processes")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Organisation(ChoiceLabels, models.Model):
    """An agency, ministry, EU body, UN agency or international organisation."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("government agency")
        MINISTRY = "ministry", _("ministry")
        EU_BODY = "eu_body", _("EU body")
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL = "international", _("international organisation")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("How the source describes the organisation, e.g. “FN:s flyktingorgan”."),
    )

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self):
        return slug_address("projects:partner", self.slug)

    def natural_key(self):
        return (self.slug,)

    @transaction.atomic
    def absorb(self, others):
        """Merge `others` into this organisation: every participation is kept, then the others are deleted.

        Where both took part in the same project, this organisation's row stays and
        the other's role and note are added to its note, so no fact is lost.
        """
        moved = merged = 0
        for other in others:
            if other.pk == self.pk:
                continue
            for participation in other.participations.select_related("project"):
                existing = self.participations.filter(project=participation.project).first()
                if existing is None:
                    participation.organisation = self
                    participation.save()
                    moved += 1
                    continue
                addition = f"{other}: {participation.get_role_display()}"
                if participation.note:
                    addition += f" – {participation.note}"
                existing.note = "\n".join(filter(None, [existing.note, addition]))
                existing.save()
                participation.delete()
                merged += 1
            other.delete()
        return moved, merged


class Fund(ChoiceLabels, models.Model):
    """Who paid: an EU fund, a Swedish funder, or "the EU" where no fund is named."""

    class Kind(models.TextChoices):
        EU_FUND = "eu_fund", _("EU fund")
        EU_UNSPECIFIED = "eu_unspecified", _("EU funding, fund not named")
        SWEDISH_FUNDER = "swedish_funder", _("Swedish funder")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_("For a part of a fund, such as AMIF's special actions: the fund it belongs to."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = NaturalKeyManager()

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("fund or funder")
        verbose_name_plural = _("funds and funders")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="fund_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_address("projects:fund", self.slug)

    def natural_key(self):
        return (self.slug,)


class ProjectPartManager(models.Manager):
    """Natural keys for rows that belong to a project: the project's slug plus the given fields."""

    def __init__(self, *key_fields):
        super().__init__()
        self.key_fields = key_fields

    def get_by_natural_key(self, project_slug, *key):
        lookups = dict(zip(self.key_fields, key, strict=True))
        return self.get(project__slug=project_slug, **lookups)


class ParticipationManager(models.Manager):
    def get_by_natural_key(self, project_slug, organisation_slug, country_code, designation):
        rows = self.filter(project__slug=project_slug)
        if organisation_slug:
            return rows.get(organisation__slug=organisation_slug)
        if country_code:
            return rows.get(organisation__isnull=True, country__code=country_code)
        return rows.get(organisation__isnull=True, country__isnull=True, designation=designation)


class ProjectRelationManager(models.Manager):
    def get_by_natural_key(self, project_slug, kind, related_slug, external_name):
        rows = self.filter(project__slug=project_slug, kind=kind)
        if related_slug:
            return rows.get(related_project__slug=related_slug)
        return rows.get(related_project__isnull=True, external_name=external_name)


class Participation(ChoiceLabels, models.Model):
    """An organisation, or a country named as a partner, taking part in a project in some role.

    The source sometimes names a partner only by its country ("partnerländerna
    Belgien, Italien ..."): then `country` is set and `organisation` is empty,
    and `designation` keeps the source's words. No agency name is invented.
    """

    class Role(models.TextChoices):
        """What an actor does in a project: used for partners and for the agency itself."""

        LEAD = "lead", _("lead")
        CO_LEAD = "co_lead", _("co-lead")
        PROJECT_OWNER = "project_owner", _("project owner")
        PARTNER = "partner", _("partner")
        JUNIOR_PARTNER = "junior_partner", _("junior partner")
        PARTICIPANT = "participant", _("participant")
        COOPERATION_PARTNER = "cooperation_partner", _("cooperation partner")
        IMPLEMENTER = "implementer", _("implementer")
        STAKEHOLDER = "stakeholder", _("stakeholder")
        BENEFICIARY = "beneficiary", _("beneficiary")
        SECRETARIAT = "secretariat", _("secretariat")
        SUPPORT_FUNCTION = "support_function", _("support function")
        INITIATOR = "initiator", _("initiator")
        PROJECT_ACTOR = "project_actor", _("project actor")
        STAKEHOLDER_AND_PARTNER = "stakeholder_and_partner", _("stakeholder and partner")
        # The source names the actor and, at most, what it did: the note keeps that, in its words.
        NOT_STATED = "not_stated", _("role not stated")

    project = models.ForeignKey(
        "Project", on_delete=models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("country as partner"),
        help_text=_("Only where the source names the partner by its country alone."),
    )
    designation = models.CharField(
        _("as the source names it"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Belgiens migrationsmyndighet” or “lokala samarbetsorganisationer”."),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    note = models.TextField(_("note"), blank=True)

    objects = ParticipationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "pk"]  # by the column: ordering by "project" would join projects to sort by name
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [
            # The few partners the source names in its own words, for search (projects/search.py).
            models.Index(fields=["project"], condition=~Q(designation=""), name="participation_designated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(country__isnull=False) | ~Q(designation=""),
                name="participation_names_someone",
                violation_error_message=_("Choose an organisation or a country, or write who the partner is."),
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=Q(organisation__isnull=False),
                name="participation_unique_organisation",
                violation_error_message=_("This organisation already takes part in the project."),
            ),
            models.UniqueConstraint(
                fields=["project", "country"],
                condition=Q(organisation__isnull=True, country__isnull=False),
                name="participation_unique_country",
                violation_error_message=_("This country already takes part in the project."),
            ),
            models.UniqueConstraint(
                fields=["project", "designation"],
                condition=Q(organisation__isnull=True, country__isnull=True),
                name="participation_unique_designation",
            ),
        ]

    def __str__(self):
        return f"{self.partner_name}: {self.get_role_display()}"

    def natural_key(self):
        return (
            self.project.slug,
            self.organisation.slug if self.organisation_id else "",
            self.country.code.code if self.country_id else "",
            "" if self.organisation_id or self.country_id else self.designation,
        )

    natural_key.dependencies = ["projects.project", "projects.organisation", "projects.country"]

    @property
    def partner_name(self):
        if self.organisation_id:
            return str(self.organisation)
        return self.designation or str(self.country)


# What a relation shows on a project's page, besides the other project's name and address.
RELATION_COLUMNS = ("kind", "certainty", "note", "external_name", "project", "related_project")


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def active_in(self, *, year_from=None, year_to=None):
        """Projects whose period may overlap the years, given how precisely it is known."""
        queryset = self
        if year_to is not None:
            last_day = datetime.date(year_to, 12, 31)
            queryset = queryset.filter(Q(earliest_start__isnull=True) | Q(earliest_start__lte=last_day))
        if year_from is not None:
            first_day = datetime.date(year_from, 1, 1)
            queryset = queryset.filter(Q(latest_end__isnull=True) | Q(latest_end__gte=first_day))
        return queryset

    def ongoing_past_end(self, today):
        """Projects still called ongoing although even the latest possible end has passed."""
        return self.filter(status=Project.Status.ONGOING, latest_end__lt=today)

    def review_overdue(self, today):
        """Projects no editor has checked within the review interval (or ever)."""
        due = today - datetime.timedelta(days=settings.REVIEW_INTERVAL_DAYS)
        return self.filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=due))

    def needing_review(self, today):
        return self.filter(
            Q(pk__in=self.ongoing_past_end(today).values("pk")) | Q(pk__in=self.review_overdue(today).values("pk"))
        )

    def for_page(self):
        """With everything a project's page shows: participants, funds, countries, relations both ways, documents."""
        return self.select_related("framework").prefetch_related(
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation__country", "country"),
            ),
            models.Prefetch("fundings", queryset=Funding.objects.select_related("fund__parent")),
            models.Prefetch("project_countries", queryset=ProjectCountry.objects.select_related("country")),
            models.Prefetch(
                "relations",
                queryset=ProjectRelation.objects.select_related("related_project")
                .filter(Q(related_project__isnull=True) | Q(related_project__is_published=True))
                .only(
                    *RELATION_COLUMNS, "related_project__name_sv", "related_project__name_en", "related_project__slug"
                ),
            ),
            models.Prefetch(
                "inverse_relations",
                queryset=ProjectRelation.objects.select_related("project")
                .filter(project__is_published=True)
                .only(*RELATION_COLUMNS, "project__name_sv", "project__name_en", "project__slug", "project__status"),
            ),
            "documents",
        )

    def ongoing(self):
        return self.filter(status=Project.Status.ONGOING)

    def closed(self):
        return self.filter(status=Project.Status.CLOSED)


ProjectManager = NaturalKeyManager.from_queryset(ProjectQuerySet)


class Project(ChoiceLabels, models.Model):
    """One international project, as the source page describes it."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("ongoing")
        CLOSED = "closed", _("closed")

    class CooperationType(models.TextChoices):
        TWINNING = "twinning", _("twinning")
        PILOT = "pilot", _("pilot project")
        NETWORK = "network", _("network")
        SUPPORT_FUNCTION = "support_function", _("support function")
        BILATERAL = "bilateral", _("bilateral cooperation")
        COOPERATION_PROGRAMME = "cooperation_programme", _("cooperation programme")
        COLLABORATION = "collaboration", _("collaboration project")
        RESETTLEMENT = "resettlement", _("resettlement project")
        TRAINING = "training", _("training project")
        CROSS_BORDER = "cross_border", _("cross-border cooperation")

    name = models.CharField(_("name"), max_length=300, help_text=_("The name the public knows the project by."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    official_title = models.CharField(
        _("official title"),
        max_length=300,
        blank=True,
        help_text=_("The project's own title, often in English, as the source writes it."),
    )
    official_title_language = models.CharField(
        _("language of the official title"),
        max_length=10,
        choices=Language,
        blank=True,
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    summary = models.TextField(_("summary"), help_text=_("A sentence or two for lists."))
    description = models.TextField(
        _("description"),
        help_text=_("The full text about the project; for loaded entries, the source's own paragraph."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    cooperation_type = models.CharField(_("type of cooperation"), max_length=30, choices=CooperationType, blank=True)
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("framework or process"),
    )
    agency_role = models.CharField(
        _("the Migration Agency's role"), max_length=30, choices=Participation.Role, blank=True
    )
    agency_role_note = models.TextField(
        _("about the Migration Agency's role"),
        blank=True,
        help_text=_("What the agency did or does, in the source's words."),
    )

    start_date = models.DateField(
        _("start"),
        null=True,
        blank=True,
        help_text=_(
            "The first day of what is known: for “hösten 2015” enter 2015-09-01 and choose "
            "precision season; for “2016”, 2016-01-01 and precision year."
        ),
    )
    start_precision = models.CharField(
        _("precision of the start"), max_length=10, choices=Precision, default=Precision.UNKNOWN
    )
    end_date = models.DateField(
        _("end"),
        null=True,
        blank=True,
        help_text=_("As for the start: the first day of the month, season or year the project ended in."),
    )
    end_precision = models.CharField(
        _("precision of the end"), max_length=10, choices=Precision, default=Precision.UNKNOWN
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration in months"),
        null=True,
        blank=True,
        help_text=_("Where the source gives a length instead of an end: “tvåårigt” is 24."),
    )
    duration_is_approximate = models.BooleanField(
        _("duration is approximate"), default=False, help_text=_("Tick for “ca 2,5 år”.")
    )
    duration_text = models.CharField(
        _("duration as written"), max_length=100, blank=True, help_text=_("The source's words, e.g. “ca 2,5 år”.")
    )
    period_note = models.TextField(_("note on the period"), blank=True)
    # Derived from the period on every save (see Period.earliest_start and Period.latest_end),
    # so that "active in these years" and "ongoing past its end" are plain, indexed comparisons.
    earliest_start = models.DateField(_("earliest possible start"), null=True, editable=False)
    latest_end = models.DateField(_("latest possible end"), null=True, editable=False)
    editor_note = models.TextField(
        _("notes for editors"),
        blank=True,
        help_text=_(
            "How the source was read: what it leaves open, its own wording. Shown only here, never on the public "
            "pages; write what a reader needs to know in the fields above."
        ),
    )
    countries_note = models.TextField(
        _("note on countries"),
        blank=True,
        help_text=_("Countries the source mentions without naming them, e.g. “åtta utvalda länder”."),
    )

    position = models.PositiveSmallIntegerField(
        _("order on the start page"),
        default=0,
        help_text=_("Projects are listed on the start page in this order, as on the source page."),
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished projects are visible only to editors, as a preview.")
    )
    # The day the facts, the status among them, were last confirmed: the source page's date for
    # the shipped content, the day of an editor's review since. Shown with the status.
    reviewed_on = models.DateField(
        _("facts confirmed"),
        null=True,
        blank=True,
        help_text=_("The day an editor last checked that the entry, its status included, is still true."),
    )
    # The day the entry's content last changed (not its review, order or publication): the
    # source page's date for the shipped content. Shown as "last updated".
    content_changed_on = models.DateField(_("content last changed"), default=timezone.localdate, editable=False)
    # The moment of that change, which orders the list by last change and dates the feeds' entries.
    # A day given without its moment (the fixtures date the shipped content by the source page's
    # day) stands for that day's first moment: see set_content_changed_moment().
    content_changed = models.DateTimeField(_("moment content last changed"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("last updated"), auto_now=True)

    # The catalogue version of the last change that shows on this project's page: a snapshot of
    # the page taken before it is not read (projects/snapshots.py).
    page_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ProjectManager()

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["name_sv"], name="project_name_idx"),
            models.Index(fields=["start_date", "name_sv"], name="project_start_idx"),
            models.Index(fields=["end_date", "name_sv"], name="project_end_idx"),
            models.Index(fields=["content_changed"], name="project_changed_moment_idx"),
            models.Index(fields=["status", "is_published"], name="project_status_idx"),
            models.Index(fields=["latest_end", "earliest_start"], name="project_period_bounds_idx"),
            models.Index(fields=["status", "latest_end"], name="project_status_end_idx"),
            # The start page's two sections, in the source page's order.
            models.Index(
                fields=["status", "position", "name_sv"], condition=Q(is_published=True), name="project_home_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_not_before_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=(Q(start_date__isnull=True) & Q(start_precision=Precision.UNKNOWN))
                | (Q(start_date__isnull=False) & ~Q(start_precision=Precision.UNKNOWN)),
                name="project_start_precision_matches_date",
                violation_error_message=_("A start date needs a precision, and precision “unknown” needs no date."),
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_precision=Precision.UNKNOWN))
                | (Q(end_date__isnull=False) & ~Q(end_precision=Precision.UNKNOWN)),
                name="project_end_precision_matches_date",
                violation_error_message=_("An end date needs a precision, and precision “unknown” needs no date."),
            ),
            models.CheckConstraint(
                condition=Q(duration_is_approximate=False) | Q(duration_months__isnull=False),
                name="project_approximate_duration_has_months",
                violation_error_message=_("An approximate duration needs a number of months."),
            ),
            models.CheckConstraint(condition=Q(status__in=["ongoing", "closed"]), name="project_status_valid"),
        ]

    class VersionConflict(Exception):
        """Someone saved the project after the version this save was made on: nothing was written."""

        def __init__(self, project_pk, version):
            super().__init__(f"Project {project_pk} has been saved since version {version}.")
            self.project_pk = project_pk
            self.version = version

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save as the version after `self.version`, the one this instance was read (or an editor's form opened) on.

        One conditional UPDATE claims the next version; it changes nothing, and the save is
        refused with VersionConflict, if another save came first. So no save silently
        overwrites one its author never saw. The claim locks the row until the save commits.
        """
        using = kwargs.get("using")
        # No savepoint of its own: inside a larger transaction, the claim's lock lasts until that commits.
        with transaction.atomic(using=using, savepoint=False):
            claimed = self._state.adding or self.claim_next_version(using)
            if claimed:
                self.set_period_bounds()
                self.set_content_changed_moment()
                super().save(*args, **kwargs)
        if not claimed:
            raise self.VersionConflict(self.pk, self.version)

    def get_absolute_url(self):
        return slug_address("projects:detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def claim_next_version(self, using=None):
        """Move the stored version from `self.version` to the next, if it is still `self.version`; say if it was."""
        stored = type(self)._base_manager.db_manager(using).filter(pk=self.pk, version=self.version)
        if not stored.update(version=self.version + 1):
            return False
        self.version += 1
        return True

    def mark_content_changed(self):
        """Date the content as changed now: the day shown as "last updated" and the moment lists and feeds
        order by. Not for a change of the review, the order or the publication alone."""
        self.content_changed = timezone.now()
        self.content_changed_on = timezone.localdate(self.content_changed)

    def set_content_changed_moment(self):
        """Make the moment of the last change agree with its day (save() does this).

        A day set on its own (the fixtures give the source page's day, and no time) says no more
        than that day: its first moment, in the site's time zone, stands for it.
        """
        if self.content_changed is None or timezone.localdate(self.content_changed) != self.content_changed_on:
            self.content_changed = start_of_day(self.content_changed_on)

    def set_period_bounds(self):
        """Derive the earliest possible start and the latest possible end from the period (save() does this).

        A project that was closed on the day its facts were confirmed ended that day at the latest.
        """
        self.earliest_start, self.latest_end = self.period.earliest_start(), self.period.latest_end()
        if self.status == self.Status.CLOSED and self.reviewed_on is not None:
            self.latest_end = min(self.latest_end or self.reviewed_on, self.reviewed_on)

    def clean(self):
        # Store each date as the first day of its unit, so that precision and date agree.
        self.start_date = normalise(self.start_date, self.start_precision)
        self.end_date = normalise(self.end_date, self.end_precision)
        errors = {}
        for side, date, precision in (
            ("start", self.start_date, self.start_precision),
            ("end", self.end_date, self.end_precision),
        ):
            if date is None and precision != Precision.UNKNOWN:
                errors[f"{side}_date"] = _("Enter a date, or choose precision “unknown”.")
            elif date is not None and precision == Precision.UNKNOWN:
                errors[f"{side}_precision"] = _("Choose how precisely the date is known.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        if self.duration_is_approximate and self.duration_months is None:
            errors["duration_months"] = _("An approximate duration needs a number of months.")
        if (
            self.status == self.Status.CLOSED
            and self.end_date is None
            and self.duration_months is None
            and not self.period_note.strip()
        ):
            errors["end_date"] = _(
                "A closed project needs an end, a duration, or a note on the period saying why the end is unknown."
            )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # Each check constraint above is a rule that clean() already checks, with its message
        # on the field it concerns (the status is checked against its choices); Django would
        # ask the database about each one again, a query per constraint and save.
        pass

    @property
    def ongoing_past_end(self):
        """Still called ongoing, although even the latest possible end has passed."""
        return (
            self.status == self.Status.ONGOING
            and self.latest_end is not None
            and self.latest_end < timezone.localdate()
        )

    # The columns `period` is made of: what a query that shows a project's period must fetch.
    PERIOD_COLUMNS = (
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "duration_months",
        "duration_is_approximate",
    )

    @property
    def period(self):
        return Period(
            start=self.start_date,
            start_precision=self.start_precision,
            end=self.end_date,
            end_precision=self.end_precision,
            duration_months=self.duration_months,
            duration_is_approximate=self.duration_is_approximate,
        )


class ProjectCountry(ChoiceLabels, models.Model):
    """A country and what it was to the project: partner, target, posting location..."""

    class Role(models.TextChoices):
        PARTNER_COUNTRY = "partner_country", _("partner country")
        TARGET_COUNTRY = "target_country", _("target country")
        REGIONAL_PARTICIPANT = "regional_participant", _("took part in regional activities")
        POSTING_LOCATION = "posting_location", _("posting location")
        IMPLEMENTATION_LOCATION = "implementation_location", _("where the project was run")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="project_countries", verbose_name=_("project")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="project_countries", verbose_name=_("country")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("A city, such as Kabul."))
    note = models.TextField(_("note"), blank=True)

    objects = ProjectPartManager("country__code", "role")
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "pk"]  # by the column: ordering by "project" would join projects to sort by name
        verbose_name = _("project country")
        verbose_name_plural = _("project countries")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "country", "role"],
                name="project_country_unique_role",
                violation_error_message=_("This country already has this role in the project."),
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.get_role_display()}"

    def natural_key(self):
        return (self.project.slug, self.country.code.code, self.role)

    natural_key.dependencies = ["projects.project", "projects.country"]


class Funding(ChoiceLabels, models.Model):
    """A fund's part in paying for a project."""

    class Share(models.TextChoices):
        SOLE = "sole", _("sole funder")
        MAIN = "main", _("main funder")
        CO_FINANCING = "co_financing", _("co-financing")
        NOT_STATED = "not_stated", _("funder, share not stated")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("project"))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("fund"))
    share = models.CharField(_("share"), max_length=20, choices=Share)
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. “till övervägande del”."))

    objects = ProjectPartManager("fund__slug")
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "pk"]  # by the column: ordering by "project" would join projects to sort by name
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fund"],
                name="funding_unique_fund",
                violation_error_message=_("This fund is already listed for the project."),
            ),
        ]

    def __str__(self):
        return f"{self.fund}: {self.get_share_display()}"

    def natural_key(self):
        return (self.project.slug, self.fund.slug)

    natural_key.dependencies = ["projects.project", "projects.fund"]


class ProjectRelation(ChoiceLabels, models.Model):
    """How one project stands to another: PP7 continues PP4, ERIN will be integrated into ERRIN.

    The other side is a project in the catalogue where there is one, otherwise
    just its name (ERRIN and ERPUM II have no entry of their own in the source).
    """

    class Kind(models.TextChoices):
        CONTINUES = "continues", _("continues")
        BUILDS_ON = "builds_on", _("builds on")
        FOLLOWED_UP_BY = "followed_up_by", _("is followed up by")
        INTEGRATED_INTO = "integrated_into", _("is integrated into")
        SUCCEEDED_BY = "succeeded_by", _("is succeeded by")

    class Certainty(models.TextChoices):
        STATED = "stated", _("stated as a fact")
        PLANNED = "planned", _("planned")
        LIKELY = "likely", _("likely")

    # How a project's page says the relation: in the past tense once the project has closed, and
    # as planned or likely where the source says no more.
    LABELS = {
        "past": {
            Kind.CONTINUES: _("continued"),
            Kind.BUILDS_ON: _("built on"),
            Kind.FOLLOWED_UP_BY: _("was followed up by"),
            Kind.INTEGRATED_INTO: _("was integrated into"),
            Kind.SUCCEEDED_BY: _("was succeeded by"),
        },
        Certainty.PLANNED: {
            Kind.CONTINUES: _("is planned to continue"),
            Kind.BUILDS_ON: _("is planned to build on"),
            Kind.FOLLOWED_UP_BY: _("is planned to be followed up by"),
            Kind.INTEGRATED_INTO: _("is planned to be integrated into"),
            Kind.SUCCEEDED_BY: _("is planned to be succeeded by"),
        },
        Certainty.LIKELY: {
            Kind.CONTINUES: _("will most likely continue"),
            Kind.BUILDS_ON: _("will most likely build on"),
            Kind.FOLLOWED_UP_BY: _("will most likely be followed up by"),
            Kind.INTEGRATED_INTO: _("will most likely be integrated into"),
            Kind.SUCCEEDED_BY: _("will most likely be succeeded by"),
        },
    }
    # The same relation on the other project's page: always between two projects in the catalogue.
    INVERSE_LABELS = {
        Kind.CONTINUES: _("is continued by"),
        Kind.BUILDS_ON: _("is built on by"),
        Kind.FOLLOWED_UP_BY: _("follows up"),
        Kind.INTEGRATED_INTO: _("integrates"),
        Kind.SUCCEEDED_BY: _("succeeds"),
    }
    PAST_INVERSE_LABELS = {
        Kind.CONTINUES: _("was continued by"),
        Kind.BUILDS_ON: _("was built on by"),
        Kind.FOLLOWED_UP_BY: _("followed up"),
        Kind.INTEGRATED_INTO: _("integrated"),
        Kind.SUCCEEDED_BY: _("succeeded"),
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relations", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    related_project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inverse_relations",
        verbose_name=_("related project"),
    )
    external_name = models.CharField(
        _("name of a project outside the catalogue"),
        max_length=300,
        blank=True,
        help_text=_("Only when the related project has no entry here, e.g. ERRIN."),
    )
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty, default=Certainty.STATED)
    note = models.TextField(_("note"), blank=True)

    objects = ProjectRelationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "pk"]  # by the column: ordering by "project" would join projects to sort by name
        verbose_name = _("project relation")
        verbose_name_plural = _("project relations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(related_project__isnull=False) & Q(external_name=""))
                | (Q(related_project__isnull=True) & ~Q(external_name="")),
                name="relation_names_one_other_side",
                violation_error_message=_(
                    "Choose a related project or write the name of one outside the catalogue, not both."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(related_project=models.F("project")),
                name="relation_not_to_itself",
                violation_error_message=_("A project cannot be related to itself."),
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "related_project"],
                condition=Q(related_project__isnull=False),
                name="relation_unique_project",
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "external_name"],
                condition=Q(related_project__isnull=True),
                name="relation_unique_name",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.get_kind_display()} {self.other_name}"

    def natural_key(self):
        return (
            self.project.slug,
            self.kind,
            self.related_project.slug if self.related_project_id else "",
            self.external_name,
        )

    natural_key.dependencies = ["projects.project"]

    @property
    def other_name(self):
        return str(self.related_project) if self.related_project_id else self.external_name

    @property
    def is_past(self):
        """Whether the relation lies in the past: its project has closed."""
        return self.project.status == Project.Status.CLOSED

    @property
    def label(self):
        """The relation as the project's page says it: "PP7 continued PP4", "ERIN will most likely be integrated…"."""
        if self.certainty != self.Certainty.STATED:
            return self.LABELS[self.certainty][self.kind]
        return self.LABELS["past"][self.kind] if self.is_past else self.get_kind_display()

    @property
    def inverse_label(self):
        """The relation as the related project's page says it: "PP4 was continued by PP7"."""
        label = (self.PAST_INVERSE_LABELS if self.is_past else self.INVERSE_LABELS)[self.kind]
        if self.certainty != self.Certainty.STATED:
            return f"{label} ({self.get_certainty_display()})"
        return label


class Document(ChoiceLabels, models.Model):
    """A document or a link about a project.

    Where the source names a document without giving its address, the title is
    kept and `url` stays empty for an editor to fill in: no address is guessed.
    """

    class Kind(models.TextChoices):
        NEWSLETTER = "newsletter", _("newsletter")
        REPORT = "report", _("report")
        GUIDELINES = "guidelines", _("guidelines")
        WEBSITE = "website", _("website")
        OTHER = "other", _("other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    file_format = models.CharField(_("file format"), max_length=20, blank=True, help_text=_("E.g. PDF."))
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language,
        blank=True,
        help_text=_("Leave empty when the source does not say."),
    )
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        upload_to="documents/",
        blank=True,
        validators=[validate_upload],
        help_text=_("PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG or JPEG."),
    )
    is_external = models.BooleanField(
        _("on another website"), default=False, help_text=_("Tick when the address leads away from this site.")
    )
    note = models.TextField(_("note"), blank=True)

    objects = ProjectPartManager("title")
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "pk"]  # by the column: ordering by "project" would join projects to sort by name
        verbose_name = _("document or link")
        verbose_name_plural = _("documents and links")
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="document_unique_title"),
            models.CheckConstraint(
                condition=Q(url="") | Q(file=""),
                name="document_url_or_file",
                violation_error_message=_("Give an address or upload a file, not both."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.project.slug, self.title)

    natural_key.dependencies = ["projects.project"]

    @property
    def href(self):
        if self.url:
            return self.url
        return self.file.url if self.file else ""


class PageContentManager(NaturalKeyManager):
    natural_key_fields = ("key",)


class PageContent(models.Model):
    """The words around the catalogue that editors own: title, introduction, feedback texts."""

    # The row for the catalogue's start page, as loaded from fixtures/page.json.
    CATALOGUE_KEY = "internationella-projekt"

    key = models.SlugField(_("key"), max_length=50, unique=True)
    title = models.CharField(_("page title"), max_length=200)
    introduction = models.TextField(_("introduction"))
    source_updated_on = models.DateField(
        _("source last updated"), help_text=_("The “Sidan senast uppdaterad” date of the page the content came from.")
    )
    newsletter_heading = models.CharField(_("newsletter heading"), max_length=200, blank=True)
    newsletter = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("newsletter"),
    )
    contact_text = models.TextField(_("contact pointer"), blank=True)
    feedback_question = models.CharField(_("feedback question"), max_length=200)
    feedback_thanks_answer = models.CharField(
        _("thanks after an answer"), max_length=200, help_text=_("Shown after yes or no.")
    )
    feedback_comment_prompt = models.CharField(_("comment prompt"), max_length=200)
    feedback_thanks_comment = models.CharField(
        _("thanks after a comment"), max_length=200, help_text=_("Shown after a comment is sent.")
    )

    objects = PageContentManager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("page content")
        verbose_name_plural = _("page content")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["projects.document"]


class LoadedRecord(models.Model):
    """What the catalogue loader last wrote to a row, so that it can tell an editor's change from its own."""

    model = models.CharField(max_length=100)
    natural_key = models.CharField(max_length=700)
    fields = models.JSONField(default=dict, help_text="The values the loader wrote, as serialized.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model", "natural_key"]
        constraints = [
            models.UniqueConstraint(fields=["model", "natural_key"], name="loaded_record_unique"),
        ]

    def __str__(self):
        return f"{self.model} {self.natural_key}"


EVERY_PAGE = "every page"


def version_key(number, changed):
    """The catalogue version as a cache key: the number with the moment it moved, as digits alone
    (a key must not hold spaces; SQLite gives the moment as text)."""
    return f"{number}-{''.join(character for character in str(changed) if character.isdigit())}"


class CatalogueVersionQuerySet(models.QuerySet):
    def current(self):
        """The version the catalogue's content is at now, as a key for what is computed from it.

        The number with the moment it moved: a database restored from a backup (or a test
        rolled back) reaches the same number again, but not at the same moment.
        """
        return version_key(*self.current_row())

    def current_row(self):
        """The current version's number and the moment it moved."""
        # Read on every request of a kept page, so asked in plain SQL: the ORM would cost more than the answer.
        connection = connections[self.db]
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
            cursor.execute(f"SELECT number, changed FROM {table} WHERE id = %s", [CatalogueVersion.ROW])
            row = cursor.fetchone()
        if row is None:  # the row is gone with the rest of an emptied database: start again
            version = self.get_or_create(pk=CatalogueVersion.ROW)[0]
            row = version.number, version.changed
        return row

    def for_request(self, request):
        """The version one request reads the catalogue at: read once, and the same for all of the request."""
        if not hasattr(request, "catalogue_version"):
            request.catalogue_version = self.current()
        return request.catalogue_version

    def changed_for_request(self, request):
        """The moment the version one request reads moved (an aware datetime), read with the version itself
        when the request has not read that yet."""
        if not hasattr(request, "catalogue_changed"):
            number, changed = self.current_row()
            request.catalogue_version = getattr(request, "catalogue_version", None) or version_key(number, changed)
            if isinstance(changed, str):  # SQLite may give the moment as text, in UTC
                changed = parse_datetime(changed)
            if timezone.is_naive(changed):
                changed = timezone.make_aware(changed, datetime.UTC)
            request.catalogue_changed = changed
        return request.catalogue_changed

    def bump(self, pages=EVERY_PAGE):
        """Move the number on; inside a transaction, the change commits with it.

        `pages`: a condition on Project that selects the projects whose pages show the change,
        which are marked with the new number (Project.page_version); None when no project's
        page shows it; by default (a load, a bulk change) every project's page.
        """
        changes = {"number": models.F("number") + 1, "changed": timezone.now()}
        if pages is EVERY_PAGE:
            changes["snapshots_from"] = models.F("number") + 1
        with transaction.atomic(using=self.db, savepoint=False):
            if not self.filter(pk=CatalogueVersion.ROW).update(**changes):
                self.get_or_create(pk=CatalogueVersion.ROW)  # gone with an emptied database: start again
            if pages is not None and pages is not EVERY_PAGE:
                number = models.Subquery(self.filter(pk=CatalogueVersion.ROW).values("number"))
                shown = Project.objects.filter(pages).values("pk")
                Project.objects.filter(pk__in=shown).update(page_version=number)


class CatalogueVersion(models.Model):
    """A number that every change to the catalogue's content moves on (projects/signals.py).

    What is computed from the content (rendered pages, facet counts, search results) is
    cached under the number it was computed at: a change makes every such entry unused at
    once, on every app server, since they all read the number from the database. The
    number moves after the change is written, in the same transaction where there is one,
    so that an entry is never older than the number it is kept under.
    """

    ROW = 1

    number = models.PositiveBigIntegerField(default=1)
    changed = models.DateTimeField(auto_now=True)
    # The number of the last change that may show on every project's page (a load, a bulk change).
    snapshots_from = models.PositiveBigIntegerField(default=0)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="catalogue_version_one_row")]

    def __str__(self):
        return str(self.number)


class SearchDocument(models.Model):
    """A project's own text as a tsvector for full-text search on PostgreSQL (projects/search.py).

    Kept by a trigger on the projects' table (migration 0014) and served by a GIN index; unused
    on SQLite. A table of its own, of small rows, so that finding the ids of the projects a
    common word is in reads neither the projects' long texts nor every vector.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    document = SearchVectorField()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.project_id)


class ProjectSnapshot(models.Model):
    """A project's page as every visitor sees it, in each language, kept to be read back in one query (snapshots.py)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # The catalogue version number it was read at, and the layout of `data` and `entry`.
    taken_at = models.PositiveBigIntegerField()
    format = models.CharField(max_length=40)
    data = models.BinaryField()
    # The project's entry in the list, in each language, as JSON: a list page reads twenty of these,
    # so apart from the page, uncompressed, and as text, which the database sends as it is
    # (snapshots.list_entries()).
    entry = models.TextField(default="")

    class Meta:
        verbose_name = _("snapshot of a project page")
        verbose_name_plural = _("snapshots of project pages")

    def __str__(self):
        return f"{self.project_id} @ {self.taken_at}"
