"""Bitbar's run timeline as plain functions: a record and a time in, a status out (no HTTP)."""

from __future__ import annotations

import pytest

from mockserver.core.errors import VendorError
from mockserver.core.state import State
from mockserver.vendors.bitbar.model import announcements, timeline

T0 = 1_900_000_000_000  # ms
QUEUE_MS = 5_000
DURATION_MS = 60_000


def world(test_cases: int = 6) -> State:
    state = State("bitbar")
    state.extra["simulation"] = {"queueSeconds": QUEUE_MS // 1000, "testCases": test_cases,
                                 "screenshotZipSeconds": 5}
    return state


def device(ident: int = 1, outcome: str = "SUCCEEDED", locked: bool = False) -> dict:
    return {"id": ident, "simulatedOutcome": outcome, "testDurationSeconds": DURATION_MS // 1000, "locked": locked}


def run_with(state: State, *devices: dict, scheduler: str = "PARALLEL") -> dict:
    run = state.insert("runs", {"id": None, "projectId": 7, "userId": 3, "createTime": T0, "displayName": "R",
                                "screenshotZipMs": None, "config": {"hookURL": ""}})
    for d in devices:
        state.insert("devices", dict(d))
    timeline.expect_announcement(state, run)  # as runs.create_run does
    timeline.start_device_runs(state, run, [state.get("devices", d["id"]) for d in devices], scheduler, T0)
    return run


def only_device_run(state: State, run: dict) -> dict:
    [dr] = timeline.device_runs_of(state, run["id"])
    return dr


START = T0 + QUEUE_MS
END = START + DURATION_MS


@pytest.mark.parametrize("at,status", [(T0, "WAITING"), (START - 1, "WAITING"), (START, "RUNNING"),
                                       (END - 1, "RUNNING"), (END, "SUCCEEDED"), (END + 10**9, "SUCCEEDED")])
def test_device_run_status_follows_the_clock(at, status):
    state = world()
    dr = only_device_run(state, run_with(state, device()))
    assert timeline.view(dr, at)["status"] == status


def test_a_device_run_ends_with_its_devices_outcome_and_failed_cases():
    state = world(test_cases=6)
    dr = only_device_run(state, run_with(state, device(outcome="FAILED")))
    running, done = timeline.view(dr, START + 1), timeline.view(dr, END)
    assert running["status"] == "RUNNING" and running["endTime"] is None and running["testCaseAllNo"] == 0
    assert done["status"] == "FAILED" and done["endTime"] == END
    assert (done["testCaseAllNo"], done["testCaseSuccessNo"]) == (6, 4)  # a third of the cases fail
    failed = [s for s in done["states"] if s["status"] == "FAILED"]
    assert [(s["deviceRunStateType"], s["failReason"]) for s in failed] == [("DEVICE_RUNNING", "2 test cases failed")]


def test_steps_start_one_after_the_other():
    state = world()
    dr = only_device_run(state, run_with(state, device()))
    slice_ms = DURATION_MS // len(timeline.AUTOMATED_STEPS)
    view = timeline.view(dr, START + slice_ms + 1)
    assert [s["deviceRunStateType"] for s in view["states"]] == ["WAITING", *timeline.AUTOMATED_STEPS[:2]]
    assert [s["status"] for s in view["states"]] == ["SUCCEEDED", "SUCCEEDED", "STARTED"]
    assert view["current"]["deviceRunStateType"] == "DEVICE_TARGET_INSTALLING"


def test_a_locked_device_is_excluded_at_once():
    state = world()
    dr = only_device_run(state, run_with(state, device(locked=True)))
    view = timeline.view(dr, T0)
    assert view["status"] == "EXCLUDED" and view["current"]["failReason"] == "Device is locked"
    assert timeline.view(dr, END + 1)["status"] == "EXCLUDED"


def test_serial_runs_start_each_device_after_the_previous_one():
    state = world()
    run = run_with(state, device(1), device(2), scheduler="SERIAL")
    first, second = timeline.device_runs_of(state, run["id"])
    assert (first["startMs"], second["startMs"]) == (START, END)
    assert timeline.view(second, END - 1)["status"] == "WAITING"
    other = world()
    parallel = run_with(other, device(1), device(2))
    assert [dr["startMs"] for dr in timeline.device_runs_of(other, parallel["id"])] == [START, START]


def test_run_state_waiting_running_finished():
    state = world()
    run = run_with(state, device(1, "SUCCEEDED"), device(2, "FAILED"))
    assert timeline.run_view(state, run, T0)["state"] == "WAITING"
    assert timeline.run_view(state, run, T0)["executionRatio"] is None
    running = timeline.run_view(state, run, START)
    assert running["state"] == "RUNNING" and running["executionRatio"] == 0.0
    done = timeline.run_view(state, run, END)
    assert done["state"] == "FINISHED"
    assert (done["successRatio"], done["failedDeviceCount"], done["finishedDeviceCount"]) == (0.5, 1, 2)


def test_screenshots_package_is_ready_after_its_delay():
    state = world()
    run = run_with(state, device())
    assert timeline.run_view(state, run, END)["screenshotZipState"] == "BLANK"
    run["screenshotZipMs"] = END
    assert timeline.run_view(state, run, END + 4_999)["screenshotZipState"] == "PROGRESS"
    assert timeline.run_view(state, run, END + 5_000)["screenshotZipState"] == "READY"


def test_abort_stops_what_has_not_finished():
    state = world()
    run = run_with(state, device())
    dr = only_device_run(state, run)
    timeline.abort(state, run, START + 1_000)
    assert timeline.view(dr, START + 999)["status"] == "RUNNING"
    view = timeline.view(dr, START + 1_000)
    assert view["status"] == "ABORTED" and view["endTime"] == START + 1_000
    assert view["interrupted"]["failReason"] == "Aborted by user"
    assert timeline.run_view(state, run, END)["state"] == "FINISHED"


def test_abort_leaves_a_finished_device_run_alone():
    state = world()
    run = run_with(state, device())
    timeline.abort(state, run, END + 1)
    assert timeline.view(only_device_run(state, run), END + 1)["status"] == "SUCCEEDED"


def test_retry_replaces_a_failed_device_run_with_a_new_one():
    state = world()
    run = run_with(state, device(outcome="FAILED"))
    old = only_device_run(state, run)
    run["announced"] = True
    [fresh] = timeline.retry(state, run, [], END)
    assert fresh["id"] != old["id"] and state.get("deviceRuns", old["id"]) is None
    assert (fresh["retries"], fresh["retryMs"], fresh["startMs"]) == (1, END, END + QUEUE_MS)
    assert timeline.view(fresh, END)["status"] == "WAITING"
    assert run["announced"] is False  # it will finish again


def test_retry_refuses_an_unfinished_or_unknown_device_run():
    state = world()
    run = run_with(state, device())
    dr = only_device_run(state, run)
    with pytest.raises(VendorError) as unfinished:
        timeline.retry(state, run, [dr["id"]], START)
    assert (unfinished.value.status, unfinished.value.message) == (400, f"Device run {dr['id']} has not finished yet")
    with pytest.raises(VendorError) as unknown:
        timeline.retry(state, run, [424242], END)
    assert (unknown.value.status, unknown.value.message) == (404, "Device run with id 424242 not found")


def test_release_ends_an_interactive_session():
    state = world()
    state.insert("devices", device())
    session = timeline.new_device_run(state, None, state.get("devices", 1), START, T0, interactive=True)
    timeline.release(session, START + 2_000)
    assert timeline.view(session, START + 2_000)["status"] == "SUCCEEDED"
    early = timeline.new_device_run(state, None, state.get("devices", 1), START, T0, interactive=True)
    timeline.release(early, T0 + 1)
    assert timeline.view(early, T0 + 1)["status"] == "ABORTED"


def test_cases_fail_from_the_end():
    state = world(test_cases=6)
    dr = only_device_run(state, run_with(state, device(outcome="FAILED")))
    assert timeline.cases_of(dr) == [("testLogin", True), ("testSearch", True), ("testDetailTabs", True),
                                     ("testSettings", True), ("testShare", False), ("testLogout", False)]


def test_a_finished_run_is_announced_once():
    state = world()
    run = run_with(state, device(outcome="FAILED"))
    state.insert("notifications", {"id": None, "userId": 3, "project": None, "email": "a@b.c", "type": "ON_FAILURE"})
    run["config"]["hookURL"] = "http://hook"
    assert announcements.finished(state, END - 1) == []
    sent = announcements.finished(state, END)
    assert [kind for kind, _ in sent] == ["email", "webhook"]
    assert sent[0][1]["subject"] == "Test run R finished with failures" and sent[0][1]["to"] == "a@b.c"
    assert announcements.finished(state, END + 1) == []
    assert timeline.unannounced(state) == {}  # what every request looks at is empty again


def test_a_deleted_run_is_never_announced():
    state = world()
    run = run_with(state, device())
    timeline.drop_run(state, run)
    assert announcements.finished(state, END) == [] and timeline.unannounced(state) == {}
