"""Backups of the portal: the PostgreSQL database (pg_dump's custom format), the uploaded files,
and a manifest with each part's SHA-256, in one tar file; and the way back into an empty
database. `make backup` and `make restore FILE=...` call the management commands on these.
"""

import hashlib
import json
import os
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_environment():
    """The environment pg_dump and pg_restore need to reach the portal's database."""
    if connection.vendor != "postgresql":
        raise BackupError("Backups are made of a PostgreSQL database (DATABASE_URL=postgres://...).")
    params = connection.get_connection_params()
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE"}
    return {**os.environ, **{names[key]: str(value) for key, value in params.items() if key in names and value}}


def run(command):
    result = subprocess.run(command, env=libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def make_backup(directory):
    """Write a backup file into `directory`; returns its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    made = datetime.now(UTC)
    target = directory / f"portal-{made:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        run(["pg_dump", "--format=custom", "--no-owner", "--file", str(work / DATABASE_FILE)])
        with tarfile.open(work / MEDIA_FILE, "w:gz") as media:
            if Path(settings.MEDIA_ROOT).is_dir():
                media.add(settings.MEDIA_ROOT, arcname=".")
        manifest = {
            "made": made.isoformat(timespec="seconds"),
            "database": connection.settings_dict["NAME"],
            "files": {name: {"sha256": sha256(work / name), "bytes": (work / name).stat().st_size}
                      for name in (DATABASE_FILE, MEDIA_FILE)},
        }  # fmt: skip
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
        with tarfile.open(target, "w") as backup:
            for name in (MANIFEST_FILE, DATABASE_FILE, MEDIA_FILE):
                backup.add(work / name, arcname=name)
    return target


def database_is_empty():
    return not connection.introspection.table_names()


def restore_backup(path):
    """Restore the backup file at `path` into the portal's database, which must be empty, and its
    files into MEDIA_ROOT; every part is checked against the manifest first."""
    if not database_is_empty():
        raise BackupError(f"The database {connection.settings_dict['NAME']} is not empty: restore into an empty one.")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        try:
            with tarfile.open(path) as backup:
                backup.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST_FILE).read_text())
        except (OSError, tarfile.TarError, ValueError) as error:
            raise BackupError(f"{path} is not a backup of the portal: {error}") from error
        for name, expected in manifest["files"].items():
            if not (work / name).is_file() or sha256(work / name) != expected["sha256"]:
                raise BackupError(f"{path}: {name} does not match the manifest; nothing was restored.")
        run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname",
             libpq_environment()["PGDATABASE"], str(work / DATABASE_FILE)])  # fmt: skip
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(work / MEDIA_FILE) as media:
            media.extractall(media_root, filter="data")
    return manifest


def describe(manifest):
    parts = ", ".join(f"{name} ({part['bytes']:,} bytes)" for name, part in manifest["files"].items())
    return f"made {manifest['made']} of {manifest['database']}: {parts}"
