"""gunicorn's settings for the portal: read by `make run` and by a production start alike.

Sync workers, as many as the machine has cores plus one (WEB_CONCURRENCY overrides): a page
is work for the CPU and the database, not waiting, so more workers than cores only queue.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that takes longer than this is stuck (the slowest page takes well under a second):
# the worker is replaced rather than left to hold its connection. A long download (an export of
# the whole list) reports its progress instead (portal/liveness.py, post_fork below), and so runs
# to its end as long as it makes progress.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Workers are replaced now and then, staggered, so that memory a worker once needed is given back.
max_requests = 5000
# No control socket: it would be one path in the user's home for every app server on a machine,
# and nothing here uses it (workers are managed by signals, as the supervisor sends them).
control_socket_disable = True
max_requests_jitter = 500
# The longest request line taken: 32 kB, so that a query with a value of 10 kB (even percent-encoded
# in part) reaches the app, and the API answers it with a problem body of its own (api/problems.py)
# instead of gunicorn's plain 400. gunicorn caps the setting at its MAX_REQUEST_LINE (8190 bytes)
# unless it is 0, unlimited; the cap is raised to this bound below instead. A proxy in front must
# take such lines too (deploy/nginx.conf, large_client_header_buffers).
limit_request_line = 32 * 1024
accesslog = "-"
# A line per request without the client's address or browser (the proxy's log has what an
# investigation needs, for as long as the privacy page says): time, request, status, size, ms,
# and the request's id, as the app's own log has it (portal/logs.py).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'


def _without_server_header():
    """gunicorn names itself in a Server header on every response; the portal does not say what runs it."""
    from gunicorn.http import wsgi

    headers = wsgi.Response.default_headers

    def default_headers(self):
        return [header for header in headers(self) if not header.lower().startswith("server:")]

    wsgi.Response.default_headers = default_headers


_without_server_header()


def _request_lines_up_to(limit):
    """Raise gunicorn's cap on limit_request_line to `limit`; the setting is only ever checked against it."""
    from gunicorn.http import message

    message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, limit)


_request_lines_up_to(limit_request_line)


def post_fork(server, worker):
    """Let a long response report that this worker is still working (portal/liveness.py)."""
    from portal import liveness

    liveness.report_to(worker.notify)
