"""The PostgreSQL connection's health check (portal/postgresql/base.py), on the real server: a kept
connection the server has ended is found out before a request's first query, and a healthy one
is checked without a round trip; and a query a connection runs again and again is planned once."""

import time

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the check of the PostgreSQL backend"),
]


@pytest.fixture
def kept():
    """A second connection to the test database, kept between requests as an app server keeps it."""
    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


def backend_pid(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_query_of(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_checked_without_asking_the_server(kept):
    pid = backend_pid(kept)
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'the last query'")
    kept.close_if_unusable_or_obsolete()  # a request has ended
    kept.close_if_health_check_failed()  # the next one's first query is coming

    assert last_query_of(pid) == "SELECT 'the last query'"  # no SELECT 1 in between
    assert backend_pid(kept) == pid  # the same connection serves the next request


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_queries(kept):
    pid = backend_pid(kept)
    kept.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while kept.is_usable() and time.monotonic() < deadline:  # the server's last message is on its way
        time.sleep(0.01)
    assert not kept.is_usable()

    kept.close_if_health_check_failed()
    new_pid = backend_pid(kept)  # the request's first query succeeds, on a new connection

    assert new_pid != pid
    assert kept.is_usable()


def test_a_closed_connection_is_not_usable(kept):
    kept.connection.close()

    assert not kept.is_usable()


def test_a_query_a_connection_runs_again_and_again_is_prepared_and_planned_once(kept):
    sql = "SELECT count(*) FROM projects_project WHERE slug = %s"
    with kept.cursor() as cursor:
        for slug in ["a", "b", "c", "d", "e", "f"]:
            cursor.execute(sql, [slug])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]

    assert "SELECT count(*) FROM projects_project WHERE slug = $1" in prepared
