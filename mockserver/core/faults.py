"""Fault rules: matched before a vendor handler runs, so users can test retries and timeouts.

A rule belongs to one tenant (`"tenant": "*"`, or no tenant at all, for every tenant), so parallel
jobs sharing a server each break only their own requests.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import re
import threading

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .store import TENANT_RE

EVERY_TENANT = "*"
MAX_RULES = 1_000           # in all: every request of a tenant with rules walks them
MAX_RULES_PER_TENANT = 100  # ("*" counts as a tenant of its own)
MAX_DELAY_MS = 60_000       # a client timeout is tested in seconds; longer only ties up a server thread
MAX_HEADERS = 50
MAX_HEADER_BYTES = 8 * 1024  # names and values together
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$")  # an RFC 9110 token
HEADER_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")  # no CR, LF, NUL or other controls; Latin-1 only
# what the connection does instead of answering (WireMock's fault kinds); done by the served front (core/front.py)
CONNECTION_FAULTS = ("connection_reset", "empty_response", "malformed_chunk", "random_data_then_close")
MAX_CHUNKS = 1_000


class FaultLimit(Exception):
    """Too many rules: a 409 (delete some first)."""


def _headers(value: dict) -> None:
    if len(value) > MAX_HEADERS:
        raise ValidationError(f"at most {MAX_HEADERS} headers")
    if sum(len(k) + len(v) for k, v in value.items()) > MAX_HEADER_BYTES:
        raise ValidationError(f"at most {MAX_HEADER_BYTES} bytes of names and values")
    for name, text in value.items():
        if not HEADER_NAME.match(name):
            raise ValidationError(f"{name!r} is not a header name (letters, digits and !#$%&'*+.^_`|~-)")
        if not HEADER_VALUE.match(text):
            raise ValidationError(f"{name}: the value holds a line break or control character, or is not Latin-1")


class Delay(fields.Field):
    """`delay_ms`: a whole number of ms, or `{"uniform": [min, max]}` (drawn anew for each matched request)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict) and set(value) == {"uniform"}:
            bounds = value["uniform"]
            if (isinstance(bounds, list) and len(bounds) == 2
                    and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
                    and 0 <= bounds[0] <= bounds[1] <= MAX_DELAY_MS):
                return {"uniform": list(bounds)}
            raise ValidationError(f'"uniform" takes [min, max]: whole numbers, 0 <= min <= max <= {MAX_DELAY_MS}')
        if isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= MAX_DELAY_MS:
                return value
            raise ValidationError(f"must be between 0 and {MAX_DELAY_MS}")
        raise ValidationError('a whole number of ms, or {"uniform": [min, max]}')


class DribbleSchema(Schema):
    class Meta:
        unknown = RAISE

    chunks = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_CHUNKS))
    ms = fields.Integer(required=True, strict=True, validate=validate.Range(0, MAX_DELAY_MS))


class FaultRuleSchema(Schema):
    class Meta:
        unknown = RAISE  # a typo ("time" for "times") must not become a rule that never ends

    tenant = fields.String(load_default=EVERY_TENANT,
                           validate=validate.Regexp(rf"^(\*|{TENANT_RE.pattern[1:-1]})$",
                                                    error="a tenant name (1-128 of A-Z a-z 0-9 ._:@/+-) or *"))
    vendor = fields.String(load_default=None, allow_none=True)
    method = fields.String(load_default=None, allow_none=True)
    path = fields.String(load_default="*")
    status = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(200, 599))
    body = fields.Raw(load_default=None, allow_none=True)
    headers = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, validate=_headers)
    delay_ms = Delay(load_default=0)
    fault = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CONNECTION_FAULTS))
    chunked_dribble = fields.Nested(DribbleSchema, load_default=None, allow_none=True)
    times = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _does_something(self, data, **kwargs):
        if data.get("fault") is not None:
            given = [k for k in ("status", "body", "chunked_dribble") if data.get(k) is not None]
            if given or data.get("headers"):
                raise ValidationError(f"a connection fault sends no answer: drop {', '.join(given or ['headers'])}",
                                      "fault")
        elif data.get("status") is None and not data.get("delay_ms") and data.get("chunked_dribble") is None:
            raise ValidationError("a rule needs a status, a delay_ms, a fault or a chunked_dribble")


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
        rule["matched"] = 0
        with self._lock:
            if len(self._rules) >= MAX_RULES:
                raise FaultLimit(f"{MAX_RULES} fault rules exist already: delete some")
            if sum(1 for r in self._rules if r["tenant"] == rule["tenant"]) >= MAX_RULES_PER_TENANT:
                raise FaultLimit(f"tenant {rule['tenant']!r} has {MAX_RULES_PER_TENANT} fault rules already: "
                                 "delete some")
            rule["id"] = next(self._ids)
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

    def any(self) -> bool:
        """Whether any rule exists, for any tenant (read without the lock)."""
        return bool(self._tenants)

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
                if isinstance(hit["delay_ms"], dict):
                    hit["delay_ms"] = random.randint(*hit["delay_ms"]["uniform"])
                if rule["times"] is not None:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        self._rules.remove(rule)
                        self._changed()
                return hit
        return None
