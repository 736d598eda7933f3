"""Time the project list (and the detail and start pages) on a catalogue of 10,000 and 100,000 projects.

    .venv/bin/python bench/list_page.py                                # fresh PostgreSQL database, 10k and 100k
    .venv/bin/python bench/list_page.py --sizes 10000 --database-url sqlite

For each size the catalogue is emptied, seeded (bench/seed.py) and analysed (VACUUM ANALYZE
on PostgreSQL); then each page is requested through django.test.Client: once to warm up,
then --repeat times (20). For each page it prints the median and 95th percentile of the
time Django takes to answer (in process, no network, template rendered), the number of
SQL queries, the share of that time spent in the three slowest queries and in SQL at all.
Pages slower than --slow-ms get an EXPLAIN ANALYZE of their slowest query (PostgreSQL).
The same figures go to bench/results/<timestamp>.json. These are measurements, not
tests: nothing passes or fails.
"""

import argparse
import datetime
import json
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import seed as seeding

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


# The database ------------------------------------------------------------------------------------


def create_postgres_database(server_url):
    """A new, empty database on the server; returns its URL."""
    import psycopg

    name = f"bench_{datetime.datetime.now():%Y%m%d_%H%M%S}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres_database(server_url, name):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_description():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def analyze():
    """Planner statistics, and on PostgreSQL a vacuum too: a freshly loaded table has no visibility
    map, so index-only scans would not happen as they do in a database that autovacuum looks after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# The pages ---------------------------------------------------------------------------------------


def pages_to_request():
    """(label, url) for every page measured, with filter values taken from the seeded data."""
    from django.db.models import Count

    from projects.models import Participation, Project, ProjectCountry

    published = Project.objects.published()
    partners = list(
        Participation.objects.filter(organisation__isnull=False, project__is_published=True)
        .values_list("organisation__slug", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n")[:2]
    )
    country = (
        ProjectCountry.objects.values_list("country__code", flat=True).annotate(n=Count("pk")).order_by("-n").first()
    )
    last_page = max(1, math.ceil(published.count() / 20))
    detail = (
        published.filter(pk__lte=1000).annotate(n=Count("participations")).order_by("-n", "pk").values("slug").first()
    )
    query = {
        "unfiltered": "",
        "status=closed": urlencode({"status": "closed"}),
        "fund (with parts)": urlencode({"fund": "amif"}),
        "2 partners, all of": urlencode([("partner", partners[0]), ("partner", partners[1]), ("partner_mode", "all")]),
        "country + years": urlencode({"country": country, "year_from": 2014, "year_to": 2016}),
        "q=common word": urlencode({"q": seeding.COMMON_WORD}),
        "q=rare word": urlencode({"q": seeding.RARE_WORD}),
        "sort=-start": urlencode({"sort": "-start"}),
        "last page": urlencode({"page": last_page}),
    }
    pages = [(label, f"/projekt/?{q}" if q else "/projekt/") for label, q in query.items()]
    pages.append(("detail page", f"/projekt/{detail['slug']}/"))
    pages.append(("start page", "/"))
    return pages


def matches(url):
    """How many projects the list shows for this URL (outside the timing)."""
    from django.http import QueryDict

    from projects.filters import ProjectFilterSet
    from projects.models import Project
    from projects.views import LIST_COLUMNS

    parts = urlsplit(url)
    if parts.path != "/projekt/":
        return None
    data = QueryDict(parts.query)
    return ProjectFilterSet(data, queryset=Project.objects.published().only(*LIST_COLUMNS)).qs.count()


class QueryTimer:
    """Times every query precisely (CaptureQueriesContext rounds to milliseconds) and keeps sql and params."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - began, sql, params))


def measure(url, *, repeat, max_seconds, warm_cache=False):
    """Warm up once, then time `repeat` requests (fewer if they take over `max_seconds` together).

    The cache is emptied before every request unless `warm_cache`: what the page costs to
    compute, not what a cache hit costs.
    """
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def clear():
        if not warm_cache:
            for cache in caches.all(initialized_only=True):
                cache.clear()

    client = Client()
    clear()
    response = client.get(url)
    status = response.status_code
    runs = []
    spent = 0.0
    while len(runs) < repeat and not (len(runs) >= 3 and spent > max_seconds):
        timer = QueryTimer()
        clear()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            began = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - began
        status = response.status_code
        spent += elapsed
        runs.append(
            {"seconds": elapsed, "count": len(captured), "queries": timer.queries, "bytes": len(response.content)}
        )
    return status, runs


