"""What a security review asks of every response and every upload."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from portal.logs import request_id
from projects.models import Document
from projects.uploads import MAX_BYTES, validate_upload
from tests.admin_forms import admin_form_data, inline_prefix
from tests.factories import make_project

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_file(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = office_file({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = office_file({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = office_file({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PDF),
        ("Rapport.PDF", PDF),
        ("bild.png", PNG),
        ("foto.jpg", JPEG),
        ("foto.jpeg", JPEG),
        ("avtal.docx", DOCX),
        ("budget.xlsx", XLSX),
        ("text.odt", ODT),
    ],
)
def test_documents_and_pictures_of_the_allowed_kinds_can_be_uploaded(name, content):
    validate_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sida.html", b"<!doctype html><script>alert(1)</script>"),
        ("rapport.pdf", b"<html><script>alert(1)</script></html>"),  # the name lies about the content
        ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("bild.png", PDF),  # a real PDF under another kind's name
        ("rapport.pdf.html", PDF),
        ("arkiv.zip", office_file({"a.txt": "a"})),
        ("avtal.docx", office_file({"a.txt": "a"})),  # a ZIP that is not an office document
        ("avtal.docx", b"PK\x03\x04 but not a zip"),
        ("tom.pdf", b""),
    ],
)
def test_any_other_file_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == "file_kind"


def test_a_file_over_the_limit_is_refused():
    large = SimpleUploadedFile("stor.pdf", PDF)
    large.size = MAX_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        validate_upload(large)
    assert refused.value.code == "too_large"


def test_the_admin_refuses_a_script_uploaded_as_a_document_and_keeps_the_project(make_editor):
    project = make_project(name="Projekt med filer")
    client = Client()
    client.force_login(make_editor("redaktor"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = client.get(url)
    data = admin_form_data(response)
    prefix = inline_prefix(response, "document")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title": "Elak fil",
            f"{prefix}-0-kind": "other",
            f"{prefix}-0-file": SimpleUploadedFile("elak.svg", b'<svg onload="alert(1)"/>', "image/svg+xml"),
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "PNG och JPEG" in refused.text  # the reason, in Swedish, on the field
    assert not Document.objects.filter(project=project).exists()
    data[f"{prefix}-0-file"] = SimpleUploadedFile("rapport.pdf", PDF, "application/pdf")
    assert client.post(url, data).status_code == 302
    assert Document.objects.get(project=project).file.name.endswith(".pdf")


def test_every_response_says_what_the_page_may_not_ask_the_browser_for(client, settings):
    for address in ["/", "/projekt/", "/finns-inte/", "/favicon.ico", reverse("admin:login")]:
        assert client.get(address)["Permissions-Policy"] == settings.PERMISSIONS_POLICY, address


def test_public_pages_may_be_kept_briefly_and_the_admin_never(client, make_editor, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 60
    for address in ["/", "/projekt/?status=ongoing", "/en/", "/finns-inte/"]:
        assert client.get(address)["Cache-Control"] == "public, max-age=60, must-revalidate", address
    assert "no-store" in client.get(reverse("admin:login"))["Cache-Control"]
    client.force_login(make_editor("redaktor"))
    for address in ["/", reverse("admin:index")]:
        cache_control = client.get(address)["Cache-Control"]
        assert "no-store" in cache_control and "public" not in cache_control, address


def log_lines(*records):
    """What the console handler writes for each (status, message) logged by django.request, in a request with an id."""
    handler = next(h for h in logging.getLogger().handlers if h.filters and isinstance(h, logging.StreamHandler))
    stream, previous = io.StringIO(), handler.stream
    logger = logging.getLogger("django.request")
    handler.setStream(stream)
    token = request_id.set("0123456789abcdef")
    try:
        for status, message in records:
            try:
                raise ValueError(message)
            except ValueError as error:
                logger.error("%s", message, exc_info=error, extra={"status_code": status})
    finally:
        request_id.reset(token)
        handler.setStream(previous)
    return stream.getvalue().splitlines()


def test_a_client_error_is_one_line_of_json_in_the_log_and_a_server_error_keeps_its_traceback():
    lines = log_lines((400, "Bad request"), (404, "Not Found: /x"), (500, "Internal Server Error: /y"))
    assert len(lines) == 3  # one line each, the traceback inside the JSON
    entries = [json.loads(line) for line in lines]
    assert [(entry["status"], entry["message"], entry["request_id"]) for entry in entries] == [
        (400, "Bad request", "0123456789abcdef"),
        (404, "Not Found: /x", "0123456789abcdef"),
        (500, "Internal Server Error: /y", "0123456789abcdef"),
    ]
    assert "exception" not in entries[0] and "exception" not in entries[1]
    assert "Traceback" in entries[2]["exception"]


def test_every_response_carries_its_request_id(client):
    made = client.get("/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made) and made != client.get("/")["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "nginx-4f2a9c1e7b"})["X-Request-ID"] == "nginx-4f2a9c1e7b"
    forged = client.get("/", headers={"X-Request-ID": "<script>\r\nSet-Cookie: x"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_the_production_switch_passes_the_deployment_check():
    environment = {
        **os.environ,
        "BEHIND_TLS_PROXY": "1",
        "SECRET_KEY": "a-production-key-of-enough-length-and-variety-0123456789-XYZ",
        "ALLOWED_HOSTS": "projekt.example.se",
        "DEBUG": "0",
    }
    for name in ("SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the latter set by the browser tests
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "path",
    ["//evil.example/", "//evil.example", "//evil.example/projekt/", "/en//evil.example/", "/\\evil.example/",
     "/%2F%2Fevil.example/", "/projekt//evil.example", "///evil.example/"],
)  # fmt: skip
def test_no_address_built_from_the_request_path_leaves_the_site(client, path):
    response = client.get(path)
    assert response.status_code in (200, 301, 302, 404)
    location = response.get("Location", "")
    assert "evil.example" not in location or location.startswith("/") and not location.startswith(("//", "/\\"))
    for link in re.findall(r'(?:href|src|action)="([^"]*)"', response.text):
        assert "evil.example" not in link or not link.startswith(("//", "/\\", "http")), link


def test_health_says_alive_and_ready_and_reports_a_database_error_as_not_ready(client, monkeypatch):
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
    assert "no-store" in ready["Cache-Control"]

    def refuse(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr("portal.health.connection.cursor", refuse)
    down = client.get("/health/ready")
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}
    assert client.get("/health/live").status_code == 200


@pytest.mark.parametrize(
    ("address", "heading"), [("/projekt/eu-frank/", "Katalogen"), ("/en/projekt/eu-frank/", "The catalogue")]
)
def test_a_database_that_does_not_answer_is_a_503_page_with_retry_after(monkeypatch, address, heading):
    """The page a visitor gets while the database restarts (the stack's fault test stops a real one)."""

    def unreachable(slug):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr("projects.snapshots.read", unreachable)
    response = Client(raise_request_exception=False).get(address)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert f"<h1>{heading}" in response.text and "Traceback" not in response.text
    assert "no-store" in response["Cache-Control"]  # not kept by a browser or a proxy after the database is back
    assert 'id="feedback"' not in response.text  # the block would ask the database again
