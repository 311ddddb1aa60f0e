"""Fault rules: matched before a vendor handler runs, so users can test retries and timeouts."""

from __future__ import annotations

import fnmatch
import itertools
import threading

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema


class FaultRuleSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    vendor = fields.String(load_default=None, allow_none=True)
    method = fields.String(load_default=None, allow_none=True)
    path = fields.String(load_default="*")
    status = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(100, 599))
    body = fields.Raw(load_default=None, allow_none=True)
    headers = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    delay_ms = fields.Integer(load_default=0, validate=validate.Range(0, 600_000))
    times = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))

    @validates_schema
    def _does_something(self, data, **kwargs):
        if data.get("status") is None and not data.get("delay_ms"):
            raise ValidationError("a rule needs a status, a delay_ms, or both")


class Faults:
    def __init__(self, vendors: tuple[str, ...]):
        self._vendors = vendors
        self._rules: list[dict] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, raw: dict) -> dict:
        rule = FaultRuleSchema().load(raw)
        if rule["vendor"] is not None and rule["vendor"] not in self._vendors:
            raise ValidationError({"vendor": [f"unknown vendor {rule['vendor']!r}"]})
        if rule["method"]:
            rule["method"] = rule["method"].upper()
        rule["id"] = next(self._ids)
        rule["matched"] = 0
        with self._lock:
            self._rules.append(rule)
        return dict(rule)

    def list(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._rules]

    def delete(self, rule_id: int | None = None) -> bool:
        with self._lock:
            if rule_id is None:
                self._rules.clear()
                return True
            before = len(self._rules)
            self._rules = [r for r in self._rules if r["id"] != rule_id]
            return len(self._rules) != before

    def active(self) -> bool:
        return bool(self._rules)

    def match(self, vendor: str, method: str, full_path: str, vendor_path: str) -> dict | None:
        """The first matching rule, with its remaining `times` consumed; None when nothing matches."""
        if not self._rules:
            return None  # the common case, decided without the lock
        with self._lock:
            for rule in self._rules:
                if rule["vendor"] not in (None, vendor):
                    continue
                if rule["method"] not in (None, method):
                    continue
                pattern = rule["path"]
                if not (fnmatch.fnmatchcase(vendor_path, pattern) or fnmatch.fnmatchcase(full_path, pattern)):
                    continue
                rule["matched"] += 1
                hit = dict(rule)
                if rule["times"] is not None:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self._rules.remove(rule)
                return hit
        return None
