"""Every change to the catalogue's content moves the catalogue version on (see CatalogueVersion), and
marks the projects whose pages show the change (see projects/snapshots.py).

A change made with QuerySet.update() or a bulk method sends no signal: such code must call
CatalogueVersion.objects.bump() itself, which marks every project's page.
"""

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from .roles import CATALOGUE_MODELS

# Rows that belong to one project's page, and the fields that name the projects they belong to.
PAGE_PARTS = {
    "participation": ("project_id",),
    "projectcountry": ("project_id",),
    "funding": ("project_id",),
    "document": ("project_id",),
    "projectrelation": ("project_id", "related_project_id"),
}


def pages_showing(instance):
    """A condition on Project: the projects whose pages show this row (None: no page does)."""
    name = instance._meta.model_name
    if name in PAGE_PARTS:
        return Q(pk__in=[getattr(instance, field) for field in PAGE_PARTS[name]])
    if name == "project":
        # Its own page, and the pages that name it as a related project, either way round.
        return Q(pk=instance.pk) | Q(relations__related_project=instance.pk) | Q(inverse_relations__project=instance.pk)
    if name == "organisation":
        return Q(participations__organisation=instance.pk)
    if name == "fund":  # a part's funding names its parent fund too
        return Q(fundings__fund=instance.pk) | Q(fundings__fund__parent=instance.pk)
    if name == "framework":
        return Q(framework=instance.pk)
    if name == "country":
        return Q(project_countries__country=instance.pk) | Q(participations__country=instance.pk)
    return None  # the start page's texts


def remember_previous_pages(sender, instance, raw=False, **kwargs):
    """A part moved to another project leaves the page it was on: that page is marked too."""
    name = instance._meta.model_name
    if raw or instance._state.adding or name not in PAGE_PARTS:
        return
    previous = sender.objects.filter(pk=instance.pk).values_list(*PAGE_PARTS[name]).first()
    instance._previous_pages = Q(pk__in=previous or [])


def bump_catalogue_version(sender, instance, raw=False, **kwargs):
    if raw:  # rows being loaded as they are (fixtures, test set-up): nothing has changed yet
        return
    from .models import CatalogueVersion

    pages = pages_showing(instance)
    previous = getattr(instance, "_previous_pages", None)
    if previous is not None:
        pages = previous if pages is None else pages | previous
    CatalogueVersion.objects.bump(pages=pages)


def connect():
    for name in CATALOGUE_MODELS:
        model = apps.get_model("projects", name)
        pre_save.connect(remember_previous_pages, sender=model, dispatch_uid=f"catalogue-pages-before-{name}")
        post_save.connect(bump_catalogue_version, sender=model, dispatch_uid=f"catalogue-version-save-{name}")
        post_delete.connect(bump_catalogue_version, sender=model, dispatch_uid=f"catalogue-version-delete-{name}")
