from django.urls import path, register_converter

from . import views
from .pagecache import cached_page

app_name = "projects"


class ExportFormat:
    """The formats a project list downloads as (projects/exports.py); any other is no address (404)."""

    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")

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
]
