"""Facts as strong as the source, no stronger; and the public pages apart from the notes for editors."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Funding, Participation, Project, ProjectRelation
from tests.public_pages import public_pages

pytestmark = pytest.mark.django_db


def page(client, slug, language=""):
    response = client.get(language + reverse("projects:detail", args=[slug]))
    assert response.status_code == 200
    return response.text


def words(client, slug):
    """The text of a project's page, without its tags, its white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page(client, slug)).split())


def listed(client, params):
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    return response, {project.slug for project in response.context["object_list"]}


def test_a_role_the_source_does_not_state_is_not_stated_and_the_agencys_work_is_kept(client, catalogue):
    for slug in ("erin", "turkiet-dgmm", "european-asylum-curriculum"):
        assert Project.objects.get(slug=slug).agency_role == Participation.Role.NOT_STATED
    erin = page(client, "erin")
    assert "<dt>Migrationsverkets roll</dt>" in erin and "Anges inte" in erin
    assert "erbjuder Migrationsverket reintegreringsåtgärder" in erin
    # "på svenskt initiativ": Sweden started it; the agency's role is not said.
    curriculum = page(client, "european-asylum-curriculum")
    assert "Initiativtagare" in curriculum and "Sverige" in curriculum
    initiator = Participation.objects.get(project__slug="european-asylum-curriculum", role="initiator")
    assert (initiator.organisation, str(initiator.country.code)) == (None, "SE")


def test_roles_keep_the_sources_words(catalogue):
    def role(project, organisation):
        return Participation.objects.get(project__slug=project, organisation__slug=organisation).role

    assert role("eu-frank", "easo") == role("eu-frank", "unhcr") == "stakeholder_and_partner"
    assert role("eac-piloten-pp4", "easo") == role("eac-piloten-pp4", "unhcr") == "project_actor"


def test_a_share_the_source_does_not_give_is_not_stated(client, catalogue):
    for slug in ("twinning-serbien", "twinning-kosovo"):
        assert Funding.objects.get(project__slug=slug, fund__slug="ipa").share == Funding.Share.NOT_STATED
        assert "Finansiär, andel anges inte" in page(client, slug)
    assert Funding.objects.get(project__slug="twinning-kosovo", fund__slug="sida").share == "co_financing"


def test_relations_carry_their_certainty_and_their_tense(client, catalogue):
    errin = ProjectRelation.objects.get(project__slug="erin")
    assert errin.certainty == ProjectRelation.Certainty.LIKELY
    assert "(ERIN) kommer med största sannolikhet att integreras i ERRIN" in words(client, "erin")
    assert "Pilotprojektet PP7 var en fortsättning på" in words(client, "pp7")  # both closed: in the past
    assert "EAC-piloten (PP4) fick en fortsättning i" in words(client, "eac-piloten-pp4")
    assert "byggde på" in words(client, "silk-routes-partnership")
    assert "integreras i" not in page(client, "soderkopingsprocessen")
    assert "införlivades i" in page(client, "soderkopingsprocessen")
    english = page(client, "erin", "/en")
    assert "will most likely be integrated into" in english


def test_an_unknown_start_is_unknown(client, catalogue):
    fostering = Project.objects.get(slug="fostering-migration-cooperation")
    assert (fostering.start_date, fostering.start_precision, fostering.earliest_start) == (None, "unknown", None)
    # It may have run in any year before its end: a year filter before 2011 finds it.
    assert "fostering-migration-cooperation" in listed(client, {"year_from": 2009, "year_to": 2010})[1]
    assert "Migrationsverket deltog i projektet under åren 2011–2013" in page(client, "fostering-migration-cooperation")


def test_a_partner_organisations_country_counts_in_the_country_facet(client, catalogue):
    assert listed(client, {"country": "PL"})[1] == {"twinning-armenien"}  # Polens inrikesministerium
    assert "pp7" in listed(client, {"country": "DE"})[1]  # BAMF
    response, _ = listed(client, {})
    counts = response.context["filter"].selection.facet_counts["country"]
    assert counts["PL"] == 1 and counts["SE"] == 1  # Sweden: the initiative behind EAC
    assert all(option.count for facet in response.context["facets"] for option in facet.options)
    assert "(0)" not in response.text


def test_the_public_pages_never_talk_about_the_source_and_editors_keep_their_notes(client, make_editor, catalogue):
    for address, text in public_pages(client):
        assert "källan" not in text.lower(), address
        assert "the source" not in text.lower(), address
    notes = dict(Project.objects.exclude(editor_note="").values_list("slug", "editor_note"))
    assert len(notes) >= 10 and all("Källan" in note for note in notes.values())
    editor = Client()
    editor.force_login(make_editor())
    erin = Project.objects.get(slug="erin")
    form = editor.get(reverse("admin:projects_project_change", args=[erin.pk])).text
    assert "Källan namnger inte de åtta länderna." in form
