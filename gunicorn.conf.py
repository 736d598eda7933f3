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
# the worker is replaced rather than left to hold its connection.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Workers are replaced now and then, staggered, so that memory a worker once needed is given back.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
