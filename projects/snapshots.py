"""Snapshots of the projects' pages: a project's page read back in one query, already rendered.

A project's page shows the project with its participants, funds, countries, relations and
documents: seven queries through the ORM and a long template. A snapshot keeps the part of the
page that is the same for every visitor (the article, rendered in each language), under the
catalogue version number it was read at; and beside it the project's entry in the list, so that
a list page reads its twenty entries in one query instead of building and rendering their rows.
Every change to the catalogue marks the projects whose pages show it with the number the change
brings (Project.page_version, projects/signals.py); a load or a bulk change marks them all at
once (CatalogueVersion.snapshots_from). A snapshot is read only when it was taken at or after
both, so one read before a change is never shown after it, even when it is written after the
change commits. A snapshot rendered by other code, templates or translations (FORMAT) is not
read either, nor one past the day it holds true until (an ongoing project's page changes when
its latest possible end has passed).
"""

import json
import logging
import zlib
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.db import connections
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from portal.release import RELEASE

from .context_processors import shown_language
from .models import CatalogueVersion, Project, ProjectSnapshot, version_key
from .structured_data import as_json, as_script, project_data
from .templating import render_shared

logger = logging.getLogger(__name__)
BATCH = 500
ARTICLE_TEMPLATE = "projects/project_article.html"
# A page's description for search engines, which show about this much of it.
DESCRIPTION_LENGTH = 200

# The layout of a snapshot and the release that rendered it (portal/release.py).
FORMAT = f"json-7/{RELEASE}"
# The snapshot `s` of project `p` is up to date when this holds (its first parameter: FORMAT) and it was
# taken at or after the last bulk change too (CatalogueVersion.snapshots_from); read() and
# list_entries() join on it.
UP_TO_DATE = "s.project_id = p.id AND s.format = %s AND s.taken_at >= p.page_version"
ENTRY_TEMPLATE = "includes/list_entry.html"


@dataclass(frozen=True)
class Entry:
    """A project as the list shows it, in the active language: its slug and name, and its <li>."""

    pk: int
    slug: str
    name: str
    html: str

    def __html__(self):
        return self.html


@dataclass(frozen=True)
class Page:
    """What a snapshot holds, by language: the project's name and the language it is written in (Swedish
    where no English is given), its description for search engines (its summary, cut to
    DESCRIPTION_LENGTH), its article's HTML and its schema.org description (the JSON text of its data
    block, structured_data.as_json(), with paths for this site's addresses); and the last day the
    article holds true as rendered (ISO date; None when no day changes it)."""

    names: dict
    name_languages: dict
    descriptions: dict
    articles: dict
    structured_data: dict
    true_until: str | None = None

    def article(self, language):
        return mark_safe(self.articles[language])  # noqa: S308 - rendered by our own template, escaped there

    def structured_data_script(self, language, origin):
        """The JSON-LD data block of the page in `language`, its addresses absolute under `origin`."""
        return as_script(self.structured_data[language], origin)

    def is_out_of_date(self):
        return has_passed(self.true_until)


