"""Client calls: snap-requests and emulated rendering, async reports, assets, images, baselines, flake."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from .conftest import snap

PAGES = {"viewport": "640x480", "pages": [{"url": "https://example.com/", "title": "Home"},
                                          {"url": "https://example.com/about", "title": "About"}]}


def _create(api, payload=PAGES, target="chrome", **form):
    files = {"payload": ("payload.json", json.dumps(payload), "application/json")}
    data = {"type": f"browser-{target}", "targetName": target, "payloadHash": "h1", **form}
    return api.post("/api/snap-requests", params={"payloadHash": "h1"}, data=data, files=files)


def _done(api, clock, request_id):
    clock(5)
    r = api.get(f"/api/snap-requests/{request_id}")
    assert r.status_code == 200 and r.json()["status"] == "done"
    return r.json()["result"]


def test_snap_request_renders_when_done_in_mock_time(api, clock):
    r = _create(api)
    assert r.status_code == 200
    request_id = r.json()["requestId"]
    assert isinstance(request_id, int)
    pending = api.get(f"/api/snap-requests/{request_id}").json()
    assert pending == {"id": request_id, "status": "in-progress", "result": []}
    result = _done(api, clock, request_id)
    assert [(s["component"], s["variant"], s["target"], s["width"], s["height"]) for s in result] == [
        ("Home", "default", "chrome", 640, 480), ("About", "default", "chrome", 640, 480)]
    image = api.get(result[0]["url"][len(api.base_url):])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_rendering_is_deterministic(api, clock):
    first = _done(api, clock, _create(api).json()["requestId"])
    same = _done(api, clock, _create(api).json()["requestId"])
    changed_payload = {**PAGES,
                       "pages": [PAGES["pages"][0], {"url": "https://example.com/about?v=2", "title": "About"}]}
    changed = _done(api, clock, _create(api, changed_payload).json()["requestId"])
    other_target = _done(api, clock, _create(api, target="firefox").json()["requestId"])
    assert [s["url"] for s in first] == [s["url"] for s in same]
    assert changed[0]["url"] == first[0]["url"] and changed[1]["url"] != first[1]["url"]
    assert other_target[0]["url"] != first[0]["url"]


@pytest.mark.parametrize("data, files", [
    ({"type": "browser-chrome"}, None),
    ({"type": "browser-chrome"}, {"payload": ("payload.json", "{broken", "application/json")}),
    ({"type": "browser-chrome"}, {"payload": ("payload.json", "[1]", "application/json")}),
    ({"type": "browser-chrome"}, {"payload": ("payload.json", '{"viewport": "big"}', "application/json")}),
    ({"type": "nonsense"}, {"payload": ("payload.json", "{}", "application/json")}),
])
def test_snap_request_bad_input_is_400(api, data, files):
    r = api.post("/api/snap-requests", data=data, files=files or {"dummy": ("x", "y")})
    assert r.status_code == 400
    assert r.json()["error"]


def test_snap_request_fields_and_payload_are_checked_against_the_spec(api, clock):
    # the multipart fields by the contract, the payload inside the file by the spec's SnapPayload
    r = _create(api, target="x", type="nonsense")
    assert r.status_code == 400 and list(r.json()["details"]) == ["type"]
    r = _create(api, {"viewport": 800})
    assert r.status_code == 400 and r.json()["error"].startswith("viewport: ")
    r = _create(api, {"pages": "nope"})
    assert r.status_code == 400 and r.json()["error"].startswith("pages: ")
    # viewport is optional: the spec documents its default
    result = _done(api, clock, _create(api, {"pages": PAGES["pages"][:1], "globalCSS": ""}).json()["requestId"])
    assert [(s["width"], s["height"]) for s in result] == [(1024, 768)]


def test_unknown_snap_request_is_404(api):
    assert api.get("/api/snap-requests/999999").status_code == 404


def test_bulk_gives_one_result_per_item(api, clock):
    good = {"type": "browser-chrome", "targetName": "chrome", "payloadString": json.dumps(PAGES), "payloadHash": "x"}
    r = api.post("/api/snap-requests/bulk", json={"items": [good, {"type": "browser-chrome"}, "junk",
                                                           {**good, "payloadString": "{nope"}]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == 4
    assert isinstance(results[0]["requestId"], int)
    assert all("error" in item for item in results[1:])
    assert len(_done(api, clock, results[0]["requestId"])) == 2
    assert api.post("/api/snap-requests/bulk", json={"items": "x"}).status_code == 400


def test_bulk_items_are_checked_one_by_one_against_the_spec(api):
    good = {"type": "browser-chrome", "payloadString": json.dumps(PAGES)}
    items = [{**good, "targetName": None, "payloadHash": None, "extendsSha": None, "author": "x"},
             {**good, "type": "extends-report"},  # the clients retry these one by one over multipart
             {**good, "payloadString": json.dumps({"viewport": "big"})},
             {**good, "payloadHash": 5}]
    results = api.post("/api/snap-requests/bulk", json={"items": items}).json()["results"]
    assert isinstance(results[0]["requestId"], int)
    assert [r["error"].split(":")[0] for r in results[1:]] == ["type", "viewport", "payloadHash"]


def test_extends_report_and_with_results(api):
    r = api.post("/api/snap-requests/extends-report",
                 json={"extendsSha": "base-sha", "extendedSnaps": [{"component": "Button", "variant": "disabled"}]})
    assert r.status_code == 200
    result = api.get(f"/api/snap-requests/{r.json()['requestId']}").json()
    assert result["status"] == "done"
    assert sorted(s["id"] for s in result["result"]) == ["snap-b2", "snap-b3"]
    r = api.post("/api/snap-requests/extends-report", json={"extendsSha": "nope", "extendedSnaps": []})
    assert r.status_code == 404
    r = api.post("/api/snap-requests/with-results", json={"snaps": [snap(), snap(variant="x")]})
    assert r.status_code == 200
    done = api.get(f"/api/snap-requests/{r.json()['requestId']}").json()
    assert done["status"] == "done" and len(done["result"]) == 2
    assert api.post("/api/snap-requests/with-results", json={"snaps": [{"component": "x"}]}).status_code == 400


def test_async_report_fills_in_when_renders_finish(api, clock):
    ids = [_create(api).json()["requestId"], _create(api, target="firefox").json()["requestId"]]
    r = api.post("/api/async-reports/async-sha", json={"requestIds": ids, "link": "https://l", "message": "m"})
    assert r.status_code == 200
    assert isinstance(r.json()["id"], int) and r.json()["url"] == f"{api.page_base}/a/1/p/1/report/async-sha"
    assert api.get("/api/reports/async-sha/status").json()["completedAt"] is None
    assert api.get("/api/reports/async-sha").status_code == 404
    compare = api.post("/api/reports/base-sha/compare/async-sha", json={"isAsync": True}).json()
    assert api.get("/api/reports/base-sha/compare/async-sha/status").json()["status"] == "pending"
    clock(5)
    status = api.get("/api/reports/async-sha/status").json()
    assert status["snapshotCount"] == 4 and status["completedAt"] is not None
    assert api.get("/api/reports/base-sha/compare/async-sha/status").json()["status"] == "awaiting review"
    assert compare["compareUrl"].endswith("/compare/base-sha/async-sha")
    assert api.post("/api/async-reports/x", json={"requestIds": [999999]}).status_code == 404
    assert api.post("/api/async-reports/x", json={"requestIds": "1"}).status_code == 400


def test_nonce_reports_wait_for_finalize_and_skipped_examples_carry_over(api, clock):
    ids = [_create(api).json()["requestId"]]
    api.post("/api/async-reports/n-sha", json={"requestIds": ids, "nonce": "n1"})
    more = [_create(api, target="firefox").json()["requestId"]]
    api.post("/api/async-reports/n-sha", json={"requestIds": more, "nonce": "n1"})
    clock(5)
    assert api.get("/api/reports/n-sha/status").json()["completedAt"] is None
    assert api.post("/api/async-reports/n-sha/finalize", json={"nonce": "other"}).status_code == 400
    r = api.post("/api/async-reports/n-sha/finalize", json={"nonce": "n1", "skippedExamples": [{"component": "Modal"}]})
    assert r.status_code == 200
    assert api.get("/api/reports/n-sha/status").json()["snapshotCount"] == 4
    body = api.post("/api/reports/base-sha/compare/n-sha", json={}).json()
    assert [s["component"] for s in body["deleted"]] == ["Button", "Button", "Button"]  # Modal was skipped
    assert api.post("/api/async-reports/missing/finalize", json={"skip": []}).status_code == 404
    assert api.post("/api/async-reports/nothing-ran/finalize", json={"nonce": "n2"}).status_code == 200
    empty = api.get("/api/reports/nothing-ran/status").json()
    assert empty["snapshotCount"] == 0 and empty["completedAt"] is not None


def test_static_assets_direct_upload(api):
    assert api.get("/api/snap-requests/assets-data/abc").status_code == 404
    r = api.post("/api/snap-requests/assets/abc",
                 files={"payload": ("payload.zip", b"PK\x03\x04zip", "application/zip")})
    assert r.status_code == 200
    path = r.json()["path"]
    found = api.get("/api/snap-requests/assets-data/abc").json()
    assert found["path"] == path and found["uploadedAt"]
    assert api.post("/api/snap-requests/assets/abc", data={"x": "1"}).status_code == 400


def test_static_assets_signed_url_flow(api):
    zip_bytes = b"PK\x03\x04 static package"
    r = api.get("/api/snap-requests/assets/pkg1/signed-url")
    signed = r.json()["signedUrl"]
    assert api.post("/api/snap-requests/assets/pkg1/signed-url/finalize").status_code == 404
    bad = requests.put(signed.split("?")[0] + "?signature=forged", data=zip_bytes,
                       headers={"X-Mock-Tenant": api.tenant}, timeout=10)
    assert bad.status_code == 403
    put = api.session.put(signed, data=zip_bytes, headers={"Content-Type": "application/zip"}, timeout=10)
    api.validator.check(put)
    assert put.status_code == 200
    assert put.headers["ETag"] == f'"{hashlib.md5(zip_bytes).hexdigest()}"'
    done = api.post("/api/snap-requests/assets/pkg1/signed-url/finalize")
    assert done.status_code == 200
    assert api.get("/api/snap-requests/assets/pkg1/signed-url").json() == {"path": done.json()["path"]}


def test_image_upload_url_flow(api):
    r = api.get("/api/images/img1/upload-url")
    upload = r.json()["uploadUrl"]
    png = api.get("/snapshots/abc/3/3").content
    posted = api.session.post(upload, files={"file": ("img.png", png, "image/png")}, timeout=10)
    api.validator.check(posted)
    assert posted.status_code == 200
    url = posted.json()["url"]
    assert api.get("/api/images/img1/upload-url").json() == {"url": url}
    assert api.get(url[len(api.base_url):]).content == png
    forged = upload.split("?")[0] + "?signature=x"
    assert api.session.post(forged, files={"file": ("i.png", png)}, timeout=10).status_code == 403


def test_find_baseline(api):
    r = api.post("/api/reports/new/find-baseline", json={"shas": ["nope", "change-sha", "base-sha"]})
    assert r.status_code == 200 and r.json() == {"sha": "change-sha"}
    assert api.post("/api/reports/new/find-baseline", json={"shas": ["nope"]}).status_code == 404
    assert api.post("/api/reports/new/find-baseline", json={}).status_code == 400


def test_flake_is_a_filtered_json_array(api):
    r = api.get("/api/flake")
    assert r.status_code == 200
    assert [f["id"] for f in r.json()] == [2, 1]
    assert [f["id"] for f in api.get("/api/flake", params={"component": "Modal"}).json()] == [1]
    assert [f["id"] for f in api.get("/api/flake", params={"limit": 1, "page": 2}).json()] == [1]
    assert api.get("/api/flake", params={"project": "storybook"}).json() == []
    assert api.get("/api/flake", params={"limit": "x"}, validate=False).status_code == 400  # the spec rejects it too


def test_forged_upload_urls_are_403_whatever_the_body(api):
    signed = api.get("/api/snap-requests/assets/pkg2/signed-url").json()["signedUrl"]
    forged = signed.split("?")[0] + "?signature=forged"
    for headers in ({}, {"Content-Type": "text/plain"}, {"Content-Type": "application/zip"}):
        assert api.session.put(forged, data=b"PK", headers=headers, timeout=10).status_code == 403
    assert api.session.put(signed.split("?")[0], data=b"PK", headers={"Content-Type": "application/zip"},
                           timeout=10).status_code == 403  # no signature at all
    upload = api.get("/api/images/img2/upload-url").json()["uploadUrl"]
    forged = upload.split("?")[0] + "?signature=x"
    assert api.session.post(forged, data={"not": "a file"}, timeout=10).status_code == 403
