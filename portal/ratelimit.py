"""How often a client has asked for something lately: a count per client in fixed windows of time,
kept in the shared cache (Redis when REDIS_URL is set, so that every app server and worker counts
together).

A window is a stretch of `window` seconds from the epoch on, the same on every app server, so
that the time left in it, which a 429's Retry-After says, is known without asking the cache.
`add` starts a window's count only if none is running, and `incr` is atomic, so concurrent
requests are all counted. The feedback form's posts and the API's requests are counted here.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from portal import cache as shared_cache

# The clock windows are counted by (tests hold it still, so that a count does not straddle two windows).
clock = time.time


@dataclass(frozen=True)
class Count:
    """The requests counted in the current window, this one included, and the seconds until it ends."""

    number: int
    seconds_left: int


def count(name, client, *, window):
    """Count one request by `client` (a keyed hash, portal.clients.client_key) under `name`.

    None when the cache cannot be reached: the caller decides whether to count elsewhere or let
    the request through.
    """
    now = clock()
    current = int(now // window)
    key = f"ratelimit:{name}:{client}:{current}"
    seconds_left = max(1, math.ceil((current + 1) * window - now))
    try:
        # The key outlives its window by a little, so that a request at its very end still counts.
        cache.add(key, 0, timeout=window + 1)
        try:
            number = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            number = 1
    except Exception as error:  # noqa: BLE001 - an unreachable cache must not fail the request
        shared_cache.unreachable(error)
        return None
    shared_cache.reachable()
    return Count(number=number, seconds_left=seconds_left)
