"""Test runs and device runs in mock time: nothing is stored per tick, every view is computed
from the start times, the fixture durations/outcomes and a time `at` (epoch ms, the mock clock's
context.now_ms() in a request)."""

from __future__ import annotations

from ..errors import device_run_not_finished, device_run_not_found

AUTOMATED_STEPS = ("DEVICE_UNINSTALLING_ALL", "DEVICE_TARGET_INSTALLING", "DEVICE_TEST_INSTALLING",
                   "DEVICE_RUNNING", "RESULTS_WAITING", "RESULTS_PROCESSING")
INTERACTIVE_STEPS = ("DEVICE_REMOTECONTROL_RUNNING",)
FINAL = ("SUCCEEDED", "FAILED", "WARNING", "ABORTED", "EXCLUDED", "TIMEOUT")
COMPLETED = ("SUCCEEDED", "FAILED", "WARNING")
CASE_NAMES = ("testLogin", "testSearch", "testDetailTabs", "testSettings", "testShare", "testLogout",
              "testScroll", "testRotate", "testOffline", "testProfile")
TEST_CLASS = "com.bitbar.testdroid.test.MainActivityTest"
# the tag each produced file carries in the output file set (what `tag[]=` selects)
OUTPUT_TAGS = {"junit": "junit", "logs": "logs", "screenshot": "screenshot"}
TIMED_OUT = "Test run timed out"


def reserve(state, kind: str, count: int) -> int:
    """The first of `count` consecutive fresh ids of `kind`."""
    first = state.next_id(kind)
    for _ in range(count - 1):
        state.next_id(kind)
    return first


def simulation(state) -> dict:
    return state.extra["simulation"]


