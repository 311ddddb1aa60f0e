"""Test runs in mock time: WAITING -> RUNNING -> FINISHED, device runs, artifacts, abort, retry, reports."""

from __future__ import annotations

import io
import zipfile

import pytest

from .conftest import DEVICE_RUN, ME, PROJECT, RUN, USER_ID

P = f"{ME}/projects/{PROJECT}"


def devices_by_id(bb, run_id):
    runs = bb.get(f"{P}/runs/{run_id}/device-runs").json()["data"]
    return {d["device"]["id"]: d for d in runs}


def test_doc_run_example(bb):
    run = bb.get(f"{P}/runs/{RUN}").json()
    assert run["displayName"] == "First run" and run["number"] == 1 and run["createTime"] == 1383052550308
    assert run["startedByDisplayName"] == "Mr Testrunner" and run["state"] == "FINISHED"
    dr = bb.get(f"{P}/runs/{RUN}/device-runs/{DEVICE_RUN}").json()
    assert dr["runStatus"] == "SUCCEEDED" and dr["testCaseSuccessNo"] == dr["testCaseAllNo"] == 6
    assert dr["device"]["displayName"] == "Sony Xperia Z C6603" and dr["softwareVersion"]["apiLevel"] == 16


def test_lifecycle_under_clock_advance(bb, clock, started):
    run_id = started["id"]
    assert started["state"] == "WAITING" and started["executionRatio"] is None
    assert started["screenshotZipState"] == "BLANK" and started["deviceCount"] == 3
    devs = devices_by_id(bb, run_id)
    assert {d["runStatus"] for d in devs.values()} == {"WAITING"}
    assert devs[304]["currentState"]["deviceRunStateType"] == "WAITING"
    clock.advance(5)
    run = bb.get(f"{P}/runs/{run_id}").json()
    assert run["state"] == "RUNNING" and run["executionRatio"] == 0.0
    devs = devices_by_id(bb, run_id)
    assert {d["runStatus"] for d in devs.values()} == {"RUNNING"}
    assert devs[304]["currentState"]["deviceRunStateType"] == "DEVICE_UNINSTALLING_ALL"
    clock.advance(45)
    run = bb.get(f"{P}/runs/{run_id}").json()
    assert run["state"] == "RUNNING" and run["executionRatio"] == pytest.approx(1 / 3)
    assert devices_by_id(bb, run_id)[352]["runStatus"] == "WARNING"
    clock.advance(15)
    run = bb.get(f"{P}/runs/{run_id}").json()
    assert run["state"] == "FINISHED" and run["executionRatio"] == 1.0
    assert run["successRatio"] == pytest.approx(2 / 3) and run["failedDeviceCount"] == 1
    devs = devices_by_id(bb, run_id)
    statuses = (devs[304]["runStatus"], devs[341]["runStatus"], devs[352]["runStatus"])
    assert statuses == ("SUCCEEDED", "FAILED", "WARNING")
    assert devs[341]["testCaseAllNo"] == 6 and devs[341]["testCaseSuccessNo"] == 4
    assert devs[304]["testCaseSuccessNo"] == 6 and devs[304]["state"] == "SUCCEEDED"


def test_states_walk_the_documented_types(bb, clock, started):
    clock.advance(70)
    dr = devices_by_id(bb, started["id"])[341]
    states = bb.get(f"{P}/runs/{started['id']}/device-runs/{dr['id']}/states").json()
    types = [s["deviceRunStateType"] for s in states["data"]]
    assert types == ["WAITING", "DEVICE_UNINSTALLING_ALL", "DEVICE_TARGET_INSTALLING", "DEVICE_TEST_INSTALLING",
                     "DEVICE_RUNNING", "RESULTS_WAITING", "RESULTS_PROCESSING"]
    running = states["data"][4]
    assert running["status"] == "FAILED" and running["failReason"] == "2 test cases failed"
    one = bb.get(f"{P}/runs/{started['id']}/device-runs/{dr['id']}/states/{running['id']}").json()
    assert one == running
    assert bb.get(f"{P}/runs/{started['id']}/device-runs/{dr['id']}/states/1").status_code == 404


