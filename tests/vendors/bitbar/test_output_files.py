"""A run's output files: the zips at run and device-run level, `tag[]`, the run-level screenshot list's
`deviceRunId`, repeated `filter=`, and the run config's `timeout` (device runs ending TIMEOUT)."""

from __future__ import annotations

import io
import zipfile

import pytest

from .conftest import ME, PROJECT

P = f"{ME}/projects/{PROJECT}"
NAMES = {304: "Sony Xperia Z C6603", 341: "Sony Xperia Z1 C6903", 352: "Sony Xperia Z3 D6603"}


def device_runs(bb, run_id) -> dict:
    return {d["device"]["id"]: d for d in bb.get(f"{P}/runs/{run_id}/device-runs").json()["data"]}


def archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_run_output_zip_holds_each_device_runs_files_in_its_own_folder(bb, clock, started):
    base = f"{P}/runs/{started['id']}"
    assert archive(bb.get(f"{base}/output-file-set/files.zip")).namelist() == []  # nothing produced yet
    clock.advance(70)
    runs = device_runs(bb, started["id"])
    r = bb.get(f"{base}/output-file-set/files.zip")
    assert r.headers["Content-Disposition"].startswith(f'attachment; filename="run-{started["id"]}-output-files.zip"')
    zipped = archive(r)
    folders = {name.split("/")[0] for name in zipped.namelist()}
    assert folders == {f"{runs[d]['id']}-{NAMES[d]}" for d in NAMES}
    assert len(zipped.namelist()) == 3 * 8  # junit.xml, logs.txt and six screenshots each
    z1 = runs[341]["id"]
    junit = bb.get(f"{base}/device-runs/{z1}/junit.xml").content
    assert zipped.read(f"{z1}-{NAMES[341]}/junit.xml") == junit and b'failures="2"' in junit


def test_run_output_zip_while_running_has_only_finished_device_runs(bb, clock, started):
    clock.advance(50)  # only the Z3 (45 s) is done
    runs = device_runs(bb, started["id"])
    names = archive(bb.get(f"{P}/runs/{started['id']}/output-file-set/files.zip")).namelist()
    assert {n.split("/")[0] for n in names} == {f"{runs[352]['id']}-{NAMES[352]}"}


def test_device_run_output_zip_is_flat_and_takes_tags(bb, clock, started):
    clock.advance(70)
    dr = device_runs(bb, started["id"])[304]["id"]
    for kind in ("device-runs", "device-sessions"):
        one = f"{P}/runs/{started['id']}/{kind}/{dr}/output-file-set"
        listed = {f["name"] for f in bb.get(f"{one}/files", params={"limit": 0}).json()["data"]}
        zipped = archive(bb.get(f"{one}/files.zip"))
        assert set(zipped.namelist()) == listed and len(listed) == 8
        assert zipped.read("logs.txt") == bb.get(f"{P}/runs/{started['id']}/{kind}/{dr}/logs").content
        assert archive(bb.get(f"{one}/files.zip", params={"tag[]": "junit"})).namelist() == ["junit.xml"]
    run_zip = archive(bb.get(f"{P}/runs/{started['id']}/output-file-set/files.zip", params={"tag[]": "logs"}))
    assert sorted(n.split("/")[1] for n in run_zip.namelist()) == ["logs.txt"] * 3


def test_output_zip_errors_are_bitbar_shaped(bb, started):
    base = f"{P}/runs/{started['id']}"
    for path in (f"{P}/runs/1/output-file-set/files.zip", f"{base}/device-runs/1/output-file-set/files.zip",
                 f"{ME}/projects/1/runs/{started['id']}/output-file-set/files.zip"):
        r = bb.get(path)
        assert r.status_code == 404 and set(r.json()) == {"statusCode", "message"}, path
    assert bb.get(f"{base}/output-file-set/files.zip", auth=("nobody", "")).status_code == 401


def test_output_files_filtered_by_tag(bb, clock, started):
    clock.advance(70)
    dr = device_runs(bb, started["id"])[304]["id"]
    url = f"{P}/runs/{started['id']}/device-sessions/{dr}/output-file-set/files"
    shots = bb.get(url, params={"limit": 0, "tag[]": "screenshot"}).json()
    assert shots["total"] == 6 and all(f["tags"] == ["screenshot"] for f in shots["data"])
    assert all(f["name"].endswith(".png") for f in shots["data"])
    both = bb.get(url, params={"tag[]": ["junit", "logs"]}).json()["data"]
    assert sorted(f["name"] for f in both) == ["junit.xml", "logs.txt"]
    assert bb.get(url, params={"tag[]": "video"}).json()["total"] == 0
    assert bb.get(url).json()["total"] == 8


