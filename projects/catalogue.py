"""Loading the catalogue content from the fixtures, without ever overwriting an editor's work.

The fixtures name every row by its natural key. For each row the loader keeps a
copy of the values it wrote (`LoadedRecord`). On a later run it compares the
row in the database with that copy: if a value differs, an editor has changed
the row since it was loaded, and the loader leaves it alone and says so.
Everything happens in one transaction: a malformed fixture names its file and
record and leaves the database as it was.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.utils import translation

from .models import LoadedRecord

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def catalogue_files(directory=FIXTURES_DIR):
    """The fixture files in the order they must load: what is referred to comes first."""
    directory = Path(directory)
    return [
        directory / "reference.json",
        *sorted((directory / "projects").glob("*.json")),
        directory / "relations.json",
        directory / "page.json",
    ]


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message names the file and the record."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


def serialized_fields(instance, field_names):
    """The named fields of `instance` as the serializer writes them, in plain JSON values."""
    (serialized,) = serializers.serialize(
        "python", [instance], fields=field_names, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return json.loads(json.dumps(serialized["fields"], default=str))


def changed_since_loaded(existing, loaded):
    """Whether any field the loader wrote to `existing` holds something else now.

    Only the fields it wrote are compared: a field added to the model or to the
    fixtures later is not an editor's change.
    """
    current = serialized_fields(existing, list(loaded.fields))
    return any(current[name] != loaded.fields[name] for name in current)


def describe(instance):
    return f"{instance._meta.label} {json.dumps(instance.natural_key(), ensure_ascii=False)}"


def load_record(record, report, loaded_records):
    (deserialized,) = serializers.deserialize("python", [record])
    fixture_row = deserialized.object
    model = type(fixture_row)
    field_names = [model._meta.get_field(name).name for name in record["fields"]]
    # The deserializer found the existing row by natural key; validate as an update
    # of that row, so that its unique checks do not collide with the row itself.
    fixture_row._state.adding = fixture_row.pk is None
    fixture_row.full_clean()
    label = describe(fixture_row)
    key = json.dumps(fixture_row.natural_key(), ensure_ascii=False)
    wanted = serialized_fields(fixture_row, field_names)
    loaded = loaded_records.get((model._meta.label, key))
    existing = model._default_manager.filter(pk=fixture_row.pk).first() if fixture_row.pk else None

    if existing is None:
        if loaded is not None:
            report.skipped.append(f"{label}: deleted by an editor since it was loaded; not recreated")
            return
        fixture_row.save()
        loaded_records[model._meta.label, key] = LoadedRecord.objects.create(
            model=model._meta.label, natural_key=key, fields=wanted
        )
        report.created.append(label)
        return

    if loaded is None:
        if serialized_fields(existing, field_names) == wanted:
            loaded_records[model._meta.label, key] = LoadedRecord.objects.create(
                model=model._meta.label, natural_key=key, fields=wanted
            )
            report.unchanged += 1
        else:
            report.skipped.append(f"{label}: differs from the fixtures and was not written by the loader; kept")
        return
    if changed_since_loaded(existing, loaded):
        report.skipped.append(f"{label}: changed by an editor since it was loaded; kept as it is")
        return
    if serialized_fields(existing, field_names) == wanted:
        if loaded.fields != wanted:
            loaded.fields = wanted
            loaded.save(update_fields=["fields", "loaded_at"])
        report.unchanged += 1
        return
    for name in field_names:
        attname = model._meta.get_field(name).attname
        setattr(existing, attname, getattr(fixture_row, attname))
    existing.full_clean()
    existing.save()
    loaded.fields = wanted
    loaded.save(update_fields=["fields", "loaded_at"])
    report.updated.append(label)


def deleted_reference(record, loaded_records):
    """The label of a row this record refers to that an editor has deleted since it was loaded, if any."""
    try:
        model = apps.get_model(record["model"])
    except (LookupError, ValueError, TypeError):
        return None
    for model_field in model._meta.fields:
        value = record["fields"].get(model_field.name)
        if not model_field.remote_field or not isinstance(value, list):
            continue
        related = model_field.remote_field.model
        key = json.dumps(value, ensure_ascii=False)
        if (related._meta.label, key) in loaded_records:
            try:
                related._default_manager.get_by_natural_key(*value)
            except related.DoesNotExist:
                return f"{related._meta.label} {key}"
    return None


def read_records(path):
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise FixtureError(f"{path}: cannot be read: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(records, list):
        raise FixtureError(f"{path}: expected a list of records")
    return records


def load_catalogue(files=None):
    """Load the fixture files in one transaction and report what was created, updated and skipped."""
    report = LoadReport()
    # A field named as the model names it ("name") holds the Swedish text; its English is "name_en".
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        # What the loader wrote before, read once: (model label, natural key) -> LoadedRecord.
        loaded_records = {(record.model, record.natural_key): record for record in LoadedRecord.objects.all()}
        for path in files or catalogue_files():
            for number, record in enumerate(read_records(path), start=1):
                where = f"{path}, record {number}"
                if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
                    raise FixtureError(f"{where}: expected an object with “model” and “fields”")
                if not isinstance(record.get("model"), str):
                    raise FixtureError(f"{where}: “model” must name a model, such as “projects.project”")
                where += f" ({record.get('model')})"
                if "pk" in record:
                    raise FixtureError(f"{where}: name rows by natural key, not by “pk”")
                reference = deleted_reference(record, loaded_records)
                if reference:
                    report.skipped.append(f"{where}: refers to {reference}, deleted by an editor; not loaded")
                    continue
                # An error names the file and the record, and the whole transaction is rolled back.
                try:
                    load_record(record, report, loaded_records)
                except ValidationError as error:
                    raise FixtureError(f"{where}: {'; '.join(error.messages)}") from error
                except (DeserializationError, FieldDoesNotExist, ObjectDoesNotExist, DatabaseError) as error:
                    raise FixtureError(f"{where}: {error}") from error
                except (TypeError, ValueError, LookupError) as error:
                    raise FixtureError(f"{where}: malformed record: {error}") from error
    return report
