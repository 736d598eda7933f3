from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and crawlers ask for by habit: the site's icon (a temporary
    redirect, since the icon's address changes with its content)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"

# Swedish pages live at the root, English ones under /en/.
urlpatterns = i18n_patterns(
    path("", include("projects.urls")),
    path("synpunkter/", include("feedback.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path(settings.ADMIN_URL, admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
