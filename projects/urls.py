from django.urls import path, register_converter

from . import feeds, views
from .pagecache import cached_page

app_name = "projects"


class ExportFormat:
    """The formats a project list downloads as (projects/exports.py); any other is no address (404)."""

    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class CountryCodeConverter:
    """An ISO 3166-1 alpha-2 code in an address, written in lower case like the rest of it."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value).lower()


register_converter(ExportFormat, "export_format")
register_converter(CountryCodeConverter, "country")

urlpatterns = [
    path("", cached_page(views.HomeView.as_view()), name="home"),
    path("projekt/", cached_page(views.ProjectListView.as_view()), name="list"),
    # Files too big for the page cache; a dot in the name keeps every project's slug clear of them.
    path("projekt/export.<export_format:format>", views.ProjectExportView.as_view(), name="export"),
    # Beside the list rather than under it: no project's slug can take the timeline's address.
    path("tidslinje/", cached_page(views.ProjectTimelineView.as_view()), name="timeline"),
    path("projekt/<slug:slug>/", cached_page(views.ProjectDetailView.as_view()), name="detail"),
    path("partner/<slug:slug>/", cached_page(views.OrganisationDetailView.as_view()), name="partner"),
    path("fond/<slug:slug>/", cached_page(views.FundDetailView.as_view()), name="fund"),
    path("tillganglighet/", cached_page(views.AccessibilityStatementView.as_view()), name="accessibility"),
    path("personuppgifter/", cached_page(views.PrivacyView.as_view()), name="privacy"),
    # Atom feeds (projects/feeds.py): beside the list, like the timeline; under a fund's, a partner's
    # and a country's address.
    path("flode/", cached_page(feeds.AllProjectsFeed()), name="feed"),
    path("fond/<slug:slug>/flode/", cached_page(feeds.FundFeed()), name="fund-feed"),
    path("partner/<slug:slug>/flode/", cached_page(feeds.PartnerFeed()), name="partner-feed"),
    path("land/<country:code>/flode/", cached_page(feeds.CountryFeed()), name="country-feed"),
]
