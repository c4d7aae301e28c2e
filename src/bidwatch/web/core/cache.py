"""Cached page parts computed once when several requests ask for them at the same moment.

``cache.get_or_set`` lets every request that misses compute the value: after a triage moves the data version,
the first dashboards of a scope that arrive together each recompute its figures (0.4–1.2 s at 1M bids,
bench/README.md). :func:`get_or_compute` lets one thread of the process compute a key while the others wait
for its result. The server is one process of threads (waitress) with Django's per-process memory cache, so
that is every request; a deployment with several processes and a shared cache computes at most once per
process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")
_MISSING = object()
_guard = threading.Lock()
_computing: dict[str, threading.Lock] = {}


def get_or_compute(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The cached value of ``key``, else ``compute()`` stored for ``timeout`` seconds — computed by one thread
    at a time per key: the others wait and take its result from the cache."""
    value: Any = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    with _guard:
        lock = _computing.setdefault(key, threading.Lock())
    try:
        with lock:
            value = cache.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
                cache.set(key, value, timeout)
            return value
    finally:
        with _guard:
            if _computing.get(key) is lock and not lock.locked():
                del _computing[key]