def new_device_run(state, run: dict | None, device: dict, start_ms: int, created: int, interactive: bool = False,
                   ident: int | None = None, user_id: int | None = None) -> dict:
    """A device run of `run` (None: an interactive session) on `device`, queued until `start_ms`; the run
    config's `timeout` (seconds) cuts a longer test short."""
    sim = simulation(state)
    cases = 0 if interactive else sim["testCases"]
    outcome = "SUCCEEDED" if interactive else device["simulatedOutcome"]
    steps = INTERACTIVE_STEPS if interactive else AUTOMATED_STEPS
    record = {
        "id": ident,
        "runId": run["id"] if run else None,
        "projectId": run["projectId"] if run else None,
        "userId": run["userId"] if run else user_id,  # stored with it: an index of the table keys on it
        "deviceId": device["id"],
        "createTime": created,
        "startMs": start_ms,
        "durationMs": device["testDurationSeconds"] * 1000 if not interactive else 3600 * 1000,
        "outcome": outcome,
        "abortMs": None,
        "timeoutMs": run["timeout"] * 1000 if run and run.get("timeout") else None,
        "retryMs": None,
        "retries": 0,
        "interactive": interactive,
        # a locked device takes no tests: the system excludes it at once
        "excluded": device["locked"] and not interactive,
        "steps": list(steps),
        "testCases": cases,
        "failedCases": max(1, cases // 3) if outcome == "FAILED" else 0,
        "stateIdBase": reserve(state, "states", len(steps) + 1),
        "screenshotIdBase": reserve(state, "screenshots", max(cases, 1)),
        "outputFileIds": [],
    }
    state.insert("deviceRuns", record)
    if not interactive:
        # the output file set: results, logs and (as the docs say) the screenshots too
        outputs = [("junit", "junit.xml", None), ("logs", "logs.txt", None)]
        outputs += [("screenshot", screenshot_name(case), index) for index, (case, _) in enumerate(cases_of(record))]
        for kind, name, index in outputs:
            file_id = state.next_id("files")
            state.insert("files", {"id": file_id, "userId": record["userId"], "name": name, "content": None,
                                   "tags": [OUTPUT_TAGS[kind]],
                                   "generated": {"kind": kind, "deviceRunId": record["id"], "index": index},
                                   "direction": "OUTPUT", "inputType": None, "createTime": record["createTime"],
                                   "projectId": record["projectId"], "role": None, "virusScanStatus": "safe"})
            record["outputFileIds"].append(file_id)
    return record


def screenshot_name(case: str) -> str:
    return f"{TEST_CLASS}.{case}_scr_1.png"


def drop_device_run(state, dr: dict) -> None:
    for file_id in dr["outputFileIds"]:
        state.delete("files", file_id)
    state.delete("deviceRuns", dr["id"])


def drop_run(state, run: dict) -> None:
    for dr in device_runs_of(state, run["id"]):
        drop_device_run(state, dr)
    state.delete("runs", run["id"])


def start_device_runs(state, run: dict, devices: list[dict], scheduler: str, at: int) -> None:
    """One device run per device, created at `at`; SERIAL starts each after the previous one ends."""
    queue = simulation(state)["queueSeconds"] * 1000
    start = run["createTime"] + queue
    for device in devices:
        record = new_device_run(state, run, device, start, at)
        if scheduler == "SERIAL":
            start += record["durationMs"]


def _state(dr, index, step, start, finish, status, fail=None, retry=None) -> dict:
    return {"id": dr["stateIdBase"] + index, "deviceRunId": dr["id"], "startTimeMS": start,
            "finishTimeMS": finish, "retryTime": retry, "failReason": fail, "status": status,
            "deviceRunStateType": step}


def view(dr: dict, at: int) -> dict:
    """Status, states and counters of one device run at mock time `at` (epoch ms)."""
    if dr.get("excluded"):
        only = _state(dr, 0, "WAITING", dr["createTime"], dr["createTime"], "EXCLUDED", "Device is locked")
        return {"status": "EXCLUDED", "states": [only], "current": only, "interrupted": None, "startTime": None,
                "endTime": dr["createTime"], "testCaseCount": 0, "testCaseAllNo": 0, "testCaseSuccessNo": 0}
    start, end = dr["startMs"], dr["startMs"] + dr["durationMs"]
    timeout = dr.get("timeoutMs")
    timed_out = start + timeout if timeout is not None and timeout < dr["durationMs"] else None
    if timed_out is not None:
        end = timed_out
    abort = dr["abortMs"] if dr["abortMs"] is not None and dr["abortMs"] < end else None
    # what cuts the run short, if anything: the user's abort, else the config's timeout
    cut, reason = (abort, "Aborted by user") if abort is not None else (timed_out, TIMED_OUT)
    stop = cut if cut is not None else end
    queued_since = dr["retryMs"] or dr["createTime"]
    states = []
    interrupted = None
    waiting_done = at >= start and (abort is None or abort >= start)
    if abort is not None and abort < start and at >= abort:
        interrupted = _state(dr, 0, "WAITING", queued_since, abort, "FAILED", "Aborted by user", dr["retryMs"])
        states.append(interrupted)
    else:
        states.append(_state(dr, 0, "WAITING", queued_since, start if waiting_done else None,
                             "SUCCEEDED" if waiting_done else "STARTED", retry=dr["retryMs"]))
    steps = dr["steps"]
    if waiting_done:
        slice_ms = dr["durationMs"] / len(steps)
        for i, step in enumerate(steps):
            s_start = int(start + i * slice_ms)
            s_end = int(start + (i + 1) * slice_ms)
            # an abort (or timeout) exactly on a step boundary interrupts the step about to start
            if at < s_start or (cut is not None and cut < s_start):
                break
            if cut is not None and cut < s_end and at >= cut:
                interrupted = _state(dr, i + 1, step, s_start, cut, "FAILED", reason)
                states.append(interrupted)
                break
            done = at >= s_end
            failed = done and step == "DEVICE_RUNNING" and dr["outcome"] == "FAILED"
            states.append(_state(dr, i + 1, step, s_start, s_end if done else None,
                                 "FAILED" if failed else ("SUCCEEDED" if done else "STARTED"),
                                 f"{dr['failedCases']} test cases failed" if failed else None))
    if abort is not None and at >= abort:
        status = "ABORTED"
    elif timed_out is not None and at >= timed_out:
        status = "TIMEOUT"
    elif at < start:
        status = "WAITING"
    elif at < end:
        status = "RUNNING"
    else:
        status = dr["outcome"]
    finished = status in FINAL and status not in ("ABORTED", "TIMEOUT")
    cases = dr["testCases"]
    return {
        "status": status,
        "states": states,
        "current": states[-1],
        "interrupted": interrupted,
        "startTime": start if at >= start and (abort is None or abort >= start) else None,
        "endTime": stop if status in FINAL else None,
        "testCaseCount": cases if status != "WAITING" else 0,
        "testCaseAllNo": cases if finished else 0,
        "testCaseSuccessNo": cases - dr["failedCases"] if finished else 0,
    }


def device_runs_of(state, run_id: int) -> list[dict]:
    return sorted(state.where("deviceRuns", "runId", run_id), key=lambda d: d["id"])


def run_view(state, run: dict, at: int) -> dict:
    """A test run at mock time `at`: its state, ratios and counters from its device runs' views, and
    whether its screenshots package is BLANK (never asked), PROGRESS or READY."""
    views = [view(d, at) for d in device_runs_of(state, run["id"])]
    statuses = [v["status"] for v in views]
    finished = sum(s in FINAL for s in statuses)
    succeeded = sum(s in ("SUCCEEDED", "WARNING") for s in statuses)
    if "WAITING" in statuses and all(s in ("WAITING", "EXCLUDED") for s in statuses):
        run_state = "WAITING"
    elif finished == len(statuses):
        run_state = "FINISHED"
    else:
        run_state = "RUNNING"
    total = len(statuses) or 1
    # a device excluded while the rest still wait has finished: the ratios count it as the counters do
    started = run_state != "WAITING" or finished > 0
    zip_ms = run.get("screenshotZipMs")
    if zip_ms is None:
        zip_state = "BLANK"
    elif at < zip_ms + simulation(state)["screenshotZipSeconds"] * 1000:
        zip_state = "PROGRESS"
    else:
        zip_state = "READY"
    return {
        "state": run_state,
        "executionRatio": finished / total if started else None,
        "successRatio": succeeded / total if started else None,
        "screenshotZipState": zip_state,
        "deviceCount": len(statuses),
        "finishedDeviceCount": finished,
        "successfulDeviceCount": succeeded,
        "failedDeviceCount": sum(s in ("FAILED", "TIMEOUT") for s in statuses),
    }


def abort(state, run: dict, at: int) -> None:
    """Every device run of `run` not yet final is aborted at `at`."""
    for dr in device_runs_of(state, run["id"]):
        if view(dr, at)["status"] not in FINAL:
            dr["abortMs"] = at


def retry(state, run: dict, ids: list[int], at: int) -> list[dict]:
    """Re-run the named device runs (all unsuccessful ones when none are named) at `at`.

    As the service documents, a retried device session is a new one with a new id."""
    runs = {d["id"]: d for d in device_runs_of(state, run["id"])}
    ids = list(dict.fromkeys(ids))  # a device run named twice is still one device to run again
    if not ids:
        ids = [i for i, d in runs.items() if view(d, at)["status"] in ("FAILED", "ABORTED", "WARNING")]
    for ident in ids:
        if ident not in runs:
            raise device_run_not_found(ident)
        if view(runs[ident], at)["status"] not in FINAL:
            raise device_run_not_finished(ident)
    queue = simulation(state)["queueSeconds"] * 1000
    fresh = []
    for ident in ids:
        old = runs[ident]
        drop_device_run(state, old)
        record = new_device_run(state, run, state.get("devices", old["deviceId"]), at + queue, at)
        record.update(retryMs=at, retries=old["retries"] + 1)
        fresh.append(record)
    if ids:
        expect_announcement(state, run)
    return fresh


def unannounced(state) -> dict:
    """The ids of the runs not yet announced (id -> True; model/announcements.py): what every request looks
    at, so it costs what is under way, not every run stored."""
    return state.extra.setdefault("unannounced", {})


def expect_announcement(state, run: dict) -> None:
    """`run` (new, or retried) announces itself when it finishes."""
    run["announced"] = False
    unannounced(state)[run["id"]] = True


def release(dr: dict, at: int) -> None:
    """End an interactive session at `at`: before the device was ready it counts as aborted."""
    if at < dr["startMs"]:
        dr["abortMs"] = at
    elif at < dr["startMs"] + dr["durationMs"]:
        dr["durationMs"] = max(at - dr["startMs"], 1)


def cases_of(dr: dict) -> list[tuple[str, bool]]:
    """(test case name, passed) for each case; the last `failedCases` ones fail."""
    count = dr["testCases"]
    return [(f"{CASE_NAMES[i % len(CASE_NAMES)]}{'' if i < len(CASE_NAMES) else i}", i < count - dr["failedCases"])
            for i in range(count)]
