"""What each public page costs as a user's server sees it, against Django's own floor.

    .venv/bin/python bench/run.py                          # shipped catalogue, 10,000 and 100,000 projects
    .venv/bin/python bench/run.py --sizes shipped 10000    # some of them
    make bench BENCH_ARGS="--sizes 10000 --duration 20"

For each size: a fresh PostgreSQL database is created, migrated and filled (the shipped
catalogue, or bench/seed.py's synthetic projects), the project pages' snapshots are taken
(`manage.py take_snapshots`), and it is vacuumed and analysed. Then, on
this machine, gunicorn serves (sync workers, as `make run` does):

* the hello view (bench/hello.py: a bare Django view behind two middlewares), and
* the portal with its production settings (DEBUG off, Redis as the shared cache), first
  with the page cache off (every request renders the page), then with it on.

wrk (Debian's package) drives each with --connections over a list of varied URLs (a
thousand or more distinct ones where the page has them), after a warm-up of the same
length. The CPU time of the app workers and of the database backends serving them is read
from /proc before and after, and divided by the requests served: CPU ms per request,
given also as a multiple of the hello view's. With them: requests per second, p50 and p99
latency, the longest wall time of a request with no other load ("alone": up to 60 of the
URLs, one after another, after the run), and the largest resident memory of a worker.

Nothing here passes or fails: the figures go to bench/results/<timestamp>.json, and by
hand to bench/README.md.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import seed as seeding
from list_page import create_postgres_database, drop_postgres_database

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
VENV_BIN = Path(sys.executable).parent

WRK_SCRIPT = """
local urls = {}
for line in io.lines(os.getenv("BENCH_URLS")) do urls[#urls + 1] = line end
local threads = 0
function setup(thread) thread:set("offset", threads * 7919); threads = threads + 1 end
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", urls[((offset + counter) % #urls) + 1])
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


# Processes and their CPU -------------------------------------------------------------------------


def cpu_seconds(pid):
    """User and system CPU time of one process so far, or 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def portal_env(database_url, redis_url, workdir):
    """The environment gunicorn serves the portal in, with its production settings; the static files
    the pages link to are collected into `workdir` first, as a deployment collects them."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "benchmark-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(Path(workdir) / "static"),
    }
    if not (Path(workdir) / "static").exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                       cwd=BASE_DIR, env={**os.environ, **env}, check=True)  # fmt: skip
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving one WSGI application on a local port, as `make run` does."""

    def __init__(self, application, *, env, workers, chdir=BASE_DIR):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                application,
                "--chdir",
                str(chdir),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                # Read gunicorn.conf.py as a deployment does, but never replace a worker during a
                # run: its CPU time would leave the sum with it.
                "--max-requests",
                "0",
            ],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        # The port opens before the workers have loaded the application: wait for an answer, then
        # until no process of the server spends CPU any more (a worker still starting does), so
        # that no row counts a worker's start-up.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", "/")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not start: {application}")
        spent = None
        while time.monotonic() < deadline:
            now = sum(cpu_seconds(pid) for pid in self.pids)
            if spent is not None and now - spent < 0.02:
                break
            spent = now
            time.sleep(0.5)

    @property
    def pids(self):
        return [self.process.pid, *children(self.process.pid)]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def database_backends(database_url):
    """The pids of the PostgreSQL backends connected to the benchmark's database."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


# Load ---------------------------------------------------------------------------------------------


