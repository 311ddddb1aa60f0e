"""Request-scoped accessors for vendor handlers: which core, vendor, tenant and state this is."""

from __future__ import annotations

import time
from datetime import datetime

from flask import request
from flask.globals import _cv_app, _cv_request
from werkzeug.sansio.utils import get_current_url

from .clock import reads_of_this_thread
from .tenancy import IN_PATH, PATH_PREFIX, PREFIX, link_segment

CORE_KEY = "mockserver.core"
VENDOR_KEY = "mockserver.vendor"
_CONTRACT_KEY = "mockserver.contract"  # (when it was loaded, the vendor's contract)


# these run many times a request: they read Flask's context variable (and `g`'s dict) directly, not through
# its proxies
def core():
    return _cv_app.get().app.extensions[CORE_KEY]


def vendor():
    return _cv_app.get().app.extensions[VENDOR_KEY]


def settings():
    return core().settings


def tenant() -> str:
    return _cv_app.get().g.tenant


def state():
    """The current tenant's state of this vendor (the request holds its lock)."""
    ctx = _cv_app.get()
    world = ctx.g.__dict__.get("world")  # the state the request's lock was taken for (core/vendor_app.py)
    if world is not None:
        return world
    return ctx.app.extensions[CORE_KEY].store.state(ctx.g.tenant, ctx.app.extensions[VENDOR_KEY].name)


def clock():
    """The clock of this request's tenant (its own, or the server's it follows)."""
    ctx = _cv_app.get().g
    found = ctx.__dict__.get("clock")
    return found if found is not None else core().clocks.of(ctx.__dict__.get("tenant"))


def now() -> datetime:
    return clock().now()


def checked() -> tuple[dict, object]:
    """(parameters, body) as the vendor's contract read them before the view (core/spec_guard.py):
    strings cast to their schema's types, absent optional parameters None."""
    seen = _cv_app.get().g.__dict__
    return seen.get("params") or {}, seen.get("body")


def contract():
    """The vendor's compiled contract (core/contract.py), spec document included."""
    app = _cv_app.get().app
    kept = app.extensions.get(_CONTRACT_KEY)
    now = time.monotonic()
    if kept is None or now - kept[0] > 1.0:  # the spec file is looked at (stat) once a second, not per call
        from .contract import load_contract  # (imported here, not per call: an import statement costs a lookup)

        kept = app.extensions[_CONTRACT_KEY] = (now, load_contract(app.extensions[VENDOR_KEY].spec_path()))
    return kept[1]


def check_schema(component: str, data) -> None:
    """`data` checked against the vendor spec's components/schemas/<component>; a refusal is the
    contract's, in the vendor's wording (Vendor.contract_error)."""
    from .contract import Problem

    try:
        contract().check_schema(component, data)
    except Problem as problem:
        raise vendor().contract_error(problem) from None


def valid_until(when: datetime | None) -> None:
    """Declare that what this request has derived from the mock clock so far stays the same until
    `when` (None: for as long as the state does not change), so its answer may be served again until
    then (core/readcache.py). A declaration covers every clock read the request made before it, so
    make it right after the reads it speaks for; a clock read after the last declaration makes the
    answer uncacheable. Anything with effects besides state and outbox calls uncacheable() instead.
    """
    noted = _cv_app.get().g.__dict__  # (g's __setattr__ is a Python call per name)
    noted["covered_reads"] = reads_of_this_thread()
    noted["time_bound"] = True
    current = noted.get("valid_until")
    if when is not None and (current is None or when < current):
        noted["valid_until"] = when


def now_ms() -> int:
    """The mock clock in epoch milliseconds (as Bitbar stamps its records)."""
    return int(now().timestamp() * 1000)


def uncacheable() -> None:
    """This answer depends on something besides state, request and mock clock (the wall clock)."""
    _cv_app.get().g.uncacheable = True


def permissive() -> bool:
    return core().settings.auth == "permissive"


def check_stored(stored: int, added: int) -> bool:
    """Whether a tenant keeping `stored` bytes of uploads of this vendor may keep `added` more (--max-stored-mb)."""
    return stored + added <= core().settings.max_stored_mb * 1024 * 1024


