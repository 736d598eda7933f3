"""The "Redaktör" group, with the permissions projects/roles.py gives editors."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from projects.roles import EDITOR_GROUP, grant_editor_permissions


def create_editor_group(apps, schema_editor):
    # Permissions are created by a post_migrate signal, after all migrations have run: on a
    # fresh database they do not exist yet at this point, so create them now.
    for app_label in ("projects", "feedback"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=EDITOR_GROUP)
    grant_editor_permissions(group, apps.get_model("auth", "Permission"))


def delete_editor_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_history_review_version"),
        ("feedback", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editor_group, delete_editor_group),
    ]
