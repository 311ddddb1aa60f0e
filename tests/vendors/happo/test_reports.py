"""Reports: create/replace, partial + complete, status, validation, projects, clone, latest snapshot, URLs."""

from __future__ import annotations

import struct

import pytest

from .conftest import snap


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_get_report_returns_the_fixture_snapshots_with_absolute_urls(api):
    r = api.get("/api/reports/base-sha")
    assert r.status_code == 200
    body = r.json()
    assert [(s["component"], s["variant"], s["target"]) for s in body] == [
        ("Button", "default", "firefox"), ("Button", "disabled", "firefox"),
        ("Button", "disabled", "iphone 7"), ("Modal", "default", "firefox")]
    assert body[0]["id"] == "snap-b1"
    assert body[0]["url"].startswith(api.base_url + "/snapshots/")
    image = api.get(body[0]["url"][len(api.base_url):])
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert _png_size(image.content) == (400, 200)


def test_create_report_answers_report_status_and_replaces(api):
    r = api.post("/api/reports/new-sha", json={"snaps": [snap(), snap(variant="hover")], "link": "https://x/pr/1",
                                               "message": "First"})
    assert r.status_code == 200
    status = r.json()
    assert status["snapshotCount"] == 2
    assert status["completedAt"] == status["createdAt"]
    assert status["url"] == f"{api.page_base}/a/1/p/1/report/new-sha"
    assert api.get(status["url"][len(api.base_url):]).status_code == 200
    snaps = api.get("/api/reports/new-sha").json()
    assert all(s["id"] for s in snaps) and len({s["id"] for s in snaps}) == 2
    r = api.post("/api/reports/new-sha", json={"snaps": [snap(component="Card", id="my-own-id")]})
    assert r.json()["snapshotCount"] == 1
    assert api.get("/api/reports/new-sha").json() == [{**snap(component="Card"), "id": "my-own-id"}]


def test_partial_reports_append_until_complete(api):
    first = api.post("/api/reports/part-sha", json={"snaps": [snap()], "partial": True}).json()
    assert first["completedAt"] is None and first["snapshotCount"] == 1
    second = api.post("/api/reports/part-sha", json={"snaps": [snap(component="Card")], "partial": True}).json()
    assert second["completedAt"] is None and second["snapshotCount"] == 2
    assert api.get("/api/reports/part-sha/status").json()["completedAt"] is None
    done = api.post("/api/reports/part-sha/complete", json={})
    assert done.status_code == 200
    assert done.json()["completedAt"] is not None and done.json()["snapshotCount"] == 2
    assert api.post("/api/reports/missing-sha/complete").status_code == 404


def test_incomplete_report_cannot_be_compared(api):
    api.post("/api/reports/part-sha", json={"snaps": [snap()], "partial": True})
    r = api.post("/api/reports/base-sha/compare/part-sha", json={})
    assert r.status_code == 409
    assert "not complete" in r.json()["error"]


@pytest.mark.parametrize("body, field", [
    ({}, "snaps"),
    ({"snaps": "nope"}, "snaps"),
    ({"snaps": [{"url": "u", "variant": "v", "target": "t", "component": "c", "height": "10", "width": 1}]}, "height"),
    ({"snaps": [snap(), {"variant": "v"}]}, "snaps.1.url"),
    ({"snaps": [snap()], "partial": "maybe"}, "partial"),
])
def test_invalid_report_bodies_are_400_and_change_nothing(api, body, field):
    r = api.post("/api/reports/base-sha", json=body)
    assert r.status_code == 400
    assert field in r.json()["error"]
    assert "details" in r.json()
    assert api.get("/api/reports/base-sha/status").json()["snapshotCount"] == 4


