"""The catalogue loader: idempotent, keeps editors' changes, and all-or-nothing on a bad fixture."""

import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from projects.catalogue import catalogue_files, load_catalogue
from projects.models import Funding, Project

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every table of the app, as plain tuples, to compare database states."""
    with connection.cursor() as cursor:
        state = {}
        for model in apps.get_app_config("projects").get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY 1")
            state[model._meta.db_table] = cursor.fetchall()
    return state


def test_second_load_changes_nothing():
    first = load_catalogue()
    assert len(first.created) > 15 and not first.skipped
    before = snapshot()
    second = load_catalogue()
    assert second.created == [] and second.updated == [] and second.skipped == []
    assert second.unchanged == len(first.created)
    assert snapshot() == before


def test_if_empty_loads_only_into_an_empty_database(capsys):
    call_command("load_catalogue", "--if-empty")
    assert Project.objects.count() == 15
    before = snapshot()
    call_command("load_catalogue", "--if-empty")
    assert "nothing loaded" in capsys.readouterr().out
    assert snapshot() == before


def test_editor_change_is_kept_and_reported(catalogue, capsys):
    project = Project.objects.get(slug="eu-frank")
    project.summary = "Redaktörens nya sammanfattning."
    project.save()
    call_command("load_catalogue")
    output = capsys.readouterr().out
    assert "changed by an editor" in output and "eu-frank" in output
    assert Project.objects.get(slug="eu-frank").summary == "Redaktörens nya sammanfattning."


def test_editor_deletion_is_not_undone(catalogue):
    funding = Funding.objects.get(project__slug="eu-frank")
    funding.delete()
    report = load_catalogue()
    assert not Funding.objects.filter(project__slug="eu-frank").exists()
    assert any("deleted by an editor" in reason for reason in report.skipped)


def test_fixture_change_reaches_untouched_rows(catalogue, tmp_path):
    files = copy_catalogue(tmp_path)
    path = tmp_path / "projects" / "eu-frank.json"
    records = json.loads(path.read_text())
    records[0]["fields"]["summary"] = "Ny sammanfattning i fixturen."
    path.write_text(json.dumps(records, ensure_ascii=False))
    report = load_catalogue(files)
    assert report.updated == ['projects.Project ["eu-frank"]']
    assert Project.objects.get(slug="eu-frank").summary == "Ny sammanfattning i fixturen."
    assert load_catalogue(files).updated == []


def copy_catalogue(tmp_path):
    (tmp_path / "projects").mkdir()
    copies = []
    for path in catalogue_files():
        target = tmp_path / path.relative_to(path.parents[1] if path.parent.name == "projects" else path.parent)
        target.write_text(path.read_text())
        copies.append(target)
    return copies


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON"),
        ('{"model": "projects.project"}', "expected a list"),
        ('[{"model": "projects.project", "fields": {"slug": "x", "nonsense": 1}}]', "record 1"),
        ('[{"model": "projects.nosuchmodel", "fields": {}}]', "record 1"),
        ('[{"model": "projects.project", "pk": 7, "fields": {}}]', "natural key"),
        (
            '[{"model": "projects.funding", "fields": '
            '{"project": ["no-such-project"], "fund": ["amif"], "share": "main"}}]',
            "record 1",
        ),
        (
            '[{"model": "projects.project", "fields": {"slug": "x", "name": "X", "summary": "s", "description": "d",'
            ' "status": "ongoing", "start_date": "2016-01-01", "start_precision": "unknown"}}]',
            "record 1",
        ),
        ('["just a string"]', "record 1"),
        ('[{"model": 5, "fields": {}}]', "record 1: “model” must name a model"),
        ('[{"model": ["projects", "fund"], "fields": {}}]', "record 1: “model” must name a model"),
        ('[{"model": "projects", "fields": {}}]', "record 1"),
    ],
    ids=[
        "syntax",
        "not-a-list",
        "unknown-field",
        "unknown-model",
        "pk",
        "missing-reference",
        "constraint",
        "not-object",
        "model-a-number",
        "model-a-list",
        "model-without-app",
    ],
)
def test_malformed_fixture_names_file_and_record_and_loads_nothing(tmp_path, content, message):
    # The reference data and a project load first, and must be rolled back with the broken file.
    files = copy_catalogue(tmp_path)[:2]
    broken = tmp_path / "projects" / "zz-broken.json"
    broken.write_text(content)
    files.append(broken)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", *map(str, files))
    assert "zz-broken.json" in str(error.value) and message in str(error.value)
    assert snapshot() == before
    assert Project.objects.count() == 0


def test_malformed_fixture_keeps_earlier_content(catalogue, tmp_path):
    """A failed reload leaves what was loaded before exactly as it was."""
    before = snapshot()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "projects.project", "fields": {"slug": "eu-frank", "status": "bogus"}}]')
    with pytest.raises(CommandError):
        call_command("load_catalogue", str(broken))
    assert snapshot() == before


def test_a_field_new_to_the_fixtures_is_not_an_editors_change(catalogue):
    """Rows loaded before a field existed are updated with it, not reported as edited."""
    from projects.models import LoadedRecord

    record = LoadedRecord.objects.get(model="projects.Project", natural_key='["eu-frank"]')
    del record.fields["position"]
    record.save()
    Project.objects.filter(slug="eu-frank").update(position=0)
    report = load_catalogue()
    assert report.skipped == []
    assert report.updated == ['projects.Project ["eu-frank"]']
    assert Project.objects.get(slug="eu-frank").position == 1
