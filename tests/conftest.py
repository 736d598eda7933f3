"""Fixtures for the whole suite.

The real catalogue is loaded once per test session: the loader runs once against the test
database, its rows are kept in memory, and the `catalogue` fixture copies them into the
database of each test that asks for it, inside that test's transaction, so they go when
it is rolled back. Tests that build their own rows with tests/factories.py start from an
empty catalogue.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from projects.roles import EDITOR_GROUP, grant_editor_permissions


@pytest.fixture(scope="session")
def catalogue_rows(django_db_setup, django_db_blocker):
    """Every row the catalogue loader writes (history and its own bookkeeping included), loaded once."""
    from projects.catalogue import load_catalogue
    from projects.models import CatalogueVersion, SearchDocument

    with django_db_blocker.unblock(), transaction.atomic():
        load_catalogue()
        # The catalogue version's one row is the migrations', not the loader's; the search
        # documents are written by the database itself when the projects are.
        skipped = (CatalogueVersion, SearchDocument)
        models = [model for model in apps.get_app_config("projects").get_models() if model not in skipped]
        rows = [(model, list(model._base_manager.order_by("pk"))) for model in models]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def catalogue(catalogue_rows):
    """The agency's real catalogue, as `manage.py load_catalogue` leaves it."""
    from projects.models import CatalogueVersion

    with transaction.atomic():
        for model, rows in catalogue_rows:
            model._base_manager.bulk_create(rows)
        CatalogueVersion.objects.bump()  # bulk_create sends no signal


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Logins and new users hash a password each: the fast hasher spares a second of CPU for every one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_editor(django_user_model):
    """A function that makes a staff user in the "Redaktör" group, with that group's permissions and no others."""

    def make(username="redaktor", *, password="ett-långt-lösenord-2026"):
        group, created = Group.objects.get_or_create(name=EDITOR_GROUP)
        if created:
            # Only after a transactional test: emptying the database took the migration's group with it.
            grant_editor_permissions(group, Permission)
        user = django_user_model.objects.create_user(username, f"{username}@example.se", password, is_staff=True)
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def editor_client(client, make_editor):
    """A client logged in as an editor."""
    client.force_login(make_editor())
    return client


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without running collectstatic first: no manifest needed.

    WhiteNoise looks a file up when it is asked for, instead of reading all of STATIC_ROOT
    (where `make run` collects some 800 files) again for every new test client.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True, scope="session")
def jinja2_context_in_responses():
    """The test client's response.context and .templates for the Jinja2 pages, as Django gives them for its own.

    Django instruments its template language for the test client (setup_test_environment); the
    Jinja2 backend sends the same signal here.
    """
    from django.template.backends import jinja2
    from django.test.signals import template_rendered

    original = jinja2.Template.render

    def render(self, context=None, request=None):
        context = {} if context is None else context
        html = original(self, context, request)
        template_rendered.send(sender=self, template=self.template, context=context)
        return html

    jinja2.Template.render = render
    yield
    jinja2.Template.render = original


@pytest.fixture(autouse=True)
def rendered_pages(settings):
    """Each request renders its page, so that tests can read the context; test_pagecache.py turns the cache on."""
    settings.PAGE_CACHE = False


@pytest.fixture(autouse=True)
def swedish_by_default():
    """Each test starts in the default language, whatever the previous request activated."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


# The moment the rate limits' clock stands still at in tests: the very start of a ten-minute window.
RATE_LIMIT_MOMENT = 1_800_000_000.0


@pytest.fixture(autouse=True)
def rate_limit_clock_stands_still(monkeypatch):
    """A test's requests are counted in one window of the rate limits (portal/ratelimit.py), never two."""
    from portal import ratelimit

    monkeypatch.setattr(ratelimit, "clock", lambda: RATE_LIMIT_MOMENT)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and kept texts from one test must not reach the next."""
    from django.core.cache import cache

    from portal.cache import forget_kept_here

    cache.clear()
    forget_kept_here()
    yield
    cache.clear()
    forget_kept_here()
