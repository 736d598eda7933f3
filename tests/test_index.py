"""The catalogue index gives what plain SQL gives: the same projects, the same facet counts, the same pages.

The reference finds projects with the FilterSet's SQL (its filter methods) and counts facet
options over them in plain Python.

Two hundred random combinations of filters on two thousand synthetic projects shaped like the
real catalogue (bench/seed.py), on whichever database the suite runs on (SQLite or PostgreSQL).
"""

import datetime
import random
from collections import Counter

import pytest
from django.db.models import Count, Max, Min
from django.http import QueryDict

from bench.seed import COMMON_WORD, RARE_WORDS, seed
from projects.filters import ProjectFilterSet
from projects.models import Country, Framework, Fund, Funding, Organisation, Participation, Project, ProjectCountry

pytestmark = pytest.mark.django_db

COMBINATIONS = 200
SORTS = ["name", "-name", "start", "-start", "end", "-end", "updated", "-updated"]


def random_query(rng, values):
    """A query string as people write them: a few filters, popular values more often, now and then junk."""
    params = []
    for _ in range(rng.randint(0, 4)):
        kinds = ["status", "partner", "fund", "country", "years", "type", "framework", "q", "past_end", "junk"]
        kind = rng.choice(kinds)
        if kind == "status":
            params.append(("status", rng.choice(["ongoing", "closed"])))
        elif kind == "partner":
            params += [
                ("partner", rng.choice(values["partner"][: rng.choice([5, 200])])) for _ in range(rng.randint(1, 3))
            ]
            params.append(("partner_mode", rng.choice(["any", "all"])))
        elif kind == "fund":
            params += [("fund", rng.choice(values["fund"])) for _ in range(rng.randint(1, 2))]
        elif kind == "country":
            params += [("country", rng.choice(values["country"])) for _ in range(rng.randint(1, 2))]
        elif kind == "years":
            first = rng.randint(1998, 2030)
            params += [("year_from", first), ("year_to", first + rng.randint(0, 8))][: rng.randint(1, 2)]
        elif kind == "type":
            params.append(("cooperation_type", rng.choice(values["cooperation_type"])))
        elif kind == "framework":
            params.append(("framework", rng.choice(values["framework"])))
        elif kind == "past_end":
            params.append(("past_end", rng.choice(["hide", "hide", "show", "gömd"])))
        elif kind == "q":
            params.append(("q", rng.choice([COMMON_WORD, RARE_WORDS[0], "migration", "asyl stöd", "sam", "a"])))
        else:
            params.append((rng.choice(["partner", "country", "year_from"]), "ingen-sådan"))
    data = QueryDict(mutable=True)
    for key, value in params:
        data.appendlist(key, str(value))
    return data


def memberships():
    """For each published project, the option values of each facet it has: the reference's own reading of the rules."""
    projects = Project.objects.published()
    values = {facet: {} for facet in ProjectFilterSet.FACETS}
    for pk, status, kind, framework in projects.values_list("pk", "status", "cooperation_type", "framework__slug"):
        values["status"][pk] = {status}
        values["cooperation_type"][pk] = {kind}
        values["framework"][pk] = {framework}
    for pk, organisation, country, home in Participation.objects.values_list(
        "project_id", "organisation__slug", "country__code", "organisation__country__code"
    ):
        values["partner"].setdefault(pk, set()).add(organisation)
        values["country"].setdefault(pk, set()).add(country and str(country))  # a country named as a partner
        values["country"][pk].add(home and str(home))  # a partner organisation's country
    for pk, country in ProjectCountry.objects.values_list("project_id", "country__code"):
        values["country"].setdefault(pk, set()).add(str(country))
    for pk, fund, whole in Funding.objects.values_list("project_id", "fund__slug", "fund__parent__slug"):
        values["fund"].setdefault(pk, set()).update({fund, whole})  # a fund counts with its parts
    return values


def reference_counts(filterset, result, members):
    """Each facet's counts over what the other filters let through, the projects found by SQL."""
    counts = {}
    for facet in ProjectFilterSet.FACETS:
        keeps_own = facet == "partner" and filterset.cleaned_data.get("partner_mode") == "all"
        base = result
        if facet in filterset.data and not keeps_own:
            others = filterset.data.copy()
            others.pop(facet)
            base = set(ProjectFilterSet(others, queryset=Project.objects.published()).qs.values_list("pk", flat=True))
        counted = Counter(value for pk in base for value in members[facet].get(pk, ()) if value)
        counts[facet] = dict(counted)
    return counts


def test_the_index_gives_what_plain_sql_gives_on_random_filters():
    seed(2000, random_seed=11, verbose=False, text_scale=0.1)
    values = {
        "partner": list(
            Organisation.objects.annotate(n=Count("participations")).order_by("-n").values_list("slug", flat=True)
        ),
        "fund": list(Fund.objects.values_list("slug", flat=True)),
        "country": [str(code) for code in Country.objects.values_list("code", flat=True)],
        "cooperation_type": list(Project.CooperationType.values),
        "framework": list(Framework.objects.values_list("slug", flat=True)),
    }
    members = memberships()
    assert Project.objects.published().ongoing_past_end(datetime.date.today()).count() > 20  # for past_end=hide
    rng = random.Random(2026)
    results = Counter()
    for _ in range(COMBINATIONS):
        data = random_query(rng, values)
        sort = rng.choice(SORTS)
        data["sort"] = sort
        filterset = ProjectFilterSet(data, queryset=Project.objects.published())
        expected = filterset.qs.order_by()
        selection = filterset.selection
        expected_pks = set(expected.values_list("pk", flat=True))
        assert len(selection) == len(expected_pks), data.urlencode()
        assert {selection.index.ids[rank] for rank in selection.result} == expected_pks, data.urlencode()
        assert selection.facet_counts == reference_counts(filterset, expected_pks, members), data.urlencode()
        ongoing = expected.filter(status=Project.Status.ONGOING).count()
        assert selection.count_of("status", Project.Status.ONGOING) == ongoing, data.urlencode()
        bounds = expected.aggregate(Min("earliest_start"), Max("earliest_start"), Min("latest_end"), Max("latest_end"))
        years = [day.year for day in bounds.values() if day is not None]
        assert selection.known_years() == ((min(years), max(years)) if years else (None, None)), data.urlencode()
        offset = rng.choice([0, 0, 20, max(0, len(expected_pks) - 20)])
        ordered = list(filterset.qs.values_list("pk", flat=True)[offset : offset + 20])
        assert selection.page(offset, 20, sort) == ordered, data.urlencode()
        results["empty" if not expected_pks else "some"] += 1
    # The combinations found projects and found none, both.
    assert results["some"] > 100 and results["empty"] > 5


@pytest.mark.django_db
def test_a_worker_keeps_the_projects_of_the_last_search_terms(django_assert_num_queries, monkeypatch):
    """A term asked again reads neither the database nor the shared cache; the worker keeps a bounded number."""
    from django.core.cache import cache

    from projects import index as catalogue_index
    from projects.models import CatalogueVersion

    from .factories import make_project

    monkeypatch.setattr(catalogue_index, "TERMS_KEPT", 10)
    make_project(summary="Asylsystem och mottagande.")
    index = catalogue_index.current_index(CatalogueVersion.objects.current())
    first = index.matching("asyl")
    assert len(first) == 1
    cache.clear()
    with django_assert_num_queries(0):
        assert index.matching("asyl") == first
    for number in range(catalogue_index.TERMS_KEPT + 5):
        index.matching(f"ord{number}")
    assert len(index.terms) == catalogue_index.TERMS_KEPT and "asyl" not in index.terms
