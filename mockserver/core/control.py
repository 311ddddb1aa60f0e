"""The /_mock control API: health, reset, state, fixtures, journal, faults, clock, outbox, routes, specs."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .. import __version__
from .clock import parse_iso
from .errors import describe_validation
from .fixtures import FixtureError, load_body
from .negotiation import empty, json_response
from .routes import vendor_routes
from .store import DEFAULT_TENANT

bp = Blueprint("control", __name__)


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# -- helpers for every control endpoint, vendors' /_mock/<vendor>/ extras included ------------
def current_core():
    return current_app.extensions["mockserver.core"]


def tenant_arg() -> str:
    """The `?tenant=` a control call is about (default tenant when absent)."""
    return request.args.get("tenant") or DEFAULT_TENANT


def json_object() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


_core = current_core


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
    return json_response({"status": "ok", "vendors": list(core.vendors), "version": __version__})


@bp.post("/reset")
def reset():
    core = _core()
    vendor = _vendor_arg(required=False)
    tenant = request.args.get("tenant")
    core.store.reset(vendor=vendor, tenant=tenant)
    return json_response({"reset": True, "vendor": vendor, "tenant": tenant})


@bp.get("/state")
def state():
    core = _core()
    vendor = _vendor_arg(required=True)
    tenant = tenant_arg()
    with core.store.lock(tenant, vendor):
        data = core.vendors[vendor].dump_state(core.store.state(tenant, vendor))
    return json_response({"vendor": vendor, "tenant": tenant, "state": data})


@bp.post("/fixtures")
def fixtures():
    core = _core()
    vendor = _vendor_arg(required=True)
    tenant = request.args.get("tenant")
    text = request.get_data(as_text=True)
    try:
        data = load_body(text, request.mimetype, core.vendors[vendor], f"POST /_mock/fixtures?vendor={vendor}")
    except FixtureError as exc:
        raise ControlError(400, str(exc)) from None
    core.store.set_fixtures(vendor, data, tenant=tenant)
    return json_response({"loaded": True, "vendor": vendor, "tenant": tenant})


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
    )
    return json_response({"requests": items, "count": len(items)})


@bp.delete("/requests")
def requests_clear():
    _core().journal.clear()
    return empty()


@bp.post("/faults")
def faults_add():
    try:
        rule = _core().faults.add(json_object())
    except ValidationError as err:
        raise ControlError(400, describe_validation(err)) from None
    return json_response(rule, 201)


@bp.get("/faults")
def faults_list():
    return json_response({"faults": _core().faults.list()})


@bp.delete("/faults")
def faults_clear():
    _core().faults.delete()
    return empty()


@bp.delete("/faults/<int:rule_id>")
def faults_delete(rule_id: int):
    if not _core().faults.delete(rule_id):
        raise ControlError(404, f"no fault rule {rule_id}")
    return empty()


@bp.get("/clock")
def clock_get():
    return json_response(_core().clock.describe())


@bp.post("/clock")
def clock_set():
    clock = _core().clock
    body = json_object()
    known = {"advance_seconds", "set", "mode"}
    if not body or set(body) - known:
        raise ControlError(400, "give one of advance_seconds (number), set (ISO 8601) or mode (real|frozen)")
    if "mode" in body:
        if body["mode"] == "real":
            clock.real()
        elif body["mode"] == "frozen":
            clock.freeze()
        else:
            raise ControlError(400, "mode must be 'real' or 'frozen'")
    if "set" in body:
        try:
            clock.set(parse_iso(str(body["set"])))
        except ValueError:
            raise ControlError(400, f"set: not an ISO 8601 date-time: {body['set']!r}") from None
    if "advance_seconds" in body:
        value = body["advance_seconds"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ControlError(400, "advance_seconds must be a number")
        clock.advance(value)
    return json_response(clock.describe())


@bp.get("/outbox")
def outbox_list():
    core = _core()
    items = core.outbox.list(vendor=_vendor_arg(required=False), tenant=request.args.get("tenant"),
                             kind=request.args.get("kind"))
    return json_response({"outbox": items, "count": len(items)})


@bp.delete("/outbox")
def outbox_clear():
    core = _core()
    core.outbox.clear(vendor=_vendor_arg(required=False))
    return empty()


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


def build_control_app(core) -> Flask:
    app = Flask("mockserver.control")
    app.url_map.strict_slashes = False
    app.extensions["mockserver.core"] = core
    app.register_blueprint(bp)
    app.register_blueprint(_docs_blueprint(core), url_prefix="/docs")
    for name, vendor in core.vendors.items():
        if vendor.control_blueprint is not None:
            app.register_blueprint(vendor.control_blueprint, url_prefix=f"/{name}")

    @app.errorhandler(ControlError)
    def _control_error(err: ControlError):
        return json_response({"error": err.message}, err.status)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        return json_response({"error": err.name}, err.code or 500)

    return app
