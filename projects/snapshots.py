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

import pickle
import zlib

import django
from django.db.models import F, OuterRef, Subquery

from .models import CatalogueVersion, Project, ProjectSnapshot

# A snapshot written by another Django, or in another layout, is not read.
FORMAT = f"django-{django.__version__}/1"
BATCH = 500


def read(slug):
    """The published project at `slug` from its snapshot, or None when there is none that is up to date."""
    snapshots_from = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW).values("snapshots_from")
    data = (
        ProjectSnapshot.objects.filter(project__slug=slug, project__is_published=True, format=FORMAT)
        .filter(taken_at__gte=F("project__page_version"))
        .filter(taken_at__gte=Subquery(snapshots_from))
        .values_list("data", flat=True)
        .first()
    )
    return None if data is None else pickle.loads(zlib.decompress(data))  # noqa: S301 - written by keep() alone


def keep(projects, taken_at):
    """Keep snapshots of `projects` (read with Project.objects.for_page()) as read at version number `taken_at`."""
    snapshots = [
        ProjectSnapshot(project_id=project.pk, taken_at=taken_at, format=FORMAT, data=snapshot_data(project))
        for project in projects
    ]
    ProjectSnapshot.objects.bulk_create(
        snapshots, update_conflicts=True, unique_fields=["project"], update_fields=["taken_at", "format", "data"]
    )


def snapshot_data(project):
    return zlib.compress(pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL), 1)


def take_all(*, batch=BATCH):
    """Snapshots of every published project whose snapshot is missing or out of date; returns how many were taken."""
    taken_at = int(CatalogueVersion.objects.current().split("-", 1)[0])  # before the data is read
    snapshots_from = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW).values("snapshots_from")
    up_to_date = ProjectSnapshot.objects.filter(
        project=OuterRef("pk"), format=FORMAT, taken_at__gte=OuterRef("page_version")
    ).filter(taken_at__gte=Subquery(snapshots_from))
    pks = list(Project.objects.published().exclude(pk__in=up_to_date.values("pk")).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        keep(Project.objects.filter(pk__in=pks[start : start + batch]).for_page(), taken_at)
    return len(pks)
