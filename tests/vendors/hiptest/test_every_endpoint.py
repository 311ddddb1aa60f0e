"""Every documented operation refuses what it must: unknown records, missing credentials, wrong Accept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from .conftest import DEMO_HEADERS

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "openapi" / "hiptest.yaml").read_text(encoding="utf-8"))
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items() for method in item
              if method in ("get", "post", "put", "patch", "delete") and path != "/api/auth/sign_in"]
BODY = {"data": {"attributes": {"name": "x"}}}


def _unknown(path: str) -> str:
    return re.sub(r"\{\w+\}", "999999", path)


@pytest.mark.parametrize("method, path", [op for op in OPERATIONS if "{" in op[1]])
def test_unknown_ids_are_404(api, method, path):
    r = api.request(method, _unknown(path), json=BODY if method != "GET" else None)
    assert r.status_code == 404, r.text
    assert r.json() == {"errors": ["Record not found"]}


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_no_credentials_is_401_and_wrong_accept_is_406(hiptest, method, path):
    r = hiptest.request(method, _unknown(path), headers={"Accept": DEMO_HEADERS["Accept"]})
    assert r.status_code == 401 and r.json() == {"errors": ["You need to sign in or sign up before continuing."]}
    r = hiptest.request(method, _unknown(path), headers={**DEMO_HEADERS, "Accept": "application/json"})
    assert r.status_code == 406
