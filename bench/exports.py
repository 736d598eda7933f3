"""What an export of the whole project list costs the worker that serves it: time to the first byte and memory.

    .venv/bin/python bench/exports.py                   # 100,000 projects (about four minutes, seeding included)
    .venv/bin/python bench/exports.py --size 10000

A fresh PostgreSQL database is created, migrated and filled with bench/seed.py's synthetic
projects, and analysed. gunicorn then serves the portal with its production settings (DEBUG
off, Redis as the shared cache, gunicorn.conf.py's worker timeout) with one sync worker, so that
the worker measured is the one serving. The list page is asked for first (it builds the
catalogue index, as the first request after any change does) and a small export of each format
(so that what a first export imports is not counted). Then, one after another, each export of the
whole list (every published project) is downloaded, and for each:

* the time from sending the request to its first byte of content, and to its last;
* the worker's resident memory (VmRSS in /proc) before the request, and its largest during it,
  read every 20 ms; the growth is the difference;
* its size, and its rows (CSV and JSON, checked against the number of published projects).

Nothing here passes or fails; the figures are printed, and go by hand to bench/README.md.
"""

import argparse
import http.client
import json
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import seed as seeding
from list_page import create_postgres_database, drop_postgres_database
from run import DEFAULT_REDIS, DEFAULT_SERVER, Server, portal_env, rss_mb

BASE_DIR = Path(__file__).resolve().parent.parent
EXPORTS = ("csv", "xlsx", "json")


class PeakMemory(threading.Thread):
    """The largest resident memory of a process while it runs, read every `interval` seconds."""

    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = rss_mb(pid)
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            self.peak = max(self.peak, rss_mb(self.pid))

    def stop(self):
        self.stopped.set()
        self.join()
        return max(self.peak, rss_mb(self.pid))


def download(server, path):
    """(seconds to the first byte of content, seconds to the last, the content) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    first = response.read(1)
    first_byte = time.perf_counter() - began
    content = first + response.read()
    connection.close()
    return first_byte, time.perf_counter() - began, content


def rows_in(export_format, content):
    if export_format == "csv":
        return content.count(b"\r\n") - 1  # no cell of the seeded data holds a line break
    if export_format == "json":
        return len(json.loads(content)["projects"])
    return None


def measure(server, worker, export_format, published):
    path = f"/projekt/export.{export_format}"
    before = rss_mb(worker)
    watcher = PeakMemory(worker)
    watcher.start()
    try:
        first_byte, total, content = download(server, path)
    finally:
        peak = watcher.stop()
    rows = rows_in(export_format, content)
    if rows is not None and rows != published:
        raise RuntimeError(f"{path}: {rows} rows, but {published} projects are published")
    row = {
        "format": export_format,
        "first_byte_s": first_byte,
        "total_s": total,
        "mb": len(content) / 1e6,
        "rows": rows,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "growth_mb": peak - before,
    }
    print(
        f"  {export_format:<5} first byte {first_byte:6.2f} s  whole {total:6.1f} s  {row['mb']:6.1f} MB  "
        f"worker {before:5.0f} -> {peak:5.0f} MB (+{peak - before:.0f} MB)",
        flush=True,
    )
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="projects to seed (default 100,000)")
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="a PostgreSQL server URL to create databases on")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="a Redis database the benchmark may empty")
    parser.add_argument("--seed", type=int, default=2018, help="random seed of the data")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--database", help="the name of a database a run with --keep left, to measure again")
    args = parser.parse_args(argv)
    if args.database:
        name = args.database
        database_url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
    else:
        database_url, name = create_postgres_database(args.postgres)
    try:
        seeding.setup_django(database_url)
        from django.core.management import call_command
        from django.db import connection, connections

        from projects.models import Project

        if not args.database:
            call_command("migrate", verbosity=0)
            began = time.perf_counter()
            seeding.seed(args.size, random_seed=args.seed, verbose=False)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"{args.size:,} projects seeded in {time.perf_counter() - began:.0f} s")
        published = Project.objects.published().count()
        print(f"{Project.objects.count():,} projects, {published:,} of them published; database {name}")
        connections.close_all()
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        with tempfile.TemporaryDirectory() as workdir:
            env = portal_env(database_url, args.redis, workdir)
            server = Server("portal.wsgi", env=env, workers=1)
            try:
                worker = server.pids[1]
                download(server, "/projekt/")  # builds the catalogue index
                for export_format in EXPORTS:
                    download(server, f"/projekt/export.{export_format}?{urlencode({'q': seeding.RARE_WORD})}")
                rows = [measure(server, worker, export_format, published) for export_format in EXPORTS]
                if server.pids[1:] != [worker]:
                    raise RuntimeError("the worker was replaced during the run")
            finally:
                server.stop()
        print("\n| format | first byte | whole file | size | worker before | largest during | growth |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(
                f"| {row['format'].upper()} | {row['first_byte_s']:.2f} s | {row['total_s']:.1f} s | "
                f"{row['mb']:.0f} MB | {row['rss_before_mb']:.0f} MB | {row['rss_peak_mb']:.0f} MB | "
                f"{row['growth_mb']:.0f} MB |"
            )
    finally:
        if not args.keep and not args.database:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(args.postgres, name)


if __name__ == "__main__":
    main()
