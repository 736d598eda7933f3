"""The Redaktör group and the create_editor command: editors keep the catalogue and read feedback, nothing more."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Kanelbulle-med-kardemumma-7"
CATALOGUE_MODELS = [
    "country",
    "framework",
    "organisation",
    "fund",
    "project",
    "participation",
    "projectcountry",
    "funding",
    "projectrelation",
    "document",
    "pagecontent",
]


def create_editor(monkeypatch, username="eva", *args, password=PASSWORD):
    monkeypatch.setenv("EDITOR_PASSWORD", password)
    out = io.StringIO()
    call_command("create_editor", username, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def editor_client(client, monkeypatch):
    """A client logged in through the admin login form as an editor made by create_editor."""
    create_editor(monkeypatch)
    response = client.post(reverse("admin:login"), {"username": "eva", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    return client


def test_the_group_holds_exactly_the_editors_permissions():
    group = Group.objects.get(name="Redaktör")

    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))

    expected = {
        ("projects", f"{action}_{model}")
        for model in CATALOGUE_MODELS
        for action in ("add", "change", "delete", "view")
    }
    expected |= {("projects", f"view_historical{model}") for model in CATALOGUE_MODELS}
    expected |= {("feedback", "view_feedback"), ("feedback", "change_feedback"), ("feedback", "delete_feedback")}
    assert permissions == expected


def test_create_editor_makes_a_staff_user_in_the_group(monkeypatch, django_user_model):
    output = create_editor(monkeypatch, "eva", "--email", "eva@example.se")

    user = django_user_model.objects.get(username="eva")
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert user.email == "eva@example.se"
    assert list(user.groups.values_list("name", flat=True)) == ["Redaktör"]
    assert user.check_password(PASSWORD)
    assert "Skapade redaktören eva." in output
    assert "/admin/" in output


def test_create_editor_again_sets_a_new_password(monkeypatch, django_user_model):
    create_editor(monkeypatch, "eva")
    output = create_editor(monkeypatch, "eva", password="Semla-med-mandelmassa-9")

    user = django_user_model.objects.get(username="eva")
    assert user.check_password("Semla-med-mandelmassa-9")
    assert user.groups.count() == 1
    assert "Uppdaterade redaktören eva" in output


def test_create_editor_refuses_a_weak_password(monkeypatch, django_user_model):
    with pytest.raises(CommandError) as error:
        create_editor(monkeypatch, "eva", password="12345678")
    assert "Lösenordet godtogs inte" in str(error.value)
    assert "Detta lösenord är alldeles för vanligt." in str(error.value)
    assert not django_user_model.objects.filter(username="eva").exists()


def test_create_editor_refuses_to_turn_a_superuser_into_an_editor(monkeypatch, django_user_model):
    django_user_model.objects.create_superuser("admin", password=PASSWORD)
    with pytest.raises(CommandError, match="är en superanvändare"):
        create_editor(monkeypatch, "admin")
    assert django_user_model.objects.get(username="admin").is_superuser


def test_create_editor_asks_for_the_password_twice(monkeypatch, django_user_model):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    call_command("create_editor", "eva", stdout=io.StringIO())

    assert django_user_model.objects.get(username="eva").check_password(PASSWORD)


def test_create_editor_stops_when_the_two_passwords_differ(monkeypatch, django_user_model):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="matchade inte"):
        call_command("create_editor", "eva", stdout=io.StringIO())
    assert not django_user_model.objects.filter(username="eva").exists()


def test_create_editor_without_a_password_or_a_terminal_says_what_to_do(monkeypatch):
    monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="EDITOR_PASSWORD"):
        call_command("create_editor", "eva", stdout=io.StringIO())


def test_an_editor_logs_in_and_sees_the_admin(editor_client):
    assert editor_client.get(reverse("admin:index")).status_code == 200


def test_an_editor_reads_the_feedback(editor_client):
    assert editor_client.get(reverse("admin:feedback_feedback_changelist")).status_code == 200


def test_an_editor_keeps_the_projects(editor_client):
    assert editor_client.get(reverse("admin:projects_project_changelist")).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:axes_accessattempt_changelist"],
)
def test_an_editor_cannot_manage_users_groups_or_lockouts(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403
