"""The sitemap: every page worth finding, in Swedish and English, each with its address in the other
language and x-default (django.contrib.sitemaps, i18n with alternates).

Sections, each paged at LIMIT addresses (the index at /sitemap.xml lists every page of every section):

* pages: the start page, the project list and its timeline (unfiltered: a filtered list is reached
  from the pages that link to it, and robots.txt keeps crawlers out of the combinations), the
  accessibility statement and the privacy page;
* projects: every published project;
* partners, funds: every organisation and fund with a published project (a page with none has
  nothing to find).

lastmod is the real last change where the catalogue knows it: a project's "content last changed"
(the day its page gives as last updated); for a partner or a fund, the later of its own last change
(its history) and the last change of its published projects; for the start page, the list and the
timeline, the catalogue's last change. The two statements are texts in the code, whose changes the
catalogue does not record: they have none.

Each section reads only the columns it writes, a page of rows at a time, so that a sitemap of
100,000 projects costs no more per page than one of fifteen; the responses are kept in the page
cache under the catalogue version (projects/pagecache.py).
"""

from collections import namedtuple
from collections.abc import Sequence
from functools import cached_property, wraps

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .models import CatalogueVersion, Fund, Funding, Organisation, Participation, Project, slug_address
from .pagecache import cached_page

# Addresses on one page of a section: a tenth of what the protocol allows, so that a page is quick to
# render and small to send (each address carries its three alternates).
LIMIT = 5000


