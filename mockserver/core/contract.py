"""A vendor's OpenAPI spec compiled once into per-operation request checks, run before the view.

The spec is the single declaration of every request field (spec-first): each operation's parameters
and body schemas become compiled validators (jsonschema-rs, one registry per spec, so `$ref`s resolve
without walking the spec per request). A spec is parsed on its vendor's first request and an operation
compiled on its first use (or all at once by `compile_all`), so start-up pays for neither. Per request
the check only casts strings and calls those validators; a request it refuses never reaches the view.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import jsonschema_rs
import orjson

from .routes import doc_path

SPEC_URI = "urn:mockserver:spec"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# bodies the vendor's own upload code streams and checks; the contract does not buffer them twice
STREAMED = ("application/octet-stream", "application/zip")
FORM = "application/x-www-form-urlencoded"
MAX_INT_DIGITS = 4000  # below Python's int-parsing limit, so a huge number is a 400, not a ValueError
_INT = re.compile(r"-?[0-9]{1,%d}\Z" % MAX_INT_DIGITS)
_NUMBER = re.compile(r"-?[0-9]{1,400}(\.[0-9]{1,400})?([eE][-+]?[0-9]{1,4})?\Z")


class Problem(Exception):
    """Why a request breaks its contract: where (parameter or body path) and what.

    kind: missing_parameter | parameter | missing_body | media_type | malformed | body | unreadable
    errors: every schema error of the body or parameter (Cause), the first of them being the one
    `message` describes; value: the rejected value, when there is one.
    """

    def __init__(self, where: str, message: str, name: str | None = None, location: str = "body",
                 path: str = "", kind: str = "body", errors: list | None = None, value=None,
                 accepted: tuple = ()):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message
        self.name = name          # the parameter or top-level body field, for vendors that report it
        self.location = location  # path | query | header | body
        self.path = path          # dotted path inside the body ("snaps.1.url"), "" at its root
        self.kind = kind
        self.errors = errors or []
        self.value = value
        self.accepted = accepted  # the media types the operation takes, for kind media_type


def _pointer(*parts) -> str:
    return SPEC_URI + "#/" + "/".join(quote(str(p).replace("~", "~0").replace("/", "~1"), safe="") for p in parts)


def _json_repr(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _best(error):
    """For anyOf/oneOf failures, the error of the branch that came closest (as jsonschema's best_match)."""
    for _ in range(16):
        branches = [b for b in (getattr(error.kind, "context", None) or []) if b]
        if not branches:
            return error
        branch = max(branches, key=lambda errs: (max(len(e.instance_path) for e in errs), -len(errs)))
        error = branch[0]
    return error


class Cause(NamedTuple):
    """One schema error: dotted path of the value, its top-level field, the message, and for a missing
    required property its name (the path then names the object that lacks it)."""

    path: str
    name: str | None
    message: str
    missing: str | None = None


def _located(error) -> Cause:
    """The most precise cause of a schema error."""
    error = _best(error)
    path = ".".join(str(p) for p in error.instance_path)
    first = str(error.instance_path[0]) if len(error.instance_path) else None
    missing = None
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Required):
        missing = str(error.kind.property)
        first = first or missing
    return Cause(path, first, _message(error), missing)


def _message(error) -> str:
    """jsonschema-rs messages, with enums spelled out in full (its own text elides candidates)."""
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        return f"{_json_repr(error.instance)} is not one of {kind.options!r}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return f"{kind.property!r} is a required property"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        return f"{_json_repr(error.instance)} is not of type {_types_text(kind)}"
    return error.message


def _types_text(kind) -> str:
    return " or ".join(repr(str(t)) for t in reversed(kind.types))


