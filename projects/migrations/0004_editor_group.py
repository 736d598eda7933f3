"""The "Redaktör" group: what an editor may do in the admin, and nothing more.

Editors keep the catalogue and read the page feedback. They cannot manage users or groups,
see the login lockouts, or add feedback themselves (only visitors do that).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "Redaktör"

# Every catalogue model an editor keeps; LoadedRecord is the catalogue loader's bookkeeping.
CATALOGUE_MODELS = [
    "country",
    "framework",
    "organisation",
    "fund",
    "project",
    "participation",
    "projectcountry",
    "funding",
    "projectrelation",
    "document",
    "pagecontent",
]


def editor_permissions():
    """(app label, codename) of every permission the group holds."""
    permissions = [
        ("projects", f"{action}_{model}")
        for model in CATALOGUE_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    # django-simple-history's tables: editors read a row's history, nobody rewrites it.
    permissions += [("projects", f"view_historical{model}") for model in CATALOGUE_MODELS]
    # Feedback comes from visitors: editors read it, mark it read, delete spam; they never add it.
    permissions += [("feedback", f"{action}_feedback") for action in ("view", "change", "delete")]
    return permissions


def create_editor_group(apps, schema_editor):
    # Permissions are created by a post_migrate signal, after all migrations have run: on a
    # fresh database they do not exist yet at this point, so create them now.
    for app_label in ("projects", "feedback"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    permissions = [
        Permission.objects.using(db).get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in editor_permissions()
    ]
    group, _ = Group.objects.using(db).get_or_create(name=EDITOR_GROUP)
    group.permissions.set(permissions)


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
