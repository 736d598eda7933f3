"""The editors' admin: every fact editable, history kept, no silent overwrite."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Country,
    Document,
    Framework,
    Fund,
    Funding,
    Organisation,
    PageContent,
    Participation,
    Project,
    ProjectCountry,
    ProjectRelation,
)

admin.site.site_header = _("International projects – editors")
admin.site.site_title = _("International projects")
admin.site.index_title = _("Catalogue")


def project_links(projects):
    """A list of links to the admin pages of `projects`, for "where is this used" fields."""
    links = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        ((reverse("admin:projects_project_change", args=[p.pk]), p.name) for p in projects),
    )
    return format_html("<ul>{}</ul>", links) if links else gettext("No projects.")


# Countries


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_sv", "name_en", "project_count"]
    search_fields = ["code"]
    readonly_fields = ["projects"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_projects=Count("project_countries__project", distinct=True))

    def get_search_results(self, request, queryset, search_term):
        """Find countries by their Swedish or English name too, not only by ISO code."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if term:
            codes = set()
            for language in ("sv", "en"):
                with translation.override(language):
                    codes |= {code for code, name in countries if term in str(name).lower()}
            queryset |= self.model.objects.filter(code__in=codes)
        return queryset, may_have_duplicates

    @admin.display(description=_("projects"), ordering="n_projects")
    def project_count(self, country):
        return country.n_projects

    @admin.display(description=_("projects"))
    def projects(self, country):
        return project_links(
            Project.objects.filter(Q(project_countries__country=country) | Q(participations__country=country))
            .distinct()
            .only("name")
        )


