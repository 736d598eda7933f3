"""The day a project's content last changed, apart from the moment its row was last written.

"Last updated" showed `updated`, the day the fixtures were loaded. A project's content is dated
by the source page (PageContent.source_updated_on) until an editor changes it: a project whose
row was not written again after it was created gets the source's date, the others the day
they were last written. A closed project's latest possible end is now bounded by the day its
facts were confirmed (Project.set_period_bounds): the bounds are derived again.
"""

import datetime

import django.utils.timezone
from django.db import migrations, models


def date_content(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    PageContent = apps.get_model("projects", "PageContent")
    page = PageContent.objects.first()
    for project in Project.objects.all():
        untouched = project.updated - project.created < datetime.timedelta(minutes=1)
        if untouched and page is not None and page.source_updated_on:
            project.content_changed_on = page.source_updated_on
        else:
            project.content_changed_on = django.utils.timezone.localtime(project.updated).date()
        confirmed = project.reviewed_on
        if project.status == "closed" and confirmed and (project.latest_end is None or project.latest_end > confirmed):
            project.latest_end = confirmed
        Project.objects.filter(pk=project.pk).update(
            content_changed_on=project.content_changed_on, latest_end=project.latest_end
        )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0014_search_document_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproject",
            name="content_changed_on",
            field=models.DateField(
                default=django.utils.timezone.localdate, editable=False, verbose_name="content last changed"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="content_changed_on",
            field=models.DateField(
                default=django.utils.timezone.localdate, editable=False, verbose_name="content last changed"
            ),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="reviewed_on",
            field=models.DateField(
                blank=True,
                help_text="The day an editor last checked that the entry, its status included, is still true.",
                null=True,
                verbose_name="facts confirmed",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="reviewed_on",
            field=models.DateField(
                blank=True,
                help_text="The day an editor last checked that the entry, its status included, is still true.",
                null=True,
                verbose_name="facts confirmed",
            ),
        ),
        migrations.RunPython(date_content, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="project", name="project_updated_idx"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["content_changed_on"], name="project_changed_idx"),
        ),
    ]
