"""The shared cache (Redis when REDIS_URL is set), used so that its absence never breaks a page.

Everything kept there can be computed again: when the cache cannot be reached, a read finds
nothing and a write keeps nothing, and the page is served all the same.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def read(key):
    """The value kept under `key`, or None when there is none or the cache cannot be reached."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any error of the cache backend
        logger.warning("Cache unreachable: %s not read", key.split(":", 1)[0], exc_info=True)
        return None


def keep(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001 - any error of the cache backend
        logger.warning("Cache unreachable: %s not kept", key.split(":", 1)[0], exc_info=True)


def read_or_compute(key, compute, timeout):
    """The value kept under `key`, or `compute()`'s, which is then kept."""
    value = read(key)
    if value is None:
        value = compute()
        keep(key, value, timeout)
    return value


def claim(key, timeout):
    """True for the first to claim `key` until `timeout` (and whenever the cache cannot be reached)."""
    try:
        return cache.add(key, True, timeout)
    except Exception:  # noqa: BLE001 - any error of the cache backend
        logger.warning("Cache unreachable: %s not claimed", key.split(":", 1)[0], exc_info=True)
        return True
