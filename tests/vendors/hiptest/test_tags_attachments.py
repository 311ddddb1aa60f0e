"""Tags on scenarios, test runs and tests; attachments on folders, scenarios, runs and results."""

from __future__ import annotations

import pytest

from .conftest import CASH, SPRINT, doc, run_path, snapshots

P = f"/api/projects/{CASH}"


@pytest.mark.parametrize("owner", [P + "/scenarios/710002", run_path(SPRINT),
                                   run_path(SPRINT) + "/test_snapshots/{test}"])
def test_tag_crud(api, owner):
    owner = owner.format(test=snapshots(api)[0]["id"])
    r = api.post(owner + "/tags", json=doc({"key": "browser", "value": "firefox"}, type_="tags"))
    assert r.status_code == 201
    tag = r.json()["data"]
    assert tag["type"] == "tags" and tag["attributes"] == {"key": "browser", "value": "firefox"}
    assert tag["links"] == {"self": f"/tags/{tag['id']}"}
    created = api.post(owner + "/tags", json=doc({"key": "flaky"})).json()["data"]["attributes"]
    assert created == {"key": "flaky", "value": ""}
    patched = api.patch(owner + f"/tags/{tag['id']}", json=doc({"value": "chrome"}, type_="tags", id_=int(tag["id"])))
    assert patched.status_code == 200 and patched.json()["data"]["attributes"] == {"key": "browser", "value": "chrome"}
    assert api.post(owner + "/tags", json=doc({"value": "no key"})).status_code == 422
    assert api.patch(owner + "/tags/999", json=doc({"value": "x"})).status_code == 404
    r = api.delete(owner + f"/tags/{tag['id']}")
    assert r.status_code == 200 and r.json() == {}
    keys = [t["attributes"]["key"] for t in api.get(owner + "/tags").json()["data"]]
    assert "browser" not in keys and "flaky" in keys


def test_tags_of_another_owner_are_not_reachable(api):
    assert api.delete(P + "/scenarios/710002/tags/1").status_code == 404  # tag 1 belongs to scenario 710001
    assert api.get(P + "/folders/390002/tags").json()["data"][0]["attributes"] == {"key": "component", "value": "cash"}


def test_include_tags_on_tests(api):
    test = snapshots(api)[0]
    api.post(run_path() + f"/test_snapshots/{test['id']}/tags", json=doc({"key": "manual"}))
    body = api.get(run_path() + f"/test_snapshots/{test['id']}?include=tags").json()
    assert body["data"]["relationships"]["tags"]["data"][0]["type"] == "tags"
    assert body["included"][0]["attributes"] == {"key": "manual", "value": ""}
    listing = api.get(run_path() + "/test_snapshots?include=tags").json()
    assert listing["included"] == body["included"]


def _result_path(api):
    test = snapshots(api)[0]
    result = api.post(run_path() + f"/test_snapshots/{test['id']}/test_results", json=doc(
        {"status": "failed", "status-author": "CI", "description": "see screenshot"})).json()["data"]
    return run_path() + f"/test_snapshots/{test['id']}/test_results/{result['id']}"


@pytest.mark.parametrize("owner", [P + "/folders/390002", P + "/scenarios/710001", run_path(SPRINT), "result"])
def test_attachment_crud(api, owner):
    owner = _result_path(api) if owner == "result" else owner
    r = api.post(owner + "/attachments", files={"file": ("screenshot.png", b"\x89PNG fake", "image/png")})
    assert r.status_code == 200
    att = r.json()["data"]
    assert att["type"] == "attachments" and att["links"]["self"] == f"/attachments/{att['id']}"
    assert att["attributes"] == {"id": int(att["id"]), "file-name": "screenshot.png",
                                 "file-url": f"{owner}/attachments/{att['id']}", "file-size": 9}
    assert [a["id"] for a in api.get(owner + "/attachments").json()["data"]] == [att["id"]]
    got = api.get(owner + f"/attachments/{att['id']}")
    assert got.status_code == 200 and got.content == b"\x89PNG fake"
    assert 'filename="screenshot.png"' in got.headers["Content-Disposition"]
    renamed = api.patch(owner + f"/attachments/{att['id']}", json=doc({"file-name": "shot.png"}, type_="attachments"))
    assert renamed.json()["data"]["attributes"]["file-name"] == "shot.png"
    replaced = api.patch(owner + f"/attachments/{att['id']}", files={"file": ("log.txt", b"hello", "text/plain")})
    assert replaced.json()["data"]["attributes"]["file-size"] == 5
    assert api.get(owner + f"/attachments/{att['id']}").content == b"hello"
    assert api.delete(owner + f"/attachments/{att['id']}").json() == {"data": {}}
    assert api.get(owner + f"/attachments/{att['id']}").status_code == 404


def test_attachment_upload_errors(api):
    base = P + "/folders/390002/attachments"
    assert api.post(base, files={"other": ("a.txt", b"x")}).status_code == 422
    assert api.post(base, json={"file": "not multipart"}).status_code == 400
    assert api.patch(base + "/1", json=doc({"file-name": "x"})).status_code == 404
    assert api.get(P + "/folders/1/attachments").status_code == 404
    assert api.get(base).json()["data"] == []


def test_oversize_upload_is_413_in_the_errors_shape(api, server):
    limit = server.settings.max_upload_mb * 1024 * 1024
    r = api.post(P + "/folders/390002/attachments", files={"file": ("big.bin", b"0" * (limit + 1))})
    assert r.status_code == 413 and r.json() == {"errors": ["Request Entity Too Large"]}
    assert api.get(P + "/folders/390002/attachments").json()["data"] == []
