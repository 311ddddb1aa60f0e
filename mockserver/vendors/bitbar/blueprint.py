"""The one Blueprint; `/api/v2/me/...`, `/api/me/...` and `/api/v2/users/{userId}/...` share handlers.

Handlers live in the resource modules (users, notifications, access_groups, devices, projects, files, runs,
device_runs), which register on this blueprint; here are the vendor-wide hook and the request and reply
helpers they share.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from flask import Blueprint, Response, request
from flask.globals import _cv_app
from marshmallow import Schema

from ...core import context
from ...core.bodies import params, schema_of
from ...core.filenames import content_disposition, safe_name, zip_entry
from ...core.negotiation import JSON, XML, encoded, fragment, negotiated, to_xml, wants
from ...core.routes import doc_path
from . import errors
from .model import announcements, artifacts, files, reports, timeline
from .model.listing import listed
from .model.lookups import Caller
from .model.projects import ROLES
from .model.rendered import Rendered, Renderings
from .schemas import AccessGroupOut, DeviceOut

blueprint = Blueprint("bitbar", __name__)

ME_PREFIXES = ("/api/v2/me", "/api/me", "/api/v2/users/<int:userId>")


def me_route(rule: str, methods=("GET",), defaults: dict | None = None, name: str | None = None):
    """Register a handler under the three account prefixes (Vendor.authenticate 404s a foreign userId).

    The registered view wraps the handler with functools.wraps, which copies the handler's attributes,
    so a `@public` under `@me_route` carries over."""

    def decorate(fn):
        @functools.wraps(fn)
        def view(**kwargs):
            kwargs.pop("userId", None)
            return fn(**kwargs)

        extra = {"defaults": defaults} if defaults else {}
        for index, prefix in enumerate(ME_PREFIXES):
            blueprint.add_url_rule(prefix + rule, endpoint=f"{name or fn.__name__}__{index}", view_func=view,
                                   methods=list(methods), **extra)
        return fn

    return decorate


@blueprint.after_request
def _announce(response: Response) -> Response:
    # only after a success: a failed request is rolled back and must not have sent anything
    if response.status_code < 400:
        st = context.state()
        # the clock is read only when a run may have finished: an answer that read it is not kept
        if st.extra.get("unannounced"):
            for kind, payload in announcements.finished(st, context.now_ms()):
                context.record_outbound(kind, payload)
    return response


# -- who and what ------------------------------------------------------------------------------
def me() -> dict:
    """The authenticated user (set by Vendor.authenticate)."""
    return _cv_app.get().g.bitbar_user  # (not through the `g` proxy: a handler may ask more than once)


def caller() -> Caller:
    """The caller's view of the tenant's state: their records by id, or the vendor's 404."""
    return Caller(context.state(), me()["id"])


def state():
    return context.state()


# -- replies -----------------------------------------------------------------------------------
def reply(data, status: int = 200, root: str = "response") -> Response:
    """XML by default, JSON when asked (the doc's first rule)."""
    return negotiated(data, status, default=XML, xml_root=root)


def dump(schema: type[Schema], record, status: int = 200, root: str = "response") -> Response:
    return reply(schema_of(schema).dump(record), status, root)


def dump_list(schema: type[Schema], records, root: str = "list", out=None, every=None, rows=None,
              kept=None) -> Response:
    """The list envelope of `records` (a list or any sequence), paged, searched, sorted and filtered as the
    query asks; `out` turns a stored record into what the schema dumps, and is called only for the records
    rendered (a plain page: just its own); `rows`, in place of both, renders a list of stored records itself.
    `every`: see model/listing.py's `listed`.

    `kept`, a key naming all the page depends on besides the world, the list query and the URL (the caller, a
    path id), keeps the answer's text until the world changes (context.kept_work), for pages of at most
    LONGEST_KEPT rows: `records` may then be a function giving them, called only when the answer is made."""
    query = _list_query()
    if kept is not None:
        shape = (query.get("offset"), query.get("limit"), query.get("search"), query.get("sort"),
                 query.get("filter"))
        # only text (or absent) keys: a JSON body's 1, 1.0 and true are equal keys but render apart
        if _TEXT.issuperset(map(type, shape)) and _short(shape[1]):
            form = wants(XML)
            key = ("bitbar.list", schema, root, kept, context.base_url() + request.path, form, shape)
            body = context.kept_work(key, lambda: _answer(schema, records, root, out, every, rows, query, form))
            return Response(body, content_type=form)
    return reply(_envelope(schema, records, out, every, rows, query), 200, root)


