"""Load a vendor's YAML fixtures and validate them with its marshmallow schema.

Errors name the file, the key path and what is wrong, so a user can fix their own fixture set.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from marshmallow import ValidationError

from .errors import flatten_messages


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


def parse_text(text: str, source: str):
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


def validate(vendor_obj, data: dict, source: str) -> dict:
    try:
        return vendor_obj.fixture_schema().load(data)
    except ValidationError as err:
        problems = flatten_messages(err.messages)
        lines = [f"{source}: {path}: {msg}" for path, msg in problems]
        raise FixtureError("\n".join(lines)) from None


def merge(into: dict, more: dict) -> dict:
    for key, value in more.items():
        if isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        elif isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value
    return into


def load_vendor(root: str | Path, vendor_obj) -> dict:
    """All files of one vendor under `root`, each validated, merged in name order."""
    root = Path(root)
    if not root.is_dir():
        raise FixtureError(f"{root}: fixtures folder does not exist")
    files = vendor_files(root, vendor_obj.name)
    if not files:
        return validate(vendor_obj, {}, f"{root}/{vendor_obj.name}.yaml (absent)")
    merged: dict = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FixtureError(f"{path}: cannot read: {exc}") from None
        merged = merge(merged, validate(vendor_obj, parse_text(text, str(path)), str(path)))
    return merged


def load_all(root: str | Path, vendors: dict) -> dict[str, dict]:
    return {name: load_vendor(root, v) for name, v in vendors.items()}


def load_body(text: str, content_type: str, vendor_obj, source: str) -> dict:
    """A fixture set posted to the control API (YAML or JSON)."""
    if "json" in (content_type or ""):
        try:
            data = json.loads(text or "{}")
        except ValueError as exc:
            raise FixtureError(f"{source}: not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise FixtureError(f"{source}: (root): expected a mapping of collections")
    else:
        data = parse_text(text, source)
    return validate(vendor_obj, data, source)


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
