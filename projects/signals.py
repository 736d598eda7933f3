"""Every change to the catalogue's content moves the catalogue version on (see CatalogueVersion).

A change made with QuerySet.update() or a bulk method sends no signal: such code must call
CatalogueVersion.objects.bump() itself.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from .roles import CATALOGUE_MODELS


def bump_catalogue_version(sender, raw=False, **kwargs):
    if raw:  # rows being loaded as they are (fixtures, test set-up): nothing has changed yet
        return
    from .models import CatalogueVersion

    CatalogueVersion.objects.bump()


def connect():
    for name in CATALOGUE_MODELS:
        model = apps.get_model("projects", name)
        post_save.connect(bump_catalogue_version, sender=model, dispatch_uid=f"catalogue-version-save-{name}")
        post_delete.connect(bump_catalogue_version, sender=model, dispatch_uid=f"catalogue-version-delete-{name}")