_TEXT = frozenset((str, type(None)))
LONGEST_KEPT = 200  # rows: a page of a whole big table (limit=0) is made every time, not kept per world


def _short(limit: str | None) -> bool:
    """Whether a page of `limit` (as the query gives it) holds at most LONGEST_KEPT rows; no for one that is
    refused, which is not kept either."""
    if not limit:
        return True  # (the default, 20)
    return limit.isascii() and limit.isdigit() and 0 < int(limit) <= LONGEST_KEPT  # ("²" is a digit int() refuses)


def _envelope(schema: type[Schema], records, out, every, rows, query: dict) -> dict:
    if callable(records):
        records = records()
    envelope = listed(records if isinstance(records, Sequence) else list(records), rows or _rows(schema, out),
                      _fields(schema), query, context.base_url() + request.path, every)
    data = envelope["data"]
    if type(data) is Rendered and envelope["offset"] < _ORJSON_INTS and envelope["limit"] < _ORJSON_INTS \
            and wants(XML) == JSON:
        # a kept page's rows go out as the JSON text they were written as once (orjson writes it as it is; its
        # numbers fit orjson, or the whole answer would be written by the json module, which cannot write it)
        envelope["data"] = data.written(fragment) or data
    return envelope


_ORJSON_INTS = 1 << 63  # (offset and limit are never negative)


def _answer(schema: type[Schema], records, root: str, out, every, rows, query: dict, form: str):
    """The bytes of the body `reply` gives the list envelope."""
    envelope = _envelope(schema, records, out, every, rows, query)
    return to_xml(envelope, root).encode() if form == XML else encoded(envelope)  # (as Response encodes text)


@functools.cache
def _fields(schema: type[Schema]) -> frozenset:
    return frozenset(schema_of(schema).fields)


@functools.lru_cache(maxsize=256)  # (per schema and `out`, module-level functions)
def _rows(schema: type[Schema], out):
    """A function rendering a list of stored records as `schema` dumps them, `out` turning each into its input."""
    many = schema_of(schema, many=True).dump
    one = getattr(many, "one", None)
    if one is None:  # (a schema with dump hooks: marshmallow's own dump, of the whole list)
        return many if out is None else lambda rows: many([out(r) for r in rows])
    return (lambda rows: [one(r) for r in rows]) if out is None else lambda rows: [one(out(r)) for r in rows]


def _list_query() -> dict:
    """The list parameters; every `filter=` given counts, as if joined by `;` (the doc's filter syntax)."""
    req = request._get_current_object()  # (once: each access through the proxy costs a lookup)
    if not req.environ.get("CONTENT_TYPE"):  # no body fields to merge: the query's alone (as params() reads it)
        values = req.args.to_dict()
        filters = req.args.getlist("filter")
    else:
        values = params()
        filters = req.args.getlist("filter")
        if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            filters += req.form.getlist("filter")
    if len(filters) > 1:
        values["filter"] = ";".join(f for f in filters if f)
    return values


def send(data: bytes, name: str, mimetype: str | None = None) -> Response:
    """An attachment named `name` (made safe, in RFC 6266's two forms whatever it holds)."""
    return Response(data, mimetype=mimetype or files.mime_of(name),
                    headers={"Content-Disposition": content_disposition(name)})


