"""The earliest possible start and the latest possible end of each period, as dates.

They replace the earliest and latest possible years: the year filter, the "ongoing past its
end" review and the public pages now read one encoding of how far a period may reach.
"""

from django.db import migrations, models


def fill_period_bounds(apps, schema_editor):
    from projects.periods import Period

    Project = apps.get_model("projects", "Project")
    projects = Project.objects.using(schema_editor.connection.alias)
    for project in projects.all():
        period = Period(
            start=project.start_date,
            start_precision=project.start_precision,
            end=project.end_date,
            end_precision=project.end_precision,
            duration_months=project.duration_months,
            duration_is_approximate=project.duration_is_approximate,
        )
        projects.filter(pk=project.pk).update(earliest_start=period.earliest_start(), latest_end=period.latest_end())


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_relation_external_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproject",
            name="earliest_start",
            field=models.DateField(editable=False, null=True, verbose_name="earliest possible start"),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="latest_end",
            field=models.DateField(editable=False, null=True, verbose_name="latest possible end"),
        ),
        migrations.AddField(
            model_name="project",
            name="earliest_start",
            field=models.DateField(editable=False, null=True, verbose_name="earliest possible start"),
        ),
        migrations.AddField(
            model_name="project",
            name="latest_end",
            field=models.DateField(editable=False, null=True, verbose_name="latest possible end"),
        ),
        migrations.RunPython(fill_period_bounds, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="project", name="project_years_idx"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["latest_end", "earliest_start"], name="project_period_bounds_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "latest_end"], name="project_status_end_idx"),
        ),
        migrations.RemoveField(model_name="historicalproject", name="earliest_year"),
        migrations.RemoveField(model_name="historicalproject", name="latest_year"),
        migrations.RemoveField(model_name="project", name="earliest_year"),
        migrations.RemoveField(model_name="project", name="latest_year"),
    ]
