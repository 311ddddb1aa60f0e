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

from .tracked import TDict

_PLAIN, _ALWAYS, _WHOLE = 0, 1, 2  # convert non-None values | call with every value | field reads obj itself
_DICTS = (dict, TDict)


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
    if kind is fields.Dict:  # keys and values converted as marshmallow's Mapping does (None stays None)
        key_kind, key = _converter(field.key_field) if field.key_field is not None else (_PLAIN, None)
        value_kind, value = _converter(field.value_field) if field.value_field is not None else (_PLAIN, None)
        if key_kind == _PLAIN and value_kind == _PLAIN:
            return _PLAIN, lambda mapping: {
                k if k is None or key is None else key(k): v if v is None or value is None else value(v)
                for k, v in mapping.items()}
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
                dump = compiled(inner)
                ready.append((getattr(dump, "one", None), dump, inner.many or field.many))
            one, dump, many = ready[0]
            if one is None:  # (a schema with dump hooks: marshmallow's own dump)
                return dump(value, many=many)
            return [one(item) for item in value] if many else one(value)  # (never None: the caller checks)

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
    fallback = _interpreted(steps)
    fast = _generated(steps, fallback)

    def dump(obj, many=None):
        if many is None:
            many = schema.many
        if many:
            return None if obj is None else [fast(item) for item in obj]
        return fast(obj)

    dump.one = fast  # (what a nested field calls per value, without this wrapper)
    return dump


def _interpreted(steps: list):
    """One object dumped by walking the steps: any object (the generated function takes dicts)."""

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

    return one


def _generated(steps: list, fallback):
    """The steps written out as one Python function for a record that is a plain or tracked dict: no loop,
    no dispatch per field (a list read renders thousands of fields). Any other object takes `fallback`."""
    names = {"missing": missing, "fallback": fallback, "_DICTS": _DICTS}
    lines = ["def one(obj):", "    if type(obj) not in _DICTS:", "        return fallback(obj)",
             "    get = obj.get", "    out = {}"]
    for n, (key, kind, source, default, convert) in enumerate(steps):
        names[f"c{n}"], names[f"d{n}"] = convert, default
        k = repr(key)
        if kind == _WHOLE:
            lines += [f"    v = c{n}(obj)", "    if v is not missing:", f"        out[{k}] = v"]
            continue
        lines.append(f"    v = get({source!r}, missing)")
        # a missing key of a dict falls back to the attribute of that name (as marshmallow): only a dict's methods
        fetch = [f"v = getattr(obj, {source!r}, missing)"] if any(hasattr(t, source) for t in _DICTS) else []
        if default is missing:
            take = None
        elif callable(default):
            take = f"v = d{n}()"
        else:
            take = f"v = d{n}"
        if kind == _ALWAYS:
            put = f"out[{k}] = c{n}(v, obj)"
        elif convert is None:
            put = f"out[{k}] = v"
        elif convert is _text:
            put = f"out[{k}] = v if v is None or type(v) is str else c{n}(v)"
        elif convert is int or convert is float:
            put = f"out[{k}] = v if v is None or type(v) is {convert.__name__} else c{n}(v)"
        else:
            put = f"out[{k}] = None if v is None else c{n}(v)"
        if fetch or take:
            lines.append("    if v is missing:")
            lines += ["        " + line for line in fetch]
            if take and fetch:
                lines += ["        if v is missing:", "            " + take]
            elif take:
                lines.append("        " + take)
        lines += ["    if v is not missing:", f"        {put}"]
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<dump of {len(steps)} fields>", "exec"), names)
    return names["one"]


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
