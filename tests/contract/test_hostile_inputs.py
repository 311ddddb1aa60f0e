"""Strange input never reaches a 500: every documented operation of every vendor, on the main port and
on the vendor's own port, gets JSON nested far too deep, a number too long for Python to parse and
Unicode digits where it expects integers, and answers each with a 4xx."""

from __future__ import annotations

import re

import pytest
import requests
import yaml

from mockserver.settings import vendor_names
from mockserver.vendors import registry
from tests.contract.validate import spec_path

HUGE = "9" * 5000                      # over Python's 4,300-digit limit for int()
DEEP = ("[" * 1200 + "]" * 1200)       # deeper than Python's recursion limit
UNICODE_DIGITS = "²³"                  # str.isdigit() says yes, int() says no


def _operations(vendor: str):
    spec = yaml.load(
        spec_path(vendor).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [p for p in op.get("parameters", []) + item.get("parameters", []) if "$ref" not in p]
            query = [p["name"] for p in params if p.get("in") == "query"]
            body = op.get("requestBody", {}).get("content", {})
            yield method.upper(), re.sub(r"\{[^}]+\}", "1", path), query, any("json" in m for m in body)


def _requests(vendor: str):
    for method, path, query, takes_json in _operations(vendor):
        if query:
            yield method, path, {"params": {name: UNICODE_DIGITS for name in query}}
            yield method, path, {"params": {name: HUGE for name in query}}
        if takes_json:
            json_type = {"Content-Type": "application/json"}
            yield method, path, {"data": DEEP, "headers": json_type}
            yield (
                method,
                path,
                {"data": '{"id": %s, "name": "%s", "limit": %s}' % (HUGE, UNICODE_DIGITS, HUGE), "headers": json_type},
            )


@pytest.mark.parametrize("vendor", vendor_names())
def test_no_strange_input_reaches_a_500(server, vendor):
    session = requests.Session()
    session.headers.update({**registry()[vendor].demo_headers, "X-Mock-Tenant": f"hostile-{vendor}"})
    bases = [f"{server.url}/{vendor}", server.vendor_url(vendor)]  # main port, own port
    failures, sent = [], 0
    for method, path, kwargs in _requests(vendor):
        for base in bases:
            headers = {**session.headers, **kwargs.get("headers", {})}
            r = session.request(
                method, base + path, params=kwargs.get("params"), data=kwargs.get("data"), headers=headers, timeout=30
            )
            sent += 1
            if r.status_code >= 500:
                failures.append(f"{r.status_code} {method} {base}{path} {str(kwargs)[:120]}: {r.text[:200]}")
    assert sent > 0, "no operation to try"
    assert failures == [], "\n".join(failures[:20])