def vendor_options() -> dict:
    """The vendor's --vendor-option values, checked by its options_schema, defaults filled in."""
    return core().options[vendor().name]


def base_url() -> str:
    """The vendor's root as the client reached it: http://host:8080/bitbar or http://host:8084, with the
    tenant in it, in the client's form, when the client named its tenant in the path (core/tenancy.py):
    http://host:8080/_t/<name>/bitbar, http://host:8080/bitbar/_tenant/<name>."""
    ctx = _cv_app.get().g
    found = ctx.__dict__.get("base_url")
    if found is None:  # werkzeug rebuilds url_root on every access, and links ask for it per record
        found = _root(request.environ.get(IN_PATH))
        ctx.base_url = found
    return found


def page_base_url() -> str:
    """The root for links to pages a browser opens (reports, comparisons): they carry the tenant for
    any tenant but `default`, since a browser sends no tenant header."""
    ctx = _cv_app.get().g
    found = ctx.__dict__.get("page_base_url")
    if found is None:
        found = ctx.page_base_url = _root(request.environ.get(IN_PATH) or PATH_PREFIX)
    return found


def _root(form: str | None) -> str:
    environ = _cv_request.get().request.environ
    # what decides werkzeug's scheme, host and script root, as the key of the roots made of them before
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"))
    found = _ROOTS.get(key)
    if found is None:
        req = request._get_current_object()
        found = (_url(req.scheme, req.host, req.script_root), _url(req.scheme, req.host, ""), req.script_root)
        if len(_ROOTS) >= 256:  # (a client sends the same few Host headers; a stranger's many are not kept)
            _ROOTS.clear()
        _ROOTS[key] = found
    root, host_root, script_root = found
    if form == PREFIX:
        return host_root + link_segment(_cv_app.get().g.tenant, PREFIX) + script_root
    return root if form is None else root + link_segment(_cv_app.get().g.tenant, form)


_ROOTS: dict = {}  # (scheme, Host, server name, port, script name) -> (root, host root, script root)


def _url(scheme: str, host: str, root: str) -> str:
    # werkzeug builds (and IRI-decodes) the same root anew on each access: made once per key of _ROOTS
    return get_current_url(scheme, host, root).rstrip("/")


def record_outbound(kind: str, payload: dict) -> None:
    """Note what the real service would have sent outward (email, webhook, commit status).

    It reaches the outbox when the request succeeds (core/vendor_app.py), never when it is refused.
    """
    _cv_app.get().g.outbound.append((kind, payload))


_KEPT_WORK = "core.kept_work"  # (the key of a world's scratch that holds it)
_ABSENT = object()
MAX_KEPT_WORK = 64  # results kept per world: a client asks for the same few pages again and again
MAX_KEPT_BYTES = 1024 * 1024  # ... and bytes of those that are bytes (rendered bodies; many tenants add up)


def kept_work(key, make):
    """`make()`, kept in the world's scratch under `key` and given again until a request or control transaction
    changes the world (State.edits: it sees records changed in place, which table versions do not). `key` must
    name all `make` reads besides the world: the request's parameters, the clock's reading where it matters.
    A request that has changed the world already computes it afresh and keeps nothing: it sees its own changes,
    which may yet be undone. Bytes (a rendered body) count against MAX_KEPT_BYTES; keep other values small."""
    ctx = _cv_app.get()
    noted = ctx.g.__dict__
    undo = noted.get("undo")
    world = noted.get("world")
    if undo is None or undo.entries or world is None:
        return make()
    found = world.scratch.get(_KEPT_WORK)
    if found is None or found[0] != world.edits:
        found = world.scratch[_KEPT_WORK] = (world.edits, {}, [0])
    results, held = found[1], found[2]
    value = results.get(key, _ABSENT)
    if value is _ABSENT:
        value = make()
        size = len(value) if type(value) is bytes else 0
        if undo.entries or size > MAX_KEPT_BYTES:
            return value  # (make itself changed the world; or too big to keep)
        if len(results) >= MAX_KEPT_WORK or held[0] + size > MAX_KEPT_BYTES:
            results.clear()
            held[0] = 0
        results[key] = value
        held[0] += size
    return value
