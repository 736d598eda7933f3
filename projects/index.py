"""The catalogue index: which published projects each filter option lets through, as compressed bitmaps.

Counting the projects behind each of some 300 filter options under every combination of
the others takes a grouped query per facet over the whole catalogue when the database is
asked; here it is a few hundred intersections of Roaring bitmaps (pyroaring), about a
microsecond each, whatever the size of the catalogue. The same bitmaps give the result,
its size and its pages.

The index is built from the database for one catalogue version (CatalogueVersion), kept in
the shared cache (under the release too: another release's index may be laid out otherwise)
so that one app server's work serves all, and in each worker's memory.
An editor's change moves the version on, and the next request finds or builds the next
index. The rules of the filters are those of ProjectFilterSet's methods, which say them in
SQL; tests/test_index.py holds the two against a plain SQL reference.

Projects are numbered by their place in the list's default order (name, then id): a page
in that order is a slice of the result's bitmap.
"""

import bisect
import hashlib
import time
from array import array
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from pyroaring import BitMap

from portal import cache
from portal.release import RELEASE

from .models import CatalogueVersion, Funding, Participation, Project, ProjectCountry
from .search import matching_project_ids

INDEX_SECONDS = 60 * 60
BUILD_WAIT_SECONDS = 20
SEARCH_SECONDS = 60 * 60
TERMS_KEPT = 500
BLOCK = 1024
FACETS = ("status", "partner", "fund", "country", "cooperation_type", "framework")
# The sort orders other than the default, by the field they sort on: unknown values last either way.
SORTS = {"start": "start_date", "end": "end_date", "updated": "content_changed"}


def _order(rows, position, *, descending):
    """Ranks sorted by the value at `position`, unknown values last either way, ties by rank, as SortFilter sorts.

    `rows` are in rank order, and Python's sort is stable in both directions: ties keep it.
    """
    known = [rank for rank, row in enumerate(rows) if row[position] is not None]
    known.sort(key=lambda rank: rows[rank][position], reverse=descending)
    unknown = [rank for rank, row in enumerate(rows) if row[position] is None]
    return array("I", known + unknown)


def _reversed_names(rows):
    """Ranks by name from Z to A; projects of the same name stay by id, as SortFilter sorts them."""
    groups = []
    for rank, row in enumerate(rows):
        if groups and groups[-1][0] == row[1]:
            groups[-1][1].append(rank)
        else:
            groups.append((row[1], [rank]))
    return array("I", [rank for _, ranks in reversed(groups) for rank in ranks])


@dataclass
class Order:
    """The ranks in one sort order, and the same cut in blocks, so that a deep page is found quickly."""

    ranks: array
    blocks: list = field(default_factory=list)

    def __post_init__(self):
        self.blocks = [BitMap(self.ranks[start : start + BLOCK]) for start in range(0, len(self.ranks), BLOCK)]

    def page(self, result, offset, count):
        """The ranks in `result` at places offset .. offset + count of this order."""
        chosen = []
        for number, block in enumerate(self.blocks):
            hits = block.intersection_cardinality(result)
            if offset >= hits:
                offset -= hits
                continue
            for rank in self.ranks[number * BLOCK : (number + 1) * BLOCK]:
                if rank in result:
                    if offset:
                        offset -= 1
                        continue
                    chosen.append(rank)
                    if len(chosen) == count:
                        return chosen
        return chosen


@dataclass
class OngoingEnds:
    """The ongoing projects with a latest possible end, by that end: those past it on a day are a prefix."""

    days: array  # date ordinals, ascending
    ranks: array

    @classmethod
    def of(cls, pairs):
        pairs.sort()
        return cls(days=array("I", (day for day, _ in pairs)), ranks=array("I", (rank for _, rank in pairs)))

    def before(self, date):
        return BitMap(self.ranks[: bisect.bisect_left(self.days, date.toordinal())])


