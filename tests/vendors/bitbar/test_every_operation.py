"""Every operation of the spec (under /api/v2/me): 401 without credentials, 404 for an unknown id."""

from __future__ import annotations

import re

import pytest
import xmltodict
import yaml

from tests.contract.validate import spec_path

UNAUTH = {"statusCode": 401, "message": "Full authentication is required to access this resource"}
KNOWN = {"projectId": 31945182, "runId": 31945210, "deviceRunId": 31949802, "deviceGroupId": 4148, "userId": 31595291}


SPEC = yaml.safe_load(spec_path("bitbar").read_text(encoding="utf-8"))


def _operations():
    for path, item in SPEC["paths"].items():
        if path.startswith(("/api/me", "/api/v2/users")):
            continue  # the same handlers as /api/v2/me (covered in test_auth)
        for method, op in item.items():
            yield method.upper(), path, op.get("security") == []


OPERATIONS = list(_operations())


def valid_input(method: str, path: str) -> dict:
    """What the contract requires besides the ids (a report `type`, an upload's `file` part), so an unknown
    id is what the request is refused for: a request the spec forbids is a 400 before any lookup."""
    op = SPEC["paths"][path][method.lower()]
    query = {p["name"]: p["schema"].get("enum", [p.get("example", "1")])[0]
             for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")}
    body = op.get("requestBody") or {}
    upload = body.get("required") and "multipart/form-data" in body["content"]
    files = {"file": ("app.apk", b"PK apk")} if upload else None
    return {"params": query, "files": files}


@pytest.mark.parametrize("method,path", [(m, p) for m, p, public in OPERATIONS if not public])
def test_operation_needs_credentials(bitbar, method, path):
    concrete = re.sub(r"\{(\w+)\}", lambda m: str(KNOWN.get(m.group(1), 1)), path)
    r = bitbar.request(method, concrete, headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.json() == UNAUTH


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in OPERATIONS if re.search(r"\{\w+Id\}|\{id\}", p)])
def test_unknown_id_is_404(bb, method, path):
    names = re.findall(r"\{(\w+)\}", path)
    last = names[-1]
    concrete = re.sub(r"\{(\w+)\}", lambda m: "999999" if m.group(1) == last else str(KNOWN.get(m.group(1), 999999)),
                      path)
    r = bb.request(method, concrete, **valid_input(method, path))
    assert r.status_code == 404 and r.json()["statusCode"] == 404 and "999999" in r.json()["message"]


FIXTURE_IDS = {**KNOWN, "parameterId": 1, "sharingId": 173, "id": 31981820, "fileId": 27170}


def _xml_gets():
    for path, item in SPEC["paths"].items():
        op = item.get("get")
        if path.startswith(("/api/me", "/api/v2/users")) or op is None:
            continue
        names = re.findall(r"\{(\w+)\}", path)
        content = op["responses"]["200"].get("content", {})
        negotiated = "application/json" in content and "application/xml" in content and path != "/oauth/token"
        if negotiated and set(names) <= set(FIXTURE_IDS):
            yield path


@pytest.mark.parametrize("path", list(_xml_gets()))
def test_every_object_and_list_renders_as_xml_by_default(bb, path):
    concrete = re.sub(r"\{(\w+)\}", lambda m: str(FIXTURE_IDS[m.group(1)]), path)
    r = bb.get(concrete, headers={"Accept": "*/*"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml")
    as_json = bb.get(concrete).json()
    parsed = xmltodict.parse(r.text)
    root = next(iter(parsed.values())) or {}
    if isinstance(as_json, dict) and "total" in as_json:
        assert root["total"] == str(as_json["total"])
    elif isinstance(as_json, dict):
        assert root["id"] == str(as_json["id"])
    else:
        assert len(root["item"]) == len(as_json)
