"""Atom feeds of the published projects: all of them, and those of a fund, a partner or a country.

A feed is the project list as the list filters it (ProjectFilterSet, from the catalogue index),
sorted by last change, newest first, and cut to its first MAX_ENTRIES: the feed of Serbia is
the list at `?country=RS&sort=-updated`. So a fund's feed counts the fund with its parts, and a
country's takes the country in any role, as the list does.

An entry is a project, updated when its content last changed (Project.content_changed: not
its review, order or publication); the feed is updated when its newest entry is, and an empty
feed when the catalogue last changed. No entry says when it was published: the catalogue does
not know when a project was first shown (its row may have been made long after the source
page, or kept unpublished for a while). An entry's id is a tag URI made of the project's id
and the day its row was made, so that it outlives a change of the project's address; the
Swedish and the English entry of a project are two entries, with ids of their own.

A feed costs the same few queries however many entries it has, and is kept in the page cache
like a public page (projects/pagecache.py, whose key holds the scheme and the host that the
feed's absolute addresses are made of).
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .context_processors import shown_language
from .filters import ProjectFilterSet
from .iati import NOT_IN_XML
from .models import CatalogueVersion, Country, Fund, Organisation, Project

# The most entries a feed has: the projects changed last.
MAX_ENTRIES = 50
# What an entry shows of a project, and no more.
ENTRY_COLUMNS = ("name", "slug", "summary", "status", "content_changed", "created")
# The list's filters that have a feed of their own, by the feed's URL name.
FEEDS_BY_FILTER = {"fund": "projects:fund-feed", "partner": "projects:partner-feed", "country": "projects:country-feed"}


def plain_text(value):
    """Text as XML 1.0 can carry it: the control characters it cannot hold are left out."""
    return NOT_IN_XML.sub("", str(value))


class LanguageMarks:
    """A feed writer's XML handler that marks the language of the elements named in `languages`
    (an English feed shows a project's Swedish text where it has no English)."""

    def __init__(self, handler, languages):
        self.handler, self.languages = handler, languages

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in self.languages:
            attrs = {**(attrs or {}), "xml:lang": self.languages[name]}
        self.handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self.handler, name)


class ProjectAtomFeed(Atom1Feed):
    """Atom 1.0, with the language of each entry's text marked where it is not the feed's, and the
    time an empty feed was last updated given (Django would give the time of the request)."""

    def latest_post_date(self):
        if not self.items and self.feed.get("updated") is not None:
            return self.feed["updated"]
        return super().latest_post_date()

    def add_item_elements(self, handler, item):
        super().add_item_elements(LanguageMarks(handler, item.get("languages") or {}), item)


class Entry(NamedTuple):
    project: Project
    # The host's name, without a port: the authority of the entry's tag URI.
    domain: str


@dataclass
class FeedContent:
    """What one feed says: its title, the page it follows, its id, its entries, and when it was updated
    if it has no entry to say so."""

    title: str
    page: str
    id: str
    entries: list
    updated: object = None


class ProjectFeed(Feed):
    """The published projects that a filter of the project list lets through (describe()), changed last first."""

    feed_type = ProjectAtomFeed

    def describe(self, request, **kwargs):
        """(title, address of the page the feed follows, the list's query for its projects)."""
        raise NotImplementedError

    def get_object(self, request, **kwargs):
        title, page, query = self.describe(request, **kwargs)
        data = QueryDict(mutable=True)
        data.update({**query, "sort": "-updated"})
        published = Project.objects.published().only(*ENTRY_COLUMNS)
        filterset = ProjectFilterSet(data, queryset=published, request=request)
        if filterset.form.errors:
            # A fund, partner or country added after the catalogue version this request reads.
            raise Http404
        projects = filterset.results()[:MAX_ENTRIES]
        updated = None
        if not projects:
            changed = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW).values_list("changed", flat=True)
            updated = changed.first() or timezone.now()
        domain = split_domain_port(request.get_host())[0]
        return FeedContent(
            title=title,
            page=page,
            id=request.build_absolute_uri(request.path),
            entries=[Entry(project, domain) for project in projects],
            updated=updated,
        )

    def title(self, content):
        return plain_text(content.title)

    def subtitle(self, content):
        return _("The Swedish Migration Agency's international projects, the most recently changed first.")

    def link(self, content):
        return content.page

    def feed_guid(self, content):
        return content.id

    def author_name(self, content):
        return _("Swedish Migration Agency")

    def feed_extra_kwargs(self, content):
        return {"updated": content.updated}

    def items(self, content):
        return content.entries

    def item_title(self, entry):
        return plain_text(entry.project.name)

    def item_description(self, entry):
        # Atom's summary of type "html": the plain text, escaped once.
        return escape(plain_text(entry.project.summary))

    def item_link(self, entry):
        return entry.project.get_absolute_url()

    def item_guid(self, entry):
        language = translation.get_language()
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        made = timezone.localdate(entry.project.created).isoformat()
        return f"tag:{entry.domain},{made}:{prefix}/projekt/{entry.project.pk}"

    def item_updateddate(self, entry):
        return timezone.localtime(entry.project.content_changed)

    def item_categories(self, entry):
        return [str(entry.project.get_status_display())]

    def item_extra_kwargs(self, entry):
        project, language = entry.project, translation.get_language()
        marks = {"title": shown_language(project, "name"), "summary": shown_language(project, "summary")}
        return {"languages": {name: shown for name, shown in marks.items() if shown != language}}


class AllProjectsFeed(ProjectFeed):
    def describe(self, request):
        return _("The Swedish Migration Agency's international projects"), reverse("projects:list"), {}


class FundFeed(ProjectFeed):
    def describe(self, request, slug):
        fund = get_object_or_404(Fund, slug=slug)
        title = _("International projects funded by %(fund)s") % {"fund": fund.name}
        return title, fund.get_absolute_url(), {"fund": fund.slug}


class PartnerFeed(ProjectFeed):
    def describe(self, request, slug):
        organisation = get_object_or_404(Organisation, slug=slug)
        title = _("International projects with %(partner)s") % {"partner": organisation}
        return title, organisation.get_absolute_url(), {"partner": organisation.slug}


class CountryFeed(ProjectFeed):
    """A country's projects: the country in any role, as the list's country filter takes it."""

    def __call__(self, request, code):
        if code != code.lower():
            return HttpResponsePermanentRedirect(reverse("projects:country-feed", args=[code]))
        return super().__call__(request, code=code)

    def describe(self, request, code):
        country = get_object_or_404(Country, code=code.upper())
        title = _("International projects connected with %(country)s") % {"country": country.name}
        code = country.code.code
        return title, f"{reverse('projects:list')}?country={code}", {"country": code}


def feed_of_list(filterset):
    """The address of the feed that follows a project list: the feed of the one fund, partner or country
    the list is filtered by, if it is filtered by nothing else; else the feed of all projects."""
    values = filterset.cleaned_data
    chosen = [(name, value) for name in FEEDS_BY_FILTER for value in values.get(name) or []]
    others = [name for name in filterset.FACETS if name not in FEEDS_BY_FILTER and values.get(name)]
    others += [name for name in ("q", "year_from", "year_to") if values.get(name) not in (None, "")]
    if len(chosen) == 1 and not others and not filterset.hides_past_end:
        (name, value), narrowed = chosen[0], True
        return reverse(FEEDS_BY_FILTER[name], args=[value]), narrowed
    return reverse("projects:feed"), False
