"""Who is at the other end of a request."""

import functools
import hashlib
import hmac
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def trusted_networks(proxies):
    """The networks of TRUSTED_PROXIES ("127.0.0.1", "10.0.0.0/8"), parsed once."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request):
    """The visitor's address.

    A connection from a proxy in TRUSTED_PROXIES (none by default) brings the visitor's address
    in X-Forwarded-For, each proxy appending the address it saw: read from the right, the first
    address that is not one of the trusted proxies is the visitor's, the only one a visitor
    cannot forge. From anyone else the header is ignored: it is whatever the sender wrote.

    Both the feedback form's rate limit and the login lockout (AXES_CLIENT_IP_CALLABLE) count by it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not is_trusted_proxy(remote):
        return remote
    for address in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = address.strip()
        if address and not is_trusted_proxy(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # not an address: written by someone the proxy let through unchecked
    return remote


def client_key(address):
    """An HMAC-SHA256 of a client's address keyed with SECRET_KEY: stable enough to count a client's
    requests by (portal/ratelimit.py), not reversible."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
