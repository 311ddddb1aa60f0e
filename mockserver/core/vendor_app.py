"""The Flask app around one vendor's blueprint: tenants, faults, locking, rollback, journal, errors.

Every vendor gets the same hooks here, so no vendor writes its own.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import context
from .errors import VendorError
from .negotiation import json_response
from .spec_guard import SpecGuard
from .store import DEFAULT_TENANT, TENANT_RE

access_log = logging.getLogger("mockserver.access")
error_log = logging.getLogger("mockserver.errors")

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
TENANT_HEADER = "X-Mock-Tenant"

HTTP_MESSAGES = {
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
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


def build_vendor_app(core, vendor) -> Flask:
    app = Flask(f"mockserver.{vendor.name}")
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = core.settings.max_upload_mb * 1024 * 1024
    app.extensions[context.CORE_KEY] = core
    app.extensions[context.VENDOR_KEY] = vendor
    if vendor.blueprint is not None:
        app.register_blueprint(vendor.blueprint)
    spec = vendor.spec_path()
    if core.settings.validate_requests and vendor.spec_guard and spec.is_file():
        SpecGuard(spec).guard_views(app)

    @app.before_request
    def _begin():
        g.start = time.perf_counter()
        g.lock = None
        g.snapshot = None
        tenant = request.headers.get(TENANT_HEADER, DEFAULT_TENANT) or DEFAULT_TENANT
        g.tenant = tenant if TENANT_RE.match(tenant) else DEFAULT_TENANT
        if not TENANT_RE.match(tenant):
            return render_error(vendor, 400, f"Invalid {TENANT_HEADER} header: use 1-128 letters, digits or ._:@/+-")
        rule = core.faults.match(vendor.name, request.method, request.script_root + request.path, request.path)
        if rule is not None:
            if rule.get("delay_ms"):
                time.sleep(rule["delay_ms"] / 1000.0)
            if rule.get("status") is not None:
                g.fault = rule["id"]
                return _fault_response(vendor, rule)
        lock = core.store.lock(g.tenant, vendor.name)
        lock.acquire()
        g.lock = lock
        if request.method in MUTATING:
            g.snapshot = core.store.snapshot(g.tenant, vendor.name)

    @app.after_request
    def _finish(response: Response):
        if g.get("snapshot") is not None and response.status_code >= 400:
            # a failed request leaves no trace in the store
            core.store.restore(g.tenant, vendor.name, g.snapshot)
            g.snapshot = None
        _journal(core, vendor, response)
        return response

    @app.teardown_request
    def _release(exc):
        lock = g.pop("lock", None)
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
        if g.get("snapshot") is not None:
            core.store.restore(g.tenant, vendor.name, g.snapshot)
            g.snapshot = None
        return render_error(vendor, 500, "Internal Server Error")

    return app


def _journal(core, vendor, response: Response) -> None:
    duration = (time.perf_counter() - g.get("start", time.perf_counter())) * 1000.0
    limit = core.settings.journal_body_chars
    try:
        raw = request.get_data(cache=True)
    except Exception:  # a body the server refused to read (e.g. too large)
        raw = b""
    text = raw[:limit].decode("utf-8", errors="replace")
    entry = {
        "time": core.clock.now().isoformat().replace("+00:00", "Z"),
        "method": request.method,
        "path": request.script_root + request.path,
        "vendor_path": request.path,
        "query": request.query_string.decode("latin-1"),
        "headers": dict(request.headers),
        "body": text,
        "body_size": len(raw),
        "body_truncated": len(raw) > limit,
        "vendor": vendor.name,
        "tenant": g.get("tenant", DEFAULT_TENANT),
        "status": response.status_code,
        "duration_ms": round(duration, 3),
        "fault": g.get("fault"),
    }
    core.journal.add(entry)
    access_log.info(
        "%s %s %d %.1fms vendor=%s tenant=%s",
        entry["method"], entry["path"], entry["status"], duration, vendor.name, entry["tenant"],
    )
