"""A project's page is read back from its snapshot in one query, and never shows less than the last change.

Each test looks at a page once (which keeps its snapshot), changes something the page shows
through the models, as the admin does, and looks again: the change must be there.
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import snapshots
from projects.models import (
    CatalogueVersion,
    Framework,
    Fund,
    Funding,
    Participation,
    Project,
    ProjectCountry,
    ProjectRelation,
    ProjectSnapshot,
)

from .factories import make_country, make_document, make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    """A project with something of every kind its page shows, and a function that fetches its page's text."""
    parent = make_fund(name="Fonden för inre säkerhet")
    part = make_fund(name="Särskilda insatser", parent=parent)
    framework = Framework.objects.create(name="Pragprocessen", slug="pragprocessen")
    project = make_project(name="Grundprojektet", partners=[make_organisation(name="IOM")], framework=framework)
    Funding.objects.create(project=project, fund=part, share=Funding.Share.MAIN)
    ProjectCountry.objects.create(project=project, country=make_country("RS"), role="target_country")
    other = make_project(name="Uppföljaren")
    ProjectRelation.objects.create(project=other, related_project=project, kind=ProjectRelation.Kind.BUILDS_ON)

    def text(target=project, slug=None):
        slug = slug or Project.objects.get(pk=target.pk).slug
        response = client.get(reverse("projects:detail", kwargs={"slug": slug}))
        return response.status_code, response.text

    assert text()[0] == 200 and ProjectSnapshot.objects.filter(project=project).exists()
    return project, other, text


def test_a_page_with_a_snapshot_is_read_in_one_query_and_shows_the_same(page, django_assert_num_queries):
    project, _other, text = page
    first = text()[1]
    with django_assert_num_queries(1):  # the catalogue version with the snapshot
        second = text(slug=project.slug)[1]
    assert second == first
    assert "IOM" in second and "Särskilda insatser" in second and "Uppföljaren" in second


def rename_project(project, other):
    project.name = "Det omdöpta projektet"
    project.save()
    return project, "Det omdöpta projektet"


def add_partner(project, other):
    Participation.objects.create(
        project=project, organisation=make_organisation(name="UNHCR"), role=Participation.Role.PARTNER
    )
    return project, "UNHCR"


def rename_partner(project, other):
    organisation = project.participations.get().organisation
    organisation.name = "Internationella organisationen för migration"
    organisation.save()
    return project, "Internationella organisationen för migration"


def rename_parent_fund(project, other):
    parent = Fund.objects.get(name="Fonden för inre säkerhet")
    parent.name = "Inre säkerhetsfonden"
    parent.save()
    return project, "Inre säkerhetsfonden"


def change_share(project, other):
    funding = project.fundings.get()
    funding.note = "Andelen anges i avtalet."
    funding.save()
    return project, "Andelen anges i avtalet."


def rename_framework(project, other):
    framework = project.framework
    framework.name = "Budapestprocessen"
    framework.save()
    return project, "Budapestprocessen"


def add_country(project, other):
    ProjectCountry.objects.create(project=project, country=make_country("MD"), role="partner_country")
    return project, "Moldavien"


def add_document(project, other):
    make_document(project, title="Slutrapport 2017")
    return project, "Slutrapport 2017"


def rename_related_project(project, other):
    other.name = "Den omdöpta uppföljaren"
    other.save()
    return project, "Den omdöpta uppföljaren"


def move_a_partner_away(project, other):
    participation = project.participations.get()
    participation.project = other
    participation.save()
    return project, "!IOM"


def unpublish_related_project(project, other):
    other.is_published = False
    other.save()
    return project, "!Uppföljaren"


def delete_relation(project, other):
    ProjectRelation.objects.all().delete()
    return project, "!Uppföljaren"


def unpublish_project(project, other):
    project.is_published = False
    project.save()
    return project, 404


@pytest.mark.parametrize(
    "change",
    [
        rename_project,
        add_partner,
        rename_partner,
        rename_parent_fund,
        change_share,
        rename_framework,
        add_country,
        add_document,
        rename_related_project,
        move_a_partner_away,
        unpublish_related_project,
        delete_relation,
        unpublish_project,
    ],
)
def test_the_next_look_shows_the_change(page, change):
    project, other, text = page
    shown, expected = change(project, other)
    status, html = text(shown)
    if expected == 404:
        assert status == 404
    elif expected.startswith("!"):
        assert status == 200 and expected[1:] not in html
    else:
        assert status == 200 and expected in html


def test_a_change_elsewhere_keeps_the_snapshot(page):
    project, _other, text = page
    make_project(name="Ett annat projekt")
    before = ProjectSnapshot.objects.get(project=project).taken_at
    assert text()[0] == 200
    assert ProjectSnapshot.objects.get(project=project).taken_at == before  # read, not taken again


def test_a_snapshot_read_before_a_change_is_not_read_after_it(page):
    """The view reads the version number, then the data; a change that commits in between and a
    snapshot written after the change must not show the old data."""
    project, _other, text = page
    read_at = int(CatalogueVersion.objects.current().split("-")[0])
    stale = Project.objects.for_page().get(pk=project.pk)  # read before the change
    project.name = "Efter ändringen"
    project.save()
    snapshots.keep([stale], read_at)  # written after it
    assert snapshots.read(project.slug)[0] is None
    assert "Efter ändringen" in text()[1]