def test_artifacts_follow_the_outcome(bb, clock, started):
    run_id = started["id"]
    failed = devices_by_id(bb, run_id)[341]["id"]
    base = f"{P}/runs/{run_id}/device-runs/{failed}"
    assert bb.get(f"{base}/junit.xml").status_code == 404
    clock.advance(70)
    junit = bb.get(f"{base}/junit.xml")
    assert junit.status_code == 200 and 'tests="6" failures="2"' in junit.text and junit.text.count("<failure") == 2
    logs = bb.get(f"{base}/logs")
    assert logs.headers["Content-Type"].startswith("text/plain") and "failed: testLogout" in logs.text
    perf = bb.get(f"{base}/performance").json()
    assert len(perf) == 10 and all(0 <= p["cpuUsage"] <= 1 and p["memUsage"] > 0 for p in perf)
    shots = bb.get(f"{base}/screenshots").json()["data"]
    assert len(shots) == 6 and [s["fail"] for s in shots] == [False] * 4 + [True] * 2
    assert bb.get(f"{base}/screenshots/{shots[0]['id']}").json() == shots[0]
    png = bb.get(f"{P}/runs/{run_id}/device-sessions/{failed}/screenshots/{shots[-1]['id']}")
    assert png.headers["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert bb.get(f"{P}/runs/{run_id}/screenshots").json()["total"] == 18
    assert bb.get(f"{P}/runs/{run_id}/screenshots/{shots[1]['id']}").json()["id"] == shots[1]["id"]
    assert bb.get(f"{P}/runs/{run_id}/screenshots/1").status_code == 404
    outputs = bb.get(f"{P}/runs/{run_id}/device-sessions/{failed}/output-file-set/files", params={"limit": 0}).json()
    names = {f["name"]: f for f in outputs["data"]}
    assert set(names) == {"junit.xml", "logs.txt"} | {s["originalName"] for s in shots}
    assert names["junit.xml"]["state"] == "READY"
    assert bb.get(f"{ME}/files/{names['junit.xml']['id']}/file").content == junit.content
    shot_file = bb.get(f"{ME}/files/{names[shots[-1]['originalName']]['id']}/file")
    assert shot_file.headers["Content-Type"] == "image/png" and shot_file.content == png.content


def test_reports_are_real_files(bb, clock, started):
    clock.advance(70)
    base = f"{P}/runs/{started['id']}/reports"
    pdf = bb.get(f"{base}/summary", params={"type": "PDF"})
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.4")
    assert pdf.content.rstrip().endswith(b"%%EOF")
    csv = bb.get(f"{base}/summary", params={"type": "CSV"})
    assert csv.headers["Content-Type"].startswith("text/csv") and len(csv.text.strip().splitlines()) == 1 + 18
    failures = bb.get(f"{base}/failures", params={"type": "CSV"}).text.strip().splitlines()
    assert len(failures) == 3 and all("FAILED" in line for line in failures[1:])
    html = bb.get(f"{base}/detail-failures", params={"type": "HTML"})
    assert html.headers["Content-Type"] == "application/zip"
    page = zipfile.ZipFile(io.BytesIO(html.content)).read("index.html").decode()
    assert "Sony Xperia Z1 C6903" in page and "testLogout" in page
    assert bb.get(f"{base}/summary").status_code == 400
    assert bb.get(f"{base}/summary", params={"type": "DOC"}).status_code == 400
    project = bb.get(f"{P}/reports/summary", params={"type": "CSV"}).text.strip().splitlines()
    assert len(project) == 1 + 6 + 6 + 18  # the doc's two fixture runs, one device each, and this one


def test_screenshots_zip_blank_progress_ready(bb, clock, started):
    base = f"{P}/runs/{started['id']}/screenshots.zip"
    clock.advance(70)
    assert bb.get(base).status_code == 404
    requested = bb.post(base)
    assert requested.status_code == 201 and requested.json()["screenshotZipState"] == "PROGRESS"
    assert bb.get(base).status_code == 404
    clock.advance(5)
    assert bb.get(f"{P}/runs/{started['id']}").json()["screenshotZipState"] == "READY"
    archive = zipfile.ZipFile(io.BytesIO(bb.get(base).content))
    assert len(archive.namelist()) == 18
    assert all(archive.read(n).startswith(b"\x89PNG") for n in archive.namelist())


def test_tags_rename_delete(bb, started):
    base = f"{P}/runs/{started['id']}"
    tag = bb.post(f"{base}/tags", params={"name": "important"})
    assert tag.status_code == 201 and tag.json()["name"] == "important"
    assert bb.post(f"{base}/tags", data={"name": "important"}).status_code == 409
    assert bb.get(f"{base}/tags").json()["data"] == [tag.json()]
    assert bb.get(f"{base}/tags/{tag.json()['id']}").json() == tag.json()
    assert bb.delete(f"{base}/tags/{tag.json()['id']}").status_code == 204
    assert bb.get(f"{base}/tags/{tag.json()['id']}").status_code == 404
    renamed = bb.post(base, params={"name": "New run name"})
    assert renamed.status_code == 202 and renamed.json()["displayName"] == "New run name"
    assert bb.post(base, params={}).status_code == 400
    assert bb.delete(base).status_code == 204
    assert bb.get(base).status_code == 404
    assert bb.get(f"{base}/device-runs").status_code == 404


def test_run_config_parameters_and_files(bb, started):
    base = f"{P}/runs/{started['id']}"
    assert bb.get(f"{base}/config").json()["usedDeviceGroupId"] == 4150
    assert bb.get(f"{base}/config/parameters").json()["data"] == [{"id": 1, "key": "devel", "value": "true"}]
    assert bb.get(f"{base}/config/parameters/1").json()["key"] == "devel"
    assert bb.get(f"{base}/config/parameters/9").status_code == 404
    assert bb.get(f"{base}/files/application").content == b"PK sample application bytes"
    assert bb.get(f"{base}/files/test").content == b"PK sample test bytes"
    names = zipfile.ZipFile(io.BytesIO(bb.get(f"{base}/files.zip").content)).namelist()
    assert len(names) == 3


def test_abort_ends_unfinished_device_runs(bb, clock, started):
    base = f"{P}/runs/{started['id']}"
    clock.advance(20)
    aborted = bb.post(f"{base}/abort")
    assert aborted.status_code == 200 and aborted.json()["state"] == "FINISHED"
    devs = devices_by_id(bb, started["id"])
    assert {d["state"] for d in devs.values()} == {"ABORTED"}
    assert devs[304]["interruptedByState"]["failReason"] == "Aborted by user"
    assert devs[304]["interruptedByState"]["deviceRunStateType"] == "DEVICE_TARGET_INSTALLING"
    one = f"{base}/device-sessions/{devs[304]['id']}"
    assert bb.get(f"{one}/screenshots").json()["total"] == 0
    assert bb.get(f"{one}/junit.xml").status_code == 404
    logs = bb.get(f"{one}/logs").text
    assert "DEVICE_TARGET_INSTALLING FAILED" in logs and "TestRunner" not in logs
    outputs = bb.get(f"{one}/output-file-set/files").json()["data"]
    assert [f["name"] for f in outputs] == ["logs.txt"]  # no results, no screenshots


def test_retry_with_a_json_body(bb, clock, started):
    clock.advance(70)
    failed = devices_by_id(bb, started["id"])[341]["id"]
    r = bb.post(f"{P}/runs/{started['id']}/retry", json={"deviceRunIds": [failed]})
    assert r.status_code == 200 and devices_by_id(bb, started["id"])[341]["state"] == "WAITING"
    assert devices_by_id(bb, started["id"])[304]["state"] == "SUCCEEDED"


def test_retry_reruns_the_named_device_runs(bb, clock, started):
    base = f"{P}/runs/{started['id']}"
    failed = devices_by_id(bb, started["id"])[341]["id"]
    assert bb.post(f"{base}/retry", params={"deviceRunIds[]": failed}).status_code == 400  # still running
    clock.advance(70)
    retried = bb.post(f"{base}/retry", params={"deviceRunIds[]": failed})
    assert retried.status_code == 200 and retried.json()["state"] == "RUNNING"
    dr = devices_by_id(bb, started["id"])[341]
    assert dr["state"] == "WAITING" and dr["retryState"] == "RETRIED"
    assert dr["id"] != failed and bb.get(f"{base}/device-runs/{failed}").status_code == 404
    assert dr["currentState"]["retryTime"] is not None
    clock.advance(65)
    assert bb.get(base).json()["state"] == "FINISHED"
    assert bb.post(f"{base}/retry", params={"deviceRunIds[]": 1}).status_code == 404
    assert bb.post(f"{base}/retry", params={"deviceRunIds[]": "x"}).status_code == 400


def test_retry_one_device_session_gives_a_new_session(bb, clock, started):
    clock.advance(70)
    old = devices_by_id(bb, started["id"])[341]
    base = f"{P}/runs/{started['id']}/device-sessions"
    r = bb.post(f"{base}/{old['id']}/retry")
    assert r.status_code == 201 and r.json()["id"] != old["id"] and r.json()["state"] == "WAITING"
    assert r.json()["device"]["id"] == 341 and r.json()["retryState"] == "RETRIED"
    assert bb.get(f"{base}/{old['id']}").status_code == 404
    assert bb.post(f"{base}/{r.json()['id']}/retry").status_code == 400  # not finished yet
    clock.advance(65)
    assert bb.get(f"{base}/{r.json()['id']}").json()["state"] == "FAILED"


def test_serial_scheduler_runs_devices_one_after_another(bb, clock):
    clock.set()
    bb.post(f"{P}/config", params={"usedDeviceGroupId": 4150, "scheduler": "SERIAL"})
    run = bb.post(f"{P}/runs").json()
    clock.advance(10)
    devs = devices_by_id(bb, run["id"])
    assert devs[304]["state"] == "RUNNING" and devs[341]["state"] == "WAITING" and devs[352]["state"] == "WAITING"
    clock.advance(60)
    devs = devices_by_id(bb, run["id"])
    assert devs[304]["state"] == "SUCCEEDED" and devs[341]["state"] == "RUNNING"


def test_start_needs_an_application_and_a_known_project(bb):
    pid = bb.post(f"{ME}/projects", data={"name": "empty"}).json()["id"]
    r = bb.post(f"{ME}/projects/{pid}/runs")
    assert r.status_code == 400 and "application" in r.json()["message"]
    assert bb.post(f"{ME}/projects/1/runs").status_code == 404


def test_my_runs_lists_every_project(bb, started):
    body = bb.get(f"{ME}/runs", params={"limit": 0, "sort": "id_d"}).json()
    assert [r["id"] for r in body["data"]][:3] == [started["id"], 31949792, RUN]


def _config(**over):
    return {"osType": "ANDROID", "frameworkId": 252, "projectId": PROJECT, "deviceGroupId": 4150,
            "files": [{"id": 27170}, {"id": 27171}], **over}


def test_config_validation_and_start(bb, clock):
    clock.set()
    ok = bb.post(f"{ME}/runs/config", json=_config())
    assert ok.status_code == 200 and ok.json()["deviceIds"] == [304, 341, 352]
    for over, word in ((dict(frameworkId=9), "Framework"), (dict(frameworkId=612), "IOS"),
                       (dict(files=[{"id": 1}]), "File"), (dict(deviceGroupId=4151), "IOS"),
                       (dict(osType="WINDOWS"), "osType"), (dict(files=[]), "file")):
        r = bb.post(f"{ME}/runs/config", json=_config(**over))
        assert r.status_code == 400 and word in r.json()["message"], over
    assert bb.post(f"{ME}/runs/config", json=_config(projectId=1)).status_code == 404
    started = bb.post(f"/api/v2/users/{USER_ID}/runs", json=_config(testRunName="From config"))
    assert started.status_code == 201
    assert started.json()["displayName"] == "From config" and started.json()["projectId"] == PROJECT
    by_ids = bb.post(f"{ME}/runs", json=_config(deviceGroupId=None, deviceIds=[360], projectId=None))
    assert by_ids.status_code == 201 and by_ids.json()["deviceCount"] == 1
    assert by_ids.json()["projectId"] != PROJECT


def test_locked_device_is_excluded(bb, clock):
    clock.set()
    run = bb.post(f"{ME}/runs", json=_config(deviceGroupId=None, deviceIds=[362, 360])).json()
    assert run["state"] == "WAITING"
    devs = devices_by_id(bb, run["id"])
    assert devs[362]["state"] == "EXCLUDED" and devs[362]["currentState"]["status"] == "EXCLUDED"
    clock.advance(35)
    finished = bb.get(f"{P}/runs/{run['id']}").json()
    assert finished["state"] == "FINISHED" and finished["successRatio"] == 0.5
    assert bb.post(f"{ME}/device-sessions", data={"deviceModelId": 362}).status_code == 400


def test_infected_file_cannot_start_a_run(bb):
    bad = bb.post(f"{ME}/files", files={"file": ("eicar.apk", b"x")}).json()
    r = bb.post(f"{ME}/runs", json=_config(files=[{"id": bad["id"]}]))
    assert r.status_code == 400 and "virus" in r.json()["message"]


def test_finished_runs_notify_and_call_the_hook(bb, clock, server, control):
    clock.set()
    bb.post(f"{P}/config", params={"usedDeviceGroupId": 4150, "hookURL": "https://ci.example.com/hook"})
    bb.post(f"{P}/notifications", params={"email": "qa@example.com", "type": "ON_FAILURE"})
    run = bb.post(f"{P}/runs").json()

    def outbox():
        return control.get(f"{server.url}/_mock/outbox", params={"vendor": "bitbar", "tenant": bb.tenant},
                           timeout=10).json()["outbox"]

    assert outbox() == []
    clock.advance(70)
    bb.get(f"{P}/runs/{run['id']}")
    sent = outbox()
    emails = sorted(e["payload"]["to"] for e in sent if e["kind"] == "email")
    assert emails == ["example@bitbar.com", "qa@example.com"]
    hooks = [e["payload"] for e in sent if e["kind"] == "webhook"]
    assert hooks == [{"url": "https://ci.example.com/hook", "method": "POST",
                      "body": {"testRunId": run["id"], "projectId": PROJECT, "displayName": run["displayName"],
                               "successRatio": pytest.approx(2 / 3), "failedDeviceCount": 1}}]
    bb.get(f"{P}/runs/{run['id']}")
    assert len(outbox()) == 3


@pytest.mark.parametrize("kind", ["device-runs", "device-sessions"])
def test_both_path_forms_serve_every_device_run_resource(bb, kind):
    base = f"{P}/runs/{RUN}/{kind}"
    listed = bb.get(base).json()["data"]
    assert [d["id"] for d in listed] == [DEVICE_RUN]
    one = f"{base}/{DEVICE_RUN}"
    assert bb.get(one).json()["state"] == "SUCCEEDED"
    states = bb.get(f"{one}/states").json()["data"]
    assert len(states) == 7 and bb.get(f"{one}/states/{states[-1]['id']}").json() == states[-1]
    assert bb.get(f"{one}/junit.xml").text.count("<testcase") == 6
    assert len(bb.get(f"{one}/performance").json()) == 10
    assert "TestRunner" in bb.get(f"{one}/logs").text
    assert bb.get(f"{one}/screenshots").json()["total"] == 6
    outputs = bb.get(f"{one}/output-file-set/files").json()["data"]
    assert len(outputs) == 8 and {"junit.xml", "logs.txt"} <= {f["name"] for f in outputs}
    assert bb.get(f"{base}/1").status_code == 404
    assert bb.get(f"{P}/runs/1/{kind}").status_code == 404


def test_run_data_file(bb):
    assert bb.get(f"{P}/runs/{RUN}/files/data").content == b"PK sample data bytes"
    pid = bb.post(f"{ME}/projects", data={"name": "p"}).json()["id"]
    bb.post(f"{ME}/projects/{pid}/files/application", files={"file": ("a.apk", b"a")})
    run = bb.post(f"{ME}/projects/{pid}/runs").json()
    assert bb.get(f"{ME}/projects/{pid}/runs/{run['id']}/files/data").status_code == 404


def test_run_numbers_never_repeat_after_a_delete(bb, clock, started):
    assert started["number"] == 3  # after the doc's two fixture runs
    assert bb.delete(f"{P}/runs/{started['id']}").status_code == 204
    again = bb.post(f"{P}/runs", params={"name": "Again"}).json()
    assert again["number"] == 4


def test_retry_naming_a_device_run_twice_reruns_it_once(bb, clock, started):
    clock.advance(70)
    failed = devices_by_id(bb, started["id"])[341]["id"]
    r = bb.post(f"{P}/runs/{started['id']}/retry", params={"deviceRunIds[]": [failed, failed]})
    assert r.status_code == 200
    runs = bb.get(f"{P}/runs/{started['id']}/device-runs").json()["data"]
    assert sorted(d["device"]["id"] for d in runs) == [304, 341, 352]


@pytest.mark.parametrize("seconds,step", [(5, "DEVICE_UNINSTALLING_ALL"), (15, "DEVICE_TARGET_INSTALLING")])
def test_abort_on_a_step_boundary_keeps_the_interrupted_state(bb, clock, started, seconds, step):
    # device 304 starts 5 s after the run and spends 10 s on each of its six steps
    clock.advance(seconds)
    assert bb.post(f"{P}/runs/{started['id']}/abort").status_code == 200
    dr = devices_by_id(bb, started["id"])[304]
    assert dr["state"] == "ABORTED"
    assert dr["interruptedByState"]["deviceRunStateType"] == step
    assert dr["interruptedByState"]["failReason"] == "Aborted by user"
