"""Who is at the other end of a request."""

from django.conf import settings


def client_ip(request):
    """The visitor's address.

    Behind the TLS proxy (BEHIND_TLS_PROXY=1) the connection comes from the proxy, which
    appends the visitor's address to X-Forwarded-For: the last entry is the one the proxy
    saw, and the only one a visitor cannot forge.

    Both the feedback form's rate limit and the login lockout (AXES_CLIENT_IP_CALLABLE) count by it.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
