from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("projekt/", views.ProjectListView.as_view(), name="list"),
    path("projekt/<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("partner/<slug:slug>/", views.OrganisationDetailView.as_view(), name="partner"),
    path("fond/<slug:slug>/", views.FundDetailView.as_view(), name="fund"),
    path("tillganglighet/", views.AccessibilityStatementView.as_view(), name="accessibility"),
]
