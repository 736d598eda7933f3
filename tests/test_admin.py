"""The editors' admin: whole-project forms with inlines, validation in Swedish, history, no silent overwrite."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Funding, Organisation, Participation, Project
from tests.admin_forms import add_inline_row, admin_form_data, inline_prefix
from tests.factories import make_fund, make_organisation, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(make_editor):
    """A function that gives a new client logged in as a new editor."""

    def log_in(username):
        client = Client()
        client.force_login(make_editor(username))
        return client

    return log_in


@pytest.fixture
def editor(logged_in):
    return logged_in("redaktor")


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def test_add_project_with_partners_funds_and_imprecise_period(editor, client):
    """An editor adds a project in one form, publishes it, and the public finds it under the right filters."""
    partners = [make_organisation(slug="unhcr-x", name="UNHCR X"), make_organisation(slug="iom-x", name="IOM X")]
    funds = [make_fund(slug="amif-y", name="AMIF Y"), make_fund(slug="sida-y", name="Sida Y")]
    response = editor.get(reverse("admin:projects_project_add"))
    data = admin_form_data(response)
    data.update(
        {
            "name_sv": "Nytt projekt",
            "slug": "nytt-projekt",
            "summary_sv": "Kort.",
            "description_sv": "Längre text.",
            "status": "ongoing",
            "start_date": "2019-10-15",
            "start_precision": "season",
            "duration_months": "30",
            "duration_is_approximate": "on",
            "duration_text": "ca 2,5 år",
            "is_published": "on",
        }
    )
    for organisation in partners:
        add_inline_row(data, inline_prefix(response, "participation"), organisation=organisation.pk, role="partner")
    add_inline_row(data, inline_prefix(response, "funding"), fund=funds[0].pk, share="main")
    add_inline_row(data, inline_prefix(response, "funding"), fund=funds[1].pk, share="co_financing")
    saved = editor.post(reverse("admin:projects_project_add"), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    project = Project.objects.get(slug="nytt-projekt")
    assert (project.start_date, project.start_precision) == (datetime.date(2019, 9, 1), "season")
    assert project.participations.count() == 2 and project.fundings.count() == 2
    found = client.get(reverse("projects:list"), {"fund": "amif-y", "partner": "iom-x", "year_from": 2021})
    assert [p.slug for p in found.context["object_list"]] == ["nytt-projekt"]
    assert "från hösten 2019, under ca 2,5 år" in client.get(project.get_absolute_url()).text


def test_change_summary_and_funding_share(editor, catalogue):
    project = Project.objects.get(slug="twinning-serbien")
    response = editor.get(change_url(project))
    data = admin_form_data(response)
    data["summary_sv"] = "Ny sammanfattning."
    prefix = inline_prefix(response, "funding")
    sida = next(
        key
        for key, value in data.items()
        if key.startswith(prefix)
        and key.endswith("-fund")
        and value == str(project.fundings.get(fund__slug="sida").fund_id)
    )
    data[sida.replace("-fund", "-share")] = "main"
    saved = editor.post(change_url(project), data)
    assert saved.status_code == 302
    project.refresh_from_db()
    assert project.summary == "Ny sammanfattning."
    assert project.fundings.get(fund__slug="sida").share == "main"


def test_delete_project(editor):
    project = make_project()
    response = editor.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2016-01-01", "start_precision": "year", "end_date": "2015-01-01", "end_precision": "year"},
            "end_date",
            "Slutet kan inte ligga före starten.",
        ),
        (
            {"start_date": "", "start_precision": "month"},
            "start_date",
            "Ange ett datum, eller välj precisionen ”okänd”.",
        ),
        (
            {"start_date": "2016-05-01", "start_precision": "unknown"},
            "start_precision",
            "Välj hur exakt datumet är känt.",
        ),
        (
            {"status": "closed", "end_date": "", "end_precision": "unknown", "duration_months": "", "period_note": ""},
            "end_date",
            "Ett avslutat projekt behöver",
        ),
        ({"slug": "taken"}, "slug", "finns redan"),
    ],
    ids=["end-before-start", "precision-without-date", "date-without-precision", "closed-without-end", "slug-clash"],
)
def test_validation_messages_on_the_field_in_swedish(editor, changes, field, message):
    make_project(slug="taken")
    project = make_project()
    data = admin_form_data(editor.get(change_url(project)))
    data.update(changes)
    response = editor.post(change_url(project), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field]), errors


def test_duplicate_participant_is_refused_on_the_field(editor):
    organisation = make_organisation()
    project = make_project(partners=[organisation])
    response = editor.get(change_url(project))
    data = admin_form_data(response)
    add_inline_row(data, inline_prefix(response, "participation"), organisation=organisation.pk, role="lead")
    refused = editor.post(change_url(project), data)
    assert refused.status_code == 200
    assert "Den här deltagaren finns redan" in refused.text
    assert project.participations.count() == 1


def test_second_editor_cannot_silently_overwrite_the_first(catalogue, logged_in):
    """Two editors open the same project; the first save wins and the second is told what changed."""
    first, second = logged_in("forsta"), logged_in("andra")
    project = Project.objects.get(slug="eurlo")
    first_data = admin_form_data(first.get(change_url(project)))
    second_data = admin_form_data(second.get(change_url(project)))
    first_data["summary_sv"] = "Första redaktörens text."
    assert first.post(change_url(project), first_data).status_code == 302
    second_data["summary_sv"] = "Andra redaktörens text."
    second_data["agency_role_note"] = "Andra redaktörens anmärkning."
    refused = second.post(change_url(project), second_data, follow=True)
    assert refused.redirect_chain == [(change_url(project), 302)]
    messages = [str(message) for message in refused.context["messages"]]
    assert "Någon annan sparade projektet" in messages[0]
    assert "Första redaktörens text." in messages[1] and "forsta" in messages[1]  # who changed what meanwhile
    assert "Andra redaktörens text." in messages[2]  # what was not saved, to be made again
    # The form now holds the latest version, opened on it.
    assert refused.context["adminform"].form["summary_sv"].value() == "Första redaktörens text."
    project.refresh_from_db()
    assert project.summary == "Första redaktörens text."
    assert project.agency_role_note != "Andra redaktörens anmärkning."


def test_a_save_reads_the_project_once_and_writes_it_with_one_conditional_update(editor, django_assert_max_num_queries):
    """The version check is the save's own UPDATE ... WHERE version = <the version opened>: no re-reads.

    An editor's save of a project with its (empty) inlines: session, user, permissions, the project,
    the claim of the next version, the row, its history, the admin log, the catalogue version and the
    mark on the pages that show the project, and the savepoint around them.
    """
    project = make_project()
    data = admin_form_data(editor.get(change_url(project)))
    data["summary_sv"] = "Ny sammanfattning."
    with django_assert_max_num_queries(13) as queries:
        assert editor.post(change_url(project), data).status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    project_reads = [sql for sql in statements if sql.startswith("SELECT") and 'FROM "projects_project"' in sql]
    assert len(project_reads) == 1, project_reads
    claims = [sql for sql in statements if sql.startswith('UPDATE "projects_project" SET "version"')]
    assert len(claims) == 1 and f'"version" = {project.version})' in claims[0]
    project.refresh_from_db()
    assert (project.summary, project.version) == ("Ny sammanfattning.", 2)


def test_inline_only_change_also_blocks_a_stale_form(catalogue, logged_in):
    first, second = logged_in("forsta"), logged_in("andra")
    project = Project.objects.get(slug="erin")
    first_response = first.get(change_url(project))
    first_data = admin_form_data(first_response)
    second_data = admin_form_data(second.get(change_url(project)))
    prefix = inline_prefix(first_response, "participation")
    first_data[f"{prefix}-0-note"] = "Ändrad av den första."
    assert first.post(change_url(project), first_data).status_code == 302
    second_data["summary_sv"] = "Den andra."
    refused = second.post(change_url(project), second_data)
    assert refused.status_code == 302
    assert "Någon annan sparade projektet" in str(next(iter(refused.wsgi_request._messages)))
    assert Participation.objects.filter(project=project, note="Ändrad av den första.").exists()
    assert Project.objects.get(pk=project.pk).summary != "Den andra."


def test_unchanged_save_changes_nothing(editor, catalogue):
    project = Project.objects.get(slug="pp7")
    before = (project.version, project.updated, project.history.count())
    assert editor.post(change_url(project), admin_form_data(editor.get(change_url(project)))).status_code == 302
    project.refresh_from_db()
    assert (project.version, project.updated, project.history.count()) == before


def test_history_records_who_changed_what_and_can_revert(editor, catalogue):
    project = Project.objects.get(slug="pp7")
    original = project.summary
    data = admin_form_data(editor.get(change_url(project)))
    data["summary_sv"] = "Ändrad."
    editor.post(change_url(project), data)
    latest = project.history.first()
    assert latest.history_user.username == "redaktor" and latest.summary == "Ändrad."
    history_page = editor.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert history_page.status_code == 200 and "redaktor" in history_page.text
    loaded = project.history.last()
    revert_url = reverse("admin:projects_project_simple_history", args=[project.pk, loaded.history_id])
    revert_data = admin_form_data(editor.get(revert_url))
    assert revert_data["summary_sv"] == original
    assert editor.post(revert_url, revert_data).status_code == 302
    project.refresh_from_db()
    assert project.summary == original
    assert project.version == loaded.version + 2


def test_public_last_updated_is_the_real_last_change(editor, client, catalogue):
    """A change to an inline is a change of the project's content: "last updated" moves to today."""
    project = Project.objects.get(slug="erpum")
    assert "12 februari 2018" in client.get(project.get_absolute_url()).text
    response = editor.get(change_url(project))
    data = admin_form_data(response)
    data[f"{inline_prefix(response, 'funding')}-0-note"] = "Ny anmärkning."
    editor.post(change_url(project), data)
    before = project.content_changed
    project.refresh_from_db()
    assert project.content_changed_on == timezone.localdate() == timezone.localdate(project.updated)
    assert before < project.content_changed <= project.updated  # the moment too, for the list's order and the feeds
    assert timezone.localdate().strftime("%Y-%m-%d") in client.get(project.get_absolute_url()).text


