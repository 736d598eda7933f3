from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from api.docs import ApiDocumentationView
from api.endpoints import api
from portal import health
from portal.findable import robots_txt
from projects import sitemaps
from projects.pagecache import cached_page
from projects.views import IatiActivitiesView


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and crawlers ask for by habit: the site's icon (a temporary
    redirect, since the icon's address changes with its content)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler500 = "portal.errors.server_error"

# Swedish pages live at the root, English ones under /en/.
urlpatterns = i18n_patterns(
    path("", include("projects.urls")),
    path("synpunkter/", include("feedback.urls")),
    # The API's documentation, for people, in each language; the API itself is below, in none.
    path("api/", cached_page(ApiDocumentationView.as_view()), name="api-docs"),
    prefix_default_language=False,
)

urlpatterns += [
    path(settings.ADMIN_URL, admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    # For machines, in no language of its own: outside the language prefixes.
    path("iati/activities.xml", IatiActivitiesView.as_view(), name="iati-activities"),
    path("api/v1/", api.urls),
    path("robots.txt", robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.section,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/section.xml"},
        name="sitemap-section",
    ),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
]

if settings.DEBUG:
    # Uploaded files, as the proxy serves them in production (deploy/nginx.conf): as downloads,
    # never shown in the site's own origin (SecurityMiddleware adds nosniff).
    from django.urls import re_path
    from django.views.static import serve

    def download(request, path):
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
        response["Content-Disposition"] = "attachment"
        return response

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", download)]
