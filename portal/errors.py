"""The site's own pages for a refused request, in the visitor's language: never Django's plain ones."""

import sys

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import QueryDict
from django.shortcuts import render
from django.views import defaults

# What a query raises when the database does not answer or has dropped the connection.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    try:
        request.GET  # noqa: B018 - read here, so that the page does not fail on it
    except SuspiciousOperation:
        # More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): the page around the answer
        # reads the query string too (the language link, the feedback block), as if there were none.
        request.GET = QueryDict()
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: most often a page left open too long, or cookies blocked."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """A failure: when it is that the database cannot be reached (a restart, a failover), a page
    that says so and when to try again, 503 with Retry-After; anything else is Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
