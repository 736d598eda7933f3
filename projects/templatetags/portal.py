from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


@register.simple_tag(takes_context=True)
def facet_options(context, facet):
    """The <li> of each option of a facet, built here rather than in a template loop.

    A list page offers hundreds of options (partners, countries, funds); rendered through
    the template language, they were most of the page's rendering time.
    """
    lang = context.get("content_lang", "") if facet.is_content else ""
    projects_word = escape(gettext("projects"))
    items = []
    for number, option in enumerate(facet.options, start=1):
        ident = f"{facet.name}-{number}"
        css = ' class="part"' if option.is_part else ""
        checked = " checked" if option.chosen else ""
        items.append(
            f'<li{css}><input type="checkbox" name="{facet.name}" value="{escape(option.value)}" id="{ident}"{checked}>'
            f' <label for="{ident}"{lang}>{escape(option.label)} <span class="count">({option.count}'
            f'<span class="visually-hidden"> {projects_word}</span>)</span></label></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value in it is escaped above
