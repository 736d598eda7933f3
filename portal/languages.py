"""The languages of the portal: Swedish first, English through Django's i18n."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """A language the portal speaks, and that content and documents are marked with."""

    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