# Organisations, with merging of duplicates


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this organisation"),
        empty_label=None,
    )


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "country", "project_count"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    readonly_fields = ["projects"]
    actions = ["merge"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country")
            .annotate(n_projects=Count("participations__project", distinct=True))
        )

    @admin.display(description=_("projects"), ordering="n_projects")
    def project_count(self, organisation):
        return organisation.n_projects

    @admin.display(description=_("projects"))
    def projects(self, organisation):
        return project_links(Project.objects.filter(participations__organisation=organisation).only("name"))

    @admin.action(description=_("Merge the selected organisations into one"), permissions=["change", "delete"])
    def merge(self, request, queryset):
        """Two rows for one organisation ("ICMPD" and its full name) become one; no participation is lost."""
        if queryset.count() < 2:
            self.message_user(request, gettext("Choose at least two organisations to merge."), messages.ERROR)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None)
        form.fields["keep"].queryset = queryset
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            others = list(queryset.exclude(pk=keep.pk))
            moved, merged = keep.absorb(others)
            self.message_user(
                request,
                gettext(
                    "Merged %(count)s organisations into %(name)s: %(moved)s participations moved, %(merged)s combined."
                )
                % {"count": len(others), "name": keep, "moved": moved, "merged": merged},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge organisations"),
            "form": form,
            "organisations": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/projects/organisation/merge.html", context)


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "parent", "project_count"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["projects"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(n_projects=Count("fundings__project", distinct=True))
        )

    @admin.display(description=_("projects"), ordering="n_projects")
    def project_count(self, fund):
        return fund.n_projects

    @admin.display(description=_("projects"))
    def projects(self, fund):
        return project_links(Project.objects.filter(fundings__fund=fund).only("name"))


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PageContent)
class PageContentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "key", "source_updated_on"]
    autocomplete_fields = ["newsletter"]
    search_fields = ["title"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    """Documents are edited on their project; this list serves search and the newsletter choice."""

    list_display = ["title", "project", "kind", "is_external"]
    list_select_related = ["project"]
    search_fields = ["title", "project__name"]
    autocomplete_fields = ["project"]


# Projects


class UniquePartyFormSet(BaseInlineFormSet):
    """Refuses the same organisation, or the same country as partner, twice in one project."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or not form.cleaned_data:
                continue
            organisation, country = form.cleaned_data.get("organisation"), form.cleaned_data.get("country")
            if organisation:
                key, field = ("organisation", organisation.pk), "organisation"
            elif country:
                key, field = ("country", country.pk), "country"
            else:
                continue
            if key in seen:
                form.add_error(field, gettext("This participant is already listed for the project."))
            seen.add(key)


# Stacked rather than tabular inlines: Django's tabular inline gives its fields no labels
# (only column headings), which screen readers and axe report as unlabelled controls.
class ParticipationInline(admin.StackedInline):
    model = Participation
    formset = UniquePartyFormSet
    fields = [("organisation", "country"), ("designation", "role"), "note"]
    autocomplete_fields = ["organisation", "country"]
    extra = 0


class FundingInline(admin.StackedInline):
    model = Funding
    fields = [("fund", "share"), "note"]
    autocomplete_fields = ["fund"]
    extra = 0


class ProjectCountryInline(admin.StackedInline):
    model = ProjectCountry
    fields = [("country", "role", "place"), "note"]
    autocomplete_fields = ["country"]
    extra = 0


class ProjectRelationInline(admin.StackedInline):
    model = ProjectRelation
    fk_name = "project"
    fields = ["kind", ("related_project", "related_name"), "note"]
    autocomplete_fields = ["related_project"]
    extra = 0


class LabelledFileInput(forms.ClearableFileInput):
    """The file input with a <label> of its own: in a <fieldset>, as Django renders it, it has none."""

    use_fieldset = False


class DocumentInline(admin.StackedInline):
    model = Document
    formfield_overrides = {models.FileField: {"widget": LabelledFileInput}}
    fields = [("title", "kind"), "url", "file", ("file_format", "language", "is_external"), "note"]
    extra = 0


class ProjectAdminForm(forms.ModelForm):
    """The project form, refusing a save made on top of a version the editor never saw."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the fieldsets below choose and order the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The version in the database now, not the instance's: a form that restores an
            # old version from the history starts from the current one too.
            current = Project.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["loaded_version"].initial = current

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Lock the row until this save commits, so that two saves cannot both pass this check.
        current = Project.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        loaded = cleaned.get("loaded_version")
        if current is not None and loaded != current:
            raise ValidationError(changes_since(self.instance.pk, loaded), code="stale")
        return cleaned


def changes_since(project_pk, loaded_version):
    """A message, for an editor whose form is out of date, saying who changed what since they opened it."""
    history = Project.history.filter(id=project_pk).order_by("history_date").select_related("history_user")
    versions = list(history)
    base = next((record for record in versions if record.version == loaded_version), None)
    newer = [record for record in versions if loaded_version is None or record.version > (loaded_version or 0)]
    lines = [
        gettext(
            "Someone else saved this project after you opened it. Your changes have not been saved, "
            "so that theirs are not lost. Open the project again to see the latest version, then make "
            "your changes again."
        )
    ]
    previous = base
    for record in newer:
        who = record.history_user or gettext("the content loader")
        when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
        changed = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["version", "updated"])
            for change in delta.changes:
                label = capfirst(Project._meta.get_field(change.field).verbose_name)
                changed.append(f"{label}: ”{change.old}” → ”{change.new}”")
        detail = "; ".join(changed) if changed else gettext("participants, funding, countries, relations or documents")
        lines.append(gettext("%(when)s, %(who)s: %(detail)s") % {"when": when, "who": who, "detail": detail})
        previous = record
    return lines