class _Resolver:
    """$ref lookups at compile time only (to learn which primitive types a parameter allows)."""

    def __init__(self, spec: dict):
        self.spec = spec

    def deref(self, schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            node = self.spec
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
            schema, seen = node, seen + 1
        return schema if isinstance(schema, dict) else {}

    def types(self, schema, depth: int = 0) -> set[str]:
        schema = self.deref(schema)
        found: set[str] = set()
        kind = schema.get("type")
        if isinstance(kind, str):
            found.add(kind)
        elif isinstance(kind, list):
            found.update(kind)
        if depth < 8:
            for key in ("oneOf", "anyOf", "allOf"):
                for sub in schema.get(key, []) or []:
                    found |= self.types(sub, depth + 1)
        if "enum" in schema and not found:
            found |= {type(v).__name__ for v in schema["enum"]} & {"int", "str"}
            found = {"integer" if t == "int" else "string" if t == "str" else t for t in found}
        return found


def _cast(text: str, types: set[str]):
    """A query/path/form string as the scalar its schema asks for; left a string when it is not one."""
    if not isinstance(text, str) or not types or "string" in types and len(types) == 1:
        return text
    if "integer" in types and _INT.match(text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text == "null":
        return None
    return text


_NOT_SEEN = object()
_PASSED = 256  # values kept per parameter


@dataclass
class Param:
    name: str
    location: str  # path | query | header
    required: bool
    allow_empty: bool
    array: bool
    explode: bool
    item_types: set
    validator: object
    # query or header text -> its cast value, for values that passed: clients send the same few again and again
    passed: dict = field(default_factory=dict)


@dataclass
class Body:
    validator: object | None
    form_types: dict = field(default_factory=dict)   # form field -> (types, is_array)


@dataclass
class Operation:
    method: str
    path: str
    params: list[Param]
    body_required: bool = False
    bodies: dict = field(default_factory=dict)       # media type -> Body | None (streamed)

    def check(self, request, view_args: dict, lenient: bool = False) -> tuple[dict, object]:
        """(parameters, body) of a request that keeps the contract; raises Problem otherwise.

        `lenient` only reads and casts (a body that cannot be parsed is still a Problem).
        """
        values = {}
        args = headers = None  # (each a werkzeug property that is looked up anew on every access)
        for param in self.params:
            location = param.location
            if location == "query":
                source = args = request.args if args is None else args
            elif location == "header":
                source = headers = request.headers if headers is None else headers
            else:
                source = None
            values[param.name] = self._param(param, source, view_args, lenient)
        return values, self._body(request, lenient)

    # -- parameters -----------------------------------------------------------------------
    def _param(self, param: Param, source, view_args: dict, lenient: bool = False):
        """One parameter from `source` (the query's or the headers' multidict; None for a path parameter)."""
        if source is None:
            raw = view_args.get(param.name)
            present = raw is not None
            if isinstance(raw, str):
                raw = _cast(raw, param.item_types)
        else:
            present = param.name in source
            if not present:
                if param.required and not lenient:
                    raise Problem(f"parameter {param.name!r}", "required parameter is missing", param.name,
                                  param.location, kind="missing_parameter")
                return None
            if param.array:
                items = source.getlist(param.name)
                if not param.explode and len(items) == 1:
                    items = items[0].split(",") if items[0] else []
                raw = [_cast(v, param.item_types) for v in items]
            else:
                text = source.get(param.name)
                if text == "" and param.allow_empty:
                    return text
                known = param.passed.get(text, _NOT_SEEN)
                if known is not _NOT_SEEN and not lenient:
                    return known  # this very value was cast and found valid before
                raw = _cast(text, param.item_types)
        if present and param.validator is not None and not lenient and not param.validator.is_valid(raw):
            error = next(iter(param.validator.iter_errors(raw)), None)
            if error is not None:
                located = _located(error)
                raise Problem(f"parameter {param.name!r}", located[2], param.name, param.location, kind="parameter",
                              errors=[located], value=raw)
        if param.location != "path" and not param.array and not lenient and isinstance(text, str):
            if len(param.passed) >= _PASSED:
                param.passed.clear()
            param.passed[text] = raw
        return raw

    # -- body -----------------------------------------------------------------------------
    def _multipart(self, request, body, lenient: bool):
        """A multipart form: its text fields checked (cast as a form's), each file part standing in
        for its field as the upload's file name; the handler reads the parts themselves."""
        if body is None or body.validator is None:
            return None
        data = self._form_fields(request.form, body)
        for key in request.files:
            parts = request.files.getlist(key)
            names = [part.filename or "" for part in parts]
            data[key] = names if body.form_types.get(key, (set(), False))[1] else names[0]
        if not data and self.body_required and not lenient:
            raise Problem("request body", "Missing required request body", kind="missing_body",
                          accepted=tuple(sorted(self.bodies)))
        if not lenient:
            self._validate(body, data)
        return data

    @staticmethod
    def _form_fields(form, body) -> dict:
        data = {}
        for key in form:
            types, is_array = body.form_types.get(key, (set(), False))
            if is_array:
                data[key] = [_cast(v, types) for v in form.getlist(key)]
            else:
                data[key] = _cast(form.get(key), types)
        return data

    @staticmethod
    def _validate(body, data) -> None:
        if body.validator.is_valid(data):
            return  # (the common case: no error objects built)
        errors = [_located(e) for e in body.validator.iter_errors(data)]
        if errors:
            path, first, message, _ = errors[0]
            raise Problem("request body", f"{path}: {message}" if path else message, first, path=path,
                          kind="body", errors=errors, value=data)

    def _body(self, request, lenient: bool = False):
        if not self.bodies:
            return None
        mimetype = request.mimetype or ""
        accepted = tuple(sorted(self.bodies))
        if mimetype in STREAMED:
            if mimetype in self.bodies or lenient:
                return None  # the vendor's upload code streams and checks it
        elif mimetype.startswith("multipart/"):
            body = self.bodies.get(mimetype)
            if body is not None or lenient:
                return self._multipart(request, body, lenient)
        else:
            raw = request.get_data(cache=True)
            if not raw:
                if self.body_required and not lenient and not (mimetype == FORM and request.form):
                    raise Problem("request body", "Missing required request body", kind="missing_body",
                                  accepted=accepted)
                return None
        body = self.bodies.get(mimetype)
        if body is None and mimetype.endswith("+json"):
            body = self.bodies.get("application/json")
        if body is None and lenient:
            return None
        if body is None:
            raise Problem("request body", f"media type {mimetype or '(none)'!r} is not accepted; send one of "
                          f"{', '.join(accepted)}", kind="media_type", value=mimetype, accepted=accepted)
        if mimetype == FORM:
            data = self._form_fields(request.form, body)
        elif mimetype.endswith("json"):
            try:
                data = _loads(raw)
            except RecursionError:
                raise Problem("", "Malformed JSON body: nested too deeply", kind="malformed") from None
            except (ValueError, UnicodeDecodeError) as exc:
                raise Problem("", f"Malformed JSON body: {exc}", kind="malformed") from None
            if len(raw) > 2 * MAX_DEPTH and _too_deep(data):  # (too deep takes an opening and a closing byte a level)
                raise Problem("", "Malformed JSON body: nested too deeply", kind="malformed")
        else:
            return None  # documented without a schema we can apply (XML, plain text)
        if body.validator is not None and not lenient:
            self._validate(body, data)
        return data


def _no_constant(name: str):
    # NaN and Infinity are not JSON (RFC 8259); Python's parser would take them
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # made once: json.loads with a hook makes one a call


def _loads(raw: bytes):
    """json.loads(raw, parse_constant=_no_constant), as it decodes bytes (their UTF flavour detected), with the
    decoder made once. orjson first (a third of the time on a short UTF-8 body), for a body with no run of 19 digits
    (it reads an integer beyond 64 bits as a float); what it refuses (UTF-16 or 32, a BOM, a lone surrogate,
    an error) goes the json module's way, so the result and every message are that module's."""
    if _LONG_DIGITS.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))


