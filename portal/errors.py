"""The site's own pages for a refused request, in the visitor's language: never Django's plain ones."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: most often a page left open too long, or cookies blocked."""
    return render(request, "403_csrf.html", status=403)
