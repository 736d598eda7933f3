from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context):
    """Links to this page in the other languages, keeping the query string."""
    request = context.get("request")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if code == current or request is None:
            continue
        url = translate_url(request.get_full_path(), code)
        with translation.override(code):
            label = translation.gettext("In English") if code == "en" else translation.gettext("In Swedish")
        links.append({"code": code, "url": url, "label": label, "name": name})
    return {"links": links}
