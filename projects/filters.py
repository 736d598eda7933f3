"""The project list's filters, their facets (each option with the number of projects it would give) and the
filters in use.

Everything is built from the FilterSet's own form fields: the options a facet offers are the choices of its
field, fetched once; the filters in use are the options chosen among them.
"""

import hashlib
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal import cache

from .models import Country, Framework, Fund, Funding, Organisation, Participation, Project, ProjectCountry
from .search import search_projects

FACET_CACHE_SECONDS = 60


class SortFilter(django_filters.OrderingFilter):
    """Sorting where unknown dates go last in either direction, and ties are broken by name."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            field_name = self.get_ordering_value(param)
            expression = F(field_name.lstrip("-"))
            ordering.append(
                expression.desc(nulls_last=True) if field_name.startswith("-") else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "name", "pk")


class ProjectFilterForm(forms.Form):
    """The filter form: the FilterSet adds a field for each filter; these three only qualify the others."""

    PARTNER_MODES = [("any", _("any of the chosen")), ("all", _("all of the chosen"))]
    YEAR_MIN, YEAR_MAX = 1900, 2100

    partner_mode = forms.ChoiceField(
        label=_("Show projects with"), choices=PARTNER_MODES, required=False, initial="any", widget=forms.RadioSelect
    )
    year_from = forms.IntegerField(label=_("Active from year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    year_to = forms.IntegerField(label=_("Active until year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error("year_to", _("The last year cannot be before the first year."))
        return cleaned


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    chosen: bool
    is_part: bool = False


@dataclass
class Facet:
    """One group of checkboxes: a filter's options, each with its count under the other filters."""

    name: str
    legend: str
    errors: list
    options: list = field(default_factory=list)
    # Names from the catalogue are in Swedish whatever the page's language; status and type are interface words.
    is_content: bool = True


