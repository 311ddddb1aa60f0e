"""The compiled dump gives exactly what marshmallow's own dump gives."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields, post_dump

from mockserver.core.serialise import FastSchema, compiled


class Loud(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return "NONE" if value is None else str(value).upper()


class Child(Schema):
    id = fields.Integer()
    label = fields.String(data_key="Label")


class Node(Schema):
    name = fields.String()
    children = fields.List(fields.Nested(lambda: Node()))


class Everything(Schema):
    text = fields.String()
    number_text = fields.String()
    email = fields.Email()
    count = fields.Integer()
    ratio = fields.Float()
    flag = fields.Boolean()
    raw = fields.Raw()
    mapping = fields.Dict()
    typed_mapping = fields.Dict(keys=fields.String(), values=fields.Integer())
    kid_mapping = fields.Dict(keys=fields.String(), values=fields.Nested(Child))
    tags = fields.List(fields.String())
    counts = fields.List(fields.Integer())
    kids = fields.List(fields.Nested(Child))
    kids_many = fields.Nested(Child, many=True)
    one_kid = fields.Nested(Child)
    only_id = fields.Nested(Child, only=("id",))
    renamed = fields.String(data_key="renamedKey")
    sourced = fields.Integer(attribute="source_field")
    dotted = fields.String(attribute="deep.inner")
    fallback = fields.String(dump_default="fallback")
    fallback_callable = fields.List(fields.String(), dump_default=list)
    secret = fields.String(load_only=True)
    loud = Loud()
    computed = fields.Method("compute")
    as_string = fields.Integer(as_string=True)
    tree = fields.Nested(Node)

    def compute(self, obj):
        return len(obj.get("tags") or [])


class Hooked(Schema):
    a = fields.Integer()

    @post_dump
    def add(self, data, **kwargs):
        return {**data, "hooked": True}


FULL = {
    "text": "hello", "number_text": 42, "email": "a@example.com", "count": "7", "ratio": 2, "flag": 1,
    "raw": {"any": ["thing"]}, "mapping": {"k": [1]}, "typed_mapping": {"a": "3", "b": None, 7: 1.0},
    "kid_mapping": {"x": {"id": "6", "label": 6}, "y": None}, "tags": ["x", None, 5],
    "counts": ["1", 2], "kids": [{"id": "1", "label": "one"}, {"id": 2}], "kids_many": [{"id": 3, "label": None}],
    "one_kid": {"id": 4, "label": "four", "extra": "ignored"}, "only_id": {"id": 5, "label": "hidden"},
    "renamed": "r", "source_field": "9", "deep": {"inner": "deep value"}, "secret": "s", "loud": "quiet",
    "as_string": 12, "tree": {"name": "root", "children": [{"name": "leaf", "children": []}]},
}
SPARSE = {"text": None, "count": None, "kids": None, "one_kid": None, "loud": None, "tags": [], "tree": None}


@pytest.mark.parametrize("obj", [FULL, SPARSE, {}], ids=["full", "sparse", "empty"])
def test_compiled_dump_matches_marshmallow(obj):
    schema = Everything()
    assert compiled(schema)(obj) == schema.dump(obj)
    assert list(compiled(schema)(obj)) == list(schema.dump(obj))  # same key order too


def test_many_and_hooks_and_proxy():
    many = Everything(many=True)
    assert compiled(many)([FULL, SPARSE]) == many.dump([FULL, SPARSE])
    assert compiled(Child())(None, many=True) is None
    hooked = Hooked()
    assert compiled(hooked)({"a": "1"}) == {"a": 1, "hooked": True}
    fast = FastSchema(Child())
    assert fast.dump({"id": "8", "label": 8}) == {"id": 8, "Label": "8"}
    assert set(fast.fields) == {"id", "label"}
    assert fast.load({"id": 8}) == {"id": 8}
