"""The one Blueprint of Hiptest, its hooks, and the request/reply helpers the resource modules share.

Hooks: the rate limit (it runs before the view's guard authenticates: Vendor.authenticate) and the
token's `expiry` response header. Helpers: records found under
the records their URL names (404 otherwise), json:api documents read from the request and rendered
with `?include=`, and the mock clock's stamps and the signed-in author.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, request
from flask.globals import _cv_app, _cv_request

from ...core import context
from ...core.negotiation import encoded, json_response
from . import auth, errors
from .model import library, ratelimit, records
from .model.jsonapi import MEDIA_TYPE, as_id, matches_type
from .model.resources import serializer

blueprint = Blueprint("hiptest", __name__)


@blueprint.before_request
def _rate_limit():
    """The documented limit, when switched on; the request's credentials are checked after it."""
    override = context.state().extra.get("rate_limit")
    setting = context.vendor_options().get("rate_limit") if override is None else None
    if not (override or setting):
        return  # off, as by default (effective_limit: 0, None or false is off)
    limit = ratelimit.effective_limit(override, setting)
    if not limit:
        return
    context.uncacheable()  # every request counts against the window: none may be answered from the read cache
    windows = context.state().scratch.setdefault("rate_limit", ratelimit.Windows())
    wait = windows.hit((request.remote_addr or "?",), context.now().timestamp(), limit)
    if wait is not None:
        raise errors.too_many_requests(wait)


@blueprint.after_request
def _expiry(response):
    token = _cv_app.get().g.__dict__.get("hiptest_token")  # (read past g's proxy: a Python call per lookup)
    if token is not None:
        response.headers.set("expiry", str(token["expiry"]))  # (what `headers[...] =` calls, less its key checks)
    return response


# -- query flags and serialiser options -------------------------------------------------------
def options(**extra) -> dict:
    """Serialiser options: flags from the query string plus the mock clock, read only by the
    resources that depend on time (so the others stay cacheable reads)."""
    return {**_OPTIONS, **extra} if extra else _OPTIONS  # (read only: the plain one is shared, not built per call)


def _now_epoch() -> float:
    return context.now().timestamp()


_OPTIONS = {"now_epoch": _now_epoch}


def flag(name: str) -> bool:
    """A query flag: present (`?show_passrate`) or true-ish; `false`/`0` turn it off."""
    if name not in request.args:
        return False
    return request.args.get(name, "").strip().lower() not in ("false", "0", "no")


# -- records ----------------------------------------------------------------------------------
def stamp() -> str:
    """Now on the mock clock, shaped like the API's timestamps: 2017-11-28T11:05:55.806Z."""
    return records.stamp(context.now())


def touch(record: dict) -> dict:
    return records.touch(record, stamp(), auth.current_author())


def new_record(**fields) -> dict:
    return records.new_record(stamp(), auth.current_author(), **fields)


rows = records.rows


def find(state, kind: str, key: int, **scope) -> dict:
    """The record of `kind` with id `key` under `scope` (its parents' ids); 404 otherwise."""
    record = records.scoped(state, kind, key, **scope)
    if record is None:
        raise errors.record_not_found()
    return record


def project(state, project_id: int) -> dict:
    return find(state, "projects", project_id)


def in_project(state, kind: str, project_id: int, record_id: int) -> dict:
    """A record of the project (folder, scenario, action word, test run): the project, then the record."""
    project(state, project_id)
    return find(state, kind, record_id, project_id=project_id)


def project_run(state, project_id: int, test_run_id: int) -> dict:
    return in_project(state, "test_runs", project_id, test_run_id)


def in_run(state, kind: str, project_id: int, test_run_id: int, record_id: int) -> tuple[dict, dict]:
    """(run, record of `kind` in it): the project → run → test/build/environment/folder snapshot lookup."""
    run = project_run(state, project_id, test_run_id)
    return run, find(state, kind, record_id, test_run_id=run["id"])


