"""A small generic json:api serialiser and request reader.

Resource objects `{type, id, attributes, links: {self}, relationships}`, with ids as strings,
`links.self` as the API shows it (no `/api`, dashed type: `/test-runs/1`), relationships `{}` unless
`?include=` asks for them (then `{"data": ...}` and the related objects in `included`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from flask import request
from marshmallow import Schema

from ...core.context import checked as wire
from ...core.errors import VendorError
from ...core.negotiation import json_response
from ...core.serialise import compiled

MEDIA_TYPE = "application/vnd.api+json"


@dataclass
class Relation:
    """`resolve(state, record)` -> the related record, a list of them, or None.

    `links`: "always" or "included" adds `{self: /x/1/relationships/y, related: /x/1/y}` as the docs
    show for a project's scenarios-folder (always) and a test's last-result (when included).
    """

    type: str
    resolve: Callable
    many: bool = False
    links: str | None = None


@dataclass
class ResourceType:
    type: str
    schema: Schema
    relationships: dict[str, Relation] = field(default_factory=dict)
    # prepare(state, record, options) -> the dict the attribute schema dumps (computed fields)
    prepare: Callable | None = None


REGISTRY: dict[str, ResourceType] = {}


def register(rtype: ResourceType) -> ResourceType:
    REGISTRY[rtype.type] = rtype
    return rtype


def identifier(type_: str, record: dict) -> dict:
    return {"type": type_, "id": str(record["id"])}


def linkage(rel: Relation, related):
    if rel.many:
        return [identifier(rel.type, r) for r in related or []]
    return identifier(rel.type, related) if related else None


class Serializer:
    """Builds one document; collects included resources once each, in first-seen order."""

    def __init__(self, state, include=(), options=None, linkage_for=()):
        self.state = state
        self.include = set(include)
        self.options = options or {}
        self.linkage_for = set(linkage_for)
        self.included: dict[tuple[str, str], dict] = {}

    def resource(self, rtype: ResourceType | str, record: dict, top: bool = True) -> dict:
        rtype = REGISTRY[rtype] if isinstance(rtype, str) else rtype
        data = rtype.prepare(self.state, record, self.options) if rtype.prepare else record
        obj = {
            "type": rtype.type,
            "id": str(record["id"]),
            "attributes": compiled(rtype.schema)(data),
            "links": {"self": f"/{rtype.type}/{record['id']}"},
        }
        if rtype.relationships:
            rels = {}
            for name, rel in rtype.relationships.items():
                wanted = top and name in self.include
                base = f"/{rtype.type}/{record['id']}"
                links = {"links": {"self": f"{base}/relationships/{name}", "related": f"{base}/{name}"}}
                if wanted or (top and name in self.linkage_for):
                    related = rel.resolve(self.state, record)
                    rels[name] = {**(links if rel.links else {}), "data": linkage(rel, related)}
                    if wanted:
                        for item in (related or []) if rel.many else ([related] if related else []):
                            key = (rel.type, str(item["id"]))
                            if key not in self.included:
                                self.included[key] = {}
                                self.included[key] = self.resource(rel.type, item, top=False)
                else:
                    rels[name] = links if rel.links == "always" else {}
            obj["relationships"] = rels
        return obj

    def document(self, rtype, data, meta=None, with_included=True) -> dict:
        if isinstance(data, list):
            body = {"data": [self.resource(rtype, r) for r in data]}
        elif data is None:
            body = {"data": None}
        else:
            body = {"data": self.resource(rtype, data)}
        if with_included:
            body["included"] = list(self.included.values())
        if meta is not None:
            body["meta"] = meta
        return body


def respond(body, status: int = 200, headers: dict | None = None):
    return json_response(body, status, headers, content_type=MEDIA_TYPE)


def render(state, rtype, data, status: int = 200, allowed_includes=(), options=None, linkage_for=(), meta=None):
    """The whole response for one resource or a list, honouring `?include=`."""
    include = parse_include(allowed_includes)
    ser = Serializer(state, include, options, linkage_for)
    return respond(ser.document(rtype, data, meta), status)


def parse_include(allowed) -> list[str]:
    raw = request.args.get("include")
    if raw is None or raw.strip() == "":
        return []
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise VendorError(400, f"{', '.join(unknown)} is not a valid relationship of this resource")
    return names


# -- request bodies ---------------------------------------------------------------------------
def _canonical_type(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.strip().lower().replace("_", "-")
    return name


def _matches(given: str | None, expected: str) -> bool:
    # the docs send "test_runs", "test-runs", "build" and "execution-environment" alike
    if given is None:
        return True
    given = _canonical_type(given)
    return given in (expected, expected.rstrip("s")) or given + "s" == expected


def underscore_keys(attributes: dict) -> dict:
    return {str(k).replace("-", "_"): v for k, v in attributes.items()}


def _resource_name() -> str:
    """The spec's resource schema of this operation's request body (`<Body>Resource`)."""
    from .refusals import operation

    for content in ((operation().get("requestBody") or {}).get("content") or {}).values():
        ref = (content.get("schema") or {}).get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            return ref.rsplit("/", 1)[1] + "Resource"
    return ""


@lru_cache(maxsize=64)
def _attribute_kinds(resource_name: str) -> dict[str, str]:
    """Underscored attribute name -> "id", "ids" or "value", as the spec declares the attributes
    (both spellings, the second referring to the first; ids are numbers or digit strings)."""
    from .refusals import component

    attributes = component(resource_name).get("properties", {}).get("attributes", {})
    if "$ref" in attributes:
        attributes = component(attributes["$ref"].rsplit("/", 1)[1])
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


def as_id(value):
    """A json:api id the contract let through (a number or a digit string) as an int."""
    if value is None:
        return None
    return int(value.strip()) if isinstance(value, str) else int(value)  # 1.0 is an integer to JSON Schema


def read_resource(expected_type: str, url_id: int | None = None) -> tuple[dict, dict]:
    """(attributes, relationships) of the json:api request document the contract checked.

    Attributes come underscored, only those the spec declares (unknown ones are dropped, as Rails'
    strong parameters do), ids as ints; absent ones stay absent (the handler applies defaults).
    """
    _, raw = wire()
    if not raw:
        raw = {"data": {}}  # the docs post `{}` (or nothing) to create a build
    elif "data" not in raw:
        raw = {"data": raw}  # some of the docs' curl examples send the resource without its `data` wrapper
    data = raw["data"]
    # type and id against the URL: the spec cannot compare a body with the route
    if not _matches(data.get("type"), expected_type):
        raise VendorError(409, f"Type mismatch: expected {expected_type}, got {data.get('type')}")
    if url_id is not None and data.get("id") is not None and as_id(data["id"]) != url_id:
        raise VendorError(409, f"Id mismatch: the body says {as_id(data['id'])}, the URL says {url_id}")
    kinds = _attribute_kinds(_resource_name())
    attributes = {}
    for name, value in underscore_keys(data.get("attributes") or {}).items():
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
            if not _matches(value.get("type"), expected):
                raise VendorError(409, f"relationships.{name}: expected type {expected}")
            return as_id(value["id"])
    return None


def relationship_list(rels: dict, name: str) -> list[dict]:
    if name not in rels:
        return []
    return rels[name]["data"] or []
