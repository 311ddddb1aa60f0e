"""A small generic json:api serialiser and request reader.

Resource objects `{type, id, attributes, links: {self}, relationships}`, with ids as strings,
`links.self` as the API shows it (no `/api`, dashed type: `/test-runs/1`), relationships `{}` unless
`?include=` asks for them (then `{"data": ...}` and the related objects in `included`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import request
from marshmallow import Schema, ValidationError

from ...core.bodies import json_body, schema_of
from ...core.errors import VendorError, flatten_messages
from ...core.negotiation import json_response
from .schemas import DocumentIn, Identifier

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
            "attributes": rtype.schema.dump(data),
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


def read_resource(expected_type: str, attrs_schema: Schema | type[Schema], url_id: int | None = None,
                  body_required: bool = True) -> tuple[dict, dict]:
    """(attributes loaded by `attrs_schema`, relationships) from a json:api request document."""
    raw = json_body(required=body_required)
    if not raw and not body_required:
        raw = {"data": {}}  # the docs post `{}` to create a build
    elif isinstance(raw, dict) and "data" not in raw and ("attributes" in raw or "type" in raw):
        raw = {"data": raw}  # some of the docs' curl examples send the resource without its `data` wrapper
    try:
        doc = schema_of(DocumentIn).load(raw)
    except ValidationError as err:
        raise VendorError(400, _message(err), fields=err.messages) from None
    data = doc["data"]
    if not _matches(data.get("type"), expected_type):
        raise VendorError(409, f"Type mismatch: expected {expected_type}, got {data.get('type')}")
    if url_id is not None and data.get("id") is not None and data["id"] != url_id:
        raise VendorError(409, f"Id mismatch: the body says {data['id']}, the URL says {url_id}")
    schema = schema_of(attrs_schema)
    try:
        attributes = schema.load(underscore_keys(data["attributes"]))
    except ValidationError as err:
        raise VendorError(422, _message(err), fields=err.messages) from None
    rels = {str(k).replace("_", "-"): v for k, v in data["relationships"].items()}
    return attributes, rels


def relationship_id(rels: dict, *names: str, expected: str) -> int | None:
    """The id of a to-one relationship given under any of `names`; None when absent or null."""
    for name in names:
        if name in rels:
            value = rels[name]["data"]
            if value is None:
                return None
            try:
                ident = schema_of(Identifier).load(value) if isinstance(value, dict) else None
            except ValidationError as err:
                raise VendorError(400, f"relationships.{name}: {_message(err)}") from None
            if ident is None:
                raise VendorError(400, f"relationships.{name}.data must be a resource identifier")
            if not _matches(ident["type"], expected):
                raise VendorError(409, f"relationships.{name}: expected type {expected}")
            return ident["id"]
    return None


def relationship_list(rels: dict, name: str) -> list[dict]:
    if name not in rels:
        return []
    value = rels[name]["data"]
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise VendorError(400, f"relationships.{name}.data must be an array of objects")
    return value


def _message(err: ValidationError) -> str:
    return "; ".join(f"{path}: {msg}" for path, msg in flatten_messages(err.messages))
