"""The Flask app around one vendor's blueprint: tenants, faults, locking, rollback, journal, errors.

Every vendor gets the same hooks here, so no vendor writes its own. They run on every request, so
they read the WSGI environ directly and leave formatting to whoever reads the journal or the log.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import time

from flask import Flask, Response, g, request
from flask.globals import _cv_app, _cv_request, request_ctx
from flask.sansio.scaffold import _sentinel
from flask.signals import appcontext_tearing_down, request_finished, request_started, request_tearing_down
from flask.wrappers import _split_blueprint_path
from werkzeug.exceptions import HTTPException

from . import context, tenancy, tracked
from .accesslog import ACCESS_LOG
from .auth import admission
from .clock import reads_of_this_thread
from .errors import VendorError
from .front import BODY, BODY_ERROR, FAULT, HEADERS, KEPT_MISSED, READ_KEY, SERVE_KEPT, STARTED, break_connection
from .journal import Entry, record_broken
from .lean import LeanAppContext, LeanRequestContext, answer
from .negotiation import json_response
from .readcache import MAX_BODY, Kept, request_key
from .routes import LazyRule
from .spec_guard import SpecGuard
from .store import DEFAULT_TENANT, TENANT_RE

error_log = logging.getLogger("mockserver.errors")

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
TENANT_HEADER = tenancy.HEADER
_TENANT_KEY = tenancy.ENVIRON_KEY
_JOURNALED_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH")

HTTP_MESSAGES = {
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    408: "Request Timeout",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    400: "Bad Request",
}


def render_error(vendor, status: int, message: str, extra: dict | None = None, headers: dict | None = None) -> Response:
    response = vendor.error_response(status, message, extra or {})
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _fault_response(vendor, rule: dict) -> Response:
    body = rule.get("body")
    if body is None:
        response = render_error(vendor, rule["status"], "Injected fault")
    elif isinstance(body, (dict, list)):
        response = json_response(body, rule["status"])
    else:
        response = Response(str(body), status=rule["status"], content_type="text/plain; charset=utf-8")
    for key, value in (rule.get("headers") or {}).items():
        response.headers[key] = value
    return response


class VendorFlask(Flask):
    url_rule_class = LazyRule  # URL builders compiled on first use, not for every route at start

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.routes_seen: dict = {}  # (method, path) -> (rule, view args): core/lean.py
        self._hook_chains: dict = {}  # (hook table, blueprint) -> its functions in calling order

    def ensure_sync(self, func):
        return func  # every view and hook is synchronous: skip Flask's per-call coroutine check

    def request_context(self, environ):
        return LeanRequestContext(self, environ)

    def app_context(self):
        return LeanAppContext(self)

    # Flask's own, but a signal nobody listens to is not sent (a send walks blinker's machinery: six a request)
    def full_dispatch_request(self):
        self._got_first_request = True
        try:
            if request_started.receivers:
                request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def finalize_request(self, rv, from_error_handler: bool = False):
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if request_finished.receivers:
                request_finished.send(self, _async_wrapper=self.ensure_sync, response=response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def do_teardown_appcontext(self, exc=_sentinel):
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            func(exc)
        if appcontext_tearing_down.receivers:
            appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    # Flask walks the request's blueprint names and looks each hook table up on every request; these
    # take each blueprint's hooks, in Flask's order, from a list made on its first request (no hook is
    # added once requests are served: Flask refuses that)
    def _hooks(self, kind: str, blueprint: str | None) -> tuple:
        key = (kind, blueprint)
        found = self._hook_chains.get(key)
        if found is None:
            names = _split_blueprint_path(blueprint) if blueprint else []
            table = getattr(self, kind)
            if kind == "before_request_funcs":
                found = tuple(f for name in (None, *reversed(names)) for f in table.get(name, ()))
            else:
                found = tuple(f for name in (*names, None) for f in reversed(table.get(name, ())))
            if kind == "before_request_funcs" and any(name in self.url_value_preprocessors
                                                      for name in (None, *names)):
                found = None  # (none is registered; Flask's own walk if one ever is)
            else:
                self._hook_chains[key] = found
        return found

    def preprocess_request(self):
        req = request_ctx.request
        chain = self._hooks("before_request_funcs", req.blueprint)
        if chain is None:
            return super().preprocess_request()
        for before in chain:
            rv = before()
            if rv is not None:
                return rv
        return None

    def process_response(self, response):
        ctx = request_ctx._get_current_object()
        for func in ctx._after_request_functions:
            response = func(response)
        for func in self._hooks("after_request_funcs", ctx.request.blueprint):
            response = func(response)
        return response  # (no session is ever opened: core/lean.py)

    def do_teardown_request(self, exc=_sentinel):
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in self._hooks("teardown_request_funcs", request_ctx.request.blueprint):
            func(exc)
        if request_tearing_down.receivers:
            request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def wsgi_app(self, environ, start_response):
        """Flask's own, but for the context (core/lean.py) and how a plain answer reaches WSGI."""
        ctx = LeanRequestContext(self, environ)
        error = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except:  # noqa: E722 (as Flask: the context is popped with what ended the request)
                error = sys.exc_info()[1]
                raise
            return answer(response, environ, start_response)
        finally:
            if error is not None and self.should_ignore_error(error):
                error = None
            ctx.pop(error)


