"""Fault tests on the reference stack (`make stack`): nginx, two app servers, Redis, PostgreSQL
primary and replica, each stopped in turn under a bounded load through nginx.

Run by .ci/run after `make stack`; elsewhere they are skipped unless the stack is up.
"""

import concurrent.futures
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portal import replica
from tests.servers import Browser, form_fields

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "stack"
PAGES = [
    "/", "/projekt/", "/projekt/?fund=amif", "/projekt/eu-frank/", "/en/projekt/", "/partner/unhcr/", "/fond/amif/",
]  # fmt: skip


def stack_env():
    result = subprocess.run([str(STACK), "env"], capture_output=True, text=True, check=True)
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def stack():
    env = stack_env()
    try:
        urllib.request.urlopen(env["STACK_PROXY_URL"] + "/health/ready", timeout=2)
    except OSError:
        message = "the stack is not running (make stack)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return env


def run(command):
    subprocess.run([str(STACK), *command.split()], check=True, capture_output=True)


def get(url, headers=None, timeout=10):
    """(status, seconds, headers, text) of a GET; never raises for an HTTP status."""
    began = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, time.monotonic() - began, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - began, error.headers, error.read().decode()
    except OSError as error:
        return 0, time.monotonic() - began, {}, str(error)


class Load:
    """A bounded load through nginx: `workers` clients, each asking for the next page as soon as
    the last one came; every answer's status is kept."""

    def __init__(self, base_url, workers=4, headers=None):
        self.base_url, self.workers, self.headers = base_url, workers, headers
        self.statuses, self.stopping = [], threading.Event()

    def __enter__(self):
        self.pool = concurrent.futures.ThreadPoolExecutor(self.workers)
        self.futures = [self.pool.submit(self.client, number) for number in range(self.workers)]
        time.sleep(0.5)
        return self

    def client(self, number):
        turn = number
        while not self.stopping.is_set():
            status, *_ = get(self.base_url + PAGES[turn % len(PAGES)], self.headers)
            self.statuses.append(status)
            turn += 1

    def __exit__(self, *exc):
        time.sleep(0.5)
        self.stopping.set()
        for future in self.futures:
            future.result()
        self.pool.shutdown()

    @property
    def failed(self):
        return [status for status in self.statuses if status != 200]


def under_load(stack, fault, repair):
    """The statuses nginx answered while `fault` held for two seconds under load; then `repair`."""
    with Load(stack["STACK_PROXY_URL"]) as load:
        run(fault)
        time.sleep(2)
    run(repair)
    return load


def test_an_app_server_killed_costs_no_request(stack):
    load = under_load(stack, "kill-app a", "start-app a")
    assert len(load.statuses) > 50 and load.failed == []


def log_since(stack, offsets):
    """What the app servers have logged since `offsets` (their logs' sizes then)."""
    text = ""
    for name, offset in offsets.items():
        with open(Path(stack["STACK_DIR"], f"app-{name}.log"), encoding="utf-8") as log:
            log.seek(offset)
            text += log.read()
    return text


def log_sizes(stack):
    return {name: Path(stack["STACK_DIR"], f"app-{name}.log").stat().st_size for name in "ab"}


def test_without_redis_every_page_is_served_and_the_rate_limit_counts_in_the_database(stack):
    offsets = log_sizes(stack)
    run("stop-redis")
    try:
        with Load(stack["STACK_PROXY_URL"]) as load:
            time.sleep(2)
        assert len(load.statuses) > 20 and load.failed == []
        # Eleven posts from one visitor (a new one each run, as nginx forwards it): the eleventh
        # is refused, counted in the database.
        visitor = f"198.51.100.{int(time.time()) % 250 + 1}"
        browser = Browser(stack["STACK_PROXY_URL"], headers={"X-Forwarded-For": visitor})
        answer = {"page": "/", "answer": "yes", "website": ""}
        statuses = [browser.request("/synpunkter/", answer)[0] for _ in range(11)]
        assert statuses[:10] == [303] * 10 and statuses[10] == 429
    finally:
        run("start-redis")
    lines = log_since(stack, offsets).count("Cache unreachable")
    assert 1 <= lines <= 4  # once per worker and outage, not per request (2 servers, 2 workers)


def test_a_stopped_replica_costs_no_read(stack):
    load = under_load(stack, "stop-replica", "start-replica")
    assert len(load.statuses) > 50 and load.failed == []
    time.sleep(replica.DOWN_SECONDS + 1)  # until the app servers ask the replica again


@pytest.mark.parametrize(("prefix", "words"), [("", "Katalogen"), ("/en", "The catalogue")])
def test_a_stopped_primary_is_a_503_within_two_seconds_and_the_site_comes_back_on_its_own(stack, prefix, words):
    offsets = log_sizes(stack)
    run("stop-primary")
    try:
        # A visitor who has just written is served by the primary: it is down.
        status, seconds, headers, text = get(
            f"{stack['STACK_PROXY_URL']}{prefix}/projekt/", {"Cookie": "wrote=1"}, timeout=5
        )
        assert status == 503 and seconds < 2 and headers["Retry-After"] == "30"
        assert words in text and "Traceback" not in text
        # Anonymous reads go on from the replica.
        assert get(stack["STACK_PROXY_URL"] + "/projekt/eu-frank/")[0] == 200
    finally:
        run("start-primary")
    deadline = time.monotonic() + 20
    while get(f"{stack['STACK_PROXY_URL']}/projekt/", {"Cookie": "wrote=1"})[0] != 200:
        assert time.monotonic() < deadline, "the site did not come back"
        time.sleep(0.5)
    assert "Traceback" not in log_since(stack, offsets)


def test_an_editors_save_through_one_app_server_is_seen_through_the_other_at_once(stack):
    editor, password = "stackeditor", "Kanelbulle-med-kardemumma-7"
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "create_editor", editor],
        cwd=ROOT,
        env={**os.environ, **stack, "EDITOR_PASSWORD": password},
        check=True,
        capture_output=True,
    )
    first, second = Browser(stack["STACK_APP_A_URL"]), Browser(stack["STACK_APP_B_URL"])
    first.log_in(editor, password)
    status, changelist = first.request("/admin/projects/project/?q=eurlo")
    change_path = re.search(r'href="(/admin/projects/project/\d+/change/)', changelist)[1]
    fields = form_fields(first.request(change_path)[1], form_id="project_form")
    summary = f"Ändrad genom app-server a {time.time()}."
    fields.update(summary_sv=[summary], _save=["Spara"])
    assert first.request(change_path, fields)[0] == 302
    assert summary in second.request("/projekt/eurlo/")[1]  # anonymous, from the replica once it has it
    assert summary in Browser(stack["STACK_PROXY_URL"]).request("/projekt/?q=eurlo")[1]


def test_the_app_servers_do_not_say_what_runs_them_and_uploads_are_served_as_downloads(stack):
    status, _, headers, _ = get(stack["STACK_APP_A_URL"] + "/")
    assert status == 200 and "Server" not in headers
    assert headers["X-Request-ID"] and headers["Permissions-Policy"]
    probe = Path(stack["MEDIA_ROOT"], "documents", "probe.html")
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text("<script>alert(1)</script>")  # as if one had got there: still only a download
    status, _, headers, _ = get(stack["STACK_PROXY_URL"] + "/media/documents/probe.html")
    assert status == 200 and headers["Content-Disposition"] == "attachment"
    assert headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in headers["Content-Security-Policy"]
    probe.unlink()
