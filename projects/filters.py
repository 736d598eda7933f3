"""The project list's filters, and how many projects each option would give (facet counts)."""

import hashlib

import django_filters
from django import forms
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import Country, Framework, Fund, Funding, Organisation, Participation, Project, ProjectCountry
from .search import search_projects

YEAR_MIN, YEAR_MAX = 1900, 2100
FACET_CACHE_SECONDS = 60


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class SortFilter(django_filters.OrderingFilter):
    """Sorting where unknown dates go last in either direction, and ties are broken by name."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            expression = F(field.lstrip("-"))
            ordering.append(
                expression.desc(nulls_last=True) if field.startswith("-") else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "name", "pk")


class ProjectFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error("year_to", _("The last year cannot be before the first year."))
        return cleaned


class ProjectFilterSet(django_filters.FilterSet):
    """One filter per question the public asks: who took part, who paid, where, when, how."""

    PARTNER_MODES = [("any", _("any of the chosen")), ("all", _("all of the chosen"))]
    FACETS = ("status", "partner", "fund", "country", "cooperation_type", "framework")

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    partner = django_filters.ModelMultipleChoiceFilter(
        label=_("Partner organisation"),
        queryset=Organisation.objects.only("name", "slug", "acronym"),
        to_field_name="slug",
        method="filter_partner",
        widget=forms.CheckboxSelectMultiple,
    )
    partner_mode = django_filters.ChoiceFilter(
        label=_("Show projects with"),
        choices=PARTNER_MODES,
        method="filter_nothing",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    fund = django_filters.ModelMultipleChoiceFilter(
        label=_("Fund or funder"),
        queryset=Fund.objects.only("name", "slug", "parent"),
        to_field_name="slug",
        method="filter_fund",
        widget=forms.CheckboxSelectMultiple,
    )
    country = django_filters.ModelMultipleChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        widget=forms.CheckboxSelectMultiple,
    )
    year_from = YearFilter(label=_("Active from year"), method="filter_nothing", min_value=YEAR_MIN, max_value=YEAR_MAX)
    year_to = YearFilter(label=_("Active until year"), method="filter_nothing", min_value=YEAR_MIN, max_value=YEAR_MAX)
    cooperation_type = django_filters.MultipleChoiceFilter(
        label=_("Type of cooperation"),
        choices=Project.CooperationType.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    framework = django_filters.ModelMultipleChoiceFilter(
        label=_("Framework or process"),
        field_name="framework__slug",
        queryset=Framework.objects.only("name", "slug"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("start_date", "start"), ("end_date", "end"), ("updated", "updated")),
        field_labels={
            "name": _("name"),
            "start_date": _("start"),
            "end_date": _("end"),
            "updated": _("last updated"),
        },
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def __init__(self, data=None, *args, **kwargs):
        # Sorting by name and "any of" partners are the defaults, whether asked for or not.
        if data is not None:
            data = data.copy()
            data.setdefault("partner_mode", "any")
        super().__init__(data, *args, **kwargs)

    @property
    def value(self):
        if not self.is_bound:
            return {}
        self.form.is_valid()  # validates once; invalid fields are left out of cleaned_data
        return self.form.cleaned_data

    def filter_nothing(self, queryset, name, value):
        """Values read by another filter's method (partner mode, the two years)."""
        return queryset

    def filter_search(self, queryset, name, value):
        return search_projects(queryset, value)

    def filter_partner(self, queryset, name, value):
        if not value:
            return queryset
        if self.value.get("partner_mode") == "all":
            for organisation in value:
                queryset = queryset.filter(
                    Exists(Participation.objects.filter(project=OuterRef("pk"), organisation=organisation))
                )
            return queryset
        return queryset.filter(Exists(Participation.objects.filter(project=OuterRef("pk"), organisation__in=value)))

    def filter_fund(self, queryset, name, value):
        """A fund counts with its parts: AMIF finds the projects of AMIF's special actions too."""
        if not value:
            return queryset
        fundings = Funding.objects.filter(project=OuterRef("pk")).filter(Q(fund__in=value) | Q(fund__parent__in=value))
        return queryset.filter(Exists(fundings))

    def filter_country(self, queryset, name, value):
        """A country in any role: partner, target, posting location, or named as a partner itself."""
        if not value:
            return queryset
        return queryset.filter(
            Exists(ProjectCountry.objects.filter(project=OuterRef("pk"), country__in=value))
            | Exists(Participation.objects.filter(project=OuterRef("pk"), country__in=value))
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return self.filter_years(queryset)

    def filter_years(self, queryset):
        """Projects whose period may overlap the years asked for, given how precisely it is known."""
        year_from, year_to = self.value.get("year_from"), self.value.get("year_to")
        if year_from is None and year_to is None:
            return queryset
        return queryset.active_in(year_from=year_from, year_to=year_to)

    def filtered_without(self, facet):
        """The projects that every active filter except `facet` lets through."""
        queryset = self.queryset.all()
        for name, value in self.value.items():
            if name in (facet, "sort"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return self.filter_years(queryset)

    def facet_counts(self):
        """For each facet, {option value: number of projects}, counting with the other active filters.

        Counting a large catalogue takes one grouped query per facet; the result is kept in
        the (shared) cache for a minute, keyed by the filters and by the catalogue's last change.
        """
        params = sorted(
            (name, sorted(str(getattr(item, "pk", item)) for item in (value if isinstance(value, list) else [value])))
            for name, value in self.value.items()
            if name != "sort" and value not in (None, "", [])
        )
        last_change = self.queryset.model.objects.aggregate(last=Max("updated"))["last"]
        key = "facets:" + hashlib.sha256(repr((params, str(last_change))).encode()).hexdigest()
        return cache.get_or_set(key, self.count_facets, FACET_CACHE_SECONDS)

    def count_facets(self):
        counts = {}
        for facet in self.FACETS:
            # "All of" narrows with each chosen partner, so its counts include the partner filter itself.
            keep_own = facet == "partner" and self.value.get("partner_mode") == "all"
            projects = self.qs if keep_own else self.filtered_without(facet)
            counts[facet] = getattr(self, f"count_{facet}")(projects.order_by().values("pk"))
        return counts

    def count_status(self, project_ids):
        rows = Project.objects.filter(pk__in=project_ids).values("status").annotate(n=Count("pk"))
        return {row["status"]: row["n"] for row in rows}

    def count_cooperation_type(self, project_ids):
        rows = Project.objects.filter(pk__in=project_ids).values("cooperation_type").annotate(n=Count("pk"))
        return {row["cooperation_type"]: row["n"] for row in rows}

    def count_framework(self, project_ids):
        rows = Project.objects.filter(pk__in=project_ids).values("framework__slug").annotate(n=Count("pk"))
        return {row["framework__slug"]: row["n"] for row in rows}

    def count_partner(self, project_ids):
        rows = (
            Participation.objects.filter(project__in=project_ids, organisation__isnull=False)
            .values("organisation__slug")
            .annotate(n=Count("project", distinct=True))
        )
        return {row["organisation__slug"]: row["n"] for row in rows}

    def count_fund(self, project_ids):
        """Each fund with its parts (a project counted once), in one grouped query per level."""
        fundings = Funding.objects.filter(project__in=project_ids)
        whole = (
            fundings.annotate(root=Coalesce("fund__parent__slug", "fund__slug"))
            .values("root")
            .annotate(n=Count("project", distinct=True))
        )
        counts = {row["root"]: row["n"] for row in whole}
        parts = (
            fundings.filter(fund__parent__isnull=False).values("fund__slug").annotate(n=Count("project", distinct=True))
        )
        counts.update({row["fund__slug"]: row["n"] for row in parts})
        return counts

    def count_country(self, project_ids):
        """Countries in any role, a project counted once per country, in one grouped query."""
        inner_sql, params = project_ids.query.sql_with_params()
        country_table = Country._meta.db_table
        sql = f"""
            SELECT c.code, COUNT(DISTINCT pairs.project_id) FROM (
                SELECT country_id, project_id FROM {ProjectCountry._meta.db_table}
                    WHERE project_id IN ({inner_sql})
                UNION
                SELECT country_id, project_id FROM {Participation._meta.db_table}
                    WHERE country_id IS NOT NULL AND project_id IN ({inner_sql})
            ) AS pairs JOIN {country_table} AS c ON c.id = pairs.country_id
            GROUP BY c.code
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params * 2)
            return dict(cursor.fetchall())