_LONG_DIGITS = re.compile(rb"[0-9]{19}")


MAX_DEPTH = 64


def _too_deep(data, depth: int = 0) -> bool:
    """Deeper than any vendor body goes: refused before a validator or handler recurses into it."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(data, dict):
        return any(_too_deep(v, depth + 1) for v in data.values() if isinstance(v, (dict, list)))
    if isinstance(data, list):
        return any(_too_deep(v, depth + 1) for v in data if isinstance(v, (dict, list)))
    return False


class Contract:
    """Every operation of one spec, compiled; `operation(rule, method)` finds one by Flask rule."""

    def __init__(self, spec: dict):
        self.spec = spec  # the parsed document, for vendors that read what an operation declares
        self._registry = jsonschema_rs.Registry([(SPEC_URI, spec)], draft=jsonschema_rs.Draft202012)
        self._resolver = _Resolver(spec)
        self._components: dict[str, Body] = {}
        # (spec path, METHOD) -> Operation, or None where the spec has none; two threads compiling the
        # same operation at once both get an equal one, so no lock is needed
        self._operations: dict[tuple[str, str], Operation | None] = {}
        self._declared: dict[tuple[str, str], dict] = {}  # (Flask rule, METHOD) -> the spec's operation

    def operation(self, rule: str, method: str) -> Operation | None:
        return self.operation_at(doc_path(rule), method)

    def operation_at(self, path: str, method: str) -> Operation | None:
        key = (path, method)
        try:
            return self._operations[key]
        except KeyError:
            pass
        item = (self.spec.get("paths") or {}).get(path)
        verb = method.lower()
        found = None
        if isinstance(item, dict) and verb in HTTP_METHODS and verb in item:
            found = self._compile(path, verb, item[verb], item.get("parameters", []))
        self._operations[key] = found
        return found

    def compile_all(self) -> int:
        """Compile every operation now (a warm-up, or a test that every schema compiles); how many."""
        count = 0
        for path, item in (self.spec.get("paths") or {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    count += self.operation_at(path, method.upper()) is not None
        return count

    def declared(self, rule: str, method: str) -> dict:
        """The spec's own definition of an operation (empty when the spec has none)."""
        key = (rule, method)
        found = self._declared.get(key)
        if found is None:
            item = (self.spec.get("paths") or {}).get(doc_path(rule)) or {}
            found = self._declared[key] = item.get("get" if method == "HEAD" else method.lower()) or {}
        return found

    def deref(self, node) -> dict:
        """`node` with its `$ref`s followed (a dict; {} where a ref leads nowhere)."""
        return self._resolver.deref(node)

    def component(self, name: str) -> dict:
        return ((self.spec.get("components") or {}).get("schemas") or {}).get(name) or {}

    def check_schema(self, component: str, data) -> None:
        """`data` against components/schemas/<component>, for what no operation reaches before the view
        (a JSON document inside a file part or a string, list items judged one by one); raises Problem."""
        validator = self._components.get(component)
        if validator is None:
            validator = self._components[component] = Body(self._validator("components", "schemas", component))
        Operation._validate(validator, data)

    def _validator(self, *pointer):
        return jsonschema_rs.validator_for({"$ref": _pointer(*pointer)}, registry=self._registry,
                                           validate_formats=True)

    def _compile(self, path: str, method: str, op: dict, shared: list) -> Operation:
        params: dict[tuple[str, str], Param] = {}
        sources = (((path, "parameters"), shared), ((path, method, "parameters"), op.get("parameters", [])))
        for origin, entries in sources:
            for index, entry in enumerate(entries):
                pointer = ("paths", *origin, index)
                if "$ref" in entry:
                    pointer = tuple(entry["$ref"].lstrip("#/").split("/"))
                    pointer = tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer)
                    entry = self._resolver.deref(entry)
                if entry.get("in") not in ("path", "query", "header"):
                    continue
                schema = self._resolver.deref(entry.get("schema", {}))
                array = "array" in self._resolver.types(schema)
                item_schema = schema.get("items", {}) if array else schema
                params[(entry["in"], entry["name"])] = Param(
                    name=entry["name"],
                    location=entry["in"],
                    required=bool(entry.get("required")) or entry["in"] == "path",
                    allow_empty=bool(entry.get("allowEmptyValue")),
                    array=array,
                    explode=entry.get("explode", entry.get("style", "form") == "form"),
                    item_types=self._resolver.types(item_schema) if item_schema else set(),
                    validator=self._validator(*pointer, "schema") if "schema" in entry else None,
                )
        operation = Operation(method.upper(), path, list(params.values()))
        body = op.get("requestBody")
        if body:
            pointer = ("paths", path, method, "requestBody")
            if "$ref" in body:
                pointer = tuple(body["$ref"].lstrip("#/").split("/"))
                body = self._resolver.deref(body)
            operation.body_required = bool(body.get("required"))
            for media, content in (body.get("content") or {}).items():
                if media in STREAMED or "schema" not in content:
                    operation.bodies[media] = Body(None)
                    continue
                compiled = Body(self._validator(*pointer, "content", media, "schema"))
                if media == FORM or media.startswith("multipart/"):
                    props = self._resolver.deref(content["schema"]).get("properties", {})
                    for name, prop in props.items():
                        types = self._resolver.types(prop)
                        if "array" in types:
                            compiled.form_types[name] = (
                                self._resolver.types(self._resolver.deref(prop).get("items", {})),
                                True,
                            )
                        else:
                            compiled.form_types[name] = (types, False)
                operation.bodies[media] = compiled
        return operation


