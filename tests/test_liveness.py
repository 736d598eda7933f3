"""A long response reports that its worker is still working (portal/liveness.py), through gunicorn.conf.py's hook."""

import runpy
from pathlib import Path

import pytest

from portal import liveness


@pytest.fixture
def reports(monkeypatch):
    made = []
    liveness.report_to(lambda: made.append(1))
    yield made
    liveness.report_to(None)


def test_progress_is_reported_at_most_once_an_interval(reports, monkeypatch):
    clock = iter([100.0, 100.4, 101.2, 101.3, 102.5])
    monkeypatch.setattr(liveness.time, "monotonic", lambda: next(clock))
    for _ in range(5):
        liveness.still_working()
    assert len(reports) == 3  # at 100.0, 101.2 and 102.5


def test_without_a_server_to_report_to_nothing_happens():
    liveness.report_to(None)
    liveness.still_working()


def test_each_gunicorn_worker_reports_through_its_own_notify():
    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert settings["timeout"] == 30

    class Worker:
        notified = 0

        def notify(self):
            self.notified += 1

    worker = Worker()
    try:
        settings["post_fork"](None, worker)
        liveness.still_working()
    finally:
        liveness.report_to(None)
    assert worker.notified == 1
