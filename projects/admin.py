"""The editors' admin: every fact editable, history kept, no silent overwrite."""

import operator
from functools import reduce

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

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


class AutocompleteOfValidChoices(AutocompleteSelect):
    """Django's autocomplete, which shows a form sent back with an error again: a value that is not
    even a key ("abc" for a number, or a number past the column's range) is left out of the lookup
    of the chosen rows, instead of failing it. The field itself says the value is not a valid choice."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(remote.field_name)
        valid = []
        for item in value:
            try:
                key.run_validators(key.to_python(item))
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class ValidAutocomplete:
    """For an admin with autocomplete_fields: their widgets are AutocompleteOfValidChoices."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteOfValidChoices(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.site_header = _("International projects – editors")
admin.site.site_title = _("International projects")
admin.site.index_title = _("Catalogue")


class ProjectsUsingAdmin(SimpleHistoryAdmin):
    """The projects a row appears in: their number in the list, links to them on the form.

    `project_lookups` are the paths from a project to the row; a project counts once
    however many of them lead to the row.
    """

    project_lookups = ()

    def projects_using(self, row):
        """The projects that reach `row` (an instance, or OuterRef("pk") in a subquery)."""
        return Project.objects.filter(reduce(operator.or_, (Q(**{lookup: row}) for lookup in self.project_lookups)))

    def get_queryset(self, request):
        distinct_count = Func("pk", function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
        count = self.projects_using(OuterRef("pk")).order_by().annotate(n=distinct_count).values("n")
        return super().get_queryset(request).annotate(n_projects=Subquery(count, output_field=IntegerField()))

    @admin.display(description=_("projects"), ordering="n_projects")
    def project_count(self, row):
        return row.n_projects

    @admin.display(description=_("projects"))
    def projects(self, row):
        projects = self.projects_using(row).distinct().only("name")
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:projects_project_change", args=[project.pk]), project.name) for project in projects),
        )
        return format_html("<ul>{}</ul>", links) if links else gettext("No projects.")


# Countries


@admin.register(Country)
class CountryAdmin(ProjectsUsingAdmin):
    list_display = ["code", "name_sv", "name_en", "project_count"]
    search_fields = ["code"]
    readonly_fields = ["projects"]
    # A country takes part in its own right, or as a partner named by its country alone.
    project_lookups = ["project_countries__country", "participations__country"]

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


# Organisations, with merging of duplicates


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this organisation"),
        empty_label=None,
    )


