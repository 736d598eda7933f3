"""The shared cache (Redis when REDIS_URL is set), used so that its absence never breaks a page.

Everything kept there can be computed again: when the cache cannot be reached, a read finds
nothing and a write keeps nothing, and the page is served all the same. An outage is one line
in each process's log when it starts and one when it ends, not a line per request.
"""

import logging
from collections import OrderedDict

from django.core.cache import cache

logger = logging.getLogger(__name__)
_unreachable = False


def unreachable(error):
    """Note that the cache could not be reached: logged once, when an outage starts."""
    global _unreachable
    if not _unreachable:
        _unreachable = True
        logger.error("Cache unreachable, pages are served without it until it is back: %s", error)


def reachable():
    global _unreachable
    if _unreachable:
        _unreachable = False
        logger.warning("Cache reachable again")


def read(key):
    """The value kept under `key`, or None when there is none or the cache cannot be reached."""
    try:
        value = cache.get(key)
    except Exception as error:  # noqa: BLE001 - any error of the cache backend
        unreachable(error)
        return None
    reachable()
    return value


def keep(key, value, timeout):
    try:
        cache.set(key, value, timeout)
    except Exception as error:  # noqa: BLE001 - any error of the cache backend
        unreachable(error)
    else:
        reachable()


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
        claimed = cache.add(key, True, timeout)
    except Exception as error:  # noqa: BLE001 - any error of the cache backend
        unreachable(error)
        return True
    reachable()
    return claimed