def summarise(label, url, status, runs):
    times = sorted(run["seconds"] * 1000 for run in runs)
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    top3 = [sum(sorted(d for d, _, _ in run["queries"])[-3:]) / run["seconds"] for run in runs]
    sql = [sum(d for d, _, _ in run["queries"]) / run["seconds"] for run in runs]
    # The same request runs the same queries each time: the slowest by their median over the runs.
    slowest = []
    if len({len(run["queries"]) for run in runs}) == 1:
        for position in range(len(runs[0]["queries"])):
            _, sql_text, params = runs[0]["queries"][position]
            ms = statistics.median(run["queries"][position][0] * 1000 for run in runs)
            slowest.append({"ms": round(ms, 2), "sql": sql_text, "params": params})
        slowest.sort(key=lambda q: -q["ms"])
    return {
        "page": label,
        "url": url,
        "status": status,
        "runs": len(runs),
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "min_ms": round(times[0], 1),
        "queries": runs[-1]["count"],
        "top3_share": round(statistics.median(top3), 3),
        "sql_share": round(statistics.median(sql), 3),
        "response_kb": round(runs[-1]["bytes"] / 1024, 1),
        "slowest_queries": [shorten(query) for query in slowest[:3]],
        "_raw_slowest": slowest[:3],
    }


def shorten(query, limit=4000):
    """A query for the JSON file: a prefetch's 100,000 ids are not worth keeping."""
    params = [str(param) for param in query["params"] or ()]
    sql = (
        query["sql"] if len(query["sql"]) <= limit else f"{query['sql'][:limit]}... ({len(query['sql']):,} characters)"
    )
    if len(params) > 50:
        params = [*params[:50], f"... ({len(params):,} parameters)"]
    return {"ms": query["ms"], "sql": sql, "params": params}


