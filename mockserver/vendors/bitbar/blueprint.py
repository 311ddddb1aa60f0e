"""The one Blueprint; `/api/v2/me/...`, `/api/me/...` and `/api/v2/users/{userId}/...` share handlers.

Handlers live in the api_*.py modules, which register on this blueprint when imported below.
"""

from __future__ import annotations

import functools

from flask import Blueprint, Response, g, request
from marshmallow import Schema

from ...core import context
from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import XML, negotiated
from ...core.routes import doc_path
from . import auth
from .model.announcements import announce_finished
from .model.listing import listed

blueprint = Blueprint("bitbar", __name__)

ME_PREFIXES = ("/api/v2/me", "/api/me", "/api/v2/users/<int:userId>")
PUBLIC_ENDPOINTS = set()


def public(fn):
    PUBLIC_ENDPOINTS.add(fn.__name__)
    return fn


def me_route(rule: str, methods=("GET",), defaults: dict | None = None, name: str | None = None):
    """Register a handler under the three account prefixes; a foreign userId is a 404."""

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


@blueprint.before_request
def _authenticate():
    endpoint = (request.endpoint or "").split(".", 1)[-1].split("__")[0]
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    user = auth.current_user()
    g.bitbar_user = user
    asked = (request.view_args or {}).get("userId")
    if asked is not None and asked != user["id"]:
        raise VendorError(404, f"User with id {asked} not found")
    return None


@blueprint.after_request
def _announce(response: Response) -> Response:
    # only after a success: a failed request is rolled back and must not have sent anything
    if response.status_code < 400:
        announce_finished(context.state())
    return response


def me() -> dict:
    return g.bitbar_user


def reply(data, status: int = 200, root: str = "response") -> Response:
    """XML by default, JSON when asked (the doc's first rule)."""
    return negotiated(data, status, default=XML, xml_root=root)


def dump(schema: type[Schema], record, status: int = 200, root: str = "response") -> Response:
    return reply(schema_of(schema).dump(record), status, root)


def dump_list(schema: type[Schema], records, root: str = "list") -> Response:
    return reply(listed(list(records), schema_of(schema, many=True).dump, set(schema_of(schema).fields)), 200, root)


def given(*required: str) -> dict:
    """The declared fields of a request as the contract cast and checked them (openapi/bitbar.yaml):
    the query string, then the form or JSON body, which wins. Only what the operation declares (its
    query parameters and body properties, never its path) is returned, so a stray key cannot reach a
    record. A field the spec marks "required in one or the other" must be in one of them, which
    OpenAPI cannot tie together, so it is checked here."""
    names, flags = _declared(request.url_rule.rule if request.url_rule else "", request.method)
    values = {key: value for key, value in (g.get("params") or {}).items() if value is not None and key in names}
    body = g.get("body")
    if isinstance(body, dict):
        # an absent parameter reads as None; a body's null is sent (it clears a nullable field)
        values.update({key: value for key, value in body.items() if key in names})
    for name in flags:  # the spec lets a JSON body spell a boolean "true"/"false"; the contract checked which
        if isinstance(values.get(name), str):
            values[name] = values[name] == "true"
    for name in required:
        if name not in values:
            raise VendorError(400, f"{name}: Missing data for required field.")
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
        kinds = [schema.get("type")] + [spec.deref(s).get("type") for s in schema.get("oneOf", []) + schema.get("anyOf", [])]
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


def not_found(what: str, ident) -> VendorError:
    return VendorError(404, f"{what} with id {ident} not found")


def state():
    return context.state()


# handlers register themselves on `blueprint` when imported
from . import users, devices, projects, files, runs, device_runs  # noqa: E402,F401