def differs_from_stored(project):
    """Whether saving `project` would change any field an editor can edit."""
    stored = Project.objects.filter(pk=project.pk).first()
    if stored is None:
        return True
    return any(
        getattr(project, field.attname) != getattr(stored, field.attname)
        for field in Project._meta.concrete_fields
        if field.editable
    )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("needs review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("needed", _("needs review")),
            ("past_end", _("ongoing, but the end has passed")),
            ("overdue", _("not reviewed in time")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "needed":
            return queryset.needing_review(today)
        if self.value() == "past_end":
            return queryset.filter(pk__in=queryset.ongoing_past_end(today).values("pk"))
        if self.value() == "overdue":
            return queryset.review_overdue(today)
        return queryset


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    form = ProjectAdminForm
    inlines = [ParticipationInline, FundingInline, ProjectCountryInline, ProjectRelationInline, DocumentInline]
    list_display = ["name", "acronym", "status", "period", "updated", "is_published"]
    list_filter = [
        "status",
        ("fundings__fund", admin.RelatedOnlyFieldListFilter),
        ("participations__organisation", admin.RelatedOnlyFieldListFilter),
        ("project_countries__country", admin.RelatedOnlyFieldListFilter),
        "is_published",
        NeedsReviewFilter,
    ]
    search_fields = ["name", "acronym", "official_title", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["framework"]
    readonly_fields = ["created", "updated", "version"]
    actions = ["mark_reviewed", "publish", "unpublish"]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "slug",
                    ("official_title", "official_title_language"),
                    "acronym",
                    "status",
                    "cooperation_type",
                    "framework",
                ]
            },
        ),
        (
            _("Period"),
            {
                "description": _(
                    "Enter what the source says, no more. A date is the first day of the month, season or year "
                    "it stands for, and the precision says which: “hösten 2015” is 2015-09-01 with precision "
                    "“season”. Leave the end empty and give a duration when the source gives only a length."
                ),
                "fields": [
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    ("duration_months", "duration_is_approximate", "duration_text"),
                    "period_note",
                ],
            },
        ),
        (
            _("Description"),
            {"fields": ["summary", "description", "agency_role", "agency_role_note", "countries_note"]},
        ),
        (
            _("Publication"),
            {"fields": ["is_published", "position", "reviewed_on", "loaded_version", "created", "updated", "version"]},
        ),
    ]

    @admin.display(description=_("period"))
    def period(self, project):
        return str(project.period)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("description", "summary", "agency_role_note")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self.warn_if_review_needed(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def warn_if_review_needed(self, request, object_id):
        today = timezone.localdate()
        projects = Project.objects.filter(pk=object_id)
        if projects.ongoing_past_end(today).exists():
            messages.warning(
                request,
                gettext("This project is marked as ongoing, but its end has passed. Is it closed?"),
            )
        if projects.review_overdue(today).exists():
            messages.warning(
                request,
                gettext("No one has reviewed this entry in the last %(days)s days. Check it and set “last reviewed”.")
                % {"days": settings.REVIEW_INTERVAL_DAYS},
            )

    def save_model(self, request, obj, form, change):
        # Saving an unchanged form would only bump the version and the "last updated" date.
        # (A form restoring an old version is unchanged against that version, yet differs
        # from what is stored: compare with the stored row, not with the form's initial data.)
        if change and not differs_from_stored(obj):
            return
        super().save_model(request, obj, form, change)
        request.project_saved = True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        saved = getattr(request, "project_saved", False)
        if change and not saved and any(formset.has_changed() for formset in formsets):
            # A change to participants or funding is a change to the project: new version, new date.
            form.instance.save(update_fields=["version", "updated"])

    @admin.action(description=_("Mark the selected projects as reviewed today"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        for project in queryset:
            project.reviewed_on = timezone.localdate()
            project.save(update_fields=["reviewed_on", "version"])
        self.message_user(request, gettext("Marked as reviewed."), messages.SUCCESS)

    @admin.action(description=_("Publish the selected projects"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, published=True)

    @admin.action(description=_("Unpublish the selected projects"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, published=False)

    def _set_published(self, request, queryset, *, published):
        # One save per project, so that every change is in its history.
        for project in queryset.exclude(is_published=published):
            project.is_published = published
            project.save(update_fields=["is_published", "version", "updated"])
        self.message_user(request, gettext("Done."), messages.SUCCESS)