def explain(query):
    """EXPLAIN (ANALYZE, BUFFERS) of one captured query, on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"], query["params"])
        return "\n".join(row[0] if len(row[0]) <= 2000 else row[0][:2000] + "..." for row in cursor.fetchall())


# Running and reporting ---------------------------------------------------------------------------


def code_version():
    """The commit measured; with uncommitted changes, "+changes" and a hash of their diff."""
    import hashlib
    import subprocess

    def git(*args):
        return subprocess.run(["git", *args], cwd=seeding.BASE_DIR, capture_output=True, text=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        diff = git("diff", "HEAD", "--", ".", ":(exclude)bench")
    except OSError:
        return None
    if not commit:
        return None
    return f"{commit}+changes-{hashlib.sha1(diff.encode()).hexdigest()[:7]}" if diff else commit


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_size(size, args, database):
    from django.db import connection

    from projects.models import Project

    print(f"\n{database}: seeding {size:,} projects ...", file=sys.stderr)
    seeding.clear()
    summary = seeding.seed(size, random_seed=args.seed)
    analyze()
    published = Project.objects.published().count()
    results = []
    for label, url in pages_to_request():
        if args.only and not any(word in label for word in args.only):
            continue
        print(f"  {label:<20} {url}", file=sys.stderr)
        status, runs = measure(url, repeat=args.repeat, max_seconds=args.max_seconds, warm_cache=args.warm_cache)
        result = summarise(label, url, status, runs)
        # Other work on the machine skews the figures; the 1-minute load average says how much there was.
        result["load_average"] = round(os.getloadavg()[0], 2)
        result["matches"] = matches(url)
        raw = result.pop("_raw_slowest")
        if args.explain and connection.vendor == "postgresql" and result["median_ms"] > args.slow_ms and raw:
            result["explain"] = explain(raw[0])
        results.append(result)
    return {
        "size": size,
        "published": published,
        "database": database,
        "seed": summary,
        "pages": results,
        "peak_rss_mb": peak_rss_mb(),
    }


def percent(share):
    return f"{share * 100:.0f} %"


def print_table(run):
    seed = run["seed"]
    print(
        f"\n{run['database']}, {run['size']:,} projects ({run['published']:,} published; "
        f"{seed['participations']:,} participations, {seed['fundings']:,} fundings, "
        f"{seed['project_countries']:,} project countries; seeded in {seed['seconds']} s)"
    )
    header = f"{'page':<20} {'median ms':>10} {'p95 ms':>9} {'runs':>5} {'queries':>8} {'top-3':>6} {'sql':>6} "
    header += f"{'matches':>8}  {'KB':>7}  url"
    print(header)
    print("-" * len(header))
    for page in run["pages"]:
        status = "" if page["status"] == 200 else f"  HTTP {page['status']}!"
        matched = "" if page["matches"] is None else f"{page['matches']:,}"
        print(
            f"{page['page']:<20} {page['median_ms']:>10.1f} {page['p95_ms']:>9.1f} {page['runs']:>5} "
            f"{page['queries']:>8} {percent(page['top3_share']):>6} {percent(page['sql_share']):>6} "
            f"{matched:>8}  {page['response_kb']:>7.0f}  {page['url']}{status}"
        )
    loads = [page["load_average"] for page in run["pages"]]
    print(f"peak RSS so far: {run['peak_rss_mb']:.0f} MB; load average while measuring {min(loads)}-{max(loads)}")
    slow = [page for page in run["pages"] if page["median_ms"] > 0 and page["slowest_queries"]]
    print("\nslowest query of each page (median ms, first 150 characters):")
    for page in slow:
        query = page["slowest_queries"][0]
        print(f"  {page['page']:<20} {query['ms']:>8.1f}  {' '.join(query['sql'].split())[:150]}")
    for page in run["pages"]:
        if page.get("explain"):
            # Long filter expressions and id lists are cut here; the JSON file has the whole plan.
            lines = [line if len(line) <= 200 else line[:197] + "..." for line in page["explain"].splitlines()]
            if len(lines) > 60:
                lines = [*lines[:60], f"... ({len(lines) - 60} more lines in the JSON file)"]
            print(f"\nEXPLAIN ANALYZE, slowest query of {page['page']} ({page['url']}):")
            print("\n".join(lines))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated numbers of projects (default 10000,100000)",
    )
    parser.add_argument(
        "--database-url",
        help="the database to use: a URL dj-database-url reads, or 'sqlite' for a temporary SQLite file. "
        "Default: a fresh PostgreSQL database on --postgres-server, dropped at the end. "
        "The catalogue's tables are emptied, so an existing database must be empty or --clear given.",
    )
    parser.add_argument(
        "--postgres-server",
        default=DEFAULT_SERVER,
        help="where to create the fresh database (default $BENCH_POSTGRES_URL or %(default)s)",
    )
    parser.add_argument("--clear", action="store_true", help="allow emptying a --database-url that holds projects")
    parser.add_argument("--keep", action="store_true", help="do not drop the fresh database at the end")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120,
        help="stop timing a page after this many seconds (at least 3 requests; default 120)",
    )
    parser.add_argument("--slow-ms", type=float, default=300, help="EXPLAIN pages slower than this (default 300)")
    parser.add_argument("--no-explain", dest="explain", action="store_false", help="never run EXPLAIN ANALYZE")
    parser.add_argument("--only", nargs="*", help="measure only pages whose label contains one of these words")
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="keep the cache between requests (default: empty it before each one, so that every request computes)",
    )
    parser.add_argument("--seed", type=int, default=2018, help="random seed of the data (default 2018)")
    parser.add_argument("--no-json", dest="json", action="store_false", help="do not write bench/results/*.json")
    args = parser.parse_args(argv)
    args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now()
    code = code_version()
    created = temp_dir = None
    database_url = args.database_url
    if not database_url:
        database_url, created = create_postgres_database(args.postgres_server)
    elif database_url == "sqlite":
        temp_dir = tempfile.TemporaryDirectory(prefix="bench-")
        database_url = f"sqlite:///{temp_dir.name}/bench.sqlite3"
    # The benchmark serves no static files; whitenoise need not say that there are none collected.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    try:
        seeding.setup_django(database_url)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import override_settings

        from projects.models import Project

        call_command("migrate", verbosity=0)
        if Project.objects.exists() and not args.clear:
            sys.exit("The database holds projects; the benchmark empties the catalogue. Pass --clear to allow it.")
        database = database_description()
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        print(f"{database}, code {code}, {'warm' if args.warm_cache else 'empty'} cache, {os.cpu_count()} CPUs")
        report = {
            "started": started.isoformat(timespec="seconds"),
            "seconds": 0,
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "django": __import__("django").get_version(),
                "database": database,
                "code": code,
            },
            "settings": {
                "repeat": args.repeat,
                "max_seconds": args.max_seconds,
                "seed": args.seed,
                "warm_cache": args.warm_cache,
            },
            "runs": [],
            "peak_rss_mb": None,
        }
        path = RESULTS_DIR / f"{started:%Y%m%d-%H%M%S}.json"
        # A cache of this process's own, whatever REDIS_URL says: the benchmark empties it.
        caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, STORAGES=storages, CACHES=caches):
            for size in args.sizes:
                run = run_size(size, args, database)
                print_table(run)
                report["runs"].append(run)
                report["seconds"] = round((datetime.datetime.now() - started).total_seconds())
                report["peak_rss_mb"] = peak_rss_mb()
                if args.json:  # after each size, so that an interrupted run keeps what it measured
                    RESULTS_DIR.mkdir(exist_ok=True)
                    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"\npeak RSS of the benchmark process: {report['peak_rss_mb']:.0f} MB")
        if args.json:
            print(f"results written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
        connections.close_all()
    finally:
        if created and not args.keep:
            drop_postgres_database(args.postgres_server, created)
        elif created:
            print(f"kept the database {database_url}", file=sys.stderr)
        if temp_dir:
            temp_dir.cleanup()


if __name__ == "__main__":
    main()
