"""Lighthouse's SEO audits on every kind of public page, in Swedish and English; fails below 100.

    .venv/bin/python tests/lighthouse_seo.py [--base-url URL]

Without --base-url it serves the shipped catalogue itself, as production does: gunicorn on a
PostgreSQL database of its own, migrated and loaded, with the static files collected
(tests/servers.py; PostgreSQL at TEST_POSTGRES_URL and Redis at TEST_REDIS_URL), and drops the
database afterwards. It audits with Lighthouse from npm (LIGHTHOUSE, or where .ci/run installs
it) in Debian's Chromium (CHROME_PATH), which it starts once, headless, for all the pages. It
prints each page's score and every audit that did not pass, and exits with 1 when a page scores
below 100.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.servers import AppServer, Database, reachable  # noqa: E402 - after the path is set

LIGHTHOUSE_VERSION = "12.8.2"
DEFAULT_LIGHTHOUSE = Path.home() / f".cache/portal/lighthouse-{LIGHTHOUSE_VERSION}/node_modules/.bin/lighthouse"
# One page of each kind (the API's documentation too), the list filtered as the fund pages link to it; each in
# Swedish and in English.
PAGES = [
    "/",
    "/projekt/",
    "/projekt/?fund=amif",
    "/tidslinje/",
    "/projekt/eurlo/",
    "/partner/unhcr/",
    "/fond/amif/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/api/",
]
ADDRESSES = [prefix + page for page in PAGES for prefix in ("", "/en")]
# Headless, and nothing that reaches for the network or needs a sandbox the container lacks.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_chromium(chrome_path, profile):
    port = free_port()
    process = subprocess.Popen(
        [chrome_path, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not reachable("127.0.0.1", port):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"Chromium ({chrome_path}) did not start")
        time.sleep(0.1)
    return process, port


def audit(lighthouse, url, port):
    """Lighthouse's report of the SEO category for `url`, as a dict."""
    finished = subprocess.run(
        [
            str(lighthouse),
            url,
            # The Chromium started here; by address, since "localhost" may be tried as ::1 first.
            "--hostname=127.0.0.1",
            f"--port={port}",
            "--only-categories=seo",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"Lighthouse failed on {url}: {finished.stderr.strip()[-2000:]}")
    return json.loads(finished.stdout)


def failures(report):
    """(id, title, details) of every scored audit of the SEO category that did not pass."""
    audits = report["audits"]
    failed = []
    for ref in report["categories"]["seo"]["auditRefs"]:
        result = audits[ref["id"]]
        if ref.get("weight", 0) > 0 and result.get("score") is not None and result["score"] < 1:
            items = (result.get("details") or {}).get("items") or []
            failed.append((ref["id"], result["title"], json.dumps(items, ensure_ascii=False)[:1000]))
    return failed


def run(base_url, lighthouse, chrome_path):
    failed_pages = 0
    with tempfile.TemporaryDirectory(prefix="lighthouse-chromium-") as profile:
        chromium, port = start_chromium(chrome_path, profile)
        try:
            for address in ADDRESSES:
                try:
                    report = audit(lighthouse, base_url + address, port)
                except RuntimeError as error:  # a page that does not load (a 404) has no score
                    print(f"   -  {address}\n        {error}", flush=True)
                    failed_pages += 1
                    continue
                score = round(report["categories"]["seo"]["score"] * 100)
                print(f"{score:4d}  {address}", flush=True)
                for audit_id, title, details in failures(report):
                    print(f"        {audit_id}: {title}\n        {details}", flush=True)
                failed_pages += score < 100
        finally:
            chromium.terminate()
            chromium.wait(timeout=10)
    return failed_pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="audit this running site instead of serving the catalogue")
    arguments = parser.parse_args()
    lighthouse = Path(os.environ.get("LIGHTHOUSE", DEFAULT_LIGHTHOUSE))
    chrome_path = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not lighthouse.is_file():
        sys.exit(f"Lighthouse is not at {lighthouse}: .ci/run installs it (lighthouse@{LIGHTHOUSE_VERSION} from npm)")
    if arguments.base_url:
        failed = run(arguments.base_url.rstrip("/"), lighthouse, chrome_path)
    else:
        database = Database()
        server = None
        try:
            database.prepare(["migrate", "--noinput"], ["load_catalogue"], ["collectstatic", "--noinput"])
            server = AppServer(database.env)
            failed = run(server.url, lighthouse, chrome_path)
        finally:
            if server is not None:
                server.stop()
            database.drop()
    print(f"{len(ADDRESSES) - failed} of {len(ADDRESSES)} pages score 100 for SEO")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
