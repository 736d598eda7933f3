"""HTML the public pages build outside their templates: parts kept between requests, and option lists."""

import functools

from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, npgettext
from markupsafe import escape as escape_text

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


# A bar's fill: the core solid, a fading end with its gradient (timeline_chart.html defines them).
BAR_FILLS = {"core": "#00505a", "fade-in": "url(#timeline-fade-in)", "fade-out": "url(#timeline-fade-out)"}


def status_macro():
    """The status macro of includes/status.html, which list entries and the timeline's table share."""
    return engines["jinja2"].env.get_template("includes/status.html").module.status


def timeline_bars(timeline):
    """Each project's bar of a timeline (projects/timeline.py) as SVG: a link with its period and status
    described, its name in lines above it, its parts and the caps of its sharp ends.

    Built here rather than in timeline_chart.html, as facet_options() is: twenty bars of numbers and
    text in a template loop cost more than the rest of the page. Text is escaped as the templates
    escape it (markupsafe).
    """
    lang_of = content_language(None)["lang_of"]
    bar_height = timeline.bar_height
    parts = []
    for row in timeline.rows:
        bar, project = row.bar, row.bar.project
        last = len(row.label) - 1
        tspans = "".join(
            f'<tspan x="0" dx="6" y="{y}">{escape_text(line)}{" " if number < last else ""}</tspan>'
            for number, (line, y) in enumerate(zip(row.label, row.label_y, strict=True))
        )
        rects = "".join(
            f'\n    <rect class="{segment.kind}" x="{segment.x}%" width="{segment.width}%" y="{row.bar_y}"'
            f' height="{bar_height}" fill="{BAR_FILLS[segment.kind]}"/>'
            for segment in row.segments
        )
        caps = "".join(
            f'\n    <line class="cap" x1="{x}%" x2="{x}%" y1="{row.bar_y - 3}" y2="{row.bar_y + bar_height + 3}"'
            ' stroke="#1b1b1b" stroke-width="2"/>'
            for x in row.caps
        )
        period, address = escape_text(project.period), escape_text(project.get_absolute_url())
        parts.append(
            f'<a href="{address}" class="bar start-{bar.start_kind} end-{bar.end_kind}">\n'
            f"    <desc>{period}, {escape_text(project.get_status_display())}</desc>\n"
            f'    <text class="label"{lang_of(project, "name")}>{tspans}</text>{rects}{caps}\n'
            "  </a>"
        )
        if not row.segments:
            y = row.bar_y + bar_height - 2
            parts.append(f'<text class="no-period" x="0" dx="6" y="{y}" aria-hidden="true">{period}</text>')
    return mark_safe("\n  ".join(parts))  # noqa: S308 - every text in it escaped


def timeline_table_rows(timeline):
    """The rows of the table beside a timeline: each project's name, start and end as the site writes
    them, its length and its status; built here for the reason timeline_bars() is."""
    lang_of, status = content_language(None)["lang_of"], status_macro()
    start, end, length, status_label, not_stated = (
        escape_text(text)
        for text in (gettext("Start"), gettext("End"), gettext("Length"), gettext("Status"), gettext("not stated"))
    )
    rows = []
    for row in timeline.rows:
        bar, project = row.bar, row.bar.project
        rows.append(
            "<tr>\n"
            f'  <th scope="row"{lang_of(project, "name")}><a href="{escape_text(project.get_absolute_url())}">'
            f"{escape_text(project.name)}</a></th>\n"
            f'  <td data-label="{start}">{escape_text(bar.written_start) or not_stated}</td>\n'
            f'  <td data-label="{end}">{escape_text(bar.written_end) or not_stated}</td>\n'
            f'  <td data-label="{length}">{escape_text(project.period.duration)}</td>\n'
            f'  <td data-label="{status_label}">{status(project)}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it escaped, the status by its macro
