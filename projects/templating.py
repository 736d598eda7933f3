"""HTML the public pages build outside their templates: parts kept between requests, and option lists."""

import functools

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import npgettext

from .context_processors import content_language


def render_shared(template_name, context):
    """A part of a page that is the same for every visitor, in the active language: rendered without
    the request (no CSRF token, messages or visitor's state can reach it), to be kept and shown to all."""
    return mark_safe(render_to_string(template_name, {**context, **content_language(None)}))  # noqa: S308


@functools.lru_cache(maxsize=4096)
def _option_parts(name, value, label, lang, is_part):
    """The parts of an option's <li> that are the same on every list: before its id, and after its label's id."""
    css = ' class="part"' if is_part else ""
    lang = f' lang="{lang}"' if lang else ""
    return (
        f'<li{css}><input type="checkbox" name="{name}" value="{escape(value)}" id="',
        f'"{lang}>{escape(label)} <span class="count">(',
    )


@functools.lru_cache(maxsize=1024)
def _count_words(language, count):
    """ "project" or "projects", as a number of them is said in `language`."""
    with translation.override(language):
        return escape(npgettext("projects behind an option", "project", "projects", count))


def facet_options(facet):
    """The <li> of each option of a facet.

    A list page offers hundreds of options (partners, countries, funds); even in Jinja2 a loop
    over them costs more than building the lines here, from parts made once.
    """
    language = translation.get_language()
    items = []
    for number, option in enumerate(facet.options, start=1):
        before_id, after_label_id = _option_parts(facet.name, option.value, option.label, option.lang, option.is_part)
        ident = f"{facet.name}-{number}"
        checked = " checked" if option.chosen else ""
        items.append(
            f'{before_id}{ident}"{checked}> <label for="{ident}{after_label_id}{option.count}'
            f'<span class="visually-hidden"> {_count_words(language, option.count)}</span>)</span></label></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value in it is escaped in _option_parts
