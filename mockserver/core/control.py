"""The /_mock control API: health, reset, state, fixtures, journal, faults, clock, outbox, tenants, routes, specs.

Everything is per tenant: `?tenant=T` scopes a call to T's world; without it a call is about every
tenant (reset, journal, outbox, faults) or the server clock every tenant without its own follows.
Bodies are JSON whatever their Content-Type says (`curl -d` sends a form type); a key that is not
known, of the wrong type or out of range is a 400 naming it.

A call with no tenant is about this process only: behind a balancer each replica holds its own share of
the tenants, so every answer names the replica (`X-Mock-Replica`; health, reset and tenants also in the
body) and `mockserver fleet` fans such calls out (mockserver/fleet.py).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..console import console_blueprint, is_console_asset
from .accesslog import ACCESS_LOG, ControlCall
from .clock import parse_iso
from .errors import describe_validation
from .faults import EVERY_TENANT, FaultLimit
from .fixtures import FixtureError, load_body
from .journal import Matcher
from .negotiation import empty, json_response
from .redact import norm, redact_state
from .routes import vendor_routes
from .store import DEFAULT_TENANT, TENANT_RE, SnapshotError

bp = Blueprint("control", __name__)


class ControlError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- helpers for every control endpoint, vendors' /_mock/<vendor>/ extras included ------------
def current_core():
    return current_app.extensions["mockserver.core"]


def tenant_arg() -> str:
    """The `?tenant=` a control call is about (default tenant when absent)."""
    return request.args.get("tenant") or DEFAULT_TENANT


def scope_tenant() -> str | None:
    """The `?tenant=` a control call is limited to; None: every tenant."""
    return request.args.get("tenant") or None


def json_object(optional: bool = False) -> dict:
    """The body as a JSON object, whatever the Content-Type says; an empty body is {} when `optional`."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise ControlError(400, "body must be a JSON object")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"body must be a JSON object: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ControlError(400, f"body must be a JSON object, not {type(data).__name__}")
    return data


def only_keys(body: dict, known) -> None:
    """A 400 naming the first key of `body` that is not one of `known`."""
    for key in body:
        if key not in known:
            hint = f"known: {', '.join(known)}" if known else "it takes none"
            raise ControlError(400, f"{key}: unknown key ({hint})")


