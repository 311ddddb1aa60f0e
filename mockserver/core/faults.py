"""Fault rules: matched before a vendor handler runs, so users can test retries and timeouts.

A rule belongs to one tenant (`"tenant": "*"`, or no tenant at all, for every tenant), so parallel
jobs sharing a server each break only their own requests.
"""

from __future__ import annotations

import fnmatch
import itertools
import threading

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .store import TENANT_RE

EVERY_TENANT = "*"


class FaultRuleSchema(Schema):
    class Meta:
        unknown = RAISE  # a typo ("time" for "times") must not become a rule that never ends

    tenant = fields.String(load_default=EVERY_TENANT,
                           validate=validate.Regexp(rf"^(\*|{TENANT_RE.pattern[1:-1]})$",
                                                    error="a tenant name (1-128 of A-Z a-z 0-9 ._:@/+-) or *"))
    vendor = fields.String(load_default=None, allow_none=True)
    method = fields.String(load_default=None, allow_none=True)
    path = fields.String(load_default="*")
    status = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(100, 599))
    body = fields.Raw(load_default=None, allow_none=True)
    headers = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    delay_ms = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 600_000))
    times = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))

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
        self._tenants: frozenset = frozenset()  # whose requests any rule may answer ("*": everyone's)

    def _changed(self) -> None:
        self._tenants = frozenset(r["tenant"] for r in self._rules)

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
            self._changed()
        return dict(rule)

    def list(self, tenant: str | None = None) -> list[dict]:
        """Every rule, or those answering `tenant`'s requests (its own and the "*" ones)."""
        with self._lock:
            return [dict(r) for r in self._rules if tenant is None or r["tenant"] in (tenant, EVERY_TENANT)]

    def get(self, rule_id: int) -> dict | None:
        with self._lock:
            return next((dict(r) for r in self._rules if r["id"] == rule_id), None)

    def delete(self, rule_id: int | None = None, tenant: str | None = None, vendor: str | None = None) -> int:
        """Delete one rule by id, or those of a tenant and/or vendor (None: any); how many went."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if not (
                (rule_id is None or r["id"] == rule_id)
                and (tenant is None or r["tenant"] == tenant)
                and (vendor is None or r["vendor"] == vendor))]
            self._changed()
            return before - len(self._rules)

    def active(self, tenant: str) -> bool:
        """Whether any rule may answer `tenant`'s requests (read without the lock: a frozenset swap)."""
        tenants = self._tenants
        return bool(tenants) and (tenant in tenants or EVERY_TENANT in tenants)

    def match(self, vendor: str, tenant: str, method: str, full_path: str, vendor_path: str) -> dict | None:
        """The first matching rule, with its remaining `times` consumed; None when nothing matches."""
        if not self.active(tenant):
            return None  # the common case, decided without the lock
        with self._lock:
            for rule in self._rules:
                if rule["tenant"] not in (EVERY_TENANT, tenant):
                    continue
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
                        self._changed()
                return hit
        return None
