"""A stored tsvector of each project's own text, kept by a trigger and served by a GIN index (PostgreSQL).

Searching the expression index of migration 0002 made PostgreSQL compute the vector of every
row whenever a common word made it prefer a scan to the index: seconds at 100,000 projects.
The stored vector costs nothing at search time. PostgreSQL's own tsvector_update_trigger fills
it on every insert and on every update of the text columns, bulk writes included. On SQLite
the column stays empty; search there reads the text itself.
"""

import django.contrib.postgres.search
from django.db import migrations

TEXT_COLUMNS = "name, official_title, acronym, summary, description"

FORWARD = f"""
CREATE TRIGGER project_search_document
    BEFORE INSERT OR UPDATE OF {TEXT_COLUMNS} ON projects_project
    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_document, 'pg_catalog.swedish', {TEXT_COLUMNS});
UPDATE projects_project SET name = name;
CREATE INDEX project_search_document_idx ON projects_project USING gin (search_document);
DROP INDEX IF EXISTS project_search_idx;
"""

BACKWARD = """
DROP INDEX IF EXISTS project_search_document_idx;
DROP TRIGGER IF EXISTS project_search_document ON projects_project;
CREATE INDEX project_search_idx ON projects_project USING gin (to_tsvector('swedish'::regconfig,
    COALESCE(name, '') || ' ' || COALESCE(official_title, '') || ' ' || COALESCE(acronym, '') || ' '
    || COALESCE(summary, '') || ' ' || COALESCE(description, '')));
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_catalogue_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
