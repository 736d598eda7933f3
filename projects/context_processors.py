from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Catalogue content is written in Swedish; on pages in another language it is marked up
# as Swedish so that screen readers pronounce it right (WCAG 3.1.2, language of parts).
CONTENT_LANGUAGE = "sv"


def content_language(request):
    """`content_lang`, the attribute that marks Swedish content on a page in another language, and
    `in_swedish`, the notice a block of such content starts with (empty on Swedish pages)."""
    language = translation.get_language()
    if language == CONTENT_LANGUAGE:
        return {"content_lang": "", "in_swedish": ""}
    notice = format_html('<span class="in-swedish" lang="{}">({})</span> ', language, translation.gettext("in Swedish"))
    return {"content_lang": mark_safe(f' lang="{CONTENT_LANGUAGE}"'), "in_swedish": notice}
