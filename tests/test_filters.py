"""The project list's filters on the real catalogue: the questions the public asks."""

import pytest
from django.db import connection
from django.urls import reverse

from projects.filters import ProjectFilterSet
from projects.models import Project

pytestmark = pytest.mark.django_db


def slugs(client, params):
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return {project.slug for project in response.context["object_list"]}


def filterset(params):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return ProjectFilterSet(data, queryset=Project.objects.published())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # "Which projects did AMIF finance?" AMIF counts with its special actions.
        ({"fund": "amif"}, {"eu-frank", "eurlo", "erin"}),
        ({"fund": "amif-sarskilda-atgarder"}, {"eu-frank", "eurlo"}),
        ({"fund": "ipa"}, {"twinning-serbien", "twinning-kosovo"}),
        ({"fund": "sida"}, {"twinning-serbien", "twinning-kosovo", "turkiet-dgmm"}),
        ({"fund": ["atervandandefonden", "europeiska-flyktingfonden"]}, {"erpum", "european-asylum-curriculum"}),
        # "What has the agency done with UNHCR?"
        ({"partner": "unhcr"}, {"eu-frank", "eac-piloten-pp4"}),
        ({"partner": "icmpd"}, {"silk-routes-partnership", "fostering-migration-cooperation"}),
        (
            {"partner": ["icmpd", "unhcr"]},
            {"silk-routes-partnership", "fostering-migration-cooperation", "eu-frank", "eac-piloten-pp4"},
        ),
        ({"partner": ["easo", "unhcr"], "partner_mode": "all"}, {"eu-frank", "eac-piloten-pp4"}),
        ({"partner": ["icmpd", "unhcr"], "partner_mode": "all"}, set()),
        ({"country": "XK"}, {"twinning-kosovo"}),
        # A country named as a partner counts too (Belgium leads EURLO through its migration agency).
        ({"country": "BE"}, {"eu-frank", "eurlo"}),
        ({"country": ["AF", "MA"]}, {"eurlo", "silk-routes-partnership", "fostering-migration-cooperation"}),
        ({"status": "ongoing"}, {"eu-frank", "twinning-serbien", "twinning-kosovo", "eurlo", "erin"}),
        ({"cooperation_type": "twinning"}, {"twinning-serbien", "twinning-kosovo", "twinning-armenien"}),
        ({"framework": "budapestprocessen"}, {"silk-routes-partnership", "fostering-migration-cooperation"}),
        ({"status": "closed", "fund": "sida"}, {"turkiet-dgmm"}),
    ],
)
def test_filters_answer_the_public_questions(client, catalogue, params, expected):
    assert slugs(client, params) == expected


def test_what_ran_in_turkey_in_2014(client, catalogue):
    """Year overlap with imprecise periods: the Turkish project's start is only known as "1,5 år before March 2016"."""
    assert slugs(client, {"country": "TR", "year_from": 2014, "year_to": 2014}) == {
        "turkiet-dgmm",
        "eac-piloten-pp4",
        "silk-routes-partnership",
    }


@pytest.mark.parametrize(
    ("years", "present", "absent"),
    [
        # Armenia: from summer 2012 for 27 months, so possibly into autumn 2014 but not 2015.
        ((2014, 2014), "twinning-armenien", None),
        ((2015, 2015), None, "twinning-armenien"),
        # EU-FRANK: from 2016 for four years, so possibly through 2020, never 2021.
        ((2020, 2020), "eu-frank", None),
        ((2021, 2030), None, "eu-frank"),
        # Kosovo: "ca 2,5 år" from spring 2016 reaches into 2018 but not 2020.
        ((2018, 2018), "twinning-kosovo", None),
        ((2020, 2020), None, "twinning-kosovo"),
        # EAC started 2006 and the source gives no end: it may have run in any later year.
        ((2010, 2010), "european-asylum-curriculum", None),
        ((2005, 2005), None, "european-asylum-curriculum"),
        # Söderköping: 2001 to December 2011 exactly.
        ((2001, 2001), "soderkopingsprocessen", None),
        ((2012, 2012), None, "soderkopingsprocessen"),
    ],
)
def test_year_overlap_uses_the_honest_precision(client, catalogue, years, present, absent):
    found = slugs(client, {"year_from": years[0], "year_to": years[1]})
    if present:
        assert present in found
    if absent:
        assert absent not in found


def test_only_one_year_bound(client, catalogue):
    assert "soderkopingsprocessen" not in slugs(client, {"year_from": 2013})
    # Fostering's start is not known: it may have run in 2006.
    expected = {"soderkopingsprocessen", "european-asylum-curriculum", "fostering-migration-cooperation"}
    assert slugs(client, {"year_to": 2006}) == expected


@pytest.mark.parametrize("query", ["österrike", "ÖSTERRIKE", "Österrike", "österr"])
def test_search_folds_swedish_letters_on_every_database(client, catalogue, query):
    assert slugs(client, {"q": query}) == {"twinning-kosovo"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kabul", {"eurlo"}),
        ("LOKALA SAMARBETSORGANISATIONER", {"erin"}),
        ("ARMENISKA INSTITUTIONER", {"twinning-armenien"}),
        ("BAMF", {"pp7"}),
        ("Polens inrikesministerium", {"twinning-armenien"}),
        ("flyktingfonden", {"european-asylum-curriculum"}),
        ("Silk Routes", {"silk-routes-partnership", "fostering-migration-cooperation"}),
        ("ERPUM", {"erpum"}),
        ("nonexistentword", set()),
    ],
)
def test_search_covers_names_partners_and_funds(client, catalogue, query, expected):
    assert slugs(client, {"q": query}) == expected


