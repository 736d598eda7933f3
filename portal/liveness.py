"""How a long response tells gunicorn that its worker is still working, not stuck.

gunicorn's master replaces a sync worker that has not reported for `timeout` seconds
(gunicorn.conf.py); a sync worker reports only between requests. An export of the whole
catalogue streams for longer than that, so it reports after each batch it has written:
a response that makes progress runs to its end, and one that stops making progress (a
database that hangs, a client that no longer reads) is still replaced in time.

gunicorn.conf.py's post_fork hook hands each worker's report to `report_to`; elsewhere (the
development server, tests, management commands) there is nobody to report to.
"""

import time

_report = None
_last = 0.0
# At most one report a second: each is a system call on the worker's heartbeat file.
INTERVAL_SECONDS = 1.0


def report_to(report):
    """Send the reports of this process to `report` (a worker's notify())."""
    global _report, _last
    _report, _last = report, 0.0


def still_working():
    """Tell the server that this process is making progress on its request."""
    global _last
    if _report is None:
        return
    now = time.monotonic()
    if now - _last >= INTERVAL_SECONDS:
        _last = now
        _report()
