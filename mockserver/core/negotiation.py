"""Responses: JSON, XML (from the same data, via xmltodict) and content negotiation."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache

import orjson
import xmltodict
from flask.globals import _cv_request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .lean import LeanResponse as Response

JSON = "application/json"
XML = "application/xml"


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False)


def encoded(data) -> bytes:
    """`data` as UTF-8 JSON: orjson (a tenth of the json module's time on a list page), and the json module for
    what orjson refuses (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return dumps(data).encode("utf-8")


def fragment(data) -> orjson.Fragment | None:
    """`data` as `encoded` writes it with orjson, to be put in an answer and written there as it is; None where
    orjson cannot write it (put `data` itself there then: the json module cannot write a fragment)."""
    try:
        return orjson.Fragment(orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS))
    except orjson.JSONEncodeError:
        return None


def json_response(data, status: int = 200, headers: dict | None = None, content_type: str = JSON) -> Response:
    """`data` as JSON; bytes are JSON written already (a body kept by context.kept_work)."""
    body = b"" if data is None else data if type(data) is bytes else encoded(data)
    return Response(body, status=status, headers=headers or {}, content_type=content_type)


def empty(status: int = 204, headers: dict | None = None) -> Response:
    return Response(b"", status=status, headers=headers or {})


def _xml_ready(value):
    if isinstance(value, dict):
        return {str(k): _xml_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_xml_ready(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def to_xml(data, root: str) -> str:
    if isinstance(data, list):
        data = {"item": data}
    return xmltodict.unparse({root: _xml_ready(data)}, pretty=False)


def wants(default: str = JSON, offered: tuple[str, ...] = (JSON, XML)) -> str:
    """The offered media type the Accept header prefers; `default` when it names none (or */*)."""
    return _preferred(_cv_request.get().request.environ.get("HTTP_ACCEPT", ""), default, offered)


@lru_cache(maxsize=256)
def _preferred(header: str, default: str, offered: tuple[str, ...]) -> str:
    # clients send a handful of distinct Accept headers: parse each once
    accept = parse_accept_header(header, MIMEAccept)
    if not accept or accept.best in (None, "*/*"):
        return default
    best = accept.best_match(offered, default=None)
    if best is None:
        return default
    # */* alongside explicit types must not outrank the vendor's default
    if accept[best] == accept["*/*"] and accept.best == "*/*":
        return default
    return best


def negotiated(
    data, status: int = 200, headers: dict | None = None, default: str = JSON, xml_root: str = "response"
) -> Response:
    if wants(default) == XML:
        body = "" if data is None else to_xml(data, xml_root)
        return Response(body, status=status, headers=headers or {}, content_type=XML)
    return json_response(data, status, headers)
