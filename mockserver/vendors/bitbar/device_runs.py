"""Device runs of a test run (a.k.a. device sessions): states, junit.xml, logs, performance,
screenshots and output files."""

from __future__ import annotations

from ...core import context
from ...core.bodies import schema_of
from . import errors
from . import schemas as s
from .blueprint import (
    caller,
    device_run_out,
    dump,
    dump_list,
    file_out,
    given,
    me_route,
    output_files,
    output_zip,
    reply,
    send,
    state,
)
from .model import artifacts, timeline
from .model.lookups import in_list

KINDS = ("device-runs", "device-sessions")


def _view(dr: dict) -> dict:
    return timeline.view(dr, context.now_ms())


def _screenshots(dr: dict) -> list[dict]:
    return artifacts.screenshots(dr) if _view(dr)["status"] in timeline.COMPLETED else []


def _register(kind: str):
    base = f"/projects/<int:projectId>/runs/<int:runId>/{kind}"
    one = f"{base}/<int:deviceRunId>"
    tag = kind.replace("-", "_")

    def list_device_runs(projectId, runId):
        caller().run(projectId, runId)
        return dump_list(s.DeviceRunOut, timeline.device_runs_of(state(), runId), out=device_run_out)

    def get_device_run(projectId, runId, deviceRunId):
        found = caller().device_run(projectId, runId, deviceRunId)
        return dump(s.DeviceRunOut, device_run_out(found), root="deviceRun")

    def junit(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        if _view(dr)["status"] not in timeline.COMPLETED:
            raise errors.no_results_yet(deviceRunId)
        return send(artifacts.junit_xml(dr, state().get("devices", dr["deviceId"])), "junit.xml", "application/xml")

    def logs(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        device = state().get("devices", dr["deviceId"])
        return send(artifacts.logs(dr, device, _view(dr)), "logs.txt", "text/plain")

    def performance(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        samples = artifacts.performance(dr, context.now_ms())
        return reply(schema_of(s.PerformanceItemOut, many=True).dump(samples), root="list")

    def list_states(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        return dump_list(s.StateOut, _view(dr)["states"])

    def get_state(projectId, runId, deviceRunId, stateId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        return dump(s.StateOut, in_list(_view(dr)["states"], stateId, errors.state_not_found), root="state")

    def list_screenshots(projectId, runId, deviceRunId):
        return dump_list(s.ScreenshotOut, _screenshots(caller().device_run(projectId, runId, deviceRunId)))

    def get_screenshot(projectId, runId, deviceRunId, screenshotId):
        shot = in_list(_screenshots(caller().device_run(projectId, runId, deviceRunId)), screenshotId,
                       errors.screenshot_not_found)
        if kind == "device-sessions":
            # the client downloads the image from this path; the older device-runs form answers the object
            return send(artifacts.screenshot_png(shot), shot["originalName"], "image/png")
        return dump(s.ScreenshotOut, shot, root="screenshot")

    def list_output_files(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        return dump_list(s.FileOut, [file_out(r) for r in output_files(dr, given().get("tag[]"))])

    def output_files_zip(projectId, runId, deviceRunId):
        dr = caller().device_run(projectId, runId, deviceRunId)
        return output_zip([dr], f"device-run-{deviceRunId}-files.zip", given().get("tag[]"), folders=False)

    for rule, fn in (("", list_device_runs),):
        me_route(base + rule, name=f"{tag}_list")(fn)
    for rule, fn in (("", get_device_run), ("/junit.xml", junit), ("/logs", logs), ("/performance", performance),
                     ("/states", list_states), ("/states/<int:stateId>", get_state),
                     ("/screenshots", list_screenshots), ("/screenshots/<int:screenshotId>", get_screenshot),
                     ("/output-file-set/files", list_output_files),
                     ("/output-file-set/files.zip", output_files_zip)):
        me_route(one + rule, name=f"{tag}_{fn.__name__}")(fn)


for _kind in KINDS:
    _register(_kind)


@me_route("/projects/<int:projectId>/runs/<int:runId>/device-sessions/<int:deviceRunId>/retry", methods=("POST",))
def retry_device_session(projectId, runId, deviceRunId):
    caller().device_run(projectId, runId, deviceRunId)
    fresh = timeline.retry(state(), caller().run(projectId, runId, write=True), [deviceRunId], context.now_ms())
    return dump(s.DeviceRunOut, device_run_out(fresh[0]), 201, root="deviceSession")
