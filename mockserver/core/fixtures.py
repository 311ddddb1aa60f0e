"""Load a vendor's fixture files (YAML or JSON) and validate them with its marshmallow schema.

Errors name the file, the key path and what is wrong, so a user can fix their own fixture set.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import yaml
from marshmallow import ValidationError

from . import fastload
from .errors import flatten_messages
from .heap import no_gc

log = logging.getLogger("mockserver.fixtures")
FORMATS = ("yaml", "json")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The C-backed safe loader (several times faster on big sets), keeping timestamps as strings:
    the schemas decide what a date is."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FixtureError(Exception):
    """An invalid fixture file; str() is the whole message shown to the user."""


def vendor_files(root: Path, vendor: str) -> list[Path]:
    files = [root / f"{vendor}.{ext}" for ext in ("yaml", "yml", "json")]
    files = [f for f in files if f.is_file()]
    folder = root / vendor
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    return files


def parse_text(text: str, source: str, fmt: str = "yaml"):
    if fmt == "json":
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
            raise FixtureError(f"{source}{where}: not valid JSON: {getattr(exc, 'msg', exc)}") from None
    else:
        try:
            data = yaml.load(text, Loader=_Loader) if text.strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise FixtureError(f"{source}{where}: not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FixtureError(f"{source}: (root): expected a mapping of collections, got {type(data).__name__}")
    return data


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{path}: cannot read: {exc}") from None


def parse_file(path: Path):
    """One file, read once; its text is dropped as soon as it is parsed (big sets: half the peak memory)."""
    return parse_text(_read(path), str(path), "json" if path.suffix == ".json" else "yaml")


def load_file(vendor_obj, path: Path) -> dict:
    """One file, read once, validated. JSON is parsed record by record, each loaded as it is read (see
    fastload.load_streamed): a 100k set is never in memory twice."""
    text = _read(path)
    if path.suffix != ".json":
        return validate(vendor_obj, parse_text(text, str(path)), str(path))
    return validate(vendor_obj, None, str(path), lambda item_of: streamed_json(text, item_of),
                    lambda: parse_text(text, str(path), "json"))


def validate(vendor_obj, data: dict | None, source: str, parse=None, whole=None) -> dict:
    """`data` loaded by the vendor's fixture schema; or (`data` None) what `parse` reads, `whole()` when it
    cannot (fastload.load_streamed)."""
    try:
        if data is None:
            return fastload.load_streamed(vendor_obj.fixture_schema, parse, whole)
        return fastload.load(vendor_obj.fixture_schema, data)
    except ValidationError as err:
        problems = flatten_messages(err.messages)
        lines = [f"{source}: {path}: {msg}" for path, msg in problems]
        raise FixtureError("\n".join(lines)) from None


_SPACE = re.compile(r"[ \t\n\r]*")


def streamed_json(text: str, item_of) -> tuple[dict, set]:
    """A JSON object of collections parsed one value at a time, each item of a top-level list given to
    `item_of(key)` (a function, or None: kept as parsed) as soon as it is read, so its parsed form is
    dropped before the next is read. (the object, the keys whose items were given). Raises ValueError on
    anything json.loads would not read as that object (it is parsed whole then, for its error)."""
    decode, skip = json.JSONDecoder().raw_decode, _SPACE.match
    out, done = {}, set()
    at = skip(text).end()
    if text[at:at + 1] != "{":
        raise ValueError("not an object")
    at = skip(text, at + 1).end()
    closed = text[at:at + 1] == "}"
    if closed:
        at = skip(text, at + 1).end()
    while not closed:
        key, at = decode(text, at)
        if type(key) is not str:
            raise ValueError("a key that is not a string")
        at = skip(text, at).end()
        if text[at:at + 1] != ":":
            raise ValueError("no colon")
        at = skip(text, at + 1).end()
        convert = item_of(key) if text[at:at + 1] == "[" else None
        if convert is None:
            out[key], at = decode(text, at)
            done.discard(key)
        else:
            out[key], at = _streamed_list(text, skip(text, at + 1).end(), convert, skip)
            done.add(key)
        at = skip(text, at).end()
        mark = text[at:at + 1]
        if mark not in (",", "}"):
            raise ValueError("no comma")
        closed = mark == "}"
        at = skip(text, at + 1).end()
    if at != len(text):
        raise ValueError("extra data")
    return out, done


def _streamed_list(text: str, at: int, convert, skip) -> tuple[list, int]:
    items = []
    append = items.append
    scan = _scanner()
    if text[at:at + 1] == "]":
        return items, at + 1
    while True:
        try:
            item, at = scan(text, at)
        except StopIteration:
            raise ValueError("not a value") from None
        append(convert(item))
        mark = text[at:at + 1]
        if mark == "," and text[at + 1:at + 2] == "\n" and text[at + 2:at + 3] not in _BLANK:
            at += 2  # (one record a line, as write_json writes them)
            continue
        if mark in _BLANK:
            at = skip(text, at).end()
            mark = text[at:at + 1]
        if mark == "]":
            return items, at + 1
        if mark != ",":
            raise ValueError("no comma")
        at = skip(text, at + 1).end()


_BLANK = frozenset(" \t\n\r")


def _scanner():
    """json's own scanner (C), which raw_decode wraps in more per call than a record takes to read."""
    return json.scanner.make_scanner(json.JSONDecoder())