def test_facet_counts_use_the_other_filters(catalogue):
    counts = filterset({"status": "closed"}).selection.facet_counts
    # With only closed projects, UNHCR appears in PP4 alone; AMIF funded no closed project.
    assert counts["partner"]["unhcr"] == 1
    assert counts["fund"].get("amif", 0) == 0
    # The status facet ignores its own filter, so both options keep their totals.
    assert counts["status"] == {"ongoing": 5, "closed": 10}


def test_fund_facet_counts_a_fund_with_its_parts(catalogue):
    counts = filterset({}).selection.facet_counts["fund"]
    assert counts["amif"] == 3
    assert counts["amif-sarskilda-atgarder"] == 2


def test_all_of_partner_counts_narrow_with_the_chosen(catalogue):
    counts = filterset({"partner": ["easo"], "partner_mode": "all"}).selection.facet_counts["partner"]
    assert counts["unhcr"] == 2 and counts["easo"] == 2 and counts.get("icmpd", 0) == 0


def test_country_facet_counts_partner_countries_once(catalogue):
    counts = filterset({}).selection.facet_counts["country"]
    assert counts["BE"] == 2 and counts["TR"] == 4 and counts["XK"] == 1


def test_options_without_projects_are_left_out_unless_chosen(client, catalogue):
    response = client.get(reverse("projects:list"), {"status": "ongoing"})
    partner_facet = next(facet for facet in response.context["facets"] if facet.name == "partner")
    assert "icmpd" not in {option.value for option in partner_facet.options}
    assert all(option.count for option in partner_facet.options)
    assert 'value="icmpd"' not in response.text
    chosen = client.get(reverse("projects:list"), {"status": "ongoing", "partner": "icmpd"})
    partner_facet = next(facet for facet in chosen.context["facets"] if facet.name == "partner")
    icmpd = next(option for option in partner_facet.options if option.value == "icmpd")
    assert (icmpd.count, icmpd.chosen) == (0, True)
    assert 'value="icmpd" id="partner-' in chosen.text


def test_sort_by_start_puts_unknown_starts_last(client, catalogue):
    for sort in ("start", "-start"):
        response = client.get(reverse("projects:list"), {"sort": sort})
        names = [p.slug for p in response.context["object_list"]]
        assert names[-1] == "turkiet-dgmm", sort
    ascending = [p.slug for p in client.get(reverse("projects:list"), {"sort": "start"}).context["object_list"]]
    assert ascending[:2] == ["soderkopingsprocessen", "european-asylum-curriculum"]


def test_a_search_of_too_many_words_is_cut_and_says_so(client, catalogue):
    words = "österrike " + " ".join(f"ord{number}" for number in range(12))
    response = client.get(reverse("projects:list"), {"q": words})
    assert "Bara de första 8 orden söktes." in response.text
    assert "söktes" not in client.get(reverse("projects:list"), {"q": "österrike kosovo"}).text


def test_search_follows_a_projects_text_through_edits_bulk_updates_and_deletion():
    """On PostgreSQL the words live in a table of their own that a trigger keeps (migration 0014)."""
    from projects.models import SearchDocument
    from projects.search import matching_project_ids, search_projects

    from .factories import make_project

    def found(text):
        return set(search_projects(Project.objects.all(), text).values_list("pk", flat=True))

    project, other = make_project(summary="Om återvändande."), make_project(summary="Om mottagande.")
    assert found("återvändande") == {project.pk} and set(matching_project_ids("återv")) == {project.pk}
    project.summary = "Om vidarebosättning."
    project.save()
    assert found("återvändande") == set() and found("vidarebosättning") == {project.pk}
    Project.objects.filter(pk=project.pk).update(name="Nordiskt samråd")  # no save(), no signal
    assert found("samråd") == {project.pk} and set(matching_project_ids("samråd")) == {project.pk}
    project.delete()
    assert found("samråd") == set() and set(matching_project_ids("samråd")) == set()
    assert found("mottagande") == {other.pk}
    if connection.vendor == "postgresql":
        assert list(SearchDocument.objects.values_list("project_id", flat=True)) == [other.pk]


def test_a_long_facet_shows_the_options_with_most_projects_and_links_to_all(client):
    """Thirty partners: the ten with the most projects (and any chosen one) are shown, the link shows all."""
    from projects.filters import SHOWN_OPTIONS

    from .factories import make_organisation, make_project

    organisations = [make_organisation(name=f"Partner {number:02d}") for number in range(30)]
    for number, organisation in enumerate(organisations):
        for _ in range(1 + number // 10):  # the last ten take part in three projects each
            make_project(partners=[organisation])
    url = reverse("projects:list")
    response = client.get(url, {"partner": organisations[0].slug})
    facet = next(facet for facet in response.context["facets"] if facet.name == "partner")
    shown = [option.label for option in facet.options]
    assert shown == ["Partner 00", *[f"Partner {number}" for number in range(20, 30)]]
    assert facet.more == 30 - SHOWN_OPTIONS - 1
    assert "Visa alla alternativ för partnerorganisation (19 till)" in response.text
    everything = client.get(facet.more_url.split("#")[0])
    facet = next(facet for facet in everything.context["facets"] if facet.name == "partner")
    assert len(facet.options) == 30 and facet.more == 0
    assert '<input type="hidden" name="visa" value="partner">' in everything.text  # stays open when sent
    assert everything.context["result_count"] == response.context["result_count"] == 1


def test_a_word_of_one_or_two_letters_is_not_looked_for_inside_names(client):
    """Names are searched by words of three letters or more: "b" is inside almost every name."""
    from .factories import make_organisation, make_project

    named = make_project(name="Samarbete", partners=[make_organisation(name="Bulgariens migrationsverk")])
    assert slugs(client, {"q": "bulg"}) == {named.slug}
    assert slugs(client, {"q": "bu"}) == set()
