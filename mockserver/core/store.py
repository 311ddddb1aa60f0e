"""tenant -> vendor -> State, each a copy-on-write fork of the vendor's base world (core/overlay.py);
per-(tenant, vendor) locks; all-or-nothing transactions."""

from __future__ import annotations

import io
import pickle
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from . import compact, heap, tracked
from .overlay import private
from .readcache import ReadCache
from .state import State

TENANT_RE = re.compile(r"^[A-Za-z0-9._:@/+-]{1,128}$")
DEFAULT_TENANT = "default"
MAX_SNAPSHOTS = 20  # per tenant: a suite keeps a few set-ups, not one per test


class SnapshotError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Store:
    """Tenants are kept up to `max_tenants`: a new one evicts the least recently used (never `default`),
    whose worlds, fixtures, snapshots and kept reads go, and every `on_evict` callback is told (clock,
    fault rules, journal and outbox are dropped there, core/control.py)."""

    def __init__(self, vendors: dict, fixtures: dict[str, dict], max_tenants: int = 1_000):
        self._vendors = vendors            # name -> Vendor
        self._fixtures = dict(fixtures)    # name -> validated fixture data
        self._overrides: dict[tuple[str, str], dict] = {}   # (tenant, vendor) -> fixture data
        self._states: dict[tuple[str, str], State] = {}
        self._locks: dict[tuple[str, str], threading.RLock] = {}
        self._guard = threading.Lock()
        self.reads = ReadCache()  # rendered reads per state, dropped on every change
        # tenant -> wall time of its last request (GET /_mock/tenants), least recently used first
        self.last_used: OrderedDict[str, float] = OrderedDict()
        self.max_tenants = max_tenants
        self.on_evict: list = []  # callables(tenant) dropping what others hold of an evicted tenant
        self.evicted = 0
        # tenant -> name -> {"vendors": {vendor: pickled State, or None for "as the fixtures"}, "created": ...}
        self._snapshots: dict[str, dict[str, dict]] = {}
        self.seed = None  # (tenant, vendor, fixture data copy) -> None: a tenant's own touch (core/credentials.py)
        # (tenant, vendor, forked State) -> whether it could make the same touch on the fork (else: a full build)
        self.seed_fork = None
        # vendor -> (the base fixture data, the world built of it that every tenant's forks from)
        self._bases: dict[str, tuple[dict, State]] = {}
        self._base_lock = threading.Lock()

    def touched(self, tenant: str) -> None:
        """`tenant` is in use (a request or a control call): most recently used now; a new one may evict."""
        recent = self.last_used
        try:
            recent.move_to_end(tenant)
        except KeyError:
            self._arrived(tenant)
            return
        recent[tenant] = time.time()

    def _arrived(self, tenant: str) -> None:
        with self._guard:
            self.last_used[tenant] = time.time()
            victims = []
            for name in self.last_used:  # oldest first
                if len(self.last_used) - len(victims) <= self.max_tenants:
                    break
                if name not in (tenant, DEFAULT_TENANT):
                    victims.append(name)
            for name in victims:
                del self.last_used[name]
        for name in victims:  # outside the guard: dropping a world waits for its requests in flight
            self.evict(name)

    def evict(self, tenant: str) -> None:
        """Forget `tenant` entirely: as if it had never been used."""
        with self._guard:
            self._snapshots.pop(tenant, None)
            self.last_used.pop(tenant, None)
            for key in [k for k in self._overrides if k[0] == tenant]:
                del self._overrides[key]
        self._drop(lambda key: key[0] == tenant)
        self.evicted += 1
        for forget in self.on_evict:
            forget(tenant)

    def _drop(self, chosen) -> None:
        """Drop the worlds (and their locks) whose key is `chosen`, each under its lock: a request in
        flight ends (commits or rolls back) before, never after, so nothing it does lands on what follows."""
        with self._guard:
            keys = [k for k in dict.fromkeys([*self._states, *self._locks]) if chosen(k)]
        for key in keys:
            with self.held(*key):
                self._states.pop(key, None)
                self.reads.changed(*key)
                with self._guard:
                    self._locks.pop(key, None)  # (a request that fetched it meanwhile retries, see acquire)

    # -- building -------------------------------------------------------------------------
    def base_fixtures(self, vendor: str) -> dict:
        """The fixture data every tenant of `vendor` starts from (a new object when they are replaced)."""
        return self._fixtures.get(vendor, {})

    def base_state(self, vendor: str) -> State:
        """The world built of the base fixtures, once per fixture object: every tenant's world is a fork of
        it (core/overlay.py), and nothing ever changes it."""
        data = self.base_fixtures(vendor)
        found = self._bases.get(vendor)
        if found is None or found[0] is not data:
            with self._base_lock:
                found = self._bases.get(vendor)
                if found is None or found[0] is not data:
                    with heap.no_gc(), tracked.paused(), compact.compacting() as shapes:
                        # of the fixture objects themselves (one copy of the set, not two): nothing changes a
                        # base world, and build_state never changes the rows it is given (tests/core/test_base_world.py)
                        built = self._vendors[vendor].build_state(data)
                        shapes.finish(built.tables)
                        built.__dict__.pop("_compacting", None)
                        built.seal(tracked=False)
                    found = self._bases[vendor] = (data, built)
                    heap.built()
        return found[1]

    def _built(self, vendor: str, data: dict, tenant: str | None = None) -> State:
        with heap.no_gc(), tracked.paused():
            # a world of its own, which requests change in place: built of a private copy of the rows, made of
            # tracked containers already, so seal has nothing left to copy (the fixtures stay as loaded)
            data = private(data)
            if tenant is not None and self.seed is not None:
                self.seed(tenant, vendor, data)
            return self._vendors[vendor].build_state(data).seal()

    def _build(self, tenant: str, vendor: str) -> State:
        """A fork of the base world: O(1) at any fixture size. A tenant with fixtures of its own, or whose
        seed cannot be put on a fork, gets a world of its own."""
        override = self._overrides.get((tenant, vendor))
        if override is not None:
            return self._built(vendor, override, tenant)
        state = self.base_state(vendor).fork()
        if self.seed_fork is not None and not self.seed_fork(tenant, vendor, state):
            return self._built(vendor, self.base_fixtures(vendor), tenant)
        return state

    def lock(self, tenant: str, vendor: str) -> threading.RLock:
        found = self._locks.get((tenant, vendor))
        if found is not None:
            return found  # every request asks: answered without taking the guard
        with self._guard:
            return self._locks.setdefault((tenant, vendor), threading.RLock())

    def acquire(self, tenant: str, vendor: str) -> threading.RLock:
        """The world's lock, acquired: the lock still in place once held (an eviction may have retired
        the one fetched while it waited)."""
        key = (tenant, vendor)
        while True:
            lock = self.lock(tenant, vendor)
            lock.acquire()
            if self._locks.get(key) is lock:
                return lock
            lock.release()

    @contextmanager
    def held(self, tenant: str, vendor: str):
        lock = self.acquire(tenant, vendor)
        try:
            yield
        finally:
            lock.release()

    def state(self, tenant: str, vendor: str) -> State:
        key = (tenant, vendor)
        state = self._states.get(key)
        if state is None:
            with self.held(tenant, vendor):
                state = self._states.get(key)
                if state is None:
                    with tracked.paused():
                        state = self._states[key] = self._build(tenant, vendor)
        return state

    def ready(self, tenant: str, vendor: str) -> bool:
        """Whether a request of `tenant` and `vendor` would, right now, neither build a world, nor evict
        another tenant, nor wait for a lock (core/front.py runs such a request in its event loop)."""
        if tenant not in self.last_used or (tenant, vendor) not in self._states:
            return False
        lock = self._locks.get((tenant, vendor))
        if lock is None:
            return True
        if not lock.acquire(blocking=False):
            return False
        lock.release()
        return True

    def existing(self, tenant: str, vendor: str) -> State | None:
        """The tenant's state if it has been built (never builds one)."""
        return self._states.get((tenant, vendor))

    def tenants(self) -> list[str]:
        return sorted({t for t, _ in self._states} | set(self.last_used))

    def own_records(self) -> dict[str, dict[str, int]]:
        """tenant -> vendor -> records its world holds of its own (a fork: what it copied, changed or added)."""
        out: dict[str, dict[str, int]] = {}
        for (tenant, vendor), state in list(self._states.items()):
            out.setdefault(tenant, {})[vendor] = state.own_records()
        return out

    def sizes(self) -> dict[str, dict[str, int]]:
        """tenant -> vendor -> records held (of the worlds built so far)."""
        out: dict[str, dict[str, int]] = {}
        for (tenant, vendor), state in list(self._states.items()):
            out.setdefault(tenant, {})[vendor] = sum(len(rows) for rows in state.tables.values())
        return out

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def transaction(self, tenant: str, vendor: str):
        """All-or-nothing: what the block changed is undone when it raises (core/tracked.py)."""
        with self.held(tenant, vendor):
            state = self.state(tenant, vendor)
            log = tracked.begin()
            try:
                yield state
            except BaseException:
                tracked.end(log, keep=False)
                raise
            else:
                tracked.end(log, keep=True)
            finally:
                state.edited()
                self.reads.changed(tenant, vendor)

    # -- control --------------------------------------------------------------------------
    def reset(self, vendor: str | None = None, tenant: str | None = None) -> None:
        """Back to the fixtures, after what is in flight (see _drop)."""
        self._drop(lambda key: (vendor is None or key[1] == vendor) and (tenant is None or key[0] == tenant))
        if vendor is None:  # a tenant reset whole is as if never used (but for its snapshots, which outlive it)
            with self._guard:
                for name in [tenant] if tenant is not None else list(self.last_used):
                    if name in self.last_used and not self._snapshots.get(name):
                        del self.last_used[name]

    def set_fixtures(self, vendor: str, data: dict, tenant: str | None = None) -> None:
        """Replace a vendor's data (for one tenant, or the base set every tenant starts from)."""
        if tenant is not None:
            with self.held(tenant, vendor):  # after what is in flight, as a reset
                self._overrides[(tenant, vendor)] = data
                self._states.pop((tenant, vendor), None)
                self.reads.changed(tenant, vendor)
            return
        with self._guard:
            self._fixtures[vendor] = data
            for key in [k for k in self._overrides if k[1] == vendor]:
                del self._overrides[key]
        self.reset(vendor=vendor)
        with self._base_lock:
            found = self._bases.get(vendor)
            if found is not None and found[0] is not data:
                del self._bases[vendor]  # (the next world forks from a new base; snapshots keep what they need)

    # -- named snapshots ------------------------------------------------------------------------
    def snapshot(self, tenant: str, name: str, vendors) -> dict:
        """Keep a copy of `tenant`'s data of `vendors` under `name` (replacing one of that name)."""
        taken: dict[str, bytes | None] = {}
        bases: dict[str, State] = {}
        for vendor in vendors:
            with self.held(tenant, vendor):  # a consistent copy: nothing in flight is half in it
                state = self._states.get((tenant, vendor))
                taken[vendor] = None if state is None else _pickled(state)
                if state is not None and state._base is not None:
                    bases[vendor] = state._base
        with self._guard:
            mine = self._snapshots.setdefault(tenant, {})
            if name not in mine and len(mine) >= MAX_SNAPSHOTS:
                raise SnapshotError(409, f"tenant {tenant!r} holds {MAX_SNAPSHOTS} snapshots already: delete one")
            mine[name] = {"vendors": taken, "created": time.time(), "bases": bases}
        return self.describe_snapshot(tenant, name)

    def describe_snapshot(self, tenant: str, name: str) -> dict:
        found = self._snapshots.get(tenant, {}).get(name)
        if found is None:
            raise SnapshotError(404, f"no snapshot {name!r} of tenant {tenant!r}")
        return {"name": name, "tenant": tenant, "vendors": sorted(found["vendors"]), "created": found["created"],
                "bytes": sum(len(b) for b in found["vendors"].values() if b)}

    def snapshots(self, tenant: str) -> list[dict]:
        return [self.describe_snapshot(tenant, name) for name in sorted(self._snapshots.get(tenant, {}))]

    def restore(self, tenant: str, name: str, vendor: str | None = None) -> dict:
        """`tenant`'s data of the snapshot's vendors (or only `vendor`) as it was when taken."""
        described = self.describe_snapshot(tenant, name)
        taken = self._snapshots[tenant][name]["vendors"]
        bases = self._snapshots[tenant][name]["bases"]
        if vendor is not None and vendor not in taken:
            raise SnapshotError(404, f"snapshot {name!r} of tenant {tenant!r} holds no {vendor!r} data")
        for one in [vendor] if vendor is not None else list(taken):
            with self.held(tenant, one):
                if taken[one] is None:
                    self._states.pop((tenant, one), None)
                else:
                    with tracked.paused():
                        self._states[(tenant, one)] = _unpickled(taken[one], bases.get(one))
                self.reads.changed(tenant, one)
        return described

    def delete_snapshot(self, tenant: str, name: str) -> None:
        with self._guard:
            if self._snapshots.get(tenant, {}).pop(name, None) is None:
                raise SnapshotError(404, f"no snapshot {name!r} of tenant {tenant!r}")


# A fork is pickled as what it holds of its own: its base world and the base's tables are named, not copied
# (a snapshot keeps the base alive beside the bytes), so a snapshot costs what the tenant changed.
def _pickled(state: State) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    base = state._base
    if base is not None:
        names = {id(rows): kind for kind, rows in base.tables.items()}
        names[id(base)] = None
        pickler.persistent_id = lambda obj: ("base", names[id(obj)]) if id(obj) in names else None
    pickler.dump(state)
    return out.getvalue()


def _unpickled(data: bytes, base: State | None) -> State:
    unpickler = pickle.Unpickler(io.BytesIO(data))
    if base is not None:
        unpickler.persistent_load = lambda name: base if name[1] is None else base.tables[name[1]]
    state = unpickler.load()
    if base is not None:
        state._base = base
    return state