class CatalogueIndex:
    def __init__(self, *, version, ids, options, start_years, end_years, unknown_start, unknown_end, orders, ends):
        self.version = version
        self.ids = ids
        self.options = options
        self.start_years = start_years
        self.end_years = end_years
        self.unknown_start = unknown_start
        self.unknown_end = unknown_end
        self.orders = orders
        self.ends = ends
        self.everything = BitMap(range(len(ids)))
        self.memo = {}
        self.terms = OrderedDict()  # the projects of the search terms asked for last, in this worker

    def remember(self, key, compute):
        """What `compute()` gives for this catalogue version, worked out once per worker."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def __getstate__(self):
        # What a worker has worked out for itself stays with it.
        return {**self.__dict__, "memo": {}, "terms": OrderedDict()}

    @cached_property
    def rank_of(self):
        return {pk: rank for rank, pk in enumerate(self.ids)}

    @classmethod
    def build(cls, version):
        """The index of the published catalogue as the database holds it now, in four queries."""
        columns = ("pk", "name_sv", "status", "cooperation_type", "framework__slug", "earliest_start", "latest_end")
        columns += tuple(SORTS.values())
        published = Project.objects.published().order_by("name_sv", "pk")
        rows = list(published.values_list(*columns).iterator(chunk_size=10000))
        ids = array("Q", (row[0] for row in rows))
        rank_of = {pk: rank for rank, pk in enumerate(ids)}
        members = {facet: defaultdict(list) for facet in FACETS}
        starts, ends = defaultdict(list), defaultdict(list)
        ongoing_ends = []
        for rank, (_, _, status, kind, framework, earliest, latest, *_sort_values) in enumerate(rows):
            members["status"][status].append(rank)
            if status == Project.Status.ONGOING and latest is not None:
                ongoing_ends.append((latest.toordinal(), rank))
            if kind:
                members["cooperation_type"][kind].append(rank)
            if framework:
                members["framework"][framework].append(rank)
            starts[earliest and earliest.year].append(rank)
            ends[latest and latest.year].append(rank)
        published = Q(project__is_published=True)
        participations = Participation.objects.filter(published).values_list(
            "project_id", "organisation__slug", "country__code", "organisation__country__code"
        )
        for pk, organisation, country, home in participations.iterator(chunk_size=10000):
            if (rank := rank_of.get(pk)) is not None:
                if organisation:
                    members["partner"][organisation].append(rank)
                if country:  # a country named as a partner
                    members["country"][country].append(rank)
                if home:  # a partner organisation's country
                    members["country"][home].append(rank)
        places = ProjectCountry.objects.filter(published).values_list("project_id", "country__code")
        for pk, country in places.iterator(chunk_size=10000):
            if (rank := rank_of.get(pk)) is not None:
                members["country"][country].append(rank)
        fundings = Funding.objects.filter(published).values_list("project_id", "fund__slug", "fund__parent__slug")
        for pk, fund, whole in fundings.iterator(chunk_size=10000):
            if (rank := rank_of.get(pk)) is not None:
                members["fund"][fund].append(rank)
                if whole:  # a fund counts with its parts
                    members["fund"][whole].append(rank)
        orders = {"-name": Order(_reversed_names(rows))}
        for position, sort in enumerate(SORTS, start=len(columns) - len(SORTS)):
            orders[sort] = Order(_order(rows, position, descending=False))
            orders[f"-{sort}"] = Order(_order(rows, position, descending=True))

        def bitmap(ranks):
            result = BitMap(ranks)
            result.run_optimize()
            return result

        return cls(
            version=version,
            ids=ids,
            options={
                facet: {value: bitmap(ranks) for value, ranks in values.items()} for facet, values in members.items()
            },
            start_years={year: bitmap(ranks) for year, ranks in starts.items() if year is not None},
            end_years={year: bitmap(ranks) for year, ranks in ends.items() if year is not None},
            unknown_start=bitmap(starts.get(None, [])),
            unknown_end=bitmap(ends.get(None, [])),
            orders=orders,
            ends=OngoingEnds.of(ongoing_ends),
        )

    # Finding projects

    def active_in(self, *, year_from=None, year_to=None):
        """Projects whose period may overlap the years (see ProjectQuerySet.active_in), or None for no limit."""
        if year_from is None and year_to is None:
            return None
        active = self.everything
        if year_to is not None:
            started = [bitmap for year, bitmap in self.start_years.items() if year <= year_to]
            active = active & BitMap.union(self.unknown_start, *started)
        if year_from is not None:
            not_ended = [bitmap for year, bitmap in self.end_years.items() if year >= year_from]
            active = active & BitMap.union(self.unknown_end, *not_ended)
        return active

    def not_ongoing_past_end(self, today):
        """All but the projects called ongoing whose latest possible end is before `today`
        (ProjectQuerySet.ongoing_past_end): worked out once a day per worker."""
        return self.remember(("not past end", today), lambda: self.everything - self.ends.before(today))

    def matching(self, term):
        """Projects whose text, partners or funds match one search term (see projects/search.py).

        Kept in the shared cache for every worker, and the last TERMS_KEPT of them in this one too.
        """
        if term in self.terms:
            self.terms.move_to_end(term)
            return self.terms[term]
        # A word is at most 200 characters (the form's limit); a long one is named by its digest.
        name = term if len(term) <= 64 else hashlib.sha256(term.encode()).hexdigest()
        key = f"search:{RELEASE}:{self.version}:{name}"
        ranks = cache.read(key)
        if ranks is None:
            rank_of = self.rank_of
            ranks = BitMap(rank_of[pk] for pk in matching_project_ids(term) if pk in rank_of)
            cache.keep(key, ranks, SEARCH_SECONDS)
        self.terms[term] = ranks
        if len(self.terms) > TERMS_KEPT:
            self.terms.popitem(last=False)
        return ranks

    def select(self, *, chosen, partner_mode="any", year_from=None, year_to=None, terms=(), hide_past_end_on=None):
        """The projects that the chosen options (facet -> values), the years and the search terms let through,
        without the ongoing projects whose end has passed on `hide_past_end_on` if given."""
        common = [bitmap for bitmap in [self.active_in(year_from=year_from, year_to=year_to)] if bitmap is not None]
        common += [self.matching(term) for term in terms]
        if hide_past_end_on is not None:
            common.append(self.not_ongoing_past_end(hide_past_end_on))
        narrowing = {}
        for facet, values in chosen.items():
            bitmaps = [self.options[facet].get(value, BitMap()) for value in values]
            if not bitmaps:
                continue
            if facet == "partner" and partner_mode == "all":
                narrowing[facet] = BitMap.intersection(*bitmaps) if len(bitmaps) > 1 else bitmaps[0]
            else:
                narrowing[facet] = BitMap.union(*bitmaps)
        return Selection(self, common=common, narrowing=narrowing, partner_mode=partner_mode)


class Selection:
    """What one combination of filters lets through: its projects, their number, its facet counts, its pages."""

    def __init__(self, index, *, common, narrowing, partner_mode):
        self.index = index
        self.common = common
        self.narrowing = narrowing
        self.partner_mode = partner_mode
        self.result = self._intersect(list(narrowing.values()))

    def _intersect(self, bitmaps):
        bitmaps = [self.index.everything, *self.common, *bitmaps]
        return BitMap.intersection(*bitmaps) if len(bitmaps) > 1 else bitmaps[0]

    def __len__(self):
        return len(self.result)

    @cached_property
    def facet_counts(self):
        """For each facet, {option value: number of projects} under every other filter in use.

        "All of" the chosen partners narrows with each one, so that facet counts under its own filter too.
        """
        counts = {}
        for facet in FACETS:
            keeps_own = facet == "partner" and self.partner_mode == "all"
            others = [bitmap for name, bitmap in self.narrowing.items() if keeps_own or name != facet]
            if not others and not self.common:
                # Under no other filter: the same for every list, so counted once per worker.
                counts[facet] = self.index.remember(("counts", facet), lambda facet=facet: self._counts(facet, None))
            else:
                counts[facet] = self._counts(facet, self._intersect(others))
        return counts

    def _counts(self, facet, base):
        """{option value: number of its projects in `base`} of a facet's options with any (all projects if None)."""
        options = self.index.options[facet].items()
        if base is None:
            return {value: len(bitmap) for value, bitmap in options if bitmap}
        return {value: hits for value, bitmap in options if (hits := bitmap.intersection_cardinality(base))}

    def count_of(self, facet, value):
        """How many projects of the result have `value` among their options of `facet` (e.g. status ongoing)."""
        return self.result.intersection_cardinality(self.index.options[facet].get(value, BitMap()))

    def known_years(self):
        """The first and the last year that a known start or end of a project of the result may lie in
        (earliest starts, latest ends); (None, None) when no project of the result has one."""
        years = [
            year
            for bitmaps in (self.index.start_years, self.index.end_years)
            for year, ranks in bitmaps.items()
            if ranks.intersect(self.result)
        ]
        return (min(years), max(years)) if years else (None, None)

    def page(self, offset, count, sort=None):
        """The ids of the projects at places offset .. offset + count, in the sort order asked for."""
        if sort in self.index.orders:
            ranks = self.index.orders[sort].page(self.result, offset, count)
        else:
            ranks = self.result[offset : offset + count]
        return [self.index.ids[rank] for rank in ranks]


_current = None


def current_index(version=None):
    """The index of the catalogue's current version (or of `version`): from this worker's memory, the shared
    cache, or built.

    One app server builds the index of a new version while the others wait for it in the shared
    cache, for a while: at 100,000 projects a build takes a few seconds of CPU.
    """
    global _current
    version = version or CatalogueVersion.objects.current()
    if _current is None or _current.version != version:
        key = f"catalogue-index:{RELEASE}:{version}"
        index = cache.read(key)
        if index is None and not cache.claim(f"{key}:building", BUILD_WAIT_SECONDS):
            deadline = time.monotonic() + BUILD_WAIT_SECONDS
            while index is None and time.monotonic() < deadline:
                time.sleep(0.05)
                index = cache.read(key)
        if index is None:
            index = CatalogueIndex.build(version)
            cache.keep(key, index, INDEX_SECONDS)
        _current = index
    return _current