def folder_or_root(state, project_id: int, folder_id: int | None) -> dict:
    """The folder a new folder or scenario goes into: the given one (422 when not the project's), else
    the project's root folder (made when the project has none)."""
    if folder_id is None:
        root = library.root_folder(state, project_id)
        if root is not None:
            return root
        name = state.get("projects", project_id)["name"]
        return state.insert("folders", new_record(project_id=project_id, parent_id=None, name=name, description="",
                                                  definition=library.FOLDER_DEFINITION, feature_updated_at=None))
    parent = state.get("folders", folder_id)
    if parent is None or parent["project_id"] != project_id:
        raise errors.unknown_parent_folder(folder_id)
    return parent


def update_definition(record: dict, attrs: dict, kind: str) -> None:
    """A scenario's or action word's new name or definition (not both at once: 409)."""
    if "name" in attrs and "definition" in attrs:
        raise errors.name_with_definition()
    library.apply_definition(record, attrs, kind)


def tagged(state, kind: str, project_id: int) -> list[dict]:
    """The project's records of `kind` with the tag `?key=` (and `?value=`, any when absent)."""
    params, _ = context.checked()  # the contract requires a non-empty key
    return library.tagged(state, kind, project_id, params["key"], params["value"])


def library_reads(kind: str, id_arg: str, list_includes: tuple, show_includes: tuple) -> None:
    """GET list, find_by_tags and one item of a project's folders, scenarios or action words."""
    prefix = "/api/projects/<int:project_id>"

    def list_items(project_id):
        state = context.state()
        project(state, project_id)
        return render(state, kind, rows(state, kind, project_id=project_id), allowed_includes=list_includes,
                      options=options())

    def find_items(project_id):
        state = context.state()
        project(state, project_id)
        return render(state, kind, tagged(state, kind, project_id), options=options())

    def show_item(project_id, **kw):
        state = context.state()
        item = in_project(state, kind, project_id, kw[id_arg])
        return render(state, kind, item, allowed_includes=show_includes, options=options())

    blueprint.add_url_rule(f"{prefix}/{kind}", f"list_{kind}", list_items, methods=["GET"])
    blueprint.add_url_rule(f"{prefix}/{kind}/find_by_tags", f"find_{kind}", find_items, methods=["GET"])
    blueprint.add_url_rule(f"{prefix}/{kind}/<int:{id_arg}>", f"show_{kind}", show_item, methods=["GET"])


# -- json:api out -----------------------------------------------------------------------------
def respond(body, status: int = 200, headers: dict | None = None):
    return json_response(body, status, headers, content_type=MEDIA_TYPE)


def parse_include(allowed) -> tuple[str, ...]:
    seen = _cv_app.get().g.__dict__
    params = seen.get("params")
    raw = params.get("include", _UNDECLARED) if params else _UNDECLARED
    if raw is not None and type(raw) is not str:  # (a contract that declares no string ?include=: off the query)
        req = _cv_request.get().request
        if not req.environ.get("QUERY_STRING"):
            return ()  # (most writes: no query string to parse into args)
        raw = req.args.get("include")
    if raw is None:
        return ()
    # (a long value, which no client sends twice, is not kept: 256 of them could hold megabytes)
    return (_includes if len(raw) <= 256 else _includes.__wrapped__)(raw, tuple(allowed))


_UNDECLARED = object()


@lru_cache(maxsize=256)  # a client asks for the same few includes on every call: split and checked once each
def _includes(raw: str, allowed: tuple) -> tuple[str, ...]:
    if raw.strip() == "":
        return ()
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise errors.unknown_relationships(unknown)
    return names


def render(state, rtype, data, status: int = 200, allowed_includes=(), options=None, linkage_for=(), meta=None):
    """The whole response for one resource or a list, honouring `?include=`."""
    document = serializer(state, parse_include(allowed_includes), options, linkage_for).document(rtype, data, meta)
    return json_response(document, status, None, content_type=MEDIA_TYPE)


def render_kept(key, state, rtype, items, allowed_includes=(), options=None):
    """render's 200 for the list `items()`, its body kept (context.kept_work) until the world next changes, in place
    or not (a run's statuses change with its tests' results). `key` names what `items` reads besides the world;
    only for resources whose rendering reads no clock and no base URL (links are relative)."""
    include = parse_include(allowed_includes)  # (an unknown one is refused before anything is kept)
    body = context.kept_work((rtype, include, key), lambda: encoded(
        serializer(state, include, options).document(rtype, items())))
    return json_response(body, content_type=MEDIA_TYPE)