def merge(into: dict, more: dict) -> dict:
    for key, value in more.items():
        if isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        elif isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value
    return into


def count(data: dict) -> int:
    return sum(len(rows) for rows in data.values() if isinstance(rows, list))


def load_vendor(root: str | Path, vendor_obj) -> dict:
    """All files of one vendor under `root`, each validated, merged in name order; logs what it loaded."""
    root = Path(root)
    if not root.is_dir():
        raise FixtureError(f"{root}: fixtures folder does not exist")
    started = time.perf_counter()
    files = vendor_files(root, vendor_obj.name)
    with no_gc():
        if not files:
            merged = validate(vendor_obj, {}, f"{root}/{vendor_obj.name}.yaml (absent)")
        else:
            merged = {}
            for path in files:
                merged = merge(merged, load_file(vendor_obj, path))
    where = ", ".join(str(f) for f in files) or "no file"
    log.info("%s: %d records from %s in %.2f s", vendor_obj.name, count(merged), where,
             time.perf_counter() - started)
    return merged


def load_all(root: str | Path, vendors: dict) -> dict[str, dict]:
    return {name: load_vendor(root, v) for name, v in vendors.items()}


def load_body(text: str, content_type: str, vendor_obj, source: str) -> dict:
    """A fixture set posted to the control API (YAML or JSON)."""
    if "json" in (content_type or ""):
        def whole():
            try:
                data = json.loads(text or "{}")
            except ValueError as exc:
                raise FixtureError(f"{source}: not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise FixtureError(f"{source}: (root): expected a mapping of collections")
            return data

        return validate(vendor_obj, None, source, lambda item_of: streamed_json(text or "{}", item_of), whole)
    return validate(vendor_obj, parse_text(text, source), source)


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def write_json(data: dict, path: Path) -> None:
    """A fixture file in JSON, one record a line, written record by record (a 100k set in about a second)."""
    encode = _record_encoder()
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write("{")
        for n, (key, value) in enumerate(data.items()):
            out.write(f'{"," if n else ""}\n{encode(key)}: ')
            if isinstance(value, list) and value:
                out.write("[\n")
                for start in range(0, len(value), 10_000):
                    out.write(("," if start else "") + ",\n".join(map(encode, value[start:start + 10_000])) + "\n")
                out.write("]")
            else:
                out.write(encode(value))
        out.write("\n}\n")


def _record_encoder():
    """json.JSONEncoder(ensure_ascii=False, check_circular=False).encode, byte for byte, minus the C encoder
    object that `encode` builds anew on every call (half the time of writing a big set one record a line)."""
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, False, False, True)

    def encode(value) -> str:
        if type(value) is str:
            return encoder.encode(value)
        return "".join(chunks(value, 0))

    return encode