def test_a_bulk_change_makes_every_snapshot_out_of_date(page):
    project, _other, _text = page
    assert snapshots.read(project.slug)[0] is not None
    CatalogueVersion.objects.bump()  # what a load or a bulk change calls
    assert snapshots.read(project.slug)[0] is None


def test_a_snapshot_in_another_format_is_not_read(page):
    project, _other, _text = page
    ProjectSnapshot.objects.filter(project=project).update(format="django-0.0/1")
    assert snapshots.read(project.slug)[0] is None


def test_the_command_takes_the_missing_snapshots_of_published_projects(page, django_assert_num_queries):
    project, other, text = page
    hidden = make_project(name="Opublicerat", is_published=False)
    ProjectSnapshot.objects.all().delete()
    call_command("take_snapshots", verbosity=0)
    assert set(ProjectSnapshot.objects.values_list("project", flat=True)) == {project.pk, other.pk}
    assert not ProjectSnapshot.objects.filter(project=hidden).exists()
    text(slug=project.slug)  # the feedback block's texts are read once per catalogue version
    with django_assert_num_queries(1):
        assert text(slug=other.slug)[0] == 200
    assert snapshots.take_all() == 0  # all up to date


def test_a_damaged_snapshot_is_read_from_the_database_instead_and_taken_again(page, caplog):
    project, _other, text = page
    ProjectSnapshot.objects.filter(project=project).update(data=b"not a snapshot")
    status, html = text()
    assert status == 200 and "Grundprojektet" in html
    assert "could not be read" in caplog.text
    assert snapshots.read(project.slug)[0].names == {"sv": "Grundprojektet", "en": "Grundprojektet"}  # taken again


def test_a_snapshot_holds_the_page_in_every_language(page, client, django_assert_num_queries):
    project, other, text = page
    swedish = text()[1]
    client.get(f"/en/projekt/{other.slug}/")  # the feedback block's texts are read once per version and language
    with django_assert_num_queries(1):
        english = client.get(f"/en/projekt/{project.slug}/").text
    assert "Deltagare" in swedish and "Participants" not in swedish
    assert "Participants" in english and "Deltagare" not in english
    assert 'lang="sv">Grundprojektet</h1>' in english  # the content marked as Swedish on the English page


def test_a_change_in_an_emptied_database_starts_the_version_again():
    """The version row goes with the rest of an emptied database (a flush); the next change must not fail."""
    CatalogueVersion.objects.all().delete()
    project = make_project(name="Efter tömningen")
    assert CatalogueVersion.objects.get().number >= 1
    assert Project.objects.get(pk=project.pk).page_version == CatalogueVersion.objects.get().number


def test_a_snapshot_is_not_read_after_the_day_its_text_stops_being_true(client, monkeypatch):
    """An ongoing project's page says so once its latest possible end has passed: a page kept the day
    before must not be shown the day after."""
    today = timezone.localdate()
    project = make_project(name="Slutar i dag", status="ongoing", end_date=today, end_precision="day")
    address = reverse("projects:detail", kwargs={"slug": project.slug})
    assert "har passerat" not in client.get(address).text  # kept today
    assert snapshots.read(project.slug)[0] is not None
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    assert snapshots.read(project.slug)[0] is None
    assert "har passerat" in client.get(address).text


# The list's entries ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_list_shows_its_entries_from_the_snapshots_as_it_renders_them_from_the_rows(
    page, client, prefix, django_assert_num_queries
):
    snapshots.take_all()
    url = f"{prefix}{reverse('projects:list')}"
    client.get(url)  # the options and the index, once per worker and catalogue version
    with django_assert_num_queries(2):  # the catalogue version, then the page's entries
        kept = client.get(url).text
    ProjectSnapshot.objects.all().delete()
    with django_assert_num_queries(3):  # and the rows of those without an entry
        rendered = client.get(url).text
    assert kept == rendered
    assert "Grundprojektet" in kept and "Uppföljaren" in kept


@pytest.mark.parametrize("change", [rename_project, unpublish_project])
def test_the_next_list_shows_the_change(page, client, change):
    project, other, _text = page
    snapshots.take_all()
    url = reverse("projects:list")
    assert "Grundprojektet" in client.get(url).text
    change(project, other)
    html = client.get(url).text
    assert "Grundprojektet" not in html and "Uppföljaren" in html
    assert ("Det omdöpta projektet" in html) is (change is rename_project)


def test_a_list_entry_is_not_read_after_the_day_its_text_stops_being_true(client, monkeypatch):
    today = timezone.localdate()
    make_project(name="Slutar i dag", status="ongoing", end_date=today, end_precision="day")
    assert snapshots.take_all() == 1
    url = reverse("projects:list")
    assert "men slutet har passerat" not in client.get(url).text
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    assert "men slutet har passerat" in client.get(url).text


@pytest.mark.parametrize(
    "damage",
    [
        "not json",
        "[1, 2]",
        '{"html": {}}',
        '{"slug": "x", "names": {}, "html": {"sv": "<li>Kvar</li>"}, "true_until": null}',
        '{"slug": "x", "names": {"sv": "Kvar"}, "html": {"sv": 1}, "true_until": null}',
        '{"slug": "x", "names": {"sv": "Kvar"}, "html": {"sv": "<li>Kvar</li>"}, "true_until": 1}',
    ],
)
def test_a_damaged_list_entry_is_rendered_from_the_database_instead(page, client, damage):
    project, _other, _text = page
    snapshots.take_all()
    ProjectSnapshot.objects.filter(project=project).update(entry=damage)
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert "Grundprojektet" in response.text and "Uppföljaren" in response.text
