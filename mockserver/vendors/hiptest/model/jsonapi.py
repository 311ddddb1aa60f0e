"""A small generic json:api serialiser (reading request documents is blueprint.py's).

Resource objects `{type, id, attributes, links: {self}, relationships}`, with ids as strings,
`links.self` as the API shows it (no `/api`, dashed type: `/test-runs/1`), relationships `{}` unless
`?include=` asks for them (then `{"data": ...}` and the related objects in `included`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from marshmallow import Schema

from ....core.serialise import compiled

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

    @cached_property
    def dump(self) -> Callable:
        """The attribute schema's compiled dump of one record (core/serialise.py), looked up once per type."""
        dump = compiled(self.schema)
        return getattr(dump, "one", dump)

    @cached_property
    def related(self) -> tuple:
        """(name, relation) pairs in declaration order, with whether the links always show."""
        return tuple((name, rel, rel.links == "always") for name, rel in self.relationships.items())


REGISTRY: dict[str, ResourceType] = {}


def register(rtype: ResourceType) -> ResourceType:
    REGISTRY[rtype.type] = rtype
    return rtype


def identifier(type_: str, record: dict) -> dict:
    return {"type": type_, "id": str(record["id"])}


def linkage(rel: Relation, related):
    if rel.many:
        type_ = rel.type
        return [{"type": type_, "id": str(r["id"])} for r in related or []]
    return identifier(rel.type, related) if related else None


def _links(base: str, name: str) -> dict:
    return {"self": f"{base}/relationships/{name}", "related": f"{base}/{name}"}


_NOTHING = frozenset()


class Serializer:
    """Builds one document; collects included resources once each, in first-seen order."""

    def __init__(self, state, include=(), options=None, linkage_for=()):
        self.state = state
        # (most documents include nothing: one shared empty set each, not two new ones per request)
        self.include = set(include) if include else _NOTHING
        self.options = options or {}
        self.linkage_for = set(linkage_for) if linkage_for else _NOTHING
        self.included: dict[tuple[str, str], dict] = {}

    def resource(self, rtype: ResourceType | str, record: dict, top: bool = True) -> dict:
        if type(rtype) is str:
            rtype = REGISTRY[rtype]
        prepare = rtype.prepare
        rid = record["id"]
        base = f"/{rtype.type}/{rid}"
        obj = {
            "type": rtype.type,
            "id": str(rid),
            "attributes": rtype.dump(prepare(self.state, record, self.options) if prepare is not None else record),
            "links": {"self": base},
        }
        related = rtype.related
        if related:
            rels = {}
            # (only a top-level resource shows linkage; an included one's relationships stay empty or links)
            include, linkage_for = (self.include, self.linkage_for) if top else ((), ())
            for name, rel, always in related:
                wanted = name in include
                if wanted or name in linkage_for:
                    found = rel.resolve(self.state, record)
                    entry = {"links": _links(base, name)} if rel.links else {}
                    entry["data"] = linkage(rel, found)
                    rels[name] = entry
                    if wanted:
                        included = self.included
                        for item in (found or ()) if rel.many else ((found,) if found else ()):
                            key = (rel.type, str(item["id"]))
                            if key not in included:
                                included[key] = {}
                                included[key] = self.resource(rel.type, item, top=False)
                else:
                    rels[name] = {"links": _links(base, name)} if always else {}
            obj["relationships"] = rels
        return obj

    def document(self, rtype, data, meta=None, with_included=True) -> dict:
        if type(rtype) is str:
            rtype = REGISTRY[rtype]
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


# -- resource types and ids as clients send them -------------------------------------------------
def _canonical_type(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.strip().lower().replace("_", "-")
    return name


def matches_type(given: str | None, expected: str) -> bool:
    # the docs send "test_runs", "test-runs", "build" and "execution-environment" alike
    if given is None:
        return True
    given = _canonical_type(given)
    return given in (expected, expected.rstrip("s")) or given + "s" == expected


def as_id(value):
    """A json:api id the contract let through (a number or a digit string) as an int."""
    if value is None:
        return None
    return int(value.strip()) if isinstance(value, str) else int(value)  # 1.0 is an integer to JSON Schema
