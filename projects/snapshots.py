"""Snapshots of the projects' pages: what a project's page shows, read back in one query.

A project's page shows the project with its participants, funds, countries, relations and
documents: seven queries through the ORM. A snapshot keeps what they gave (the model instances,
pickled as Django's own database cache keeps its values), under the catalogue version number
it was read at. Every change to the catalogue marks the projects whose pages show it with the
number the change brings (Project.page_version, projects/signals.py); a load or a bulk change
marks them all at once (CatalogueVersion.snapshots_from). A snapshot is read only when it was
taken at or after both, so one read before a change is never shown after it, even when it is
written after the change commits.
"""

import hashlib
import logging
import pickle
import zlib

import django
from django.apps import apps
from django.db import connections
from django.db.models import Exists, OuterRef, Subquery

from .models import CatalogueVersion, Project, ProjectSnapshot, version_key

logger = logging.getLogger(__name__)
BATCH = 500


def _format():
    """Django's version and the fields of the models a snapshot holds: a snapshot written by another
    Django, or before a model gained or lost a field, is not read (and is taken again)."""
    fields = sorted(
        f"{model._meta.label}.{field.attname}"
        for model in apps.get_app_config("projects").get_models()
        for field in model._meta.concrete_fields
    )
    return f"django-{django.__version__}/{hashlib.sha256(' '.join(fields).encode()).hexdigest()[:16]}"


FORMAT = _format()


def read(slug):
    """The published project at `slug` from an up-to-date snapshot (or None), and the catalogue version.

    One query, read before anything else of the page: without a snapshot, the project is read
    from the database after it, and its snapshot is taken at that version's number.
    """
    connection = connections[ProjectSnapshot.objects.db]
    name = connection.ops.quote_name
    snapshot, project, version = (name(model._meta.db_table) for model in (ProjectSnapshot, Project, CatalogueVersion))
    # Asked in plain SQL, as CatalogueVersion.current() is: the ORM would cost more than the answer.
    sql = (
        f"SELECT v.number, v.changed, s.data FROM {version} v LEFT JOIN ({project} p JOIN {snapshot} s"
        " ON s.project_id = p.id AND s.format = %s AND s.taken_at >= p.page_version)"
        " ON p.slug = %s AND p.is_published AND s.taken_at >= v.snapshots_from"
        " WHERE v.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [FORMAT, slug, CatalogueVersion.ROW])
        row = cursor.fetchone()
    if row is None:  # no version row yet (an emptied database): nothing is up to date
        return None, CatalogueVersion.objects.current()
    number, changed, data = row
    return None if data is None else restored(data, slug), version_key(number, changed)


def restored(data, slug):
    """The project a snapshot holds; None (and a log line) when it cannot be read back."""
    try:
        return pickle.loads(zlib.decompress(data))  # noqa: S301 - written by keep() alone, in our own database
    except Exception:  # noqa: BLE001 - any damage: the page is read from the database instead
        logger.warning("The snapshot of %s could not be read; the page is read from the database", slug)
        return None


def keep(projects, taken_at):
    """Keep snapshots of `projects` (read with Project.objects.for_page()) as read at version number `taken_at`."""
    snapshots = [
        ProjectSnapshot(project_id=project.pk, taken_at=taken_at, format=FORMAT, data=snapshot_data(project))
        for project in projects
    ]
    ProjectSnapshot.objects.bulk_create(
        snapshots, update_conflicts=True, unique_fields=["project"], update_fields=["taken_at", "format", "data"]
    )


def version_number(key):
    """The number of a catalogue version key (CatalogueVersion.objects.current())."""
    return int(key.split("-", 1)[0])


def snapshot_data(project):
    return zlib.compress(pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL), 1)


def take_all(*, batch=BATCH):
    """Snapshots of every published project whose snapshot is missing or out of date; returns how many were taken."""
    taken_at = version_number(CatalogueVersion.objects.current())  # before the data is read
    snapshots_from = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW).values("snapshots_from")
    up_to_date = ProjectSnapshot.objects.filter(
        project=OuterRef("pk"), format=FORMAT, taken_at__gte=OuterRef("page_version")
    ).filter(taken_at__gte=Subquery(snapshots_from))
    pks = list(Project.objects.published().exclude(Exists(up_to_date)).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        keep(Project.objects.filter(pk__in=pks[start : start + batch]).for_page(), taken_at)
    return len(pks)
