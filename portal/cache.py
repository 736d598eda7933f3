"""The shared cache (Redis when REDIS_URL is set), used so that its absence never breaks a page.

Everything kept there can be computed again: when the cache cannot be reached, a read finds
nothing and a write keeps nothing, and the page is served all the same.
"""

import logging
from collections import OrderedDict

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


# Values that never change under their key, kept in this process as well: the last LOCAL_KEPT of them.
_local = OrderedDict()
LOCAL_KEPT = 64


def read_or_compute_kept_here(key, compute, timeout):
    """read_or_compute() for a value that never changes under its key (a key that holds the
    catalogue version): this process keeps it too, and asks the shared cache only once."""
    if key in _local:
        _local.move_to_end(key)
        return _local[key]
    value = _local[key] = read_or_compute(key, compute, timeout)
    if len(_local) > LOCAL_KEPT:
        _local.popitem(last=False)
    return value


def forget_kept_here():
    """Empty what this process keeps (tests start each from nothing, as a new worker does)."""
    _local.clear()


def claim(key, timeout):
    """True for the first to claim `key` until `timeout` (and whenever the cache cannot be reached)."""
    try:
        return cache.add(key, True, timeout)
    except Exception:  # noqa: BLE001 - any error of the cache backend
        logger.warning("Cache unreachable: %s not claimed", key.split(":", 1)[0], exc_info=True)
        return True
