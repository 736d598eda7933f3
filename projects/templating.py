"""HTML the public pages build in Python rather than in a template loop."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def facet_options(facet, content_lang=""):
    """The <li> of each option of a facet.

    A list page offers hundreds of options (partners, countries, funds); even in Jinja2 a loop
    over them costs more than building the lines here.
    """
    lang = content_lang if facet.is_content else ""
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
