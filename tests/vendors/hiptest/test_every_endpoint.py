"""Every documented operation refuses what it must: unknown records, missing credentials, wrong Accept."""

from __future__ import annotations

import re

import pytest
import yaml

from mockserver.settings import OPENAPI_DIR

from .conftest import CASH, DEMO_HEADERS, SPRINT

SPEC = yaml.safe_load((OPENAPI_DIR / "hiptest.yaml").read_text(encoding="utf-8"))
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items() for method in item
              if method in ("get", "post", "put", "patch", "delete") and path != "/api/auth/sign_in"]
# a resource document every operation's contract accepts (each takes the attributes it knows), and the
# required query values: the request is checked against the spec before the view, so only a request
# that keeps the contract tests the unknown ids
BODY = {"data": {"attributes": {"name": "x", "status": "passed", "status-author": "x", "description": "x",
                                "key": "k", "feature": "Feature: x", "file-name": "x.txt"}}}
QUERY = {"key": "k", "older_than": "2017-11-29"}


def _unknown(path: str) -> str:
    return re.sub(r"\{\w+\}", "999999", path)


def _valid_request(method: str, path: str) -> dict:
    op = SPEC["paths"][path][method.lower()]
    params = {p["name"]: QUERY[p["name"]] for p in op.get("parameters", [])
              if p.get("in") == "query" and p.get("required")}
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        return {"params": params, "json": BODY}
    if "multipart/form-data" in content:
        return {"params": params, "files": {"file": ("a.txt", b"x")}}
    return {"params": params}


def test_the_valid_requests_are_valid(api):
    """The requests of test_unknown_ids_are_404 reach the view: on known ids they succeed."""
    for method, path in (("POST", f"/api/projects/{CASH}/test_runs/{SPRINT}/tags"),
                         ("GET", f"/api/projects/{CASH}/scenarios/find_by_tags"),
                         ("POST", f"/api/projects/{CASH}/folders/390003/create_from_feature"),
                         ("POST", f"/api/projects/{CASH}/test_runs/{SPRINT}/attachments"),
                         ("POST", f"/api/projects/{CASH}/test_runs/archive")):
        template = next(p for m, p in OPERATIONS if m == method and _unknown(p) == re.sub(r"\d{5,}", "999999", path))
        r = api.request(method, path, **_valid_request(method, template))
        assert r.status_code in (200, 201), (path, r.text)


# the backup download stands for S3 and answers S3's XML NoSuchKey (test_projects.py)
S3 = "/backups/"


@pytest.mark.parametrize("method, path", [op for op in OPERATIONS if "{" in op[1] and not op[1].startswith(S3)])
def test_unknown_ids_are_404(api, method, path):
    r = api.request(method, _unknown(path), **_valid_request(method, path))
    assert r.status_code == 404, r.text
    assert r.json() == {"errors": ["Record not found"]}


# hiptest-publisher's interface (outside /api) takes the project's secret token in the URL instead
@pytest.mark.parametrize("method, path", [op for op in OPERATIONS if op[1].startswith("/api/")])
def test_no_credentials_is_401_and_wrong_accept_is_406(hiptest, method, path):
    r = hiptest.request(method, _unknown(path), headers={"Accept": DEMO_HEADERS["Accept"]})
    assert r.status_code == 401 and r.json() == {"errors": ["You need to sign in or sign up before continuing."]}
    r = hiptest.request(method, _unknown(path), headers={**DEMO_HEADERS, "Accept": "application/json"})
    assert r.status_code == 406
