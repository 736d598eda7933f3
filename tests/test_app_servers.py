"""Two app servers sharing PostgreSQL and Redis: an editor's save through one is seen through the other at once."""

import os
import re

import pytest

from projects.catalogue import catalogue_files
from tests.servers import AppServer, Database, form_fields, reachable

PASSWORD = "Kanelbulle-med-kardemumma-7"


@pytest.fixture(scope="module")
def servers():
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        message = "PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are needed for two app servers"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    import redis

    from tests.servers import REDIS_URL

    redis.Redis.from_url(REDIS_URL).flushdb()
    database = Database()
    started = []
    try:
        fixtures = [str(path) for path in catalogue_files() if path.stem in ("reference", "eurlo", "erin")]
        database.prepare(
            ["migrate", "--noinput"],
            ["load_catalogue", *fixtures],
            ["create_editor", "eva"],
            ["collectstatic", "--noinput"],
            env={"EDITOR_PASSWORD": PASSWORD},
        )
        started = [AppServer(database.env), AppServer(database.env)]
        yield started
    finally:
        for server in started:
            server.stop()
        database.drop()


def ongoing_count(page):
    return int(re.search(r'value="ongoing"[^>]*>\s*<label[^>]*>\s*Pågående\s*<span class="count">\((\d+)', page)[1])


def test_an_editors_save_through_one_server_is_seen_through_the_other_at_once(servers):
    first, second = servers
    list_path = "/projekt/?status=ongoing"
    detail_path = "/projekt/eurlo/"
    # Both servers render and keep the pages in the shared cache.
    for server in servers:
        for path in (list_path, detail_path, "/", list_path, detail_path, "/"):
            status, _ = server.browser.request(path)
            assert status == 200
    status, listed = second.browser.request(list_path)
    assert "Ändrad genom den första servern" not in listed and ongoing_count(listed) == 2

    first.browser.log_in("eva", PASSWORD)
    status, changelist = first.browser.request("/admin/projects/project/?q=eurlo")
    change_path = re.search(r'href="(/admin/projects/project/\d+/change/)', changelist)[1]
    status, form_page = first.browser.request(change_path)
    fields = form_fields(form_page, form_id="project_form")
    fields.update(summary_sv=["Ändrad genom den första servern."], status=["closed"], _save=["Spara"])
    status, _ = first.browser.request(change_path, fields)
    assert status == 302, "the admin did not save"

    status, listed = second.browser.request("/projekt/?status=closed")
    assert "Ändrad genom den första servern." in listed
    status, listed = second.browser.request(list_path)
    assert "Ändrad genom den första servern." not in listed and ongoing_count(listed) == 1
    status, detail = second.browser.request(detail_path)
    assert "Avslutat" in detail
    status, start = second.browser.request("/")
    assert "Ändrad genom den första servern." in start
