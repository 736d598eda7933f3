"""Whether an app server is alive, and whether it is ready to serve: for the proxy and the
machines' supervisor. Neither is cached, logged in or translated."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def live(request):
    """The process answers: nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    """The process can serve pages: the database answers (503 when not). Without the shared cache
    pages are still served, so it is reported, not required."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unreachable"
    try:
        cache.get("health:ready")
    except Exception:  # noqa: BLE001 - any error of the cache backend
        checks["cache"] = "unreachable"
    ready = checks["database"] == "ok"
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