class LanguagePairs(Sequence):
    """The (row, language) pairs an i18n sitemap pages through, read from the database a page at a time.

    Django's Sitemap makes the pairs of every item of the section for every page it writes, which for
    100,000 projects reads every row to write 2,500 of them.
    """

    def __init__(self, queryset, languages, *, read=list):
        # read(rows): the rows of a page as the sitemap writes them.
        self.queryset, self.languages, self.read = queryset, languages, read

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        size = len(self.languages)
        first = start // size
        rows = self.read(list(self.queryset[first : -(-stop // size)]))
        pairs = [(row, language) for row in rows for language in self.languages]
        return pairs[start - first * size : stop - first * size]


class CatalogueSitemap(Sitemap):
    """A section in every language, with alternates and x-default."""

    limit = LIMIT
    i18n = True
    alternates = True
    # Django's x-default strips "/sv/" from the Swedish address, for sites whose default language has a
    # prefix; here it has none, and a slug "sv" would lose its part of the address. get_urls() adds it.
    x_default = False

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            default = next(each for each in url["alternates"] if each["lang_code"] == settings.LANGUAGE_CODE)
            url["alternates"].append({"location": default["location"], "lang_code": "x-default"})
        return urls


class RowsSitemap(CatalogueSitemap):
    """A section of the pages of rows addressed by their slugs, read a page at a time."""

    view_name = None

    @property
    def paginator(self):
        languages = [code for code, _name in settings.LANGUAGES]
        return Paginator(LanguagePairs(self.items(), languages, read=self.with_last_changes), self.limit)

    def with_last_changes(self, rows):
        """The rows of one page, with what lastmod() needs that is read for the whole page at once."""
        return rows

    def location(self, row):
        return slug_address(self.view_name, row.slug)


class ProjectSitemap(RowsSitemap):
    view_name = "projects:detail"

    def items(self):
        return Project.objects.published().order_by("pk").values_list("slug", "content_changed_on", named=True)

    def lastmod(self, row):
        return row.content_changed_on

    def get_latest_lastmod(self):
        return Project.objects.published().aggregate(latest=Max("content_changed_on"))["latest"]


def local_day(moment):
    return None if moment is None else timezone.localdate(moment)


def latest(*days):
    known = [day for day in days if day is not None]
    return max(known) if known else None


ChangedRow = namedtuple("ChangedRow", "slug lastmod")


class ShownWithProjectsSitemap(RowsSitemap):
    """Organisations or funds with a published project; each last changed when it, or one of the projects its
    page shows, last did.

    The last changes are read for a page of rows at once, each in one grouped query: for each row
    of the page, the latest change of the published projects its page shows, and of the row itself
    (its history).
    """

    model = None

    def has_shown_projects(self, pk):
        """A condition: the page of `pk` (an OuterRef) shows a published project."""
        raise NotImplementedError

    def projects_changed(self, pks):
        """{pk: the day the last of the published projects its page shows changed} of the rows `pks`."""
        raise NotImplementedError

    def showing_a_project(self):
        """A condition on Project: shown on a page of this section."""
        raise NotImplementedError

    def history(self):
        return self.model.history.model.objects

    def items(self):
        shown = self.model.objects.filter(self.has_shown_projects(OuterRef("pk")))
        return shown.order_by("pk").values_list("pk", "slug")

    def with_last_changes(self, rows):
        pks = [pk for pk, _slug in rows]
        projects = self.projects_changed(pks)
        own = self.history().filter(id__in=pks).values("id").annotate(changed=Max("history_date"))
        own = dict(own.values_list("id", "changed"))
        return [ChangedRow(slug, latest(projects.get(pk), local_day(own.get(pk)))) for pk, slug in rows]

    def lastmod(self, row):
        return row.lastmod

    def get_latest_lastmod(self):
        # Each the first found walking back along an index: the latest project shown on a page of the
        # section, and the latest change of a row that has a page in it.
        projects = Project.objects.published().filter(self.showing_a_project()).order_by("-content_changed_on")
        own = self.history().filter(self.has_shown_projects(OuterRef("id"))).order_by("-history_date")
        return latest(
            projects.values_list("content_changed_on", flat=True).first(),
            local_day(own.values_list("history_date", flat=True).first()),
        )


class PartnerSitemap(ShownWithProjectsSitemap):
    view_name = "projects:partner"
    model = Organisation

    def has_shown_projects(self, pk):
        return Exists(Participation.objects.filter(organisation=pk, project__is_published=True))

    def projects_changed(self, pks):
        participations = Participation.objects.filter(organisation__in=pks, project__is_published=True)
        grouped = participations.values("organisation").annotate(changed=Max("project__content_changed_on"))
        return dict(grouped.values_list("organisation", "changed"))

    def showing_a_project(self):
        return Exists(Participation.objects.filter(project=OuterRef("pk"), organisation__isnull=False))


class FundSitemap(ShownWithProjectsSitemap):
    view_name = "projects:fund"
    model = Fund

    def has_shown_projects(self, pk):
        # A fund's page shows the projects of its parts too (FundDetailView); two conditions, each of
        # which an index answers, rather than one on either column.
        published = Funding.objects.filter(project__is_published=True)
        return Exists(published.filter(fund=pk)) | Exists(published.filter(fund__parent=pk))

    def projects_changed(self, pks):
        fundings = Funding.objects.filter(Q(fund__in=pks) | Q(fund__parent__in=pks), project__is_published=True)
        grouped = fundings.values("fund", "fund__parent").annotate(changed=Max("project__content_changed_on"))
        changed = {}
        for row in grouped:
            for pk in (row["fund"], row["fund__parent"]):  # the part's page and its fund's
                changed[pk] = latest(changed.get(pk), row["changed"])
        return changed

    def showing_a_project(self):
        return Exists(Funding.objects.filter(project=OuterRef("pk")))


class PageSitemap(CatalogueSitemap):
    """The start page, the list, the timeline and the two statements."""

    # Pages that show the catalogue, and so change when it does.
    SHOWING_THE_CATALOGUE = ("projects:home", "projects:list", "projects:timeline")

    def items(self):
        return [*self.SHOWING_THE_CATALOGUE, "projects:accessibility", "projects:privacy"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.catalogue_changed if name in self.SHOWING_THE_CATALOGUE else None

    def get_latest_lastmod(self):
        return self.catalogue_changed

    @cached_property
    def catalogue_changed(self):
        """The day the catalogue's content last changed (read once per sitemap)."""
        return local_day(CatalogueVersion.objects.values_list("changed", flat=True).first())


SITEMAPS = {
    "pages": PageSitemap,
    "projects": ProjectSitemap,
    "partners": PartnerSitemap,
    "funds": FundSitemap,
}


def served(view):
    """A sitemap view as the site serves it: from the page cache, and kept by browsers and proxies as long
    as a public page."""
    cached = cached_page(view)

    @wraps(view)
    def serve(request, *args, **kwargs):
        response = cached(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE, must_revalidate=True)
        return response

    return serve


index = served(sitemap_views.index)
section = served(sitemap_views.sitemap)
