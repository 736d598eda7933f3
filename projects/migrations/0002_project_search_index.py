"""A full-text index for project search on PostgreSQL; SQLite searches without one."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "project_search_idx"


def index():
    # The project's own text, as search.py matched it until migration 0011 stored it.
    fields = ("name", "official_title", "acronym", "summary", "description")
    return GinIndex(SearchVector(*fields, config="swedish"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("projects", "Project"), index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("projects", "Project"), index())


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