# -- requests ----------------------------------------------------------------------------------
def given(*required: str) -> dict:
    """The declared fields of a request as the contract cast and checked them (openapi/bitbar.yaml):
    the query string, then the form or JSON body, which wins. Only what the operation declares (its
    query parameters and body properties, never its path) is returned, so a stray key cannot reach a
    record. A field the spec marks "required in one or the other" must be in one of them, which
    OpenAPI cannot tie together, so it is checked here."""
    req = request._get_current_object()  # (once: each access through the proxy costs a lookup)
    names, flags = _declared(req.url_rule.rule if req.url_rule else "", req.method)
    params, body = context.checked()
    values = {key: value for key, value in params.items() if value is not None and key in names}
    if isinstance(body, dict):
        # an absent parameter reads as None; a body's null is sent (it clears a nullable field)
        values.update({key: value for key, value in body.items() if key in names})
    for name in flags:  # the spec lets a JSON body spell a boolean "true"/"false"; the contract checked which
        if isinstance(values.get(name), str):
            values[name] = values[name] == "true"
    for name in required:
        if name not in values:
            raise errors.missing_field(name)
    return values


@functools.lru_cache(maxsize=1024)
def _declared(rule: str, method: str) -> tuple[frozenset, frozenset]:
    """(every query parameter and body property the operation declares, those that take a boolean)."""
    spec = context.contract()
    item = (spec.spec.get("paths") or {}).get(doc_path(rule)) or {}
    op = spec.declared(rule, method)
    names, flags = set(), set()

    def note(name, schema):
        names.add(name)
        schema = spec.deref(schema)
        alternatives = schema.get("oneOf", []) + schema.get("anyOf", [])
        kinds = [schema.get("type")] + [spec.deref(alt).get("type") for alt in alternatives]
        if any(k == "boolean" or isinstance(k, list) and "boolean" in k for k in kinds):
            flags.add(name)

    for entry in item.get("parameters", []) + op.get("parameters", []):
        entry = spec.deref(entry)
        if entry.get("in") == "query":
            note(entry["name"], entry.get("schema", {}))
    body = spec.deref(op.get("requestBody") or {})
    for content in (body.get("content") or {}).values():
        for name, schema in (spec.deref(content.get("schema") or {}).get("properties") or {}).items():
            note(name, schema)
    return frozenset(names), frozenset(flags)


