"""Reads that scale out: anonymous reads from a streaming replica, everything else from the primary.

With REPLICA_DATABASE_URL set, a request is served from the replica when it is a GET or HEAD
from a visitor without a session (no editor, no preview, not the admin) who has not written
anything in the last WROTE_SECONDS (a feedback post leaves a short-lived cookie), and when the
replica has replayed everything the primary had written when the request came in: so an
editor's save is on every page of every app server from the next request on, as it is without
a replica. A replica that lags serves nothing until it has caught up; every write, and every
other request, goes to the primary.

A replica that cannot be reached is left alone for DOWN_SECONDS and the reads go to the
primary, without an error; one lost during a request has the request asked of the primary
again. A primary that cannot be reached leaves anonymous reads to the replica, which then
shows what was last replayed.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "wrote"
WROTE_SECONDS = 10
DOWN_SECONDS = 5

reads_from_replica = ContextVar("reads_from_replica", default=False)
_down_until = 0.0


def may_read_from_replica(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and WROTE_COOKIE not in request.COOKIES
        and not request.path.startswith(f"/{settings.ADMIN_URL}")
    )


def lsn(text):
    """A PostgreSQL write-ahead log position ("16/B374D848") as a number."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def position(alias, function):
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {function}()")
        value = cursor.fetchone()[0]
    return None if value is None else lsn(str(value))


def replica_has_caught_up():
    """Whether the replica has replayed all that the primary had written a moment ago."""
    try:
        written = position("default", "pg_current_wal_lsn")
    except DatabaseError:
        return True  # the primary is down: the replica has all there is to read
    try:
        replayed = position(REPLICA, "pg_last_wal_replay_lsn")
    except DatabaseError as error:
        replica_went_down(error)
        return False
    return replayed is not None and replayed >= written


def replica_middleware(get_response):
    """Marks the requests whose reads may go to the replica; a write leaves the cookie that keeps
    the visitor's next requests on the primary."""
    if REPLICA not in settings.DATABASES:
        raise MiddlewareNotUsed

    def middleware(request):
        use_replica = may_read_from_replica(request) and replica_is_up() and replica_has_caught_up()
        response = read_from(use_replica, request)
        if use_replica and response.status_code == 503:
            # The replica went away during the request (portal/errors.py answers a lost database
            # with 503): a GET is asked again of the primary.
            replica_went_down("lost during a request")
            response = read_from(False, request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(WROTE_COOKIE, "1", max_age=WROTE_SECONDS, httponly=True, samesite="Lax")
        return response

    def read_from(replica, request):
        token = reads_from_replica.set(replica)
        try:
            return get_response(request)
        finally:
            reads_from_replica.reset(token)

    return middleware


def replica_is_up():
    """Whether the replica answers; when it does not, it is not asked again for DOWN_SECONDS."""
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()  # a connection the replica's restart has broken
        replica.ensure_connection()
    except DatabaseError as error:
        replica_went_down(error)
        return False
    return True


def replica_went_down(error):
    global _down_until
    _down_until = time.monotonic() + DOWN_SECONDS
    logger.error("The replica cannot be reached; reads go to the primary for %s s: %s", DOWN_SECONDS, error)


class ReplicaRouter:
    """Sends the reads of requests marked by replica_middleware to the replica."""

    def db_for_read(self, model, **hints):
        return REPLICA if reads_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
