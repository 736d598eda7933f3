"""HTML the public pages build outside their templates: parts kept between requests, and option lists."""

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import npgettext

from .context_processors import content_language


def render_shared(template_name, context):
    """A part of a page that is the same for every visitor, in the active language: rendered without
    the request (no CSRF token, messages or visitor's state can reach it), to be kept and shown to all."""
    return mark_safe(render_to_string(template_name, {**context, **content_language(None)}))  # noqa: S308


def facet_options(facet):
    """The <li> of each option of a facet.

    A list page offers hundreds of options (partners, countries, funds); even in Jinja2 a loop
    over them costs more than building the lines here.
    """
    words = {}  # "1 project", "2 projects": one lookup per number
    items = []
    for number, option in enumerate(facet.options, start=1):
        if option.count not in words:
            words[option.count] = escape(npgettext("projects behind an option", "project", "projects", option.count))
        ident = f"{facet.name}-{number}"
        css = ' class="part"' if option.is_part else ""
        checked = " checked" if option.chosen else ""
        lang = f' lang="{option.lang}"' if option.lang else ""
        items.append(
            f'<li{css}><input type="checkbox" name="{facet.name}" value="{escape(option.value)}" id="{ident}"{checked}>'
            f' <label for="{ident}"{lang}>{escape(option.label)} <span class="count">({option.count}'
            f'<span class="visually-hidden"> {words[option.count]}</span>)</span></label></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value in it is escaped above
