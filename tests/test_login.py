"""The admin login: lockout after five failures for one user name and address, cooldown, client address, admin URL."""

import datetime
import importlib

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import portal.urls
from portal.clients import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "Kanelbulle-med-kardemumma-7"
LOCKED = "Kontot är låst i 15 minuter efter för många misslyckade inloggningsförsök."
TRY_LATER = "Försök igen senare eller kontakta administratören."


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD, is_staff=True)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD, is_staff=True)


def log_in(client, username, password, *, ip="192.0.2.10", **headers):
    """Fills in the admin login form from `ip`, as a person would; returns the response."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **headers,
    )


def fail(client, username, times, *, ip="192.0.2.10", **headers):
    return [log_in(client, username, "fel-lösenord", ip=ip, **headers).status_code for _ in range(times)]


def is_logged_in(response):
    return response.status_code == 302 and response.url == reverse("admin:index")


def test_a_wrong_password_shows_the_form_again(client, alice):
    response = log_in(client, "alice", "fel-lösenord")
    assert response.status_code == 200
    assert "och lösenord för ett personalkonto" in response.text


def test_five_failures_lock_the_user_out_from_that_address(client, alice):
    # The fifth failure reaches the limit: its answer is already the lockout page.
    assert fail(client, "alice", 5) == [200, 200, 200, 200, 429]

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert LOCKED in response.text
    assert TRY_LATER in response.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_in_swedish_in_the_admin_layout(client, alice):
    fail(client, "alice", 5)
    response = log_in(client, "alice", PASSWORD)
    assert '<html lang="sv"' in response.text
    assert "<h1>Kontot är låst</h1>" in response.text
    assert str(admin.site.site_header) in response.text
    assert f'href="{reverse("admin:login")}"' in response.text


def test_another_user_from_the_same_address_is_not_locked_out(client, alice, bob):
    fail(client, "alice", 5)
    assert is_logged_in(log_in(client, "bob", PASSWORD))


def test_the_same_user_from_another_address_is_not_locked_out(client, alice):
    fail(client, "alice", 5, ip="192.0.2.10")
    assert is_logged_in(log_in(client, "alice", PASSWORD, ip="198.51.100.20"))


def test_the_lockout_ends_after_the_cooldown(client, alice):
    fail(client, "alice", 5)
    assert log_in(client, "alice", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert is_logged_in(log_in(client, "alice", PASSWORD))


def test_the_lockout_still_holds_before_the_cooldown_ends(client, alice):
    fail(client, "alice", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert log_in(client, "alice", PASSWORD).status_code == 429


def test_the_cooldown_comes_from_the_settings(client, alice, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=2)
    fail(client, "alice", 5)

    response = log_in(client, "alice", PASSWORD)
    assert "Kontot är låst i 2 minuter" in response.text

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=3))
    assert is_logged_in(log_in(client, "alice", PASSWORD))


def test_a_successful_login_resets_the_count(client, alice):
    fail(client, "alice", 4)
    assert is_logged_in(log_in(client, "alice", PASSWORD))
    assert not AccessAttempt.objects.filter(username="alice").exists()
    client.logout()

    # Four more failures would have made eight without the reset.
    assert fail(client, "alice", 4) == [200, 200, 200, 200]
    assert is_logged_in(log_in(client, "alice", PASSWORD))


def test_behind_a_trusted_proxy_the_lockout_counts_the_visitors_address(client, alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.2"
    fail(client, "alice", 5, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5")

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    # Another visitor through the same proxy is not locked out with the first one.
    assert is_logged_in(log_in(client, "alice", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"))


def test_a_forwarded_address_from_anyone_but_a_trusted_proxy_does_not_escape_the_lockout(client, alice, settings):
    """Rotating X-Forwarded-For straight at the app server is the same sender each time."""
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for number in range(6):
        log_in(client, "alice", "wrong", ip="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert not is_logged_in(log_in(client, "alice", PASSWORD, ip="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.1"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "visitor"),
    [
        ("10.0.0.2", "198.51.100.1, 192.0.2.7 , 203.0.113.5 ", ["10.0.0.2"], "203.0.113.5"),
        ("10.0.0.2", "198.51.100.1, 203.0.113.5, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.5"),  # two proxies
        ("10.0.0.2", "", ["10.0.0.2"], "10.0.0.2"),  # no header: the connection
        ("10.0.0.2", "not-an-address", ["10.0.0.2"], "10.0.0.2"),
        ("192.0.2.10", "203.0.113.5", ["10.0.0.2"], "192.0.2.10"),  # not from the proxy: ignored
        ("192.0.2.10", "203.0.113.5", [], "192.0.2.10"),  # no trusted proxy (the default): ignored
    ],
)
def test_client_ip_takes_the_forwarded_address_only_from_a_trusted_proxy(settings, remote, forwarded, trusted, visitor):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == visitor


def reload_urls():
    importlib.reload(portal.urls)
    clear_url_caches()


def test_the_admin_answers_at_admin_url(client):
    try:
        with override_settings(ADMIN_URL="redaktion/"):
            reload_urls()
            assert reverse("admin:index") == "/redaktion/"
            response = client.get("/redaktion/")
            assert response.status_code == 302
            assert response.url.startswith("/redaktion/login/")
            assert client.get("/redaktion/login/").status_code == 200
            assert client.get("/admin/").status_code == 404
    finally:
        reload_urls()
    assert reverse("admin:index") == "/admin/"


def test_sessions_end_with_the_browser_and_after_a_working_day(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
