from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Catalogue content is written in Swedish; on pages in another language it is marked up
# as Swedish so that screen readers pronounce it right (WCAG 3.1.2, language of parts).
CONTENT_LANGUAGE = "sv"


def shown_language(instance, field):
    """The language `instance.<field>` is shown in on a page in the active language: the page's own
    where the field has a text in it (projects/translation.py), else Swedish."""
    language = translation.get_language()
    if language == CONTENT_LANGUAGE or getattr(instance, f"{field}_{language}", None):
        return language
    return CONTENT_LANGUAGE


def content_language(request):
    """For content shown on a page in the active language:

    - `content_lang`, the attribute that marks Swedish content (that has no English) on a page in
      another language; empty on Swedish pages;
    - for a field that editors may give in English as well (projects/translation.py),
      `lang_of(instance, field)`, the same attribute, and `in_swedish_of(instance, field)`, the
      notice a block of Swedish text starts with: both empty where the page's language is shown.
    """
    language = translation.get_language()
    if language == CONTENT_LANGUAGE:
        return {"content_lang": "", "lang_of": _nothing, "in_swedish_of": _nothing}
    lang = mark_safe(f' lang="{CONTENT_LANGUAGE}"')
    notice = format_html('<span class="in-swedish" lang="{}">({})</span> ', language, translation.gettext("in Swedish"))

    def lang_of(instance, field):
        return "" if shown_language(instance, field) == language else lang

    def in_swedish_of(instance, field):
        return "" if shown_language(instance, field) == language else notice

    return {"content_lang": lang, "lang_of": lang_of, "in_swedish_of": in_swedish_of}


def _nothing(instance, field):
    return ""