_LOADING = threading.Lock()  # the first requests of a vendor arriving together parse its spec once
_LOADED: dict[str, tuple[int, Contract]] = {}  # spec file -> (its mtime, its contract)


def cache_dir() -> Path | None:
    """Where parsed specs are kept as JSON: MOCKSERVER_CACHE_DIR ("" = nowhere), else the user's cache."""
    configured = os.environ.get("MOCKSERVER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mockserver"
    except RuntimeError:  # no home directory
        return None


def _parse(path: str) -> Contract:
    """A spec parsed from its YAML once, then from a JSON copy keyed by the file's content: the YAML
    parser takes 50x as long and leaves ~10x the document's size of memory behind."""
    import hashlib

    raw = Path(path).read_bytes()
    folder = cache_dir()
    cached = folder / f"{Path(path).stem}-{hashlib.sha256(raw).hexdigest()[:24]}.json" if folder else None
    if cached is not None:
        try:
            return Contract(json.loads(cached.read_bytes()))
        except (OSError, ValueError):
            pass
    import yaml

    spec = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if cached is not None:
        _keep(cached, spec)
    return Contract(spec)


def _keep(cached: Path, spec: dict) -> None:
    """Write the JSON copy when it reads back as the very same document (best effort: a read-only
    cache only costs the next start its YAML parse)."""
    try:
        text = json.dumps(spec, ensure_ascii=False)
        if json.loads(text) != spec:  # a YAML date or integer key JSON would change
            return
        cached.parent.mkdir(parents=True, exist_ok=True)
        scratch = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, cached)
    except (OSError, TypeError, ValueError):
        pass


def load_contract(spec: Path) -> Contract:
    """The contract of a spec file, parsed on first use and again when the file changes (its validity
    is a test, so loading skips that check)."""
    path, mtime = str(spec), spec.stat().st_mtime_ns
    known = _LOADED.get(path)
    if known is None or known[0] != mtime:
        with _LOADING:
            known = _LOADED.get(path)
            if known is None or known[0] != mtime:
                known = _LOADED[path] = (mtime, _parse(path))
    return known[1]
