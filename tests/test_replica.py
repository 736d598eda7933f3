"""Which database a request reads from when there is a replica (portal/replica.py).

These check the rules on this side of the connection; the stack's fault tests read from a
real streaming replica, stop it, and read on."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal import replica
from projects.models import Project

factory = RequestFactory()


@pytest.mark.parametrize(
    ("request_", "from_replica"),
    [
        (factory.get("/projekt/"), True),
        (factory.head("/en/projekt/eu-frank/"), True),
        (factory.post("/synpunkter/"), False),
        (factory.get("/projekt/", HTTP_COOKIE="sessionid=abc"), False),  # an editor, a preview
        (factory.get("/projekt/", HTTP_COOKIE=f"{replica.WROTE_COOKIE}=1"), False),  # right after a write
        (factory.get("/admin/projects/project/"), False),
    ],
)
def test_only_anonymous_reads_that_follow_no_write_may_go_to_the_replica(request_, from_replica):
    assert replica.may_read_from_replica(request_) is from_replica


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_write_keeps_the_visitors_next_requests_on_the_primary(settings, monkeypatch):
    settings.DATABASES = {**settings.DATABASES, replica.REPLICA: settings.DATABASES["default"]}
    monkeypatch.setattr(replica, "replica_is_up", lambda: True)
    monkeypatch.setattr(replica, "replica_has_caught_up", lambda: True)
    seen = []

    def view(request):
        seen.append(replica.reads_from_replica.get())
        return HttpResponse()

    middleware = replica.replica_middleware(view)
    response = middleware(factory.post("/synpunkter/"))
    assert response.cookies[replica.WROTE_COOKIE]["max-age"] == replica.WROTE_SECONDS
    assert not middleware(factory.get("/projekt/")).cookies
    assert seen == [False, True]
    assert replica.reads_from_replica.get() is False  # nothing is left behind for the next request


def test_the_reads_of_a_marked_request_go_to_the_replica_and_every_write_to_the_primary():
    router = replica.ReplicaRouter()
    token = replica.reads_from_replica.set(True)
    try:
        assert router.db_for_read(Project) == replica.REPLICA
        assert router.db_for_write(Project) == "default"
    finally:
        replica.reads_from_replica.reset(token)
    assert router.db_for_read(Project) == "default"  # outside a marked request
    assert router.allow_migrate("default", "projects") and not router.allow_migrate(replica.REPLICA, "projects")


@pytest.mark.parametrize(
    ("text", "number"), [("0/0", 0), ("0/16B3748", 0x16B3748), ("16/B374D848", (0x16 << 32) + 0xB374D848)]
)
def test_log_positions_compare_as_numbers(text, number):
    assert replica.lsn(text) == number
