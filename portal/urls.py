from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# Swedish pages live at the root, English ones under /en/.
urlpatterns = i18n_patterns(
    path("", include("projects.urls")),
    path("synpunkter/", include("feedback.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