def test_malformed_json_is_400(api):
    r = api.post("/api/reports/base-sha", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"].startswith("Malformed JSON body")


def test_unknown_sha_and_project(api):
    assert api.get("/api/reports/nope").status_code == 404
    assert api.get("/api/reports/nope/status").json() == {"error": 'No report found for sha "nope"'}
    r = api.post("/api/reports/x", json={"snaps": [], "project": "ghost"})
    assert r.status_code == 404
    assert r.json() == {"error": 'Project "ghost" not found'}


def test_projects_keep_their_own_reports(api):
    r = api.get("/api/reports/base-sha", params={"project": "storybook"})
    assert [s["id"] for s in r.json()] == ["snap-sb1"]
    api.post("/api/reports/sb-only", json={"snaps": [snap()], "project": "storybook"})
    assert api.get("/api/reports/sb-only").status_code == 404
    assert api.get("/api/reports/sb-only?project=storybook").status_code == 200


def test_clone_copies_without_counting_snapshots_twice(api, server, control):
    api.post("/api/reports/src-sha", json={"snaps": [snap(), snap(variant="x")], "message": "Source", "link": "https://l/1"})
    r = api.post("/api/reports/src-sha/clone/dst-sha", json={})
    assert r.status_code == 200
    assert r.json()["snapshotCount"] == 2 and r.json()["url"].endswith("/report/dst-sha")
    assert api.get("/api/reports/dst-sha").json() == api.get("/api/reports/src-sha").json()
    state = control.get(f"{server.url}/_mock/state", params={"vendor": "happo", "tenant": api.tenant}).json()["state"]
    assert state["extra"]["usage"] == {"default": 2}
    assert api.post("/api/reports/nope/clone/dst2", json={}).status_code == 404
    compare = api.post("/api/reports/src-sha/compare/dst-sha", json={}).json()
    assert compare["equal"] is True


def test_latest_snapshot_of_a_component_variant(api):
    r = api.get("/api/components/Button/disabled/firefox")
    assert r.status_code == 200
    assert r.json()["id"] == "snap-c2"  # change-sha is the newest fixture report
    api.post("/api/reports/newest", json={"snaps": [snap(component="Button", variant="disabled", target="firefox", url="https://n/1.png")]})
    assert api.get("/api/components/Button/disabled/firefox").json()["url"] == "https://n/1.png"
    assert api.get("/api/components/Button/disabled/safari").status_code == 404
    api.post("/api/reports/slash", json={"snaps": [snap(component="Forms/Input", variant="empty")]})
    assert api.get("/api/components/Forms%2FInput/empty/chrome").status_code == 200


def test_snapshot_images_are_real_pngs_of_any_stated_size(api):
    r = api.get("/snapshots/abc123/17/9")
    assert r.status_code == 200 and _png_size(r.content) == (17, 9)
    assert api.get("/snapshots/abc123/17/9").content == r.content
    assert api.get("/snapshots/def456/17/9").content != r.content
    assert api.get("/snapshots/abc/0/9").status_code == 404


def test_own_image_urls_compare_equal_whichever_mount_served_them(api, server):
    path = "/snapshots/0123456789abcdef/10/10"
    api.post("/api/reports/via-path", json={"snaps": [snap(url=api.base_url + path)]})
    api.post("/api/reports/via-port", json={"snaps": [snap(url=server.port_url("happo") + path)]})
    assert api.get("/api/reports/via-path").json()[0]["url"] == api.base_url + path
    assert api.post("/api/reports/via-path/compare/via-port", json={}).json()["equal"] is True
    api.post("/api/reports/elsewhere", json={"snaps": [snap(url="https://cdn.example.com" + path)]})
    assert api.post("/api/reports/via-path/compare/elsewhere", json={}).json()["equal"] is False


def test_contract_refusals_use_happos_validation_shape(api):
    r = api.post("/api/reports/base-sha", json={"snaps": [snap(), {"variant": "v"}]})
    assert r.json()["error"] == "snaps.1.url: Missing data for required field."
    # every invalid field, nested as the handlers' marshmallow errors were
    assert r.json()["details"] == {"snaps": {"1": {k: ["Missing data for required field."]
                                                   for k in ("url", "target", "component", "height", "width")}}}
    r = api.get("/api/flake", params={"limit": "0"}, validate=False)
    assert r.status_code == 400
    assert r.json()["error"].startswith("limit: ") and list(r.json()["details"]) == ["limit"]


def test_a_body_that_is_not_json_is_400_not_a_crash(api):
    r = api.post("/api/reports/new/find-baseline", files={"shas": ("s.txt", b"base-sha")}, validate=False)
    assert r.status_code == 400
    assert "application/json" in r.json()["error"]
    r = api.post("/api/reports/new-sha", data=b'{"snaps": []}', headers={"Content-Type": "application/octet-stream"},
                 validate=False)
    assert r.status_code == 400
    assert api.get("/api/reports/new-sha").status_code == 404