def store_upload(role: str | None = None, project_id: int | None = None) -> dict:
    """The multipart field `file` saved as a new file record of the caller."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise errors.missing_file()
    data = upload.read()
    name = safe_name(upload.filename) or "file"  # only the base name; nothing usable left (`..`) reads "file"
    st = state()
    stored = files.stored_bytes(st)
    # the account's quota (fixture `simulation.maxStoredMb`) and the mock's own per-tenant bound (--max-stored-mb)
    quota = st.extra["simulation"]["maxStoredMb"] * 1024 * 1024
    if stored + len(data) > quota or not context.check_stored(stored, len(data)):
        raise errors.storage_quota_exceeded()
    return st.insert("files", files.uploaded(st, me()["id"], name, data, role, project_id, context.now_ms()))


# -- shared by several families ----------------------------------------------------------------
def file_out(record: dict) -> dict:
    return files.out(state(), record, context.now_ms())


def file_bytes(record: dict) -> bytes:
    return files.content(state(), record, context.now_ms)


def file_ready(record: dict) -> bool:
    return files.ready(state(), record, context.now_ms)


def files_zip(file_ids: dict, name: str) -> Response:
    """The application, data and test files of a project or run as one zip."""
    st = state()
    entries = []
    for role in ROLES:
        if file_ids.get(role) is not None:
            record = st.get("files", file_ids[role])
            if record is not None:
                entries.append((zip_entry(role, name=record["name"]), file_bytes(record)))
    return send(artifacts.zip_bytes(entries), name, "application/zip")


def output_files(dr: dict, tags: list | None = None) -> list[dict]:
    """The ready files of a device run's output file set; with `tags` (the query's `tag[]`), those carrying one."""
    st = state()
    records = (st.get("files", i) for i in dr["outputFileIds"])
    wanted = set(tags or ())
    return [r for r in records if r is not None and file_ready(r) and (not wanted or wanted & set(r["tags"]))]


def output_zip(device_runs: list[dict], name: str, tags: list | None = None, folders: bool = True) -> Response:
    """The output files of `device_runs` as one zip, with `folders` one per device run (`{deviceRunId}-{device
    name}`, the layout the testdroid client downloads into), else flat (a single device run's own)."""
    st = state()
    entries = []
    for dr in device_runs:
        folder = (f"{dr['id']}-{st.get('devices', dr['deviceId'])['displayName']}",) if folders else ()
        entries += [(zip_entry(*folder, name=r["name"]), file_bytes(r)) for r in output_files(dr, tags)]
    return send(artifacts.zip_bytes(entries), name, "application/zip")


def report_response(run_list: list[dict], title: str, stem: str, failures_only: bool) -> Response:
    """A run report in the `type` (PDF, CSV, HTML) the query asks for, as an attachment."""
    kind = given("type")["type"]
    data, mimetype, ext = reports.report(state(), run_list, kind, title, failures_only, context.now_ms())
    return send(data, f"{stem}.{ext}", mimetype)


def device_out(device: dict) -> dict:
    return {**device, **_frames(context.base_url(), device["imagePrefix"] or device["id"])}


def devices_dumped(devices) -> list[dict]:
    """Devices as DeviceOut dumps `device_out` of each (shared renderings: not to be changed)."""
    return _devices_dumped(devices, context.base_url())


def _dump_device(device: dict, root: str) -> dict:
    # DeviceOut of device_out(device) without building that merged record: the frame links are DeviceOut's
    # last fields, so they go after the device's own (replacing any of the same name)
    row = schema_of(DeviceOut).dump(device)
    row.update(_frames(root, device["imagePrefix"] or device["id"]))
    return row


# below the kept answers (dump_list's `kept`, dropped at any change): the first read of a device page after a change
# elsewhere (a new project) renders only the devices changed since
_devices_dumped = Renderings(_dump_device)


@functools.lru_cache(maxsize=4096)  # the same few devices are listed again and again: their frame links made once
def _frames(root: str, image) -> dict:
    base = f"{root}/resources/images/devices/{image}"
    return {f"frame{h}Url": f"{base}-h{h}.png" for h in (80, 100, 160, 400)}


def device_run_out(dr: dict) -> dict:
    device = state().get("devices", dr["deviceId"])
    v = timeline.view(dr, context.now_ms())
    return {
        **dr, "device": device_out(device), "deviceName": device["displayName"],
        "deviceSerialId": f"SN{device['id']:08d}", "softwareVersion": device["softwareVersion"],
        "testCaseSuccessNo": v["testCaseSuccessNo"], "testCaseAllNo": v["testCaseAllNo"],
        "testCaseCount": v["testCaseCount"], "startTime": v["startTime"], "endTime": v["endTime"],
        "runTime": v["endTime"], "currentState": v["current"], "interruptedByState": v["interrupted"],
        "runStatus": v["status"], "state": v["status"], "testRunId": dr["runId"],
        "retryState": "RETRIED" if dr["retries"] else "NONE",
    }


def access_group(group_id: int) -> dict:
    return caller().owned("accessGroups", group_id, errors.access_group_not_found)


def access_group_out(group: dict) -> dict:
    return {**group, "userEmail": me()["email"]}


def share(kind: str, resource_id: int) -> Response:
    """POST me/{projects,device-groups,files}/{id}/share: put the resource into an access group."""
    group = access_group(given("accessGroupId")["accessGroupId"])
    if any(r["type"] == kind and r["resourceId"] == resource_id for r in group["resources"]):
        raise errors.already_in_access_group(kind, resource_id)
    group["resources"].append({"id": state().next_id("accessResources"), "resourceId": resource_id, "type": kind})
    return dump(AccessGroupOut, access_group_out(group), 201, root="accessGroup")
