"""The moment a project's content last changed, beside the day (Project.content_changed).

The list sorts by it and the feeds date their entries by it: two changes on one day are told
apart. For the rows there are, the moment is found as near as the rows tell: the last write of
the row (`updated`; its history record's time for a record) when that was on the day the content
last changed, since a later write that day changed no content, or it would have moved the day
itself; else the first moment of that day, which is all that is known of the shipped content
(the source page's date).
"""

import datetime

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def moment_of(day, last_write):
    if timezone.localdate(last_write) == day:
        return last_write
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def date_the_moments(apps, schema_editor):
    for model_name, last_write in (("project", "updated"), ("historicalproject", "history_date")):
        model = apps.get_model("projects", model_name)
        pk = model._meta.pk.attname
        rows = model.objects.values_list(pk, "content_changed_on", last_write)
        for key, day, written in rows.iterator(chunk_size=2000):
            model.objects.filter(**{pk: key}).update(content_changed=moment_of(day, written))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0018_uploads_by_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproject",
            name="content_changed",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="moment content last changed"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="content_changed",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="moment content last changed"
            ),
        ),
        migrations.RunPython(date_the_moments, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="project", name="project_changed_idx"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["content_changed"], name="project_changed_moment_idx"),
        ),
    ]
