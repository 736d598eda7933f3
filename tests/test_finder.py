"""The project list as a finder: a title that says what is shown, defaults chosen, words in the page's language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def title(response):
    html = response.content.decode()
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_the_title_says_what_is_shown_and_how_many(client, catalogue):
    everything = client.get(reverse("projects:list"))
    assert title(everything) == "Alla projekt (15 träffar) – Migrationsverket"
    one = client.get(reverse("projects:list"), {"fund": "ipa", "country": "RS"})
    assert title(one) == "Projekt – IPA-fonderna, Serbien (1 träff) – Migrationsverket"
    english = client.get("/en" + reverse("projects:list"), {"fund": "ipa"})
    assert title(english).startswith("Projects – ") and "(2 results)" in title(english)


def test_the_defaults_are_chosen_and_the_panel_folds_away(client, catalogue):
    html = client.get(reverse("projects:list")).content.decode()
    assert 'name="partner_mode" value="any" id="id_partner_mode_0" checked' in html
    assert 'name="past_end" value="show" id="id_past_end_0" checked' in html
    assert '<details class="filter-panel">\n    <summary>Filtrera projekt</summary>' in html
    assert '<form id="filters"' in html and 'autocomplete="off"' in html
    chosen = client.get(reverse("projects:list"), {"fund": "ipa", "status": "ongoing"}).content.decode()
    assert "<summary>Filtrera projekt (2 valda)</summary>" in chosen
    wrong = client.get(reverse("projects:list"), {"year_from": "abc"}).content.decode()
    assert '<details class="filter-panel" open>' in wrong  # the errors are shown, not folded away


def test_sort_options_and_counts_are_in_the_pages_language(client, catalogue):
    swedish = client.get(reverse("projects:list")).content.decode()
    assert '<option value="-name">namn, Ö till A</option>' in swedish and "descending" not in swedish
    english = client.get("/en" + reverse("projects:list")).content.decode()
    assert '<option value="-name">name, Z to A</option>' in english
    assert "namn" not in english and "senast" not in english
    assert '(1<span class="visually-hidden"> project</span>)' in english
    assert '(2<span class="visually-hidden"> projects</span>)' in english
    assert "1 projects" not in english


def test_each_form_shares_its_fixed_choices_instead_of_copying_them():
    """Django deep-copies every field of every form; the filter form shares its fixed choices (SharedChoices)."""
    from projects.filters import ProjectFilterSet
    from projects.models import Project

    first, second = (ProjectFilterSet(None, queryset=Project.objects.all()).form for _ in range(2))
    for name in ("sort", "status", "cooperation_type", "partner_mode", "past_end"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].choices is second.fields[name].choices, name
    assert [value for value, _label in first.fields["sort"].choices][:2] == ["name", "-name"]
