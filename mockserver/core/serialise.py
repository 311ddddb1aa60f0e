"""marshmallow response schemas compiled once into plain dump functions.

`Schema.dump` re-dispatches through every field object for every value, which is most of what a
list read costs. A compiled dump does the same work with one loop over prepared steps and gives the
same output: fields it knows (strings, numbers, booleans, raw, plain dicts, lists, nested schemas)
are converted inline, any other field goes through its own `_serialize`, and a schema with dump
hooks keeps marshmallow's own `dump`.
"""

from __future__ import annotations

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import _get_value_for_key, ensure_text_type

_PLAIN, _ALWAYS, _WHOLE = 0, 1, 2  # convert non-None values | call with every value | field reads obj itself


def _text(value):
    return ensure_text_type(value)


def _converter(field):
    """(kind, function) turning one attribute value into its dumped form."""
    kind = type(field)
    if kind in (fields.String, fields.Email, fields.Url):
        return _PLAIN, _text
    if kind is fields.Integer and not field.as_string:
        return _PLAIN, int
    if kind is fields.Float and not field.as_string:
        return _PLAIN, float
    if kind in (fields.Boolean, fields.Raw, fields.Field):
        return _PLAIN, None
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return _PLAIN, dict
    if kind is fields.List:
        inner_kind, inner = _converter(field.inner)
        if inner_kind == _PLAIN:
            if inner is None:
                return _PLAIN, list
            return _PLAIN, lambda values: [None if v is None else inner(v) for v in values]
    if kind is fields.Nested:
        ready = []

        def nested(value):
            # compiled on first use: a schema nested in itself is only as deep as its data
            if not ready:
                inner = field.schema
                ready.append((compiled(inner), inner.many or field.many))
            dump, many = ready[0]
            return dump(value, many=many)

        return _PLAIN, nested

    def own(value, obj, attr=field.name):
        return field._serialize(value, attr, obj)

    return _ALWAYS, own


def _steps(schema: Schema) -> list:
    steps = []
    for attr_name, field in schema.dump_fields.items():
        key = field.data_key if field.data_key is not None else attr_name
        source = attr_name if field.attribute is None else field.attribute
        if not field._CHECK_ATTRIBUTE or "." in source:
            steps.append((key, _WHOLE, None, None,
                          lambda obj, f=field, a=attr_name, s=schema: f.serialize(a, obj, accessor=s.get_attribute)))
            continue
        kind, convert = _converter(field)
        steps.append((key, kind, source, field.dump_default, convert))
    return steps


def _build(schema: Schema):
    steps = _steps(schema)

    def one(obj):
        out = {}
        is_dict = isinstance(obj, dict)
        for key, kind, source, default, convert in steps:
            if kind == _WHOLE:
                value = convert(obj)
                if value is not missing:
                    out[key] = value
                continue
            if is_dict:
                value = obj.get(source, missing)
                if value is missing:
                    value = getattr(obj, source, missing)  # marshmallow falls back to attributes too
            else:
                value = _get_value_for_key(obj, source, missing)
            if value is missing:
                value = default() if callable(default) else default
                if value is missing:
                    continue
            if kind == _ALWAYS:
                out[key] = convert(value, obj)
            elif value is None or convert is None:
                out[key] = value
            else:
                out[key] = convert(value)
        return out

    def dump(obj, many=None):
        if many is None:
            many = schema.many
        if many:
            return None if obj is None else [one(item) for item in obj]
        return one(obj)

    return dump


_COMPILED: dict[int, object] = {}


def compiled(schema: Schema):
    """The compiled `dump(obj, many=None)` of a schema instance (built on first use, then kept)."""
    found = _COMPILED.get(id(schema))
    if found is not None:
        return found[1]
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        dump = schema.dump
    else:
        dump = _build(schema)
    _COMPILED[id(schema)] = (schema, dump)  # holding the schema keeps its id from being reused
    return dump


class FastSchema:
    """A schema instance whose `dump` is compiled; everything else is the schema's own."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.dump = compiled(schema)

    def __getattr__(self, name):
        return getattr(self.schema, name)
