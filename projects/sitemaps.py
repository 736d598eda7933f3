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

from collections.abc import Sequence
from functools import cached_property, wraps

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q, Subquery
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

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

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
        rows = self.queryset[first : -(-stop // size)]
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
        return Paginator(LanguagePairs(self.items(), [code for code, _name in settings.LANGUAGES]), self.limit)

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


class ShownWithProjectsSitemap(RowsSitemap):
    """Organisations or funds with a published project, each changed last when it or one of them was."""

    model = None

    def shown_projects(self):
        """The published projects' rows (Participation, Funding) that the page of OuterRef("pk") shows."""
        raise NotImplementedError

    def rows(self):
        history = self.model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
        return self.model.objects.filter(Exists(self.shown_projects())).annotate(
            projects_changed=Subquery(
                self.shown_projects().order_by("-project__content_changed_on").values("project__content_changed_on")[:1]
            ),
            row_changed=Subquery(history.values("history_date")[:1]),
        )

    def items(self):
        return self.rows().order_by("pk").values_list("slug", "projects_changed", "row_changed", named=True)

    def lastmod(self, row):
        return latest(row.projects_changed, local_day(row.row_changed))

    def get_latest_lastmod(self):
        changed = self.rows().aggregate(projects=Max("projects_changed"), row=Max("row_changed"))
        return latest(changed["projects"], local_day(changed["row"]))


def latest(*days):
    known = [day for day in days if day is not None]
    return max(known) if known else None


class PartnerSitemap(ShownWithProjectsSitemap):
    view_name = "projects:partner"
    model = Organisation

    def shown_projects(self):
        return Participation.objects.filter(organisation=OuterRef("pk"), project__is_published=True)


class FundSitemap(ShownWithProjectsSitemap):
    view_name = "projects:fund"
    model = Fund

    def shown_projects(self):
        # A fund's page shows the projects of its parts too (FundDetailView).
        shown = Q(fund=OuterRef("pk")) | Q(fund__parent=OuterRef("pk"))
        return Funding.objects.filter(shown, project__is_published=True)


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
