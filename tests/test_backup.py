"""A backup restored into an empty database holds every row it was made of (PostgreSQL)."""

import io
import os
import subprocess
import sys
import tarfile

import pytest

from tests.servers import BASE_DIR, Database, reachable


@pytest.fixture
def databases():
    if not reachable("127.0.0.1", 5432):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is needed for the backup round trip")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is needed for the backup round trip")
    made = []
    try:
        made.extend([Database(), Database()])
        yield made
    finally:
        for database in made:
            database.drop()


def manage(database, *arguments, media_root):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, **database.env, "MEDIA_ROOT": str(media_root)},
        capture_output=True,
        text=True,
    )


def every_row(database):
    """Each table's rows, in the order of their first column."""
    import psycopg

    with psycopg.connect(database.url) as connection:
        tables = [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in sorted(tables)}


def test_a_backup_restored_into_an_empty_database_holds_every_row_and_file(databases, tmp_path):
    source, target = databases
    source.prepare(["migrate", "--noinput"], ["load_catalogue"], ["take_snapshots"])
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "rapport.pdf").write_bytes(b"%PDF-1.7 a report")

    made = manage(source, "backup", "--output", str(tmp_path / "backups"), media_root=media)
    assert made.returncode == 0, made.stderr
    backup = made.stdout.strip()
    with tarfile.open(backup) as archive:
        assert sorted(archive.getnames()) == ["database.dump", "manifest.json", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    restored = manage(target, "restore", backup, media_root=restored_media)
    assert restored.returncode == 0, restored.stderr
    rows = every_row(source)
    assert rows == every_row(target) and sum(len(table) for table in rows.values()) > 500
    assert (restored_media / "documents" / "rapport.pdf").read_bytes() == b"%PDF-1.7 a report"

    # Not over a database in use, and not from a damaged file.
    again = manage(target, "restore", backup, media_root=restored_media)
    assert again.returncode != 0 and "is not empty" in again.stderr
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backup) as archive, tarfile.open(damaged, "w") as copy:
        for member in archive.getmembers():
            data = archive.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    empty = Database()
    try:
        refused = manage(empty, "restore", str(damaged), media_root=restored_media)
        assert refused.returncode != 0 and "does not match the manifest" in refused.stderr
    finally:
        empty.drop()