# -- json:api in ---------------------------------------------------------------------------------
def _resource_name(declared: dict) -> str:
    """The spec's resource schema of an operation's request body (`<Body>Resource`)."""
    for content in ((declared.get("requestBody") or {}).get("content") or {}).values():
        ref = (content.get("schema") or {}).get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[1] + "Resource"
    return ""


# (the contract, (rule, method) -> attribute kinds): what each write reads of the spec, read once per operation;
# only the current contract's are kept (a changed spec file is a new contract, which starts anew)
_body_kinds_of: tuple = (None, {})


def _body_kinds(contract, rule: str, method: str) -> dict[str, str]:
    global _body_kinds_of
    held, kinds = _body_kinds_of
    if held is not contract:
        held, kinds = _body_kinds_of = (contract, {})
    found = kinds.get((rule, method))
    if found is None:
        found = kinds[(rule, method)] = _attribute_kinds(contract, _resource_name(contract.declared(rule, method)))
    return found


def _attribute_kinds(contract, resource_name: str) -> dict[str, str]:
    """Underscored attribute name -> "id", "ids" or "value", as the spec declares the attributes
    (both spellings, the second referring to the first; ids are numbers or digit strings)."""
    attributes = contract.component(resource_name).get("properties", {}).get("attributes", {})
    if "$ref" in attributes:
        attributes = contract.component(attributes["$ref"].rsplit("/", 1)[1])
    kinds = {}
    for name, prop in attributes.get("properties", {}).items():
        kind = "value"
        refs = [prop.get("$ref", "")] + [p.get("$ref", "") for p in prop.get("allOf", [])]
        if any(r.endswith(("/RequestId", "/NullableRequestId")) for r in refs):
            kind = "id"
        elif str((prop.get("items") or {}).get("$ref", "")).endswith("/RequestId"):
            kind = "ids"
        kinds.setdefault(str(name).replace("-", "_"), kind)
    return kinds


def read_resource(expected_type: str, url_id: int | None = None) -> tuple[dict, dict]:
    """(attributes, relationships) of the json:api request document the contract checked.

    Attributes come underscored, only those the spec declares (unknown ones are dropped, as Rails'
    strong parameters do), ids as ints; absent ones stay absent (the handler applies defaults).
    """
    _, raw = context.checked()
    if not raw:
        raw = {"data": {}}  # the docs post `{}` (or nothing) to create a build
    elif "data" not in raw:
        raw = {"data": raw}  # some of the docs' curl examples send the resource without its `data` wrapper
    data = raw["data"]
    # type and id against the URL: the spec cannot compare a body with the route
    if not matches_type(data.get("type"), expected_type):
        raise errors.type_mismatch(expected_type, data.get("type"))
    if url_id is not None and data.get("id") is not None and as_id(data["id"]) != url_id:
        raise errors.id_mismatch(as_id(data["id"]), url_id)
    req = _cv_request.get().request
    kinds = _body_kinds(context.contract(), req.url_rule.rule, req.method)
    attributes = {}
    for name, value in (data.get("attributes") or {}).items():  # (underscored: the docs send both spellings)
        name = str(name).replace("-", "_")
        kind = kinds.get(name)
        if kind == "id":
            value = as_id(value)
        elif kind == "ids":
            value = [as_id(v) for v in value]
        if kind is not None:
            attributes[name] = value
    rels = {str(k).replace("_", "-"): v for k, v in (data.get("relationships") or {}).items()}
    return attributes, rels


def relationship_id(rels: dict, *names: str, expected: str) -> int | None:
    """The id of a to-one relationship given under any of `names`; None when absent or null."""
    for name in names:
        if name in rels:
            value = rels[name]["data"]
            if value is None:
                return None
            # the type's spellings (dashed, underscored, singular) are the handler's to compare
            if not matches_type(value.get("type"), expected):
                raise errors.relationship_type(name, expected)
            return as_id(value["id"])
    return None


def relationship_list(rels: dict, name: str) -> list[dict]:
    if name not in rels:
        return []
    return rels[name]["data"] or []
