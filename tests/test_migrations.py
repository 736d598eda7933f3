"""Migrations that rename or re-encode what is stored keep every row and every fact."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Schema changes on SQLite cannot run inside the transaction a test is usually wrapped in.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("projects", "0007_project_possible_years")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_back():
    """The database as it was before the relation rename and the period bounds; forward again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_relation_rename_and_period_bounds_keep_every_row(migrated_back):
    apps = migrated_back
    Project = apps.get_model("projects", "Project")
    ProjectRelation = apps.get_model("projects", "ProjectRelation")
    LoadedRecord = apps.get_model("projects", "LoadedRecord")
    common = {"summary": "S.", "description": "D.", "status": "ongoing"}
    serbia = Project.objects.create(
        name="Serbien", slug="serbien", start_date=datetime.date(2015, 9, 1), start_precision="season",
        duration_months=24, **common,
    )  # fmt: skip
    armenia = Project.objects.create(name="Armenien", slug="armenien", **common)
    ProjectRelation.objects.create(project=serbia, kind="continues", related_project=armenia)
    ProjectRelation.objects.create(project=serbia, kind="integrated_into", related_name="ERRIN", note="Troligen.")
    LoadedRecord.objects.create(
        model="projects.ProjectRelation",
        natural_key='["serbien", "integrated_into", "", "ERRIN"]',
        fields={"kind": "integrated_into", "related_name": "ERRIN", "note": "Troligen."},
    )

    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Project = apps.get_model("projects", "Project")
    ProjectRelation = apps.get_model("projects", "ProjectRelation")
    LoadedRecord = apps.get_model("projects", "LoadedRecord")
    assert Project.objects.count() == 2
    relations = {(r.kind, r.related_project_id, r.external_name, r.note) for r in ProjectRelation.objects.all()}
    assert relations == {
        ("continues", armenia.pk, "", ""),
        ("integrated_into", None, "ERRIN", "Troligen."),
    }
    assert LoadedRecord.objects.get().fields == {
        "kind": "integrated_into",
        "external_name": "ERRIN",
        "note": "Troligen.",
    }
    serbia = Project.objects.get(slug="serbien")
    assert (serbia.earliest_start, serbia.latest_end) == (datetime.date(2015, 9, 1), datetime.date(2017, 11, 29))
    assert Project.objects.get(slug="armenien").latest_end is None
