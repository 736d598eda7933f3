"""Real app servers for tests that need more than one: gunicorn processes on a database of their own.

The tests that use this talk HTTP to the servers and share their PostgreSQL and Redis with
them, as app servers in production do.
"""

import html.parser
import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def reachable(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


class Database:
    """A PostgreSQL database of its own, migrated and filled with the catalogue, dropped at the end."""

    def __init__(self):
        import psycopg

        self.name = f"test_servers_{uuid.uuid4().hex[:10]}"
        # The servers serve static files as in production, from files collected for them.
        self.static_root = tempfile.mkdtemp(prefix="test-servers-static-")
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def prepare(self, *commands, env=None):
        """Run management commands on the database, in one process: each a list of arguments."""
        script = "import django, sys; django.setup(); from django.core.management import call_command\n"
        script += "".join(f"call_command(*{list(command)!r}, verbosity=0)\n" for command in commands)
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env={**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "portal.settings", **(env or {})},
            check=True,
            capture_output=True,
        )

    @property
    def env(self):
        return {
            "DATABASE_URL": self.url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "app-servers-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "PAGE_CACHE": "1",
            "STATIC_ROOT": self.static_root,
        }

    def drop(self):
        import psycopg

        shutil.rmtree(self.static_root, ignore_errors=True)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class AppServer:
    """One gunicorn app server with one sync worker, on a free local port."""

    def __init__(self, env):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--log-level", "warning"],
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not reachable("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the app server did not start")
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{self.port}"
        self.browser = Browser(self.url)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Browser:
    """Requests to one server with the cookies a browser would keep; it does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url, headers=None):
        self.base_url, self.headers = base_url, headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self.NoRedirect
        )

    def request(self, path, data=None):
        """(status, text) of a GET, or of a POST of the form fields in `data`."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.base_url + path, **self.headers}
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username, password):
        status, page = self.request("/admin/login/")
        fields = form_fields(page, form_id="login-form")
        fields.update(username=username, password=password)
        status, _ = self.request("/admin/login/", fields)
        assert status == 302, "the login was refused"


class FormFields(html.parser.HTMLParser):
    """The fields of the <form> with an id, as a browser would submit them."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.fields, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs or kind in ("submit", "file"):
                return
            self.fields.setdefault(attrs["name"], []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.setdefault(self.select, []).append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                self.fields[self.textarea][0] = self.fields[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(page, *, form_id):
    parser = FormFields(form_id)
    parser.feed(page)
    return parser.fields