class ProjectFilterSet(django_filters.FilterSet):
    """One filter per question the public asks: who took part, who paid, where, when, how."""

    FACETS = ("status", "partner", "fund", "country", "cooperation_type", "framework")
    INTERFACE_FACETS = ("status", "cooperation_type")

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Project.Status.choices, distinct=False)
    partner = django_filters.ModelMultipleChoiceFilter(
        label=_("Partner organisation"),
        queryset=Organisation.objects.only("name", "slug", "acronym"),
        to_field_name="slug",
        method="filter_partner",
    )
    fund = django_filters.ModelMultipleChoiceFilter(
        label=_("Fund or funder"),
        # Each fund followed by its parts, so that the options nest.
        queryset=Fund.objects.only("name", "slug", "parent").order_by(
            Lower(Coalesce("parent__name", "name")), F("parent").asc(nulls_first=True), Lower("name")
        ),
        to_field_name="slug",
        method="filter_fund",
    )
    country = django_filters.ModelMultipleChoiceFilter(
        label=_("Country"), queryset=Country.objects.all(), to_field_name="code", method="filter_country"
    )
    cooperation_type = django_filters.MultipleChoiceFilter(
        label=_("Type of cooperation"), choices=Project.CooperationType.choices, distinct=False
    )
    framework = django_filters.ModelMultipleChoiceFilter(
        label=_("Framework or process"),
        field_name="framework__slug",
        queryset=Framework.objects.only("name", "slug"),
        to_field_name="slug",
        distinct=False,
    )
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("start_date", "start"), ("end_date", "end"), ("updated", "updated")),
        field_labels={"name": _("name"), "start_date": _("start"), "end_date": _("end"), "updated": _("last updated")},
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def __init__(self, data=None, *args, **kwargs):
        # "Any of" the chosen partners unless asked otherwise, so that the form shows it chosen.
        if data is not None and not data.get("partner_mode"):
            data = data.copy()
            data["partner_mode"] = "any"
        super().__init__(data, *args, **kwargs)

    @property
    def cleaned_data(self):
        """The valid values asked for; an invalid one is left out (and reported next to its control)."""
        if not self.is_bound:
            return {}
        self.form.errors  # noqa: B018 - validates the form, once
        return self.form.cleaned_data

    def filter_queryset(self, queryset):
        return self.apply(queryset)

    def apply(self, queryset, *, except_facet=None):
        """`queryset` narrowed by every valid filter value asked for, except those of `except_facet`."""
        values = self.cleaned_data
        for name, filter_ in self.filters.items():
            # A model choice's value is the queryset its field validated with, already fetched.
            if name != except_facet and values.get(name):
                queryset = filter_.filter(queryset, values[name])
        return queryset.active_in(year_from=values.get("year_from"), year_to=values.get("year_to"))

    def filter_search(self, queryset, name, value):
        return search_projects(queryset, value)

    def filter_partner(self, queryset, name, value):
        if self.cleaned_data.get("partner_mode") == "all":
            for organisation in value:
                queryset = queryset.filter(
                    Exists(Participation.objects.filter(project=OuterRef("pk"), organisation=organisation))
                )
            return queryset
        return queryset.filter(Exists(Participation.objects.filter(project=OuterRef("pk"), organisation__in=value)))

    def filter_fund(self, queryset, name, value):
        """A fund counts with its parts: AMIF finds the projects of AMIF's special actions too."""
        fundings = Funding.objects.filter(project=OuterRef("pk")).filter(Q(fund__in=value) | Q(fund__parent__in=value))
        return queryset.filter(Exists(fundings))

    def filter_country(self, queryset, name, value):
        """A country in any role: partner, target, posting location, or named as a partner itself."""
        return queryset.filter(
            Exists(ProjectCountry.objects.filter(project=OuterRef("pk"), country__in=value))
            | Exists(Participation.objects.filter(project=OuterRef("pk"), country__in=value))
        )

    # Facets

    def facets(self):
        """The checkbox groups of the form: each option of each facet field, with its count and whether it is chosen."""
        counts = self.facet_counts()
        chosen = {name: set(self.data.getlist(name)) if self.is_bound else set() for name in self.FACETS}
        facets = []
        for name in self.FACETS:
            bound_field = self.form[name]
            facet = Facet(
                name=name,
                legend=bound_field.label,
                errors=bound_field.errors,
                is_content=name not in self.INTERFACE_FACETS,
            )
            for value, label in bound_field.field.choices:
                instance = getattr(value, "instance", None)
                value = str(value)
                facet.options.append(
                    FacetOption(
                        value=value,
                        label=capfirst(label),
                        count=counts[name].get(value, 0),
                        chosen=value in chosen[name],
                        is_part=getattr(instance, "parent_id", None) is not None,
                    )
                )
            if name == "country":
                # Country names depend on the language, so they are sorted here rather than by the database.
                facet.options.sort(key=lambda option: option.label)
            facets.append(facet)
        return facets

    def active_filters(self, facets):
        """Each valid filter value in use, with the address of this list without just that value."""
        if not self.is_bound:
            return []
        values = self.cleaned_data
        active = []
        for facet in facets:
            if values.get(facet.name):
                chosen = [option for option in facet.options if option.chosen]
                active += [(facet.name, facet.legend, option.value, option.label) for option in chosen]
        for name in ("q", "year_from", "year_to"):
            if values.get(name) not in (None, ""):
                value = self.data.get(name)
                active.append((name, self.form[name].label, value, value))
        return [
            {"legend": legend, "label": label, "remove_url": self.url_without(name, value)}
            for name, legend, value, label in active
        ]

    def url_without(self, name, value):
        remaining = self.data.copy()
        remaining.setlist(name, [item for item in self.data.getlist(name) if item != value])
        remaining.pop("page", None)
        if remaining.get("partner_mode") == "any":
            remaining.pop("partner_mode")  # the default, added by __init__
        return f"?{remaining.urlencode()}" if remaining else self.request.path

    def facet_counts(self):
        """For each facet, {option value: number of projects}, counting with the other active filters.

        Counting a large catalogue takes one grouped query per facet; the result is kept in
        the (shared) cache for a minute, keyed by the filters and by the catalogue's last change.
        """
        params = sorted(
            (name, sorted(str(getattr(item, "pk", item)) for item in (value if isinstance(value, list) else [value])))
            for name, value in self.cleaned_data.items()
            if name != "sort" and value not in (None, "", [])
        )
        last_change = self.queryset.model.objects.aggregate(last=Max("updated"))["last"]
        key = "facets:" + hashlib.sha256(repr((params, str(last_change))).encode()).hexdigest()
        return cache.read_or_compute(key, self.count_facets, FACET_CACHE_SECONDS)

    def count_facets(self):
        counts = {}
        for facet in self.FACETS:
            # "All of" narrows with each chosen partner, so its counts include the partner filter itself.
            keep_own = facet == "partner" and self.cleaned_data.get("partner_mode") == "all"
            projects = self.apply(self.queryset.all(), except_facet=None if keep_own else facet)
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
