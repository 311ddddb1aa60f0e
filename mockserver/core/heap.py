"""Pausing the cyclic garbage collector while a large, long-lived structure is built."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_gc():
    """Loading fixtures or building a world from them makes millions of objects that live on (at 100k
    records) and no cycles: the collector rescanning the growing heap meanwhile would cost more than the
    work itself. Nested uses are fine."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