def read(slug):
    """The Page of the published project at `slug` from an up-to-date snapshot (or None), and the
    catalogue version.

    One query, read before anything else of the page: without a snapshot, the project is read
    from the database after it, and its snapshot is taken at that version's number.
    """
    connection = connections[ProjectSnapshot.objects.db]
    name = connection.ops.quote_name
    snapshot, project, version = (name(model._meta.db_table) for model in (ProjectSnapshot, Project, CatalogueVersion))
    # Asked in plain SQL, as CatalogueVersion.current() is: the ORM would cost more than the answer.
    sql = (
        f"SELECT v.number, v.changed, s.data FROM {version} v LEFT JOIN ({project} p JOIN {snapshot} s"
        f" ON {UP_TO_DATE})"
        " ON p.slug = %s AND p.is_published AND s.taken_at >= v.snapshots_from"
        " WHERE v.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [FORMAT, slug, CatalogueVersion.ROW])
        row = cursor.fetchone()
    if row is None:  # no version row yet (an emptied database): nothing is up to date
        return None, CatalogueVersion.objects.current()
    number, changed, data = row
    page = None if data is None else restored(data, slug)
    return (None if page is None or page.is_out_of_date() else page), version_key(number, changed)


def restored(data, slug):
    """The Page a snapshot holds; None (and a log line) when it cannot be read back."""
    try:
        held = json.loads(zlib.decompress(data))
        return Page(**{field.name: held[field.name] for field in fields(Page)})
    except Exception:  # noqa: BLE001 - any damage: the page is read from the database instead
        logger.warning("The snapshot of %s could not be read; the page is read from the database", slug)
        return None


def all_languages():
    return [code for code, _name in settings.LANGUAGES]


def has_passed(true_until):
    """Whether the day a page or an entry holds true until (holds_until()) is over."""
    return true_until is not None and timezone.localdate().isoformat() > str(true_until)


def holds_until(project):
    """The last day what a page or an entry says of `project` holds (ISO date), or None when no day
    changes it: an ongoing project's page says so once even its latest possible end has passed
    (status.html)."""
    today = timezone.localdate()
    ends = project.status == Project.Status.ONGOING and project.latest_end is not None and project.latest_end >= today
    return project.latest_end.isoformat() if ends else None


def render(project, languages=None):
    """The Page of `project` (read with Project.objects.for_page()), in `languages` (all by default)."""
    countries = {}
    for place in project.project_countries.all():
        countries.setdefault(place.get_role_display(), []).append(place)
    names, name_languages, descriptions, articles, structured_data = {}, {}, {}, {}, {}
    for language in languages or all_languages():
        with translation.override(language):
            names[language], name_languages[language] = project.name, shown_language(project, "name")
            descriptions[language] = Truncator(project.summary).chars(DESCRIPTION_LENGTH)
            articles[language] = render_shared(ARTICLE_TEMPLATE, {"project": project, "countries_by_role": countries})
            structured_data[language] = as_json(project_data(project))
    return Page(
        names=names,
        name_languages=name_languages,
        descriptions=descriptions,
        articles=articles,
        structured_data=structured_data,
        true_until=holds_until(project),
    )


def render_entry(project, language):
    """The list's <li> of `project` in `language`."""
    with translation.override(language):
        return render_shared(ENTRY_TEMPLATE, {"project": project})


def entry_data(project):
    """What a snapshot keeps of `project`'s entry in the list: its slug, and its name and <li> in each language."""
    names, html = {}, {}
    for language in all_languages():
        with translation.override(language):
            names[language] = project.name
        html[language] = render_entry(project, language)
    return {"slug": project.slug, "names": names, "html": html, "true_until": holds_until(project)}


def keep(projects, taken_at):
    """Render and keep snapshots of `projects` (read with Project.objects.for_page()) as read at
    version number `taken_at`; returns their Pages."""
    pages = [render(project) for project in projects]
    ProjectSnapshot.objects.bulk_create(
        [
            ProjectSnapshot(
                project_id=project.pk,
                taken_at=taken_at,
                format=FORMAT,
                data=snapshot_data(page),
                entry=json.dumps(entry_data(project)),
            )
            for project, page in zip(projects, pages, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["taken_at", "format", "data", "entry"],
    )
    return pages


def list_entries(pks, queryset):
    """{pk: Entry} of the published projects among `pks`, in the active language: from their
    snapshots where these are up to date as read() has them (taken at or after the project's
    last change and the last bulk change, by this release, and still true today), in one query;
    else rendered from `queryset`'s rows, in one more.
    """
    if not pks:
        return {}
    connection = connections[ProjectSnapshot.objects.db]
    name = connection.ops.quote_name
    snapshot, project, version = (name(model._meta.db_table) for model in (ProjectSnapshot, Project, CatalogueVersion))
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT p.id, s.entry FROM {project} p LEFT JOIN {snapshot} s"
        f" ON {UP_TO_DATE}"
        f" AND s.taken_at >= (SELECT v.snapshots_from FROM {version} v WHERE v.id = %s)"
        f" WHERE p.id IN ({placeholders}) AND p.is_published"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [FORMAT, CatalogueVersion.ROW, *pks])
        rows = cursor.fetchall()
    language = translation.get_language()
    entries, missing = {}, []
    for pk, text in rows:
        data = entry_of(text, pk)
        html, name = data.get("html", {}).get(language), data.get("names", {}).get(language)
        if not isinstance(html, str) or name is None or has_passed(data.get("true_until")):
            missing.append(pk)
            continue
        # Rendered by our own template, escaped there.
        entries[pk] = Entry(pk, data["slug"], name, mark_safe(html))  # noqa: S308
    for project in queryset.filter(pk__in=missing) if missing else ():
        entries[project.pk] = Entry(project.pk, project.slug, project.name, render_entry(project, language))
    return entries


def entry_of(text, pk):
    """What a snapshot keeps of a list entry (entry_data()); empty when there is none or it cannot be read back."""
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    kinds = {"slug": str, "names": dict, "html": dict}
    if not isinstance(data, dict) or not all(isinstance(data.get(key), kind) for key, kind in kinds.items()):
        # Any damage: the entry is rendered from the row instead.
        logger.warning("The list entry of project %s could not be read; it is rendered from the database", pk)
        return {}
    return data


def version_number(key):
    """The number of a catalogue version key (CatalogueVersion.objects.current())."""
    return int(key.split("-", 1)[0])


def snapshot_data(page):
    held = asdict(page)
    return zlib.compress(json.dumps(held).encode(), 1)


def take_all(*, batch=BATCH):
    """Snapshots of every published project whose snapshot is missing or out of date; returns how many were taken."""
    taken_at = version_number(CatalogueVersion.objects.current())  # before the data is read
    snapshots_from = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW).values("snapshots_from")
    up_to_date = ProjectSnapshot.objects.filter(
        project=OuterRef("pk"), format=FORMAT, taken_at__gte=OuterRef("page_version")
    ).filter(taken_at__gte=Subquery(snapshots_from))
    pks = list(Project.objects.published().exclude(Exists(up_to_date)).values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        keep(list(Project.objects.filter(pk__in=pks[start : start + batch]).for_page()), taken_at)
    return len(pks)