def build_vendor_app(core, vendor) -> Flask:
    app = VendorFlask(f"mockserver.{vendor.name}")
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = core.settings.max_upload_mb * 1024 * 1024
    app.extensions[context.CORE_KEY] = core
    app.extensions[context.VENDOR_KEY] = vendor
    if vendor.blueprint is not None:
        app.register_blueprint(vendor.blueprint)
    spec = vendor.spec_path()
    if not spec.is_file():  # an incomplete install: refuse to start rather than serve unchecked and undocumented
        raise FileNotFoundError(f"{vendor.name}: OpenAPI spec {spec} not found")
    if vendor.spec_guard:
        SpecGuard(spec, vendor, enforce=core.settings.validate_requests).guard_views(app)
    store, faults, clocks, name = core.store, core.faults, core.clocks, vendor.name
    app.wsgi_app = app.extensions[SERVE_KEPT] = ServeKept(app.wsgi_app, core, name)
    if vendor.merge_slashes:
        app.wsgi_app = _merging_slashes(app.wsgi_app)

    @app.before_request
    def _begin():
        ctx = _cv_app.get().g
        noted = ctx.__dict__  # (set directly: g's own __setattr__ is a Python call per name)
        req = request._get_current_object()
        environ = req.environ
        noted.update(start=environ.get(STARTED) or time.perf_counter(), lock=None, undo=None, fault=None, outbound=[])
        if BODY_ERROR in environ:  # the front (core/front.py) cut a stalled or oversized body, or too large a head
            noted.update(tenant=DEFAULT_TENANT, clock=clocks.server)
            return render_error(vendor, environ[BODY_ERROR], HTTP_MESSAGES[environ[BODY_ERROR]])
        tenant = environ.get(_TENANT_KEY) or DEFAULT_TENANT
        problem = environ.get(tenancy.ERROR)
        if problem or (tenant is not DEFAULT_TENANT and not TENANT_RE.match(tenant)):
            noted.update(tenant=DEFAULT_TENANT, clock=clocks.server)
            return render_error(vendor, 400,
                                problem or f"Invalid {TENANT_HEADER} header: use 1-128 letters, digits or ._:@/+-")
        clock = clocks.of(tenant)
        # (since: when a kept answer starts to hold; only a GET's answer is ever kept)
        noted.update(tenant=tenant, clock=clock, covered_reads=reads_of_this_thread(), valid_until=None,
                     since=clock.peek() if req.method == "GET" else None)
        if FAULT in environ:  # matched by the front, which slept its delay in the event loop
            rule = environ[FAULT]
        else:
            rule = faults.match(name, tenant, req.method, req.script_root + req.path, req.path)
        if rule is not None:
            if rule.get("delay_ms") and FAULT not in environ:
                time.sleep(rule["delay_ms"] / 1000.0)
            if rule.get("fault") and environ.get("werkzeug.socket") is not None:
                return _broken(core, name, req, ctx, rule)  # Werkzeug (--dev, tests): no front broke it
            if rule.get("status") is not None:
                noted["fault"] = rule["id"]
                return _fault_response(vendor, rule)
        if environ.get(BODY):
            req._cached_data = environ[BODY]  # read by the front already: werkzeug's get_data and form parsing use it
        elif _length(environ) or environ.get("HTTP_TRANSFER_ENCODING"):
            # read the body before taking the tenant's lock (behind core/front.py it is in memory already):
            # a slow or large upload must not hold it,
            # and reading gives up the GIL, which under the lock would stall every request of the tenant
            req.get_data(cache=True)
        noted["lock"] = store.acquire(tenant, name)
        noted["writes"] = req.method in MUTATING
        noted["world"] = store.state(tenant, name)  # the state this request reads (what a kept answer is bound to)
        # everything the request changes in the tenant's state is recorded, so it can be undone
        noted["undo"] = tracked.begin()
        if req.method == "OPTIONS" and getattr(req.url_rule, "provide_automatic_options", False):
            # Flask answers OPTIONS without the view (where the guard admits): a stranger still gets the 401
            admission(app.view_functions[req.endpoint], vendor)()

    @app.after_request
    def _finish(response: Response):
        seen = _cv_app.get().g.__dict__  # (what the hooks set; read without _AppCtxGlobals.get's call per name)
        req = _cv_request.get().request  # (not through the proxy)
        failed, writes = response.status_code >= 400, seen.get("writes")
        undo = seen.get("undo")
        changed = undo is not None and bool(undo.entries)
        parts = response.response  # the answer's bytes when held whole (a download's stream is not read here)
        whole = (parts[0] if len(parts) == 1 else b"".join(parts)) \
            if isinstance(parts, (list, tuple)) and not response.direct_passthrough else None
        path = req.script_root + req.path
        if not failed and not writes and not changed and whole is not None and seen.get("fault") is None:
            _keep_read(core, name, seen, req, response, whole, path)
        # a failed write leaves no trace in the store (a failed read keeps what it noted, as before) ...
        kept = not (failed and writes)
        tracked.end(undo, keep=kept)
        seen["undo"] = None
        if kept and (changed or writes):
            if seen.get("world") is not None:
                seen["world"].edited()  # so is work kept against it (context.kept_work)
            store.reads.changed(seen["tenant"], name)  # answers kept before this change are stale
        if not failed:
            # ... nor in the outbox: what it would have sent goes out only when it succeeds
            for kind, payload in seen.get("outbound") or ():
                core.outbox.record(name, seen["tenant"], kind, payload)
        if not seen.get("broken"):
            _journal(core, name, req, response, seen, whole, path)
        return response

    @app.teardown_request
    def _release(exc):
        seen = _cv_app.get().g.__dict__
        tracked.end(seen.pop("undo", None), keep=False)  # a request that never got to _finish changes nothing
        lock = seen.pop("lock", None)
        if lock is not None:
            lock.release()

    @app.errorhandler(VendorError)
    def _vendor_error(err: VendorError):
        return render_error(vendor, err.status, err.message, err.extra, err.headers)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        message = HTTP_MESSAGES.get(err.code, err.name)
        response = render_error(vendor, err.code or 500, message)
        if err.code == 405 and getattr(err, "valid_methods", None):
            response.headers["Allow"] = ", ".join(sorted(err.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        error_log.exception("unhandled error in %s %s %s", vendor.name, request.method, request.path)
        tracked.end(g.get("undo"), keep=False)
        g.undo = None
        return render_error(vendor, 500, "Internal Server Error")

    return app


def _broken(core, name: str, req, ctx, rule: dict) -> Response:
    """A connection fault under Werkzeug: its socket broken here, the request journaled as the front does, and
    an answer whose first chunk raises a ConnectionError, which Werkzeug takes for a client gone (nothing sent)."""
    ctx.broken = True
    # journaled before the break: the client, seeing it, may send its next request at once, answered (and
    # journaled) by another thread before this one could note the broken one
    record_broken(core, name, req.environ, req.script_root + req.path, req.path, ctx.start, ctx.tenant, rule,
                  req.get_data(cache=True) if _length(req.environ) else b"")
    try:
        sock = socket.socket(fileno=os.dup(req.environ["werkzeug.socket"].fileno()))
    except OSError:
        sock = None  # the client is gone already
    if sock is not None:
        break_connection(sock, rule["fault"])

    def nothing():
        raise ConnectionAbortedError(f"connection fault {rule['fault']}")
        yield b""  # (a generator)

    return Response(nothing(), status=500)


def _keep_read(core, name: str, seen: dict, req, response: Response, body: bytes, path: str) -> None:
    """Keep a read's answer when it is a pure function of state, request and a time window (`seen`: what the
    request's hooks noted on `g`; `body`: the answer held whole)."""
    environ = req.environ
    if (req.method != "GET" or response.status_code != 200 or len(body) > MAX_BODY or _length(environ)
            or seen.get("outbound") or seen.get("uncacheable") or reads_of_this_thread() != seen["covered_reads"]):
        return  # (only GET answers are served again; a GET with a body is answered by what the body says)
    key = environ.get(READ_KEY) or request_key(environ)
    if not core.store.reads.asked_before(seen["tenant"], name, seen["world"], key):
        return
    until = seen["valid_until"]
    timeless = until is None and not seen.get("time_bound")
    kept = Kept(response.status, response.headers.to_wsgi_list(), body, None if timeless else seen["since"], until,
                path, req.path)
    core.store.reads.keep(seen["tenant"], name, seen["world"], key, kept)


def _length(environ) -> int:
    """The declared body size (0 when none or not a number), as werkzeug's content_length reads it, without
    its header-object lookups."""
    value = environ.get("CONTENT_LENGTH")
    if not value:
        return 0
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else 0


def _merging_slashes(wsgi_app):
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if "//" in path:
            environ["PATH_INFO"] = _SLASHES.sub("/", path)
        return wsgi_app(environ, start_response)
    return app


_SLASHES = re.compile("/{2,}")


class ServeKept:
    """WSGI layer in front of a vendor's Flask app: answers a repeated read from the read cache
    (core/readcache.py) without entering Flask; the journal and access log still see it."""

    def __init__(self, app, core, vendor_name: str):
        self.app = app
        self.core = core
        self.vendor = vendor_name
        self.credentials = core.credentials

    def __call__(self, environ, start_response):
        if tenancy.ERROR in environ:  # a wrong /_t/ tenant (core/tenancy.py): answered in the vendor's shape
            return self.app(environ, start_response)
        if environ.get("PATH_INFO", "").startswith(tenancy.PATH_PREFIX):
            problem = tenancy.take_from_path(environ)
            if problem:
                environ[tenancy.ERROR] = problem  # answered in the vendor's shape by the app
                return self.app(environ, start_response)
        if self.credentials is not None and not environ.get(_TENANT_KEY):
            self.credentials.choose(environ, self.vendor)  # (behind core/front.py, done there already)
        kept = None if KEPT_MISSED in environ else self.answer(environ)
        if kept is not None:
            start_response(kept.status, kept.headers)
            return [kept.body]
        return self.app(environ, start_response)

    def answer(self, environ) -> Kept | None:
        """The kept answer to this request (journaled), or None; for a tenant already known it waits on
        nothing, so the front (core/front.py) calls it in the event loop, before any thread hop (a new
        tenant's eviction of another may wait: the front leaves those to the pool)."""
        core = self.core
        tenant = environ.get(_TENANT_KEY) or DEFAULT_TENANT
        if tenant in core.store.last_used or TENANT_RE.match(tenant):
            # before any lock is taken: a new tenant may evict the least recently used one (core/store.py)
            core.store.touched(tenant)
        if (environ.get("REQUEST_METHOD") == "GET" and not core.faults.active(tenant)
                and not environ.get("CONTENT_LENGTH") and not environ.get("HTTP_TRANSFER_ENCODING")):
            started = time.perf_counter()
            state = core.store.existing(tenant, self.vendor)
            entries = core.store.reads.entries(tenant, self.vendor, state) if state is not None else None
            kept = None
            if entries:
                key = environ[READ_KEY] = request_key(environ)
                kept = entries.get(key)
            if kept is not None and (kept.since is None or self._inside(kept, tenant)):
                record(core, self.vendor, environ, "GET", kept.path, kept.vendor_path, int(kept.status[:3]),
                       started, tenant, None, response_headers=kept.headers, response_body=kept.body,
                       response_size=len(kept.body))
                return kept
        return None

    def _inside(self, kept: Kept, tenant: str) -> bool:
        now = self.core.clocks.of(tenant).peek()
        return kept.since <= now and (kept.until is None or now < kept.until)


def _journal(core, name: str, req, response: Response, seen: dict, answer: bytes | None, path: str) -> None:
    """`seen`: what the request's hooks noted on `g` (its __dict__); `answer`: its bytes when held whole."""
    environ = req.environ
    size = _length(environ)
    raw = b""
    if environ.get(BODY):  # read whole by the front, chunked or not: a chunked body declares no length
        size = len(environ[BODY])
        raw = environ[BODY][:core.settings.journal_body_chars + 1]
    elif size or "HTTP_TRANSFER_ENCODING" in environ:
        try:
            data = req.get_data(cache=True)
        except Exception:  # a body the server refused to read (e.g. too large)
            data = b""
        raw, size = data[:core.settings.journal_body_chars + 1], size or len(data)
    record(core, name, environ, req.method, path, req.path, response.status_code,
           seen.get("start") or time.perf_counter(), seen.get("tenant", DEFAULT_TENANT), seen.get("fault"), raw, size,
           response.headers, answer, None if answer is None else len(answer), req.url_rule is None)


def record(core, vendor_name: str | None, environ, method: str, path: str, vendor_path: str, status: int,
           started: float, tenant: str, fault, raw: bytes = b"", size: int = 0, response_headers=(),
           response_body: bytes | None = b"", response_size: int | None = 0, unmatched: bool = False) -> None:
    """One journal entry and access-log line (formatted later, by whoever reads them): references to
    what the request and its answer already hold, cut to the journal's bounds (core/journal.py)."""
    headers = environ.get(HEADERS)
    if headers is None:  # (not through the front: --dev, the test client)
        headers = [(k, v) for k, v in environ.items() if k.startswith("HTTP_") or k in _JOURNALED_HEADERS]
    entry = Entry(core.clocks.of(tenant).stamp(), method, path, vendor_path, environ.get("QUERY_STRING", ""),
                  headers, raw, size, core.settings.journal_body_chars, vendor_name, tenant, status,
                  (time.perf_counter() - started) * 1000.0, fault, response_headers, response_body, response_size,
                  unmatched, tenant_from=tenancy.tenant_from(environ))
    core.journal.add(entry)
    ACCESS_LOG.add(entry, core.metrics)
