"""The "Redaktör" group: what an editor may do in the admin, and nothing more.

Editors keep the catalogue and read the page feedback. They cannot manage users or groups,
see the login lockouts, or add feedback themselves (only visitors do that). Migration
0004 creates the group with these permissions; `manage.py create_editor` puts people in it.
"""

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


def grant_editor_permissions(group, permission_model):
    """Give `group` exactly the editors' permissions (the models are passed in, so that a migration can use this)."""
    group.permissions.set(
        [
            permission_model.objects.using(group._state.db).get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in editor_permissions()
        ]
    )
