"""The cyclic garbage collector and the long-lived data: paused while it is built, kept out of its sight after."""

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


_settling = False


def settle_after_builds() -> None:
    """From now on what is built to live on (the loaded fixtures, each base world) is moved out of the collector's
    sight (gc.freeze), now and after each build. Otherwise every full collection walks it all again: with the
    default set a 100-170 ms pause every few thousand writes, ~10 µs a request on average. Only the served process
    calls this: in a test process a freeze would also keep for ever whatever cyclic garbage its apps leave."""
    global _settling
    _settling = True
    gc.freeze()
    gc.callbacks.append(_after_collection)


def _after_collection(phase: str, info: dict) -> None:
    """What outlived a full collection is moved out of sight too: otherwise what the requests store (a launch's
    run, a created project) is walked again by every later one, a pause that grows with the store (250 ms at
    200k Sipfront runs). The same trade as a build's freeze (`built`): a cycle among frozen objects that becomes
    garbage later is never collected. What the store drops holds no cycle; the request in flight when the
    collection ran may (werkzeug's request and its environ), a few kB once per full collection (thousands of
    writes): no growth to be seen in RSS over 140k Sipfront launches against the code without this."""
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def built() -> None:
    """Something long-lived was just built (core/store.py): out of the collector's sight too, once settling."""
    if _settling:
        gc.freeze()
