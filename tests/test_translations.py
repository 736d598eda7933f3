"""Every interface string of the public pages has its Swedish translation."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

MARKED = re.compile(r"""\{\{\s*_\((["'])(.+?)\1\)""")
# Words that are the same in both languages.
SAME_IN_SWEDISH = {"Format", "Period", "Start", "Status"}


def test_every_string_marked_in_the_public_templates_is_translated():
    sources = [path.read_text() for path in Path(settings.BASE_DIR, "templates", "jinja2").rglob("*.html")]
    # makemessages reads `{{ _("...") }}` only: not after a whitespace dash, nor later in the tag.
    assert not [source for source in sources if re.search(r"\{\{-\s*_\(|[^{\s]\s*_\(\s*[\"']", source)]
    marked = {match.group(2) for source in sources for match in MARKED.finditer(source)}
    assert len(marked) > 50
    with translation.override("sv"):
        untranslated = sorted(text for text in marked - SAME_IN_SWEDISH if translation.gettext(text) == text)
    assert untranslated == [], untranslated


def test_the_admin_words_that_django_and_axes_lack_in_swedish_are_ours():
    """Django 6.1's new admin words and django-axes's, which their own Swedish catalogues lack."""
    from axes.models import AccessAttempt, AccessLog
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("sv"):
        assert str(BLANK_CHOICE_LABEL) == "- Välj ett alternativ -"
        assert translation.gettext("Filter by %(field_name)s") == "Filtrera på %(field_name)s"
        assert str(AccessAttempt._meta.verbose_name_plural) == "inloggningsförsök"
        assert str(AccessLog._meta.get_field("logout_time").verbose_name) == "Utloggningstid"
