"""Device runs of a test run (a.k.a. device sessions): states, junit.xml, logs, performance,
screenshots and output files."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from ...core.bodies import schema_of
from . import schemas as s
from .model import artifacts, lookups
from .model import timeline as runs
from .files import file_out, file_ready, send
from .blueprint import dump, dump_list, me_route, reply, state

KINDS = ("device-runs", "device-sessions")


def device_out(device: dict) -> dict:
    base = f"{context.base_url()}/resources/images/devices/{device['imagePrefix'] or device['id']}"
    return {**device, **{f"frame{h}Url": f"{base}-h{h}.png" for h in (80, 100, 160, 400)}}


def device_run_out(dr: dict) -> dict:
    device = state().get("devices", dr["deviceId"])
    v = runs.view(dr)
    return {
        **dr, "device": device_out(device), "deviceName": device["displayName"],
        "deviceSerialId": f"SN{device['id']:08d}", "softwareVersion": device["softwareVersion"],
        "testCaseSuccessNo": v["testCaseSuccessNo"], "testCaseAllNo": v["testCaseAllNo"],
        "testCaseCount": v["testCaseCount"], "startTime": v["startTime"], "endTime": v["endTime"],
        "runTime": v["endTime"], "currentState": v["current"], "interruptedByState": v["interrupted"],
        "runStatus": v["status"], "state": v["status"], "testRunId": dr["runId"],
        "retryState": "RETRIED" if dr["retries"] else "NONE",
    }


def _screenshots(dr: dict) -> list[dict]:
    return artifacts.screenshots(dr) if runs.view(dr)["status"] in runs.COMPLETED else []


def _register(kind: str):
    base = f"/projects/<int:projectId>/runs/<int:runId>/{kind}"
    one = f"{base}/<int:deviceRunId>"
    tag = kind.replace("-", "_")

    def list_device_runs(projectId, runId):
        lookups.run(projectId, runId)
        return dump_list(s.DeviceRunOut, [device_run_out(d) for d in runs.device_runs_of(state(), runId)])

    def get_device_run(projectId, runId, deviceRunId):
        return dump(s.DeviceRunOut, device_run_out(lookups.device_run(projectId, runId, deviceRunId)), root="deviceRun")

    def junit(projectId, runId, deviceRunId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        if runs.view(dr)["status"] not in runs.COMPLETED:
            raise VendorError(404, f"Device run {deviceRunId} has no results yet")
        return send(artifacts.junit_xml(dr, state().get("devices", dr["deviceId"])), "junit.xml", "application/xml")

    def logs(projectId, runId, deviceRunId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        device = state().get("devices", dr["deviceId"])
        return send(artifacts.logs(dr, device, runs.view(dr)), "logs.txt", "text/plain")

    def performance(projectId, runId, deviceRunId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        return reply(schema_of(s.PerformanceItemOut, many=True).dump(artifacts.performance(dr, runs.now_ms())), root="list")

    def list_states(projectId, runId, deviceRunId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        return dump_list(s.StateOut, runs.view(dr)["states"])

    def get_state(projectId, runId, deviceRunId, stateId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        return dump(s.StateOut, lookups.in_list(runs.view(dr)["states"], stateId, "State"), root="state")

    def list_screenshots(projectId, runId, deviceRunId):
        return dump_list(s.ScreenshotOut, _screenshots(lookups.device_run(projectId, runId, deviceRunId)))

    def get_screenshot(projectId, runId, deviceRunId, screenshotId):
        shot = lookups.in_list(_screenshots(lookups.device_run(projectId, runId, deviceRunId)), screenshotId,
                               "Screenshot")
        if kind == "device-sessions":
            # the client downloads the image from this path; the older device-runs form answers the object
            return send(artifacts.screenshot_png(shot), shot["originalName"], "image/png")
        return dump(s.ScreenshotOut, shot, root="screenshot")

    def output_files(projectId, runId, deviceRunId):
        dr = lookups.device_run(projectId, runId, deviceRunId)
        records = [state().get("files", i) for i in dr["outputFileIds"]]
        return dump_list(s.FileOut, [file_out(r) for r in records if r is not None and file_ready(r)])

    for rule, fn in (("", list_device_runs),):
        me_route(base + rule, name=f"{tag}_list")(fn)
    for rule, fn in (("", get_device_run), ("/junit.xml", junit), ("/logs", logs), ("/performance", performance),
                     ("/states", list_states), ("/states/<int:stateId>", get_state),
                     ("/screenshots", list_screenshots), ("/screenshots/<int:screenshotId>", get_screenshot),
                     ("/output-file-set/files", output_files)):
        me_route(one + rule, name=f"{tag}_{fn.__name__}")(fn)


for _kind in KINDS:
    _register(_kind)


@me_route("/projects/<int:projectId>/runs/<int:runId>/device-sessions/<int:deviceRunId>/retry", methods=("POST",))
def retry_device_session(projectId, runId, deviceRunId):
    lookups.device_run(projectId, runId, deviceRunId)
    fresh = runs.retry(state(), lookups.run(projectId, runId), [deviceRunId])
    return dump(s.DeviceRunOut, device_run_out(fresh[0]), 201, root="deviceSession")