def test_changelist_filters_and_query_count(editor, catalogue, django_assert_max_num_queries):
    """The project list in the admin: no query per row."""
    for _ in range(40):
        make_project()
    with django_assert_max_num_queries(14):
        response = editor.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 200
    by_fund = editor.get(
        reverse("admin:projects_project_changelist"),
        {"fundings__fund__id__exact": Funding.objects.get(project__slug="eu-frank").fund_id},
    )
    assert {p.slug for p in by_fund.context["cl"].result_list} == {"eu-frank", "eurlo"}


def test_needs_review_filter_and_warning(editor, catalogue):
    today = datetime.date.today()
    Project.objects.update(reviewed_on=today)
    # EURLO (2015–2022) is still called ongoing in the source.
    needing = editor.get(reverse("admin:projects_project_changelist"), {"review": "needed"})
    slugs = {p.slug for p in needing.context["cl"].result_list}
    assert slugs == {"eu-frank", "twinning-serbien", "twinning-kosovo", "eurlo", "erin"}
    page = editor.get(change_url(Project.objects.get(slug="eurlo")))
    assert "markerat som pågående, men dess slut har passerat" in page.text
    Project.objects.filter(slug="pp7").update(reviewed_on=today - datetime.timedelta(days=400))
    overdue = editor.get(reverse("admin:projects_project_changelist"), {"review": "overdue"})
    assert [p.slug for p in overdue.context["cl"].result_list] == ["pp7"]