def number(body: dict, key: str, low: float | None = None, high: float | None = None, integer: bool = False):
    """body[key] checked as a JSON number within [low, high], naming the key when it is not."""
    value = body[key]
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value != value:
        raise ControlError(400, f"{key}: must be {'an integer' if integer else 'a number'}, not {json.dumps(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ControlError(400, f"{key}: must be between {low} and {high}, not {value}")
    return value


_core = current_core


def revealing() -> bool:
    """`?reveal=true`: credentials shown as they are; only with the control token (checked for every
    call when one is set), so a server without one never reveals."""
    if _bool_arg("reveal") is not True:
        return False
    if not _core().settings.control_token:
        raise ControlError(403, "reveal: credentials are shown only to the control token's holder; start the "
                                "server with --control-token (or MOCKSERVER_CONTROL_TOKEN)")
    return True


def _vendor_arg(required: bool) -> str | None:
    name = request.args.get("vendor")
    if name is None:
        if required:
            raise ControlError(400, "query parameter 'vendor' is required")
        return None
    if name not in _core().vendors:
        raise ControlError(404, f"unknown or disabled vendor {name!r} (enabled: {', '.join(_core().vendors)})")
    return name


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ControlError(400, f"query parameter {name!r} must be an integer") from None


@bp.get("/health")
def health():
    core = _core()
    return json_response({"status": "ok", "vendors": list(core.vendors), "version": __version__,
                          "replica": core.replica})


@bp.get("/vendors")
def vendors():
    """The enabled vendors as `mockserver vendors` lists them, with what a client sends to be the default
    fixtures' demo user (the README's demo credentials): how a page or script calls a vendor as that user."""
    core = _core()
    own = core.settings.vendor_ports
    rows = [{"name": name, "title": vendor.title, "prefix": f"/{name}",
             "port": core.settings.vendor_port(name) if own else None,
             "demo_headers": dict(vendor.demo_headers), "probe": vendor.probe}
            for name, vendor in core.vendors.items()]
    return json_response({"vendors": rows, "count": len(rows)})


RESETTABLE = ("data", "clock", "faults", "journal", "outbox")


@bp.post("/reset")
def reset():
    """Everything of the scope back to its start; `keep=` lists what stays. Data goes first, world by
    world under each world's lock: what was in flight has ended, journaled, before the rest is cleared."""
    core = _core()
    vendor = _vendor_arg(required=False)
    tenant = scope_tenant()
    keep = [word for word in (request.args.get("keep") or "").split(",") if word]
    for word in keep:
        if word not in RESETTABLE:
            raise ControlError(400, f"keep: unknown {word!r} (give a comma list of {', '.join(RESETTABLE)})")
    done = [word for word in RESETTABLE if word not in keep]
    if "data" in done:
        core.store.reset(vendor=vendor, tenant=tenant)
    if "clock" in done and vendor is None:  # the clock is the tenant's, not a vendor's: a vendor reset leaves it
        core.clocks.reset(tenant)
    elif "clock" in done:
        done.remove("clock")
    if "faults" in done:
        core.faults.delete(tenant=tenant, vendor=vendor)
    if "journal" in done:
        core.journal.clear(tenant=tenant, vendor=vendor)
    if "outbox" in done:
        core.outbox.clear(vendor=vendor, tenant=tenant)
    return json_response({"reset": done, "kept": [w for w in RESETTABLE if w not in done], "vendor": vendor,
                          "tenant": tenant, "replica": core.replica})


@bp.get("/state")
def state():
    core = _core()
    vendor = _vendor_arg(required=True)
    tenant = tenant_arg()
    reveal = revealing()
    with core.store.held(tenant, vendor):
        data = core.vendors[vendor].dump_state(core.store.state(tenant, vendor))
        if not reveal:  # (a copy: dump_state may hand out the state's own objects)
            data = redact_state(data, frozenset(norm(k) for k in core.vendors[vendor].secret_keys))
    return json_response({"vendor": vendor, "tenant": tenant, "state": data, "redacted": not reveal})


@bp.post("/fixtures")
def fixtures():
    core = _core()
    vendor = _vendor_arg(required=True)
    tenant = scope_tenant()
    text = request.get_data(as_text=True)
    try:
        data = load_body(text, request.mimetype, core.vendors[vendor], f"POST /_mock/fixtures?vendor={vendor}")
    except FixtureError as exc:
        raise ControlError(400, str(exc)) from None
    core.store.set_fixtures(vendor, data, tenant=tenant)
    return json_response({"loaded": True, "vendor": vendor, "tenant": tenant})


def _bool_arg(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ControlError(400, f"query parameter {name!r} must be true or false")


@bp.get("/requests")
def requests_list():
    core = _core()
    items = core.journal.list(
        vendor=request.args.get("vendor"),
        method=request.args.get("method"),
        path=request.args.get("path"),
        status=_int_arg("status"),
        tenant=request.args.get("tenant"),
        limit=_int_arg("limit"),
        unmatched=_bool_arg("unmatched"),
        body_contains=request.args.get("body_contains"),
        reveal=revealing(),
    )
    return json_response({"requests": items, "count": len(items)})


MATCHER_KEYS = ("method", "path", "vendor", "tenant", "status", "unmatched", "body_contains")


@bp.post("/requests/count")
def requests_count():
    """How many journaled requests match: `{"method", "path" (glob), "vendor", "tenant", "status",
    "unmatched", "body_contains"}`, each optional, all must hold (WireMock's /__admin/requests/count)."""
    body = json_object(optional=True)
    only_keys(body, MATCHER_KEYS)
    for key in ("method", "path", "vendor", "tenant", "body_contains"):
        if key in body and not isinstance(body[key], str):
            raise ControlError(400, f"{key}: must be a string, not {json.dumps(body[key])}")
    if "status" in body:
        number(body, "status", 100, 599, integer=True)
    if "unmatched" in body and not isinstance(body["unmatched"], bool):
        raise ControlError(400, f"unmatched: must be true or false, not {json.dumps(body['unmatched'])}")
    given = scope_tenant()
    if given is not None and body.setdefault("tenant", given) != given:
        raise ControlError(400, f"tenant: the body says {body['tenant']!r}, the query {given!r}")
    return json_response({"count": _core().journal.count(Matcher(**body))})


@bp.delete("/requests")
def requests_clear():
    _core().journal.clear(tenant=scope_tenant(), vendor=_vendor_arg(required=False))
    return empty()


@bp.post("/faults")
def faults_add():
    body = json_object()
    given = scope_tenant()
    if given is not None:
        if body.setdefault("tenant", given) != given:
            raise ControlError(400, f"tenant: the body says {body['tenant']!r}, the query {given!r}")
    try:
        rule = _core().faults.add(body)
    except ValidationError as err:
        raise ControlError(400, describe_validation(err)) from None
    except FaultLimit as err:
        raise ControlError(409, str(err)) from None
    if rule["tenant"] != EVERY_TENANT:
        _core().store.touched(rule["tenant"])
    return json_response(rule, 201)


@bp.get("/faults")
def faults_list():
    return json_response({"faults": _core().faults.list(scope_tenant())})


@bp.delete("/faults")
def faults_clear():
    _core().faults.delete(tenant=scope_tenant(), vendor=_vendor_arg(required=False))
    return empty()


@bp.delete("/faults/<int:rule_id>")
def faults_delete(rule_id: int):
    faults, tenant = _core().faults, scope_tenant()
    rule = faults.get(rule_id)
    if rule is None or tenant not in (None, rule["tenant"]):
        raise ControlError(404, f"no fault rule {rule_id}" + (f" of tenant {tenant!r}" if tenant else ""))
    faults.delete(rule_id)
    return empty()


@bp.get("/clock")
def clock_get():
    return json_response(_core().clocks.describe(scope_tenant()))


@bp.post("/clock")
def clock_set():
    """One tenant's clock with ?tenant= (it gets one of its own), else the server's."""
    clocks, tenant = _core().clocks, scope_tenant()
    body = json_object()
    only_keys(body, ("advance_seconds", "set", "mode"))
    if not body:
        raise ControlError(400, "give advance_seconds (number), set (ISO 8601) or mode (real|frozen)")
    when = None
    if "mode" in body and body["mode"] not in ("real", "frozen"):
        raise ControlError(400, f"mode: must be 'real' or 'frozen', not {json.dumps(body['mode'])}")
    if "set" in body:
        try:
            when = parse_iso(body["set"]) if isinstance(body["set"], str) else None
        except ValueError:
            pass
        if when is None:
            raise ControlError(400, f"set: not an ISO 8601 date-time: {json.dumps(body['set'])}")
    if "advance_seconds" in body:
        number(body, "advance_seconds", -100 * 365 * 86400, 100 * 365 * 86400)
    # all checked before anything changes: a refused call leaves the clock as it was
    clock = clocks.server if tenant is None else clocks.own(tenant)
    if body.get("mode") == "real":
        clock.real()
    elif body.get("mode") == "frozen":
        clock.freeze()
    if when is not None:
        clock.set(when)
    if "advance_seconds" in body:
        clock.advance(body["advance_seconds"])
    return json_response(clocks.describe(tenant))


@bp.get("/outbox")
def outbox_list():
    core = _core()
    items = core.outbox.list(vendor=_vendor_arg(required=False), tenant=scope_tenant(),
                             kind=request.args.get("kind"))
    return json_response({"outbox": items, "count": len(items)})


@bp.delete("/outbox")
def outbox_clear():
    core = _core()
    core.outbox.clear(vendor=_vendor_arg(required=False), tenant=scope_tenant())
    return empty()


@bp.get("/tenants")
def tenants():
    """Every tenant the server knows: its worlds' sizes, journal and outbox entries, rules, clock, last use."""
    core = _core()
    records, journal, outbox = core.store.sizes(), core.journal.sizes(), core.outbox.sizes()
    rules: dict[str, int] = {}
    for rule in core.faults.list():
        rules[rule["tenant"]] = rules.get(rule["tenant"], 0) + 1
    names = set(core.store.tenants()) | set(journal) | set(outbox) | set(core.clocks.tenants()) | set(rules)
    names.discard("*")
    rows = []
    for name in sorted(names):
        used = core.store.last_used.get(name)
        rows.append({
            "tenant": name,
            "records": records.get(name, {}),
            "journal_entries": journal.get(name, 0),
            "outbox_entries": outbox.get(name, 0),
            "fault_rules": rules.get(name, 0),
            "clock": "tenant" if core.clocks.has_own(name) else "server",
            "last_used": datetime.fromtimestamp(used, timezone.utc).isoformat().replace("+00:00", "Z")
            if used is not None else None,
        })
    log = core.journal
    return json_response({"replica": core.replica, "tenants": rows, "count": len(rows),
                          "max_tenants": core.store.max_tenants,
                          "evicted": core.store.evicted,
                          "journal": {"entries": len(log), "bytes": log.bytes, "max_entries": log.size,
                                      "max_bytes": log.max_bytes}})


SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _stamped(described: dict) -> dict:
    return {**described, "created": datetime.fromtimestamp(described["created"], timezone.utc).isoformat()
            .replace("+00:00", "Z")}


@bp.post("/snapshots")
def snapshot_take():
    """A named copy of the tenant's data (of one vendor, or all): set up once, restore per test."""
    core = _core()
    body = json_object()
    only_keys(body, ("name",))
    name = body.get("name")
    if not isinstance(name, str) or not SNAPSHOT_NAME.match(name):
        raise ControlError(400, "name: required, 1-100 letters, digits or ._-")
    vendor = _vendor_arg(required=False)
    try:
        taken = core.store.snapshot(tenant_arg(), name, [vendor] if vendor else list(core.vendors))
    except SnapshotError as err:
        raise ControlError(err.status, str(err)) from None
    return json_response(_stamped(taken), 201)


@bp.get("/snapshots")
def snapshot_list():
    items = [_stamped(s) for s in _core().store.snapshots(tenant_arg())]
    return json_response({"snapshots": items, "count": len(items)})


@bp.post("/snapshots/<name>/restore")
def snapshot_restore(name: str):
    core = _core()
    only_keys(json_object(optional=True), ())
    try:
        restored = core.store.restore(tenant_arg(), name, _vendor_arg(required=False))
    except SnapshotError as err:
        raise ControlError(err.status, str(err)) from None
    return json_response({"restored": True, **_stamped(restored)})


@bp.delete("/snapshots/<name>")
def snapshot_delete(name: str):
    try:
        _core().store.delete_snapshot(tenant_arg(), name)
    except SnapshotError as err:
        raise ControlError(err.status, str(err)) from None
    return empty()


@bp.get("/metrics")
def metrics():
    """Prometheus text format: requests by vendor and status, latency, tenants, journal (core/metrics.py)."""
    ACCESS_LOG.flush()  # the requests answered so far are counted, not only those of the last batch
    body, content_type = _core().metrics.render()
    return Response(body, content_type=content_type)


@bp.get("/routes")
def routes():
    core = _core()
    only = _vendor_arg(required=False)
    rows = []
    for name, app in core.vendor_apps.items():
        if only in (None, name):
            rows += vendor_routes(name, app)
    return json_response({"routes": rows, "count": len(rows)})


@bp.get("/openapi/<name>.yaml")
def openapi(name: str):
    vendor = _core().vendors.get(name)
    path = vendor.spec_path() if vendor is not None else None
    if path is None or not path.is_file():
        raise ControlError(404, f"no OpenAPI spec for {name!r}")
    return Response(path.read_text(encoding="utf-8"), content_type="application/yaml")


def _docs_blueprint(core):
    """Swagger UI from the pinned flask-swagger-ui assets (no CDN), with a selector for the specs."""
    from flask_swagger_ui import get_swaggerui_blueprint

    # absolute paths: the control API sits at /_mock on the main port and on every vendor port
    urls = [{"name": name, "url": f"/_mock/openapi/{name}.yaml"} for name, vendor in core.vendors.items()
            if vendor.spec_path().is_file()]
    return get_swaggerui_blueprint("/_mock/docs", None, blueprint_name="docs",
                                   config={"app_name": "mockserver", "urls": urls, "url": None})


UNGUARDED = {("GET", "/health"), ("HEAD", "/health")}  # a container's health check carries no token
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _guard():
    """The control token (when set) on every call but health; and calls that change something refused
    from another site's page (its Origin, or a text/plain body a browser sends without asking first)
    unless they carry the token."""
    token = _core().settings.control_token
    sent = request.headers.get("Authorization", "")
    g.control_token = carries = bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if token and not carries and (request.method, request.path) not in UNGUARDED \
            and not is_console_asset(request.method, request.path):
        why = "give the control token as 'Authorization: Bearer <token>'" if not sent else "wrong control token"
        raise ControlError(401, f"{why} (the server runs with --control-token)",
                           {"WWW-Authenticate": 'Bearer realm="mockserver control API"'})
    if request.method not in WRITES or carries:
        return
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
        raise ControlError(403, f"cross-site request refused: Origin {origin!r} is not this server "
                                f"({request.host}); send the control token to allow it")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise ControlError(403, "cross-site request refused (Sec-Fetch-Site); send the control token to allow it")
    if request.mimetype == "text/plain":
        raise ControlError(415, "a text/plain body is refused (a browser sends one cross-site without asking): "
                                "send JSON, YAML or curl -d's form type, or the control token")


def _started():
    g.started = time.perf_counter()


def warn_if_exposed(settings) -> None:
    """A warning at start when the control API can be reached from other hosts without a token."""
    host = settings.host
    if settings.control_token or host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass  # a host name: assume it is reachable from elsewhere
    logging.getLogger("mockserver").warning(
        "serving on %s without a control token: anyone who reaches this address can reset, replace fixtures "
        "and read state through /_mock; set MOCKSERVER_CONTROL_TOKEN (or --control-token)", host)


def forget_tenant(core, tenant: str) -> None:
    """What the core holds of an evicted tenant besides its store: clock, fault rules, journal, outbox."""
    core.clocks.reset(tenant)
    core.faults.delete(tenant=tenant)
    core.journal.clear(tenant=tenant)
    core.outbox.clear(tenant=tenant)


def build_control_app(core) -> Flask:
    app = Flask("mockserver.control")
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = core.settings.max_upload_mb * 1024 * 1024  # fixtures bodies: a 413
    app.extensions["mockserver.core"] = core
    core.store.on_evict.append(lambda tenant: forget_tenant(core, tenant))
    app.register_blueprint(bp)
    app.register_blueprint(_docs_blueprint(core), url_prefix="/docs")
    app.register_blueprint(console_blueprint, url_prefix="/ui")
    for name, vendor in core.vendors.items():
        if vendor.control_blueprint is not None:
            app.register_blueprint(vendor.control_blueprint, url_prefix=f"/{name}")

    app.before_request(_started)
    app.before_request(_guard)
    warn_if_exposed(core.settings)

    @app.after_request
    def _logged(response):
        response.headers["X-Mock-Replica"] = core.replica  # errors and the console's files too: every /_mock answer
        started = g.get("started")
        if started is not None:  # control calls go to the access log and the metrics, not to the journal
            ACCESS_LOG.add(ControlCall(request.method, request.script_root + request.path, response.status_code,
                                       (time.perf_counter() - started) * 1000.0, request.args.get("tenant")),
                           core.metrics)
        return response

    @app.before_request
    def _tenant():
        given = request.args.get("tenant")
        if given is not None and not TENANT_RE.match(given):
            raise ControlError(400, "tenant: use 1-128 letters, digits or ._:@/+-")
        g.tenant = given or DEFAULT_TENANT  # what context.now() and the vendors' extras act on
        if given is not None:
            core.store.touched(given)  # a tenant set up by control calls counts as used (and may evict)
        g.clock = core.clocks.of(g.tenant)

    @app.errorhandler(ControlError)
    def _control_error(err: ControlError):
        response = json_response({"error": err.message}, err.status)
        response.headers.update(err.headers)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if err.code == 413:
            return json_response({"error": f"body too large: at most {core.settings.max_upload_mb} MB "
                                           "(--max-upload-mb)"}, 413)
        return json_response({"error": err.name}, err.code or 500)

    return app