def wrk(url_file, server, *, connections, seconds, threads=2):
    """Run wrk against `server` over the URLs in `url_file`; returns its counts and latencies."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
             server.url],
            env={**os.environ, "BENCH_URLS": str(url_file)},
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    requests, errors, bad_status, p50, p99, duration = (int(value) for value in line.split()[1:])
    return {
        "requests": requests,
        "errors": errors,
        "bad_status": bad_status,
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "rps": requests / (duration / 1e6),
    }


def measure(label, urls, server, *, database_url, args, workdir):
    """Warm up, then load `server` with `urls` and read the CPU its workers and backends spent."""
    url_file = workdir / f"urls-{abs(hash(label))}.txt"
    url_file.write_text("\n".join(urls) + "\n")
    # The first request of a catalogue version builds its index (seconds at 100,000 projects), as
    # after every change in production: asked for alone before the warm-up, so that the row
    # measures the pages and not one build.
    slowest_alone(server, urls, count=1)
    wrk(url_file, server, connections=args.connections, seconds=args.warmup)
    backends = database_backends(database_url) if database_url else []
    processes = server.pids + backends
    before = sum(cpu_seconds(pid) for pid in processes)
    load = wrk(url_file, server, connections=args.connections, seconds=args.duration)
    spent = sum(cpu_seconds(pid) for pid in processes) - before
    workers = server.pids[1:]
    row = {
        "label": label,
        "urls": len(set(urls)),
        **load,
        "cpu_ms": 1000 * spent / max(load["requests"], 1),
        "backends": len(backends),
        "rss_mb": max((rss_mb(pid) for pid in workers), default=0),
        "alone_max_ms": slowest_alone(server, urls),
    }
    print(
        f"  {label:<36} {row['cpu_ms']:7.2f} ms CPU  {row['rps']:7.0f} rps  p50 {row['p50_ms']:6.1f}  "
        f"p99 {row['p99_ms']:6.1f} ms  alone max {row['alone_max_ms']:6.1f} ms  rss {row['rss_mb']:5.0f} MB  "
        f"errors {row['errors'] + row['bad_status']}",
        flush=True,
    )
    return row


def slowest_alone(server, urls, *, count=60):
    """The longest wall time of one request with no other load, over up to `count` of the URLs
    (each of a short list several times): what a request costs before any queueing."""
    sample = (list(dict.fromkeys(urls)) * count)[:count]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    slowest = 0.0
    try:
        for url in sample:
            began = time.perf_counter()
            connection.request("GET", url)
            connection.getresponse().read()
            slowest = max(slowest, time.perf_counter() - began)
    finally:
        connection.close()
    return 1000 * slowest


# What is requested -------------------------------------------------------------------------------


def url_lists(rng, *, count=2000):
    """label -> [url, ...]: varied URLs of each kind of page, with values from the catalogue."""
    from django.db.models import Count

    from projects.models import Country, Framework, Fund, Organisation, Project

    published = list(Project.objects.published().values_list("slug", flat=True))
    rng.shuffle(published)
    partners = list(
        Organisation.objects.annotate(n=Count("participations")).order_by("-n").values_list("slug", flat=True)
    )
    funds = list(Fund.objects.values_list("slug", flat=True))
    countries = [str(code) for code in Country.objects.values_list("code", flat=True)]
    frameworks = list(Framework.objects.values_list("slug", flat=True))
    types = [value for value, _ in Project.CooperationType.choices]
    words = [seeding.COMMON_WORD, *seeding.RARE_WORDS, "migration", "asyl", "utbildning", "återvändande"]
    pages = max(1, len(published) // 20)

    def popular(values):
        # Popular values far more often than the rest, as people ask.
        return values[min(int(rng.paretovariate(1.2)) - 1, len(values) - 1)]

    def filters():
        params = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["status", "partner", "fund", "country", "years", "type", "framework", "sort", "page"])
            if kind == "status":
                params.append(("status", rng.choice(["ongoing", "closed"])))
            elif kind == "partner":
                params += [("partner", popular(partners)) for _ in range(rng.randint(1, 3))]
                params.append(("partner_mode", rng.choice(["any", "all"])))
            elif kind == "fund":
                params.append(("fund", rng.choice(funds)))
            elif kind == "country":
                params += [("country", popular(countries)) for _ in range(rng.randint(1, 2))]
            elif kind == "years":
                first = rng.randint(2000, 2024)
                params += [("year_from", first), ("year_to", first + rng.randint(0, 6))]
            elif kind == "type" and types:
                params.append(("cooperation_type", rng.choice(types)))
            elif kind == "framework" and frameworks:
                params.append(("framework", rng.choice(frameworks)))
            elif kind == "sort":
                params.append(("sort", rng.choice(["name", "-start", "start", "-end", "-updated"])))
            else:
                params.append(("page", rng.randint(1, max(1, pages // 10))))
        return params

    lists = {
        "detail page": [f"/projekt/{slug}/" for slug in published[:count]],
        "start page": ["/", "/en/"],
        "list, filters varied": [f"/projekt/?{urlencode(filters())}" for _ in range(count)],
        "search, common and rare words": [],
        "same list URL again": ["/projekt/?status=ongoing&fund=" + funds[0]],
        "adversarial query strings": [
            "/projekt/?" + urlencode({"q": "b c d e f g h i"}),
            "/projekt/?" + urlencode({"q": " ".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(100))}),
            "/projekt/?" + urlencode({"q": "x" * 200}),
            "/projekt/?" + urlencode([("partner", partner) for partner in (partners * 50)[:50]]),
            "/projekt/?" + urlencode([("country", f"Q{n}") for n in range(50)]),
            "/projekt/?" + urlencode([("q", "a")] * 50),
        ],
    }
    for _ in range(count // 2):
        query = [("q", " ".join(rng.sample(words, rng.choice([1, 1, 2]))))]
        lists["search, common and rare words"].append(
            f"/projekt/?{urlencode(query + (filters() if rng.random() < 0.5 else []))}"
        )
    # The timeline takes the list's query string; drawn after the others so that their URLs stay as they were.
    lists["timeline, filters varied"] = [f"/tidslinje/?{urlencode(filters())}" for _ in range(count)]
    return lists


# One size -------------------------------------------------------------------------------------------


def fill(size, args):
    """Empty the catalogue and fill it with `size`: the shipped content or synthetic projects."""
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    seeding.clear()
    if size == "shipped":
        call_command("load_catalogue", verbosity=0)
    else:
        seeding.seed(int(size), random_seed=args.seed, verbose=False)
    filled = time.perf_counter()
    # The project pages' snapshots, as `manage.py take_snapshots` takes them after a load (unless no
    # project page is measured: at 100,000 projects they take minutes).
    if not args.only or any(word in "detail page" for word in args.only):
        call_command("take_snapshots", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return filled - began, time.perf_counter() - filled


def run_size(size, args, database_url, workdir):
    print(f"\n{size} projects: filling the database", flush=True)
    fill_seconds, snapshot_seconds = fill(size, args)
    print(f"  filled in {fill_seconds:.0f} s, snapshots taken and analysed in {snapshot_seconds:.0f} s", flush=True)
    lists = url_lists(random.Random(args.seed))
    import redis
    from django.db import connections

    connections.close_all()
    redis.Redis.from_url(args.redis).flushdb()
    env = portal_env(database_url, args.redis, workdir)
    hello = Server("hello:application", env={"DJANGO_SETTINGS_MODULE": "hello"}, workers=args.workers,
                   chdir=BENCH_DIR)  # fmt: skip
    try:
        hello_row = measure("hello", [f"/{n}" for n in range(1000)], hello, database_url=None, args=args,
                            workdir=workdir)  # fmt: skip
    finally:
        hello.stop()
    rows = []
    # The page cache off for every page but those that measure it, as a deployment serves them:
    # the same list URL again, the 2,000 detail pages (kept as they are first asked for, in the
    # warm-up or the run) and the start page.
    lists["detail page, page cache on"] = lists["detail page"]
    lists["start page, page cache on"] = lists["start page"]
    kept = ["same list URL again", "detail page, page cache on", "start page, page cache on"]
    for page_cache, labels in ((False, [label for label in lists if label not in kept]), (True, kept)):
        labels = [label for label in labels if not args.only or any(word in label for word in args.only)]
        if not labels:
            continue
        portal = Server("portal.wsgi", env={**env, "PAGE_CACHE": "1" if page_cache else "0"}, workers=args.workers)
        try:
            for label in labels:
                row = measure(label, lists[label], portal, database_url=database_url, args=args, workdir=workdir)
                row["page_cache"] = page_cache
                row["x_hello"] = row["cpu_ms"] / hello_row["cpu_ms"]
                rows.append(row)
        finally:
            portal.stop()
    return {
        "size": size,
        "fill_seconds": fill_seconds,
        "snapshot_seconds": snapshot_seconds,
        "hello": hello_row,
        "pages": rows,
    }


def print_table(run):
    print(f"\n{run['size']} projects (hello: {run['hello']['cpu_ms']:.2f} ms CPU per request)")
    print("| page | CPU ms | × hello | rps | p50 ms | p99 ms | alone, max ms | RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in run["pages"]:
        print(
            f"| {row['label']} | {row['cpu_ms']:.2f} | {row['x_hello']:.1f} | {row['rps']:.0f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['alone_max_ms']:.1f} | {row['rss_mb']:.0f} |"
        )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["shipped", "10000", "100000"])
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="a PostgreSQL server URL to create databases on")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="a Redis database the benchmark may empty")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--duration", type=int, default=12, help="seconds of load per page (default 12)")
    parser.add_argument("--warmup", type=int, default=6, help="seconds of load before each measurement (default 6)")
    parser.add_argument("--only", nargs="*", help="measure only pages whose label contains one of these words")
    parser.add_argument("--seed", type=int, default=2018, help="random seed of the data and the URLs")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    RESULTS_DIR.mkdir(exist_ok=True)
    database_url, name = create_postgres_database(args.postgres)
    runs = []
    try:
        seeding.setup_django(database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as workdir:
            for size in args.sizes:
                runs.append(run_size(size, args, database_url, Path(workdir)))
                print_table(runs[-1])
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_postgres_database(args.postgres, name)
    path = RESULTS_DIR / f"serve-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"args": vars(args), "load": os.getloadavg(), "runs": runs}, indent=2))
    print(f"\nAll figures: {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