def test_draft_is_hidden_from_the_public_and_previewable_by_editors(editor, client):
    project = make_project(name="Hemligt utkast", is_published=False)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert "Hemligt utkast" not in client.get(reverse("projects:list")).text
    assert "Hemligt utkast" not in client.get(reverse("projects:home")).text
    preview = editor.get(project.get_absolute_url())
    assert preview.status_code == 200 and "Förhandsvisning" in preview.text
    assert preview.headers["X-Robots-Tag"] == "noindex"


def test_merging_organisations_keeps_every_participation(editor, catalogue):
    duplicate = Organisation.objects.create(
        name="International Centre for Migration Policy Development", slug="icmpd-full", kind="international"
    )
    eu_frank = Project.objects.get(slug="eu-frank")
    silk = Project.objects.get(slug="silk-routes-partnership")
    Participation.objects.create(project=eu_frank, organisation=duplicate, role="partner")
    Participation.objects.create(project=silk, organisation=duplicate, role="lead", note="Dubblett.")
    icmpd = Organisation.objects.get(slug="icmpd")
    before = Participation.objects.count()
    url = reverse("admin:projects_organisation_changelist")
    ask = editor.post(url, {"action": "merge", "_selected_action": [icmpd.pk, duplicate.pk]})
    assert ask.status_code == 200 and "Behåll den här organisationen" in ask.text
    done = editor.post(
        url, {"action": "merge", "_selected_action": [icmpd.pk, duplicate.pk], "confirm": "yes", "keep": icmpd.pk}
    )
    assert done.status_code == 302
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert Participation.objects.filter(project=eu_frank, organisation=icmpd).exists()
    combined = Participation.objects.get(project=silk, organisation=icmpd)
    assert "Dubblett." in combined.note and combined.role == "partner"
    assert Participation.objects.count() == before - 1


def test_loader_keeps_what_an_editor_changed_in_the_admin(editor, catalogue):
    project = Project.objects.get(slug="eu-frank")
    response = editor.get(change_url(project))
    data = admin_form_data(response)
    data["summary_sv"] = "Redaktören har skrivit om."
    data[f"{inline_prefix(response, 'funding')}-0-note"] = "Enligt ny källa."
    editor.post(change_url(project), data)
    call_command("load_catalogue", verbosity=0)
    project.refresh_from_db()
    assert project.summary == "Redaktören har skrivit om."
    assert project.fundings.get().note == "Enligt ny källa."


def test_loader_skips_rows_that_refer_to_a_deleted_organisation(editor, catalogue):
    """An editor deleting or merging away a loaded organisation does not break the next load."""
    Participation.objects.filter(organisation__slug="bamf").delete()
    Organisation.objects.get(slug="bamf").delete()
    call_command("load_catalogue", verbosity=0)
    assert not Organisation.objects.filter(slug="bamf").exists()


@pytest.mark.parametrize("framework", ["abc", "9223372036854775808", "-9223372036854775809", "1e400"])
def test_a_chosen_row_that_cannot_be_a_key_is_refused_on_its_field(editor, framework):
    """A framework sent back as no key at all, or as a number past the column's range (which SQLite
    cannot even compare), is refused on its field and the form shown again: no 500, nothing saved."""
    project = make_project(name="Ramverkslöst")
    data = admin_form_data(editor.get(change_url(project)))
    data.update(framework=framework, name_sv="Ändrat namn")
    response = editor.post(change_url(project), data)
    assert response.status_code == 200
    assert "framework" in response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.name_sv == "Ramverkslöst"
