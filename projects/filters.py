"""The project list's filters, their facets (each option with the number of projects it would give), the
filters in use, and the result.

The form fields of the FilterSet are the one definition of what can be asked: the options a
facet offers are the choices of its field, fetched once, and the filters in use are the
options chosen among them. The result, its facet counts and its pages come from the
catalogue index (projects/index.py); the filter methods below say the same rules in SQL, for
`qs` and as the reference the index is tested against.
"""

import copy
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.liveness import still_working

from .context_processors import shown_language
from .index import FACETS, current_index
from .models import (
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
from .search import search_projects, search_terms

# A facet with more options than this shows the ones that give the most projects, and links to the rest.
SHOWN_OPTIONS = 10

# The most values of one facet a list is filtered by: each chosen value is a link on the page,
# and more than a person picks would only make the page cost more.
MAX_CHOSEN = 20


class SharedChoices:
    """A choice field whose choices are fixed once its form class is made: each form's copy of the
    field shares them. Django deep-copies them for every form, which on the list page cost more
    than validating it."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class ChoiceField(SharedChoices, django_filters.fields.ChoiceField):
    pass


class MultipleChoiceField(SharedChoices, django_filters.fields.MultipleChoiceField):
    pass


class RadioChoiceField(SharedChoices, forms.ChoiceField):
    pass


class FacetChoiceField(MultipleChoiceField):
    """A facet's field: a value is looked up among the options in one step, not compared with each in turn."""

    def valid_value(self, value):
        if getattr(self, "_valid", None) is None or self._valid[0] is not self.choices:
            self._valid = (self.choices, {str(key) for key, _label in self.choices})
        return str(value) in self._valid[1]

    def set_options(self, options):
        """Set choices worked out once per catalogue version (FacetOptions) as they are: normalising
        hundreds of them again on every request costs more than the rest of the form."""
        self._choices = options.pairs
        self._valid = (options.pairs, options.values)


@dataclass(frozen=True)
class FacetOptions:
    """A facet's choices as a form field takes them, and their values as a set."""

    pairs: list
    values: frozenset

    @classmethod
    def of(cls, choices):
        pairs = [(value, label) for value, label, *_rest in choices]
        return cls(pairs=pairs, values=frozenset(value for value, _label in pairs))


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = MultipleChoiceField


class FacetFilter(django_filters.MultipleChoiceFilter):
    field_class = FacetChoiceField


class SortFilter(django_filters.OrderingFilter):
    """Sorting where unknown dates go last in either direction, and ties are broken by name."""

    field_class = ChoiceField

    # Each order in words of its own, translated when shown (django-filter would join "(descending)"
    # to a label once, in the language of the first request).
    LABELS = {
        "name": _("name, A to Z"),
        "-name": _("name, Z to A"),
        "start": _("start, earliest first"),
        "-start": _("start, latest first"),
        "end": _("end, earliest first"),
        "-end": _("end, latest first"),
        "updated": _("last updated, oldest first"),
        "-updated": _("last updated, newest first"),
    }

    def build_choices(self, fields, labels):
        return [(value, self.LABELS[value]) for value in self.LABELS]

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
        return qs.order_by(*ordering, "name_sv", "pk")


class ProjectFilterForm(forms.Form):
    """The filter form: the FilterSet adds a field for each filter; these three only qualify the others."""

    def __init__(self, *args, **kwargs):
        # A form deep-copies its fields so that one request cannot change another's. The filters'
        # fields are made for this filter set alone (ProjectFilterSet.__init__): only the fields
        # declared here are shared, and copied.
        base_fields = self.base_fields
        self.base_fields = self.declared_fields
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = {name: self.fields.get(name) or field for name, field in base_fields.items()}

    PARTNER_MODES = [("any", _("any of the chosen")), ("all", _("all of the chosen"))]
    PAST_END = [("show", _("show")), ("hide", _("hide"))]
    YEAR_MIN, YEAR_MAX = 1900, 2100

    partner_mode = RadioChoiceField(
        label=_("Show projects with"), choices=PARTNER_MODES, required=False, initial="any", widget=forms.RadioSelect
    )
    # Projects called ongoing when their facts were confirmed, whose latest possible end has passed since.
    past_end = RadioChoiceField(
        label=_("Ongoing projects whose end has passed"),
        choices=PAST_END,
        required=False,
        initial="show",
        widget=forms.RadioSelect,
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
    count: int | None  # None where not counted (chosen_facets())
    chosen: bool
    is_part: bool = False
    # The label's language where it is not the page's (a name given only in Swedish).
    lang: str = ""


@dataclass
class Facet:
    """One group of checkboxes: a filter's options, each with its count under the other filters."""

    name: str
    legend: str
    errors: list
    options: list = field(default_factory=list)
    # More than MAX_CHOSEN values were asked for: the first of them were used.
    was_cut: bool = False
    # How many more options there are than are shown, and the address of the list that shows them all.
    more: int = 0
    more_url: str = ""
    more_text: str = ""


# Characters that follow z, in the order of the Swedish letters that follow it.
SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def alphabetical(label, language):
    """A key that sorts labels as a reader of `language` expects: case aside, and in Swedish å, ä, ö after z."""
    key = label.casefold()
    return key.translate(SWEDISH_LAST) if language == "sv" else key


def options_from_catalogue(name):
    """The rows a catalogue facet offers and the field that is their value (sorted by their labels later)."""
    if name == "partner":
        return Organisation.objects.only("name", "slug", "acronym"), "slug"
    if name == "fund":
        return Fund.objects.only("name", "slug", "parent"), "slug"
    if name == "country":
        return Country.objects.all(), "code"
    return Framework.objects.only("name", "slug"), "slug"


class ProjectFilterSet(django_filters.FilterSet):
    """One filter per question the public asks: who took part, who paid, where, when, how."""

    FACETS = FACETS
    # The choices of the form's radio buttons that apply when none is asked for.
    DEFAULTS = {"partner_mode": "any", "past_end": "show"}
    INTERFACE_FACETS = ("status", "cooperation_type")
    CATALOGUE_FACETS = ("partner", "fund", "country", "framework")

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    status = ChoicesFilter(label=_("Status"), choices=Project.Status.choices, distinct=False)
    # The options of these four come from the catalogue (`options_from_catalogue`), once per version.
    partner = FacetFilter(label=_("Partner organisation"), method="filter_partner")
    fund = FacetFilter(label=_("Fund or funder"), method="filter_fund")
    country = FacetFilter(label=_("Country"), method="filter_country")
    cooperation_type = ChoicesFilter(
        label=_("Type of cooperation"), choices=Project.CooperationType.choices, distinct=False
    )
    framework = FacetFilter(label=_("Framework or process"), field_name="framework__slug", distinct=False)
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("name_sv", "name"), ("start_date", "start"), ("end_date", "end"), ("content_changed", "updated")),
        empty_label=None,
    )

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # The facets whose values were cut to the first MAX_CHOSEN (a value asked for twice counts once).
        self.cut_facets = set()
        if data is not None:
            data = data.copy()
            for name in self.FACETS:
                values = list(dict.fromkeys(data.getlist(name)))
                if len(values) > MAX_CHOSEN:
                    self.cut_facets.add(name)
                if name in data:
                    data.setlist(name, values[:MAX_CHOSEN])
            # The defaults unless asked otherwise, so that the form shows them chosen.
            for name, default in self.DEFAULTS.items():
                if not data.get(name):
                    data[name] = default
        # As django-filter's FilterSet.__init__, but for the copies of the filters: it deep-copies
        # each (about a millisecond a list), where a filter keeps nothing of a request but its
        # parent, its field and its method's binding, which a shallow copy gets anew.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = self._meta.model._default_manager.all() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = self.filters[name] = copy.copy(base)
            if filter_.method is not None:
                filter_.method = filter_.method  # binds the method to this copy
            filter_.model = self.queryset.model
            filter_.parent = self

    @property
    def cleaned_data(self):
        """The valid values asked for; an invalid one is left out (and reported next to its control)."""
        if not self.is_bound:
            return {}
        self.form.errors  # noqa: B018 - validates the form, once
        return self.form.cleaned_data

    @property
    def form(self):
        """The filter form, its catalogue options set from those kept for this catalogue version."""
        if not hasattr(self, "_form"):
            form = super().form
            language = translation.get_language()
            for name in self.CATALOGUE_FACETS:
                options = self.index.remember(
                    ("options", name, language), lambda name=name: FacetOptions.of(self.choices(name))
                )
                form.fields[name].set_options(options)
        return self._form

    def filter_queryset(self, queryset):
        """`queryset` narrowed by every valid filter value asked for, in SQL."""
        values = self.cleaned_data
        for name, filter_ in self.filters.items():
            if values.get(name):
                queryset = filter_.filter(queryset, values[name])
        if self.hides_past_end:
            queryset = queryset.exclude(pk__in=Project.objects.ongoing_past_end(timezone.localdate()).values("pk"))
        return queryset.active_in(year_from=values.get("year_from"), year_to=values.get("year_to"))

    def filter_search(self, queryset, name, value):
        return search_projects(queryset, value)

    def filter_partner(self, queryset, name, value):
        if self.cleaned_data.get("partner_mode") == "all":
            for organisation in value:
                queryset = queryset.filter(
                    Exists(Participation.objects.filter(project=OuterRef("pk"), organisation__slug=organisation))
                )
            return queryset
        return queryset.filter(
            Exists(Participation.objects.filter(project=OuterRef("pk"), organisation__slug__in=value))
        )

    def filter_fund(self, queryset, name, value):
        """A fund counts with its parts: AMIF finds the projects of AMIF's special actions too."""
        fundings = Funding.objects.filter(project=OuterRef("pk")).filter(
            Q(fund__slug__in=value) | Q(fund__parent__slug__in=value)
        )
        return queryset.filter(Exists(fundings))

    def filter_country(self, queryset, name, value):
        """A country in any role: partner, target, posting location, named as a partner itself, or the
        country of a partner organisation."""
        partners = Participation.objects.filter(project=OuterRef("pk"))
        return queryset.filter(
            Exists(ProjectCountry.objects.filter(project=OuterRef("pk"), country__code__in=value))
            | Exists(partners.filter(country__code__in=value))
            | Exists(partners.filter(organisation__country__code__in=value))
        )

    # Facets

    def facets(self):
        """The checkbox groups of the form: the options of each facet field that give projects or are chosen,
        each with its count and whether it is chosen."""
        counts = self.selection.facet_counts
        shown_all = set(self.request.GET.getlist("visa")) if self.request is not None else set(self.FACETS)
        facets = []
        for name in self.FACETS:
            facet, chosen = self.facet(name), self.chosen(name)
            # An option that would give no projects is left out, unless it is chosen. Only the options
            # shown are made into FacetOptions: a long facet offers hundreds.
            own = counts[name]
            offered = [
                (choice, count)
                for choice in self.choices(name)
                if (count := own.get(choice[0], 0)) or choice[0] in chosen
            ]
            shown = self.shown_options(offered, chosen) if name not in shown_all else offered
            facet.options = [
                FacetOption(value=value, label=label, count=count, chosen=value in chosen, is_part=part, lang=lang)
                for (value, label, part, lang), count in shown
            ]
            facet.more = len(offered) - len(shown)
            if facet.more:
                facet.more_url = self.url_with_shown(name)
                legend = str(facet.legend)
                facet.more_text = _("Show all options for %(legend)s (%(count)s more)") % {
                    "legend": legend[:1].lower() + legend[1:],
                    "count": facet.more,
                }
            facets.append(facet)
        return facets

    def chosen_facets(self):
        """The facets with their chosen options alone, not counted: for a page that names the filters in
        use (active_filters()) without showing the form."""
        facets = []
        for name in self.FACETS:
            facet, chosen = self.facet(name), self.chosen(name)
            facet.options = [
                FacetOption(value=value, label=label, count=None, chosen=True, is_part=part, lang=lang)
                for value, label, part, lang in self.choices(name)
                if value in chosen
            ]
            facets.append(facet)
        return facets

    def facet(self, name):
        bound_field = self.form[name]
        return Facet(name=name, legend=bound_field.label, errors=bound_field.errors, was_cut=name in self.cut_facets)

    def chosen(self, name):
        return set(self.data.getlist(name)) if self.is_bound else set()

    @staticmethod
    def shown_options(offered, chosen):
        """Of a facet's (choice, count) pairs, those a list shows unless asked for all (?visa=<facet>): all of a
        short list; of a long one, the chosen and the SHOWN_OPTIONS that give the most projects, in its own order."""
        if len(offered) <= SHOWN_OPTIONS:
            return offered
        largest = {id(pair) for pair in heapq.nlargest(SHOWN_OPTIONS, offered, key=itemgetter(1))}
        return [pair for pair in offered if pair[0][0] in chosen or id(pair) in largest]

    def url_with_shown(self, name):
        """This list with every option of one facet shown, back at that facet."""
        query = "&".join(part for part in (self.request.GET.urlencode(), urlencode({"visa": name})) if part)
        return f"{self.request.path}?{query}#{name}-group"

    def choices(self, name):
        """(value, label, is a part, the label's language where it is not the page's) of each choice of a
        facet field, in the order shown.

        The same for a catalogue version and a language, so worked out once per worker: the names
        are read and sorted in the active language, each fund followed by its parts.
        """

        def compute():
            if name not in self.CATALOGUE_FACETS:
                return [
                    (str(value), str(capfirst(label)), False, "") for value, label in self.form.fields[name].choices
                ]
            queryset, value_field = options_from_catalogue(name)
            language = translation.get_language()
            items = list(queryset)
            labels = {item.pk: str(capfirst(str(item))) for item in items}

            def place(item):
                own, parent = alphabetical(labels[item.pk], language), getattr(item, "parent_id", None)
                return (alphabetical(labels[parent], language), 1, own) if parent in labels else (own, 0, "")

            return [
                (
                    str(getattr(item, value_field)),
                    labels[item.pk],
                    getattr(item, "parent_id", None) is not None,
                    "" if (shown := shown_language(item, "name")) == language else shown,
                )
                for item in sorted(items, key=place)
            ]

        return self.index.remember(("choices", name, translation.get_language()), compute)

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
        if self.hides_past_end:
            active.append(("past_end", self.form["past_end"].label, "hide", _("hidden")))
        return [
            {"legend": legend, "label": label, "remove_url": self.url_without(name, value)}
            for name, legend, value, label in active
        ]

    def canonical_query(self, *, page=1):
        """The query string of this list's canonical address: each valid filter value in use, in the order
        of the filters, and the page when it is not the first (portal/findable.py). Left out: the order and the
        facets opened in full, which show the same projects; values that were not valid, which are
        ignored; the radio buttons at their defaults, and "all of the chosen" partners without a partner."""
        values = self.cleaned_data
        pairs = []
        for name in [*self.filters, "year_from", "year_to"]:
            value = values.get(name)
            if name == "sort" or value in (None, "", []):
                continue
            pairs += [(name, item) for item in sorted(value)] if isinstance(value, list) else [(name, value)]
            if name == "partner" and values.get("partner_mode") == "all":
                pairs.append(("partner_mode", "all"))
        if self.hides_past_end:
            pairs.append(("past_end", "hide"))
        if page > 1:
            pairs.append(("page", page))
        return urlencode(pairs)

    def url_without(self, name, value):
        remaining = self.data.copy()
        remaining.setlist(name, [item for item in self.data.getlist(name) if item != value])
        remaining.pop("page", None)
        for default_name, default in self.DEFAULTS.items():
            if remaining.get(default_name) == default:
                remaining.pop(default_name)  # added by __init__
        return f"?{remaining.urlencode()}" if remaining else self.request.path

    # The result, from the catalogue index

    @cached_property
    def index(self):
        """The catalogue index of the version the request reads."""
        return current_index(CatalogueVersion.objects.for_request(self.request) if self.request else None)

    def get_form_class(self):
        # The same class for every request: django-filter would build it anew each time.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def hides_past_end(self):
        """Whether the visitor asked to leave out the ongoing projects whose end has passed."""
        return self.cleaned_data.get("past_end") == "hide"

    @cached_property
    def search_terms(self):
        return search_terms(self.cleaned_data.get("q"))

    @property
    def search_was_cut(self):
        """Whether the search had more words than are searched for."""
        return len(search_terms(self.cleaned_data.get("q"), limit=None)) > len(self.search_terms)

    @cached_property
    def selection(self):
        """What the filters in use let through: the result, its facet counts and its pages."""
        values = self.cleaned_data
        return self.index.select(
            chosen={facet: list(values.get(facet) or []) for facet in self.FACETS},
            partner_mode=values.get("partner_mode") or "any",
            year_from=values.get("year_from"),
            year_to=values.get("year_to"),
            terms=self.search_terms,
            hide_past_end_on=timezone.localdate() if self.hides_past_end else None,
        )

    def results(self, fetch=None):
        """The projects the filters let through, in the order asked for, for a paginator; see ProjectResults."""
        sort = self.cleaned_data.get("sort")
        return ProjectResults(self.selection, sort[0] if sort else None, self.queryset, fetch)


class ProjectResults(Sequence):
    """The projects of a selection in one order, fetched from the database a page at a time.

    `fetch(pks, queryset)` gives {pk: item} of the published projects among pks: their rows of
    `queryset` by default, or what the list shows of them (snapshots.list_entries()).
    """

    def __init__(self, selection, sort, queryset, fetch=None):
        self.selection, self.sort, self.queryset = selection, sort, queryset
        self.fetch = fetch or in_bulk

    def __len__(self):
        return len(self.selection)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        pks = self.selection.page(start, max(stop - start, 0), self.sort)
        projects = self.fetch(pks, self.queryset)
        # A project unpublished since the index was built is left out.
        return [projects[pk] for pk in pks if pk in projects]

    def batches(self, size):
        """The projects in lists of `size`, each fetched (with its queryset's prefetches) when it is reached:
        an export holds one batch at a time, and reports its progress after each (portal/liveness.py).

        How many there are is worked out now, before the first batch is asked for.
        """
        total = len(self)
        return (self._batch(start, size) for start in range(0, total, size))

    def _batch(self, start, size):
        projects = self[start : start + size]
        still_working()
        return projects


def in_bulk(pks, queryset):
    return queryset.in_bulk(pks)
