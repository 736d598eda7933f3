"""ProjectRelation.related_name becomes external_name: Django's own `related_name` means something else.

The loader's record of what it wrote (LoadedRecord.fields) names the field too, so the key is
renamed there as well; otherwise the next load would take the old key for an editor's change.
"""

from django.db import migrations, models


def rename_loaded_key(old, new):
    def rename(apps, schema_editor):
        LoadedRecord = apps.get_model("projects", "LoadedRecord")
        records = LoadedRecord.objects.using(schema_editor.connection.alias).filter(model="projects.ProjectRelation")
        for record in records:
            if old in record.fields:
                record.fields[new] = record.fields.pop(old)
                record.save(update_fields=["fields"])

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_project_possible_years"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="projectrelation", name="relation_names_one_other_side"),
        migrations.RemoveConstraint(model_name="projectrelation", name="relation_unique_name"),
        migrations.RenameField(model_name="projectrelation", old_name="related_name", new_name="external_name"),
        migrations.RenameField(model_name="historicalprojectrelation", old_name="related_name", new_name="external_name"),
        migrations.AddConstraint(
            model_name="projectrelation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("related_project__isnull", False), ("external_name", "")),
                    models.Q(("related_project__isnull", True), models.Q(("external_name", ""), _negated=True)),
                    _connector="OR",
                ),
                name="relation_names_one_other_side",
                violation_error_message="Choose a related project or write the name of one outside the catalogue, not both.",
            ),
        ),
        migrations.AddConstraint(
            model_name="projectrelation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("related_project__isnull", True)),
                fields=("project", "kind", "external_name"),
                name="relation_unique_name",
            ),
        ),
        migrations.RunPython(
            rename_loaded_key("related_name", "external_name"), rename_loaded_key("external_name", "related_name")
        ),
    ]
