"""Each project's search vector in a table of its own, stored apart from its rows (PostgreSQL).

In the projects' table the vector sat beside the long texts: finding the ids of the projects
that a common word is in meant reading every page of the table, or every vector, about 0.3 to
1 s at 100,000 projects. Here a row is a project id and its vector without word positions
(search neither ranks nor matches phrases), about half the size; the GIN index answers which
rows match without reading the vectors again, so the same search reads a third of the pages
it did (60 ms; projects/search.py). A trigger on the projects' table keeps the vector, bulk writes
included. Also an index on the few participations that name their partner in the source's words,
which search reads too.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TEXT_COLUMNS = "name, official_title, acronym, summary, description"

FORWARD = f"""
DROP TRIGGER IF EXISTS project_search_document ON projects_project;
CREATE FUNCTION projects_keep_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO projects_searchdocument (project_id, document)
    VALUES (NEW.id, strip(to_tsvector('pg_catalog.swedish', concat_ws(' ', NEW.name, NEW.official_title,
        NEW.acronym, NEW.summary, NEW.description))))
    ON CONFLICT (project_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END
$$;
CREATE TRIGGER project_search_document
    AFTER INSERT OR UPDATE OF {TEXT_COLUMNS} ON projects_project
    FOR EACH ROW EXECUTE FUNCTION projects_keep_search_document();
INSERT INTO projects_searchdocument (project_id, document)
    SELECT id, strip(to_tsvector('pg_catalog.swedish', concat_ws(' ', {TEXT_COLUMNS}))) FROM projects_project;
CREATE INDEX searchdocument_document_idx ON projects_searchdocument USING gin (document);
"""

BACKWARD = f"""
DROP TRIGGER IF EXISTS project_search_document ON projects_project;
DROP FUNCTION IF EXISTS projects_keep_search_document();
CREATE TRIGGER project_search_document
    BEFORE INSERT OR UPDATE OF {TEXT_COLUMNS} ON projects_project
    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search_document, 'pg_catalog.swedish', {TEXT_COLUMNS});
UPDATE projects_project SET name = name;
CREATE INDEX project_search_document_idx ON projects_project USING gin (search_document);
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_page_snapshots"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="projects.project",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        # The old column goes after its trigger; backwards, the trigger comes after the column.
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        migrations.RemoveField(
            model_name="project",
            name="search_document",
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                condition=models.Q(("designation", ""), _negated=True),
                fields=["project"],
                name="participation_designated_idx",
            ),
        ),
    ]