@admin.register(Organisation)
class OrganisationAdmin(ValidAutocomplete, TranslationAdmin, ProjectsUsingAdmin):
    list_display = ["name", "acronym", "kind", "country", "project_count"]
    list_select_related = ["country"]
    list_filter = ["kind"]
    search_fields = ["name_sv", "name_en", "acronym", "slug", "description_sv", "description_en"]
    prepopulated_fields = {"slug": ["name_sv"]}
    autocomplete_fields = ["country"]
    readonly_fields = ["projects"]
    actions = ["merge"]
    project_lookups = ["participations__organisation"]

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
class FundAdmin(ValidAutocomplete, TranslationAdmin, ProjectsUsingAdmin):
    list_display = ["name", "acronym", "kind", "parent", "project_count"]
    list_select_related = ["parent"]
    list_filter = ["kind"]
    search_fields = ["name_sv", "name_en", "acronym", "slug", "description_sv", "description_en"]
    prepopulated_fields = {"slug": ["name_sv"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["projects"]
    project_lookups = ["fundings__fund"]


@admin.register(Framework)
class FrameworkAdmin(TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_sv", "name_en", "description_sv", "description_en"]
    prepopulated_fields = {"slug": ["name_sv"]}


@admin.register(PageContent)
class PageContentAdmin(ValidAutocomplete, TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["title", "key", "source_updated_on"]
    autocomplete_fields = ["newsletter"]
    search_fields = ["title_sv", "title_en"]


@admin.register(Document)
class DocumentAdmin(ValidAutocomplete, SimpleHistoryAdmin):
    """Documents are edited on their project; this list serves search and the newsletter choice."""

    list_display = ["title", "project", "kind", "is_external"]
    list_select_related = ["project"]
    search_fields = ["title", "project__name_sv", "project__name_en"]
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
class ParticipationInline(ValidAutocomplete, admin.StackedInline):
    model = Participation
    formset = UniquePartyFormSet
    fields = [("organisation", "country"), ("designation", "role"), "note"]
    autocomplete_fields = ["organisation", "country"]
    extra = 0


class FundingInline(ValidAutocomplete, admin.StackedInline):
    model = Funding
    fields = [("fund", "share"), "note"]
    autocomplete_fields = ["fund"]
    extra = 0


class ProjectCountryInline(ValidAutocomplete, admin.StackedInline):
    model = ProjectCountry
    fields = [("country", "role", "place"), "note"]
    autocomplete_fields = ["country"]
    extra = 0


class ProjectRelationInline(ValidAutocomplete, admin.StackedInline):
    model = ProjectRelation
    fk_name = "project"
    fields = [("kind", "certainty"), ("related_project", "external_name"), "note"]
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
    """The project form. It carries the version it was opened on, which Project.save() holds the save to."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the fieldsets below choose and order the fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            version = self.instance.version
            if self.restores_history and not self.is_bound:
                # Restoring an old version is a save on top of the current one, not of the old one.
                version = Project.objects.values_list("version", flat=True).get(pk=self.instance.pk)
            self.fields["opened_version"].initial = version

    @property
    def restores_history(self):
        """Whether this form puts back a version from the project's history."""
        return hasattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME)

    def validate_unique(self):
        # A slug the editor did not change was unique when it was stored; checking it costs a query.
        if self.instance.pk and "slug" not in self.changed_data:
            return
        super().validate_unique()

    def clean_opened_version(self):
        version = self.cleaned_data["opened_version"]
        if self.instance.pk and version is None:
            raise ValidationError(gettext("The form was incomplete. Open the project again."), code="required")
        return version

    def save(self, commit=True):
        project = super().save(commit=False)
        if project.pk:
            project.version = self.cleaned_data["opened_version"]
        if commit:
            project.save()
            self.save_m2m()
        return project


def unsaved_changes(form, formsets):
    """What an editor changed in a form that could not be saved, so that they can make the changes again."""
    fields = [f"{capfirst(form[name].label)}: ”{form.cleaned_data[name]}”" for name in form.changed_data]
    inlines = [str(capfirst(formset.model._meta.verbose_name_plural)) for formset in formsets if formset.has_changed()]
    return "; ".join(fields + inlines)


# Fields that every save sets or derives: a change to them is no editor's doing.
NOT_EDITED_FIELDS = [field.name for field in Project._meta.concrete_fields if not field.editable]
# Fields of the form whose change is not a change of the entry's content: "last updated" stays.
NOT_CONTENT = {"reviewed_on", "is_published", "position", "opened_version"}


def changes_since(project_pk, opened_version):
    """Who saved the project after `opened_version`, and what each of them changed in its fields."""
    records = (
        Project.history.filter(id=project_pk, version__gte=opened_version)
        .order_by("version", "history_date")
        .select_related("history_user")
    )
    lines = []
    previous = None
    for record in records:
        if record.version > opened_version and (previous is None or record.version > previous.version):
            changed = []
            if previous is not None:
                delta = record.diff_against(previous, excluded_fields=NOT_EDITED_FIELDS)
                changed = [
                    f"{capfirst(Project._meta.get_field(change.field).verbose_name)}: ”{change.old}” → ”{change.new}”"
                    for change in delta.changes
                ]
            lines.append(
                gettext("%(when)s, %(who)s: %(detail)s")
                % {
                    "when": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
                    "who": record.history_user or gettext("the content loader"),
                    "detail": "; ".join(changed) or gettext("participants, funding, countries, relations or documents"),
                }
            )
        previous = record
    return lines


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
            return queryset.ongoing_past_end(today)
        if self.value() == "overdue":
            return queryset.review_overdue(today)
        return queryset


class RelatedByNameFilter(admin.RelatedOnlyFieldListFilter):
    """The rows that projects refer to, by name, and no empty choice (a participation without an
    organisation names a country instead; it is no organisation called "-")."""

    @property
    def include_empty_choice(self):
        return False

    def field_choices(self, field, request, model_admin):
        return sorted(super().field_choices(field, request, model_admin), key=lambda choice: str(choice[1]).casefold())


@admin.register(Project)
class ProjectAdmin(ValidAutocomplete, TranslationAdmin, SimpleHistoryAdmin):
    form = ProjectAdminForm
    inlines = [ParticipationInline, FundingInline, ProjectCountryInline, ProjectRelationInline, DocumentInline]
    list_display = ["name", "status", "period", "confirmed", "changed", "is_published"]
    list_filter = [
        "status",
        ("fundings__fund", RelatedByNameFilter),
        ("participations__organisation", RelatedByNameFilter),
        ("project_countries__country", RelatedByNameFilter),
        "is_published",
        NeedsReviewFilter,
    ]
    search_fields = ["name_sv", "name_en", "acronym", "official_title", "slug"]
    prepopulated_fields = {"slug": ["name_sv"]}
    autocomplete_fields = ["framework"]
    readonly_fields = ["content_changed", "created", "updated", "version"]
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
        (_("Notes for editors"), {"fields": ["editor_note"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "is_published",
                    "position",
                    "reviewed_on",
                    "opened_version",
                    "content_changed",
                    "created",
                    "updated",
                    "version",
                ]
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        # Whoever enters a project confirms its facts that day.
        return {"reviewed_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("period"))
    def period(self, project):
        return str(project.period)

    # The two days as short as they go, so that the list fits a 1280-pixel screen.
    @admin.display(description=_("confirmed"), ordering="reviewed_on")
    def confirmed(self, project):
        return project.reviewed_on.isoformat() if project.reviewed_on else "–"

    @admin.display(description=_("changed"), ordering="content_changed_on")
    def changed(self, project):
        return project.content_changed_on.isoformat()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self.warn_if_review_needed(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Project.VersionConflict as conflict:
            return self.refuse_conflicting_save(request, conflict)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except Project.VersionConflict as conflict:
            return self.refuse_conflicting_save(request, conflict)

    def refuse_conflicting_save(self, request, conflict):
        """Nothing of the save was written: open the project as it is now, saying who changed what meanwhile."""
        messages.error(
            request,
            gettext(
                "Someone else saved this project after you opened it. Your changes have not been saved, "
                "so that theirs are not lost. The form now shows the latest version: make your changes again."
            ),
        )
        for line in changes_since(conflict.project_pk, conflict.version):
            messages.error(request, line)
        unsaved = getattr(conflict, "unsaved", "")
        if unsaved:
            messages.error(request, gettext("Your changes, which were not saved: %(changes)s") % {"changes": unsaved})
        return HttpResponseRedirect(reverse("admin:projects_project_change", args=[conflict.project_pk]))

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
                gettext("No one has reviewed this entry in the last %(days)s days. Check it and set “facts confirmed”.")
                % {"days": settings.REVIEW_INTERVAL_DAYS},
            )

    def save_model(self, request, obj, form, change):
        # A change is saved in save_related, once it is known whether the inlines changed too.
        # A version restored from the history comes without inlines, and is saved here.
        if not change or form.restores_history:
            if change:
                obj.mark_content_changed()
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Participants, funds, countries, relations and documents are part of the project: a
        # change to any of them is a new version of it, and a change of its content. An
        # unchanged form saves nothing.
        changed_inlines = any(formset.has_changed() for formset in formsets)
        if change and (form.has_changed() or changed_inlines):
            if changed_inlines or set(form.changed_data) - NOT_CONTENT:
                form.instance.mark_content_changed()
            try:
                super().save_model(request, form.instance, form, change)
            except Project.VersionConflict as conflict:
                conflict.unsaved = unsaved_changes(form, formsets)
                raise
        super().save_related(request, form, formsets, change)

    @admin.action(description=_("Confirm the facts of the selected projects today"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        today = timezone.localdate()
        self.save_each(request, queryset, reviewed_on=today)

    def save_each(self, request, queryset, **values):
        """Set `values` on each project in its own save, so that every change is in its history."""
        skipped = []
        for project in queryset.exclude(**values):
            for name, value in values.items():
                setattr(project, name, value)
            project._history_user = request.user
            try:
                project.save()
            except Project.VersionConflict:
                skipped.append(project.name)
        if skipped:
            self.message_user(
                request,
                gettext("Changed by someone else meanwhile, so left as they are: %(names)s.")
                % {"names": ", ".join(skipped)},
                messages.WARNING,
            )
        else:
            self.message_user(request, gettext("Done."), messages.SUCCESS)

    @admin.action(description=_("Publish the selected projects"), permissions=["change"])
    def publish(self, request, queryset):
        self.save_each(request, queryset, is_published=True)

    @admin.action(description=_("Unpublish the selected projects"), permissions=["change"])
    def unpublish(self, request, queryset):
        self.save_each(request, queryset, is_published=False)
