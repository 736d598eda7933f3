"""A cache of the public pages, shared by all app servers, for visitors who are not logged in.

A page is kept under its address (with the scheme and host it was asked for at, which its
canonical, its feed's links and other absolute addresses name), its language, the catalogue version, the day and the
release (portal/release.py): an editor's change moves the version on, so the very next request on
any app server renders the page anew, and what was kept before is never served again; nor
is a page rendered by the code before a deployment. Only what is the same for every
visitor is kept: a GET or HEAD without a session (editors, previews) or messages waiting
for the visitor, whose response is a plain 200 that sets no cookie, carries no CSP nonce,
shows no message and is not marked private. (The feedback forms carry no CSRF token for
the same reason; see feedback/views.py.)
"""

import hashlib
import zlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone, translation

from portal import cache
from portal.release import RELEASE

from .models import CatalogueVersion

# Headers a view sets that a kept page is served with again (a feed's or a sitemap's Last-Modified, a
# sitemap's X-Robots-Tag).
KEPT_HEADERS = ("X-Robots-Tag", "Last-Modified")


def page_key(request, version):
    # Under the day too: a page tells whether an ongoing project's end has passed.
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{RELEASE}:{version}:{timezone.localdate()}:{translation.get_language()}:{address}"


def is_for_everyone(request):
    """Whether the page this request asks for would be the same for any visitor who is not logged in."""
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "feedback" not in request.GET  # the feedback block's state is the visitor's own
        and not len(messages.get_messages(request))
    )


def is_shareable(request, response):
    return (
        response.status_code == 200
        and not response.cookies
        and not get_nonce(request)
        and not len(messages.get_messages(request))
        and "private" not in response.get("Cache-Control", "")
    )


def cached_page(view):
    """Serve the page from the shared cache when it is there and may be shared; keep it when it may."""

    @wraps(view)
    def serve(request, *args, **kwargs):
        if not is_for_everyone(request):
            return view(request, *args, **kwargs)
        key = page_key(request, CatalogueVersion.objects.for_request(request))
        kept = cache.read(key)
        if kept is not None:
            content_type, compressed, headers = kept
            return HttpResponse(zlib.decompress(compressed), content_type=content_type, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if is_shareable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            kept = (response["Content-Type"], zlib.compress(response.content, 1), headers)
            cache.keep(key, kept, settings.PAGE_CACHE_SECONDS)
        return response

    return serve