def test_run_screenshots_of_one_device_run(bb, clock, started):
    clock.advance(70)
    runs = device_runs(bb, started["id"])
    url = f"{P}/runs/{started['id']}/screenshots"
    assert bb.get(url, params={"limit": 0}).json()["total"] == 18
    one = bb.get(url, params={"limit": 0, "deviceRunId": runs[352]["id"]}).json()
    assert one["total"] == 6 and {s["deviceRunId"] for s in one["data"]} == {runs[352]["id"]}
    shot = one["data"][0]["id"]
    assert bb.get(f"{url}/{shot}", params={"deviceRunId": runs[352]["id"]}).json()["id"] == shot
    assert bb.get(f"{url}/{shot}", params={"deviceRunId": runs[304]["id"]}).status_code == 404
    missing = bb.get(url, params={"deviceRunId": 999999})
    assert missing.status_code == 404 and "999999" in missing.json()["message"]
    bad = bb.get(url, params={"deviceRunId": "x"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("deviceRunId: ")


def test_every_filter_parameter_counts(bb):
    both = bb.get("/api/v2/devices", params=[("filter", "osType_eq_ANDROID"), ("filter", "creditsPrice_gt_1")])
    assert both.status_code == 200
    assert [d["id"] for d in both.json()["data"]] == [361]
    joined = bb.get("/api/v2/devices", params={"filter": "osType_eq_ANDROID;creditsPrice_gt_1"}).json()
    assert joined["data"] == both.json()["data"]
    bad = bb.get("/api/v2/devices", params=[("filter", "osType_eq_ANDROID"), ("filter", "nope_eq_1")])
    assert bad.status_code == 400 and "nope" in bad.json()["message"]


# -- the run config's timeout ------------------------------------------------------------------------
def _config(**extra):
    return {"osType": "ANDROID", "frameworkId": 252, "projectId": PROJECT, "deviceGroupId": 4150,
            "files": [{"id": 27170}], **extra}


def test_device_runs_longer_than_the_timeout_end_timeout(bb, clock):
    clock.set()
    run = bb.post(f"{ME}/runs", json=_config(timeout=50))
    assert run.status_code == 201, run.text
    run = run.json()
    clock.advance(54)  # queue 5 s; the Z3 ends WARNING at 45 s, the others would need 60 s
    runs = device_runs(bb, run["id"])
    assert runs[304]["state"] == "RUNNING" and runs[352]["state"] == "WARNING"
    clock.advance(1)
    runs = device_runs(bb, run["id"])
    assert (runs[304]["state"], runs[341]["state"], runs[352]["state"]) == ("TIMEOUT", "TIMEOUT", "WARNING")
    timed_out = runs[304]
    assert timed_out["runStatus"] == "TIMEOUT" and timed_out["endTime"] == timed_out["startTime"] + 50_000
    assert timed_out["interruptedByState"]["failReason"] == "Test run timed out"
    assert timed_out["interruptedByState"]["finishTimeMS"] == timed_out["endTime"]
    assert timed_out["testCaseAllNo"] == 0
    body = bb.get(f"{P}/runs/{run['id']}").json()
    assert body["state"] == "FINISHED" and body["executionRatio"] == 1.0 and body["failedDeviceCount"] == 2
    assert body["successRatio"] == pytest.approx(1 / 3)
    files = bb.get(f"{P}/runs/{run['id']}/device-sessions/{timed_out['id']}/output-file-set/files").json()
    assert [f["name"] for f in files["data"]] == ["logs.txt"]  # logs, no results
    assert bb.get(f"{P}/runs/{run['id']}/device-runs/{timed_out['id']}/junit.xml").status_code == 404


def test_a_timeout_longer_than_the_tests_changes_nothing(bb, clock):
    clock.set()
    run = bb.post(f"{ME}/runs", json=_config(timeout=3600)).json()
    clock.advance(70)
    assert {d["state"] for d in device_runs(bb, run["id"]).values()} == {"SUCCEEDED", "FAILED", "WARNING"}


def test_a_retried_device_run_keeps_the_timeout(bb, clock):
    clock.set()
    run = bb.post(f"{ME}/runs", json=_config(timeout=50)).json()
    clock.advance(60)
    z = device_runs(bb, run["id"])[304]["id"]
    assert bb.post(f"{P}/runs/{run['id']}/retry", params={"deviceRunIds[]": z}).status_code == 200
    clock.advance(60)
    assert device_runs(bb, run["id"])[304]["state"] == "TIMEOUT"


@pytest.mark.parametrize("timeout", [0, -5, "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(bb, timeout):
    before = bb.get(f"{P}/runs", params={"limit": 0}).json()["total"]
    for path in (f"{ME}/runs", f"{ME}/runs/config"):
        r = bb.post(path, json=_config(timeout=timeout))
        assert r.status_code == 400 and r.json()["message"].startswith("timeout: "), r.text
    assert bb.get(f"{P}/runs", params={"limit": 0}).json()["total"] == before
