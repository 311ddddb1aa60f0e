"""marshmallow fixture schemas compiled into plain Python loaders, for fixture sets of 100k records.

marshmallow spends ~25 µs per record in its generic machinery; the compiled loader checks the same types
and runs the same field validators in a few µs. It only ever *accepts*: any record it is unsure of (a
wrong type, a coercion marshmallow would do such as "5" -> 5, a validator that fails) sends the whole set
through marshmallow, so results and error messages (file, key path, problem) are exactly marshmallow's.
Schema-level hooks (@validates_schema cross-record checks) still run in marshmallow on the loaded lists.
"""

from __future__ import annotations

import math
from functools import cache

from marshmallow import EXCLUDE, RAISE, Schema, fields
from marshmallow.utils import missing

_STR_FIELDS = (fields.String, fields.Email, fields.Url)
_LOAD_HOOKS = ("pre_load", "post_load", "validates", "validates_schema")


class NotCompilable(Exception):
    """A field or schema this module does not reproduce exactly: marshmallow loads it."""


class _Fallback(Exception):
    """Raised at load time: this data needs marshmallow (to coerce it, or to word its error)."""


def load(schema_cls: type[Schema], data):
    """Schema().load(data), the same result and the same ValidationError, but fast on valid data."""
    plan = _plan(schema_cls)
    if plan is None or type(data) is not dict:
        return schema_cls().load(data)
    try:
        return _load(schema_cls, data, plan)
    finally:
        _reset()


# While a set loads, equal strings and integers become one object, whatever field or table holds them. A parser
# makes a new object for every value it reads, but a big set repeats most of its values (names, statuses, times
# written twice as created and updated, and every foreign key: `project_id`, `host_id` or a list of run ids is
# the object of the id it names): a generated 100k set holds ~2 million integers and ~1 million strings, half
# of them repeats. Hashing every one costs ~0.3 s at 100k; the set and the world built of it take 10-60 MB less.
# (pickle keeps what is shared shared in its copy.) Cleared after each load: nothing outlives it.
_VALUES: dict = {}


def _reset() -> None:
    _VALUES.clear()


def load_streamed(schema_cls: type[Schema], parse, whole):
    """load(schema_cls, whole()), the same result and the same ValidationError, for data that `parse(item_of)`
    reads itself, converting each item of a top-level list as soon as it is read (`item_of(key)`: a
    function(item) -> loaded item, or None) and returning (data, the keys whose lists it converted). A parsed
    record is dropped as soon as it is converted, so a big set is never in memory twice, nor are the holes
    a whole parse would leave between the records kept (RSS that freeing does not give back). `whole()`: the
    data parsed in full, for marshmallow, when `parse` raises (its text is not as expected, or a record needs
    marshmallow's coercion or its wording of an error)."""
    plan = _plan(schema_cls)
    if plan is None:
        return load(schema_cls, whole())
    rest, converters, items = plan
    try:
        try:
            data, done = parse(items.get)
            loaded = _converted(data, converters, done)
        except Exception:  # noqa: BLE001 - whatever it is, the whole parse and marshmallow decide and word it
            return load(schema_cls, whole())
        return rest().load(loaded)
    finally:
        _reset()


def _load(schema_cls: type[Schema], data, plan):
    try:
        loaded = _converted(data, plan[1], ())
    except Exception:  # noqa: BLE001 - whatever it is, marshmallow decides and words it
        return schema_cls().load(data)
    return plan[0]().load(loaded)


def _converted(data: dict, converters, done) -> dict:
    """data with each compiled field's value loaded (those of `done`: a list whose items are loaded already)."""
    loaded = dict(data)
    for key, convert, finish in converters:
        value = data.get(key, missing)
        if value is missing or value is None:
            continue  # marshmallow's own missing/null rules apply (the pass-through field keeps them)
        loaded[key] = finish(value) if key in done else convert(value)
    return loaded


@cache
def _plan(schema_cls: type[Schema]):
    """(a subclass whose compiled fields pass values through, [(data key, converter, converter of a list whose
    items are loaded already or None)], {data key: converter of one item of its list}), or None."""
    if schema_cls._hooks.get("pre_load"):
        return None  # would see raw data before the fields: keep it whole in marshmallow
    schema = schema_cls()
    replaced, converters, items = {}, [], {}
    for name, field in schema.load_fields.items():
        try:
            body = _body(field, 0)
            convert = _converter(field, 0, body)
        except NotCompilable:
            continue
        item = getattr(body, "item", None)
        finish = None
        if item is not None:
            items[field.data_key or name] = item
            finish = _converter(field, 0, _a_list)
        replaced[name] = fields.Raw(required=field.required, load_default=field.load_default,
                                    allow_none=field.allow_none, data_key=field.data_key, attribute=field.attribute,
                                    validate=list(field.validators), error_messages=field.error_messages)
        converters.append((field.data_key or name, convert, finish))
    if not converters:
        return None
    return type(schema_cls.__name__, (schema_cls,), replaced), converters, items


def _a_list(value):
    if type(value) is not list:
        raise _Fallback
    return value


def _converter(field: fields.Field, depth: int, body=None):
    """A function(value) -> loaded value for a present value, raising on anything it cannot vouch for (`body`:
    what loads the value itself, its validators aside; the field's own by default)."""
    if depth > 20 or getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        raise NotCompilable
    body = _body(field, depth) if body is None else body
    validators = tuple(field.validators)
    allow_none = field.allow_none
    if not validators and not allow_none:
        return body  # each body refuses None by its type check

    def convert(value):
        if value is None:
            if allow_none:
                return None
            raise _Fallback
        out = body(value)
        for check in validators:
            if check(out) is False:
                raise _Fallback
        return out

    return convert


