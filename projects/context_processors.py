from django.utils import translation
from django.utils.safestring import mark_safe

# Catalogue content is written in Swedish; on pages in another language it is marked up
# as Swedish so that screen readers pronounce it right (WCAG 3.1.2, language of parts).
CONTENT_LANGUAGE = "sv"


def content_language(request):
    if translation.get_language() == CONTENT_LANGUAGE:
        return {"content_lang": ""}
    return {"content_lang": mark_safe(f' lang="{CONTENT_LANGUAGE}"')}
