"""Headers every response carries: the request's id (portal/logs.py), what the page may ask the
browser for, and how long a browser may keep a page (HTML, or an Atom feed).

A public page may be kept PUBLIC_PAGE_MAX_AGE seconds and is then asked for again; the admin, a
page for someone with a session (an editor), a response that sets a cookie, and a server error
(a 503 while the database restarts) are never stored. A view that has said how its response may
be kept (an editor's preview, Django's never_cache) keeps its word.
"""

from django.conf import settings

from .logs import id_for, request_id

# The responses that are pages, kept by browsers as pages are.
PAGE_TYPES = ("text/html", "application/atom+xml")


def response_headers_middleware(get_response):
    admin_path = f"/{settings.ADMIN_URL}"
    # Worked out once: every response carries one of these (a header per response adds up).
    public = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, must-revalidate"
    never_stored = "private, no-store"
    permissions = settings.PERMISSIONS_POLICY

    def middleware(request):
        this_id = id_for(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_id.set(this_id)
        try:
            response = get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = this_id
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        if "Cache-Control" not in response and response.get("Content-Type", "").startswith(PAGE_TYPES):
            has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
            private = request.path.startswith(admin_path) or response.cookies or has_session
            response["Cache-Control"] = never_stored if private or response.status_code >= 500 else public
        return response

    return middleware
