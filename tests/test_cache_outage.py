"""The shared cache down: every page still served, the feedback rate limit counted in the database,
and the outage one line in the log, not one per request."""

import logging

import pytest

from feedback.models import Feedback
from portal import cache as shared_cache
from tests.test_feedback import post_answer

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every call to the cache fails at once.
UNREACHABLE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


@pytest.fixture
def cache_down(settings, monkeypatch):
    monkeypatch.setattr(shared_cache, "_unreachable", False)
    shared_cache.forget_kept_here()
    settings.CACHES = UNREACHABLE
    yield
    shared_cache.forget_kept_here()


def test_every_page_is_served_without_the_cache_and_the_outage_is_one_line(client, catalogue, cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="portal.cache")
    addresses = ["/", "/en/", "/projekt/", "/projekt/?fund=amif&q=asyl", "/projekt/eu-frank/", "/partner/unhcr/"]
    for address in addresses * 2:
        assert client.get(address).status_code == 200, address
    outage = [record for record in caplog.records if record.name == "portal.cache"]
    assert len(outage) == 1 and "Cache unreachable" in outage[0].getMessage()
    assert outage[0].exc_info is None  # a line, not a traceback per request


def test_the_feedback_rate_limit_counts_in_the_database_while_the_cache_is_down(client, cache_down):
    for _ in range(10):
        assert post_answer(client).status_code == 303
    assert post_answer(client).status_code == 429
    assert Feedback.objects.count() == 10


def test_the_end_of_an_outage_is_logged_too(cache_down, settings, caplog):
    caplog.set_level(logging.WARNING, logger="portal.cache")
    assert shared_cache.read("page:x") is None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    shared_cache.keep("page:x", "kept", 60)
    assert shared_cache.read("page:x") == "kept"
    assert [record.getMessage()[:17] for record in caplog.records if record.name == "portal.cache"] == [
        "Cache unreachable",
        "Cache reachable a",
    ]
