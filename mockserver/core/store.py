"""tenant -> vendor -> State; per-(tenant, vendor) locks; all-or-nothing transactions."""

from __future__ import annotations

import pickle
import re
import threading
import time
from contextlib import contextmanager

from . import tracked
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
    def __init__(self, vendors: dict, fixtures: dict[str, dict]):
        self._vendors = vendors            # name -> Vendor
        self._fixtures = dict(fixtures)    # name -> validated fixture data
        self._overrides: dict[tuple[str, str], dict] = {}   # (tenant, vendor) -> fixture data
        self._states: dict[tuple[str, str], State] = {}
        self._locks: dict[tuple[str, str], threading.RLock] = {}
        self._guard = threading.Lock()
        self.reads = ReadCache()  # rendered reads per state, dropped on every change
        self.last_used: dict[str, float] = {}  # tenant -> wall time of its last request (GET /_mock/tenants)
        # tenant -> name -> {"vendors": {vendor: pickled State, or None for "as the fixtures"}, "created": ...}
        self._snapshots: dict[str, dict[str, dict]] = {}

    def touched(self, tenant: str) -> None:
        self.last_used[tenant] = time.time()

    # -- building -------------------------------------------------------------------------
    def _fixtures_for(self, tenant: str, vendor: str) -> dict:
        return self._overrides.get((tenant, vendor), self._fixtures.get(vendor, {}))

    def _build(self, tenant: str, vendor: str) -> State:
        data = pickle.loads(pickle.dumps(self._fixtures_for(tenant, vendor)))
        state = self._vendors[vendor].build_state(data)
        return state.seal()

    def lock(self, tenant: str, vendor: str) -> threading.RLock:
        found = self._locks.get((tenant, vendor))
        if found is not None:
            return found  # every request asks: answered without taking the guard
        with self._guard:
            return self._locks.setdefault((tenant, vendor), threading.RLock())

    def state(self, tenant: str, vendor: str) -> State:
        key = (tenant, vendor)
        state = self._states.get(key)
        if state is None:
            with self.lock(tenant, vendor):
                state = self._states.get(key)
                if state is None:
                    with tracked.paused():
                        state = self._states[key] = self._build(tenant, vendor)
        return state

    def existing(self, tenant: str, vendor: str) -> State | None:
        """The tenant's state if it has been built (never builds one)."""
        return self._states.get((tenant, vendor))

    def tenants(self) -> list[str]:
        return sorted({t for t, _ in self._states} | set(self.last_used))

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
        with self.lock(tenant, vendor):
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
                self.reads.changed(tenant, vendor)

    # -- control --------------------------------------------------------------------------
    def reset(self, vendor: str | None = None, tenant: str | None = None) -> None:
        """Back to the fixtures. Each world is dropped under its lock, so a request in flight ends
        (commits or rolls back) before, never after: nothing it does can land on the reset world."""
        with self._guard:
            keys = [k for k in self._states
                    if (vendor is None or k[1] == vendor) and (tenant is None or k[0] == tenant)]
        for key in keys:
            with self.lock(*key):
                self._states.pop(key, None)
                self.reads.changed(*key)
        if vendor is None:  # a tenant reset whole is as if never used
            if tenant is None:
                self.last_used.clear()
            else:
                self.last_used.pop(tenant, None)

    def set_fixtures(self, vendor: str, data: dict, tenant: str | None = None) -> None:
        """Replace a vendor's data (for one tenant, or the base set every tenant starts from)."""
        if tenant is not None:
            with self.lock(tenant, vendor):  # after what is in flight, as a reset
                self._overrides[(tenant, vendor)] = data
                self._states.pop((tenant, vendor), None)
                self.reads.changed(tenant, vendor)
            return
        with self._guard:
            self._fixtures[vendor] = data
            for key in [k for k in self._overrides if k[1] == vendor]:
                del self._overrides[key]
        self.reset(vendor=vendor)

    # -- named snapshots ------------------------------------------------------------------------
    def snapshot(self, tenant: str, name: str, vendors) -> dict:
        """Keep a copy of `tenant`'s data of `vendors` under `name` (replacing one of that name)."""
        taken: dict[str, bytes | None] = {}
        for vendor in vendors:
            with self.lock(tenant, vendor):  # a consistent copy: nothing in flight is half in it
                state = self._states.get((tenant, vendor))
                taken[vendor] = None if state is None else pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        with self._guard:
            mine = self._snapshots.setdefault(tenant, {})
            if name not in mine and len(mine) >= MAX_SNAPSHOTS:
                raise SnapshotError(409, f"tenant {tenant!r} holds {MAX_SNAPSHOTS} snapshots already: delete one")
            mine[name] = {"vendors": taken, "created": time.time()}
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
        if vendor is not None and vendor not in taken:
            raise SnapshotError(404, f"snapshot {name!r} of tenant {tenant!r} holds no {vendor!r} data")
        for one in [vendor] if vendor is not None else list(taken):
            with self.lock(tenant, one):
                if taken[one] is None:
                    self._states.pop((tenant, one), None)
                else:
                    with tracked.paused():
                        self._states[(tenant, one)] = pickle.loads(taken[one])
                self.reads.changed(tenant, one)
        return described

    def delete_snapshot(self, tenant: str, name: str) -> None:
        with self._guard:
            if self._snapshots.get(tenant, {}).pop(name, None) is None:
                raise SnapshotError(404, f"no snapshot {name!r} of tenant {tenant!r}")