def _body(field: fields.Field, depth: int):
    kind = type(field)
    if kind in _STR_FIELDS:
        return _shared(str)
    if kind is fields.Integer:
        return _shared(int)
    if kind is fields.Boolean:
        if field.truthy and not (True in field.truthy and False in field.falsy):
            raise NotCompilable
        return _typed(bool)
    if kind is fields.Float:
        allow_nan = field.allow_nan

        def as_float(value):
            if type(value) is not float and type(value) is not int or not (allow_nan or math.isfinite(value)):
                raise _Fallback
            return float(value)

        return as_float
    if kind is fields.Raw:
        return _present
    if kind is fields.List:
        inner = _converter(field.inner, depth + 1)

        def as_list(value):
            if type(value) is not list:
                raise _Fallback
            return [inner(item) for item in value]

        as_list.item = inner
        return as_list
    if kind is fields.Dict:
        keys = _converter(field.key_field, depth + 1) if field.key_field else (lambda k: k)
        values = _converter(field.value_field, depth + 1) if field.value_field else (lambda v: v)

        def as_dict(value):
            if type(value) is not dict:
                raise _Fallback
            return {keys(k): values(v) for k, v in value.items()}

        return as_dict
    if kind is fields.Nested:
        schema = field.schema
        record = _record(schema, field.unknown or schema.unknown, depth + 1)
        if not (field.many or schema.many):
            return record

        def as_records(value):
            if type(value) is not list:
                raise _Fallback
            return [record(item) for item in value]

        as_records.item = record
        return as_records
    raise NotCompilable


def _present(value):
    if value is None:
        raise _Fallback
    return value


def _shared(kind: type):
    def check(value, _share=_VALUES.setdefault):
        if type(value) is not kind:
            raise _Fallback
        return _share(value, value)

    return check


def _typed(kind: type):
    def check(value):
        if type(value) is not kind:
            raise _Fallback
        return value

    return check


def _record(schema: Schema, unknown: str, depth: int):
    """One record of a nested schema, as generated code: a chain of inline checks per field."""
    if any(type(schema)._hooks.get(tag) for tag in _LOAD_HOOKS) or schema.partial or unknown not in (RAISE, EXCLUDE):
        raise NotCompilable
    if schema.dict_class is not dict:
        raise NotCompilable
    env: dict = {"M": missing, "F": _Fallback}
    lines = ["def record(d):", "    if type(d) is not dict:", "        raise F"]
    known = set()
    for i, (name, field) in enumerate(schema.load_fields.items()):
        key = field.data_key or name
        attr = field.attribute or name
        if "." in attr:
            raise NotCompilable  # marshmallow would nest it
        known.add(key)
        lines.append(f"    v = d.get({key!r}, M)")
        lines.append("    if v is M:")
        if field.required:
            lines.append("        raise F")
        elif field.load_default is missing:
            lines.append("        pass")
        else:
            env[f"D{i}"] = field.load_default
            call = "()" if callable(field.load_default) else ""
            lines.append(f"        o[{attr!r}] = D{i}{call}")
        scalar = _scalar_type(field)
        if scalar is None:
            try:
                env[f"C{i}"] = _converter(field, depth)
                call = f"C{i}(v)"
            except NotCompilable:  # a field of the vendor's own (a date form, an id): its deserialize, as is
                env[f"C{i}"] = field.deserialize
                call = f"C{i}(v, {key!r}, d)"
            lines.append("    else:")
            lines.append(f"        o[{attr!r}] = {call}")
            continue
        lines.append("    elif v is None:")
        lines.append(f"        o[{attr!r}] = None" if field.allow_none else "        raise F")
        lines.append("    else:")
        lines.append(f"        if type(v) is not {scalar.__name__}:")
        lines.append("            raise F")
        for j, check in enumerate(field.validators):
            env[f"V{i}_{j}"] = check
            lines.append(f"        if V{i}_{j}(v) is False:")
            lines.append("            raise F")
        if scalar is bool:
            lines.append(f"        o[{attr!r}] = v")
        else:
            env["I"] = _VALUES.setdefault
            lines.append(f"        o[{attr!r}] = I(v, v)")
    # a plain dict, but one whose keys table its kind's records share (CPython's split table, as of an instance's
    # __dict__): 8 fields in ~190 bytes, not ~310; it turns into an ordinary dict if a record ever strays
    env["R"] = type("Record", (), {})
    lines.insert(3, "    o = R().__dict__")
    if unknown == RAISE:
        env["K"] = frozenset(known)
        lines.insert(3, "    if not K.issuperset(d):\n        raise F")
    lines.append("    return o")
    exec("\n".join(lines), env)  # noqa: S102 - code built above from the schema's own field names only
    return env["record"]


def _scalar_type(field: fields.Field) -> type | None:
    """str/int/bool for fields whose loaded value is the input itself (checked inline)."""
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        raise NotCompilable
    kind = type(field)
    if kind in _STR_FIELDS:
        return str
    if kind is fields.Integer:
        return int
    if kind is fields.Boolean and (not field.truthy or (True in field.truthy and False in field.falsy)):
        return bool
    return None
