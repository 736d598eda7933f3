"""Headers every response carries: the request's id (portal/logs.py), what the page may ask the
browser for, and how long a browser may keep an HTML page.

A public page may be kept PUBLIC_PAGE_MAX_AGE seconds and is then asked for again; the admin, a
page for someone with a session (an editor), or a response that sets a cookie, is never stored. A view that
has said how its response may be kept (an editor's preview, Django's never_cache) keeps its word.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

from .logs import id_for, request_id


def response_headers_middleware(get_response):
    admin_path = f"/{settings.ADMIN_URL}"

    def middleware(request):
        this_id = id_for(request.headers.get("X-Request-ID"))
        token = request_id.set(this_id)
        try:
            response = get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = this_id
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response and response.get("Content-Type", "").startswith("text/html"):
            has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
            if request.path.startswith(admin_path) or response.cookies or has_session:
                patch_cache_control(response, private=True, no_store=True)
            else:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE, must_revalidate=True)
        return response

    return middleware
