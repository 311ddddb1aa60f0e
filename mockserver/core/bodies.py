"""Reading request bodies and parameters the ways vendors accept them; bad input -> VendorError 400."""

from __future__ import annotations

import json

from flask import g, request
from marshmallow import Schema, ValidationError

from .errors import VendorError, describe_validation
from .serialise import FastSchema


def json_body(required: bool = True, kind: type | tuple = dict):
    """The parsed JSON body; malformed JSON or the wrong top-level type is a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise VendorError(400, "Request body is missing")
        return None
    data = g.get("body")  # parsed (and checked) by the contract before the view
    if data is None or not is_json():
        try:
            data = json.loads(raw)
        except RecursionError:
            raise VendorError(400, "Malformed JSON body: nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise VendorError(400, f"Malformed JSON body: {exc}") from None
    if kind is not None and not isinstance(data, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        expected = {"dict": "object", "list": "array"}.get(names, names)
        raise VendorError(400, f"Request body must be a JSON {expected}")
    return data


def is_json() -> bool:
    return (request.mimetype or "").endswith("json")


def params(json_too: bool = True) -> dict:
    """Query string, form body and (flat) JSON body merged; later sources win.

    Repeated query/form keys keep their last value.
    """
    req = request._get_current_object()  # (each access through the proxy costs as much as the lookup)
    merged: dict = req.args.to_dict()
    mimetype = req.mimetype
    if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        merged.update(req.form.to_dict())
    elif json_too and (mimetype or "").endswith("json") and req.get_data(cache=True).strip():
        body = json_body(required=False)
        merged.update(body or {})
    return merged


_INSTANCES: dict = {}


def schema_of(schema: Schema | type[Schema], many: bool = False) -> FastSchema:
    """One shared instance per schema class, with a compiled dump (core/serialise.py).

    Building a schema deep-copies its fields, and `Schema.dump` dispatches per value: both too slow
    to do per request.
    """
    if not isinstance(schema, type):
        return schema if isinstance(schema, FastSchema) else FastSchema(schema)
    found = _INSTANCES.get((schema, many))
    if found is None:
        found = _INSTANCES[(schema, many)] = FastSchema(schema(many=many))
    return found


def load(schema: Schema | type[Schema], data, **kwargs):
    """Validate with a marshmallow schema; problems become a 400 naming each field."""
    # an instance made for this call is used as it is: compiling its dump would keep it for ever
    schema = schema_of(schema) if isinstance(schema, type) else schema
    try:
        return schema.load(data, **kwargs)
    except ValidationError as err:
        raise VendorError(400, describe_validation(err), fields=err.messages) from None
