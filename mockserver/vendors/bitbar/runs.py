"""Test runs: start (per project or from a JSON config), rename, delete, abort, retry, tags,
run config and files, reports and the screenshots package."""

from __future__ import annotations

from flask import g

from ...core import context
from ...core.filenames import zip_entry
from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import (
    caller,
    dump,
    dump_list,
    file_bytes,
    files_zip,
    given,
    me,
    me_route,
    output_zip,
    reply,
    report_response,
    send,
    state,
)
from .model import artifacts, reports, timeline
from .model.lookups import in_list
from .model.projects import ROLES, config_out, default_group_id, new_project


def run_out(run: dict) -> dict:
    st = state()
    project = st.get("projects", run["projectId"])
    return {**run, **timeline.run_view(st, run, context.now_ms()), "projectName": project["name"] if project else ""}


def _dump_run(run, status=200):
    return dump(s.TestRunOut, run_out(run), status, root="testRun")


def group_devices(group: dict) -> list[dict]:
    st = state()
    return [st.get("devices", d) for d in group["deviceIds"] if st.get("devices", d) is not None]


def create_run(project: dict, name: str | None, devices: list[dict], group_id: int | None, files: dict,
               scheduler: str, framework_id: int | None = None, timeout: int | None = None) -> dict:
    if not devices:
        raise errors.no_devices()
    st = state()
    # numbers keep counting past deleted runs, as the service's per-project sequence does
    last = project.get("lastRunNumber")
    if last is None:
        last = max((r["number"] for r in st.where("runs", "projectId", project["id"])), default=0)
    number = project["lastRunNumber"] = last + 1
    user = me()
    run = st.insert("runs", {
        "id": None, "projectId": project["id"], "userId": project["userId"], "startedById": user["id"],
        "number": number,
        "displayName": name or f"Test run {number}", "createTime": context.now_ms(), "deviceGroupId": group_id,
        "frameworkId": framework_id, "scheduler": scheduler, "config": config_out(project),
        "parameters": [dict(p) for p in st.where("parameters", "projectId", project["id"])],
        "files": dict(files), "tags": [], "screenshotZipMs": None, "timeout": timeout,
        "startedByDisplayName": f"{user['firstName']} {user['lastName']}".strip() or user["email"],
    })
    timeline.expect_announcement(st, run)
    timeline.start_device_runs(st, run, devices, scheduler, context.now_ms())
    return run


@me_route("/projects/<int:projectId>/runs")
def list_project_runs(projectId):
    caller().project(projectId)
    rows = sorted(state().where("runs", "projectId", projectId), key=lambda r: r["id"])
    return dump_list(s.TestRunOut, rows, out=run_out)


@me_route("/projects/<int:projectId>/runs", methods=("POST",))
def start_project_run(projectId):
    project = caller().project(projectId)
    name = given().get("name")  # the doc marks it required, yet its own example sends none
    if project["files"]["application"] is None:
        raise errors.no_application()
    group = caller().project_device_group(project, project["config"]["usedDeviceGroupId"] or 0)
    run = create_run(project, name, group_devices(group), group["id"], project["files"], project["config"]["scheduler"])
    return _dump_run(run, 201)


@me_route("/runs")
def list_my_runs():
    st = state()
    rows = sorted((r for p in caller().visible_projects() for r in st.where("runs", "projectId", p["id"])),
                  key=lambda r: r["id"])
    return dump_list(s.TestRunOut, rows, out=run_out)


def _run_config() -> dict:
    """The JSON test run configuration, checked the way the service checks it before a start."""
    found = given("osType", "frameworkId")
    data = {"osType": found["osType"], "projectId": found.get("projectId"), "frameworkId": found["frameworkId"],
            "deviceGroupId": found.get("deviceGroupId"), "deviceIds": found.get("deviceIds", []),
            "files": found.get("files", []), "testRunName": found.get("testRunName"),
            "scheduler": found.get("scheduler", "PARALLEL"), "timeout": found.get("timeout")}
    # from here on semantic checks (unknown ids, OS matches, virus scan): the spec cannot state them
    st = state()
    framework = st.get("frameworks", data["frameworkId"])
    if framework is None:
        raise errors.framework_not_found(data["frameworkId"])
    if framework["osType"] != data["osType"]:
        raise errors.framework_os_mismatch(framework, data["osType"])
    if data["projectId"] is not None:
        caller().project(data["projectId"])
    files = {role: None for role in ROLES}
    for ref in data["files"]:
        record = st.get("files", ref["id"])
        if record is None or record["userId"] != me()["id"] or record["direction"] != "INPUT":
            raise errors.input_file_not_found(ref["id"])
        if record["virusScanStatus"] == "infected":
            raise errors.file_infected(record["name"])
        files[record["inputType"] or "test"] = record["id"]
    if files["application"] is None and files["test"] is None:
        raise errors.config_needs_file()
    if data["deviceIds"]:
        devices = [caller().device(d) for d in data["deviceIds"]]
        group_id = None
    else:
        group_id = data["deviceGroupId"] or default_group_id(st, data["osType"])
        group = caller().device_group(group_id or 0, owned=False)
        if group["osType"] != data["osType"]:
            raise errors.group_os_mismatch(group, data["osType"])
        devices = group_devices(group)
    wrong = [d["id"] for d in devices if d["osType"] != data["osType"]]
    if wrong:
        raise errors.devices_wrong_os(wrong, data["osType"])
    if not devices:
        raise errors.no_devices()
    return {**data, "deviceGroupId": group_id, "resolvedFiles": files, "devices": devices}


def _config_out(config: dict) -> dict:
    return {key: value for key, value in config.items() if key not in ("resolvedFiles", "devices")} | {
        "deviceIds": [d["id"] for d in config["devices"]]}


@me_route("/runs/config", methods=("POST",))
def validate_run_config():
    return reply(_config_out(_run_config()), 200, root="testRunConfig")


@me_route("/runs", methods=("POST",))
def start_configured_run():
    config = _run_config()
    st = state()
    if config["projectId"] is None:
        project = new_project(st, me()["id"], {"name": config["testRunName"] or "Project", "type": "GENERIC"},
                              context.now_ms())
    else:
        project = caller().project(config["projectId"])
    run = create_run(project, config["testRunName"], config["devices"], config["deviceGroupId"],
                     config["resolvedFiles"], config["scheduler"], config["frameworkId"], config["timeout"])
    return _dump_run(run, 201)


@me_route("/projects/<int:projectId>/runs/<int:runId>")
def get_run(projectId, runId):
    return _dump_run(caller().run(projectId, runId))


@me_route("/projects/<int:projectId>/runs/<int:runId>", methods=("POST",))
def rename_run(projectId, runId):
    run = caller().run(projectId, runId, write=True)
    run["displayName"] = given("name")["name"]
    return _dump_run(run, 202)


@me_route("/projects/<int:projectId>/runs/<int:runId>", methods=("DELETE",))
def delete_run(projectId, runId):
    timeline.drop_run(state(), caller().run(projectId, runId, write=True))
    return empty()


@me_route("/projects/<int:projectId>/runs/<int:runId>/abort", methods=("POST",))
def abort_run(projectId, runId):
    run = caller().run(projectId, runId, write=True)
    timeline.abort(state(), run, context.now_ms())
    return _dump_run(run)


@me_route("/projects/<int:projectId>/runs/<int:runId>/retry", methods=("POST",))
def retry_run(projectId, runId):
    run = caller().run(projectId, runId, write=True)
    # the client's deviceRunIds[]=.. in the query; a JSON list (or {deviceRunIds: [..]}) is taken too;
    # the contract has made every id an integer
    ids = (g.params["deviceRunIds[]"] or []) + (g.params["deviceRunIds"] or [])
    body = g.body
    if body is not None:
        ids += body if isinstance(body, list) else body.get("deviceRunIds") or []
    timeline.retry(state(), run, [int(i) for i in ids], context.now_ms())
    return _dump_run(run)


# -- run config and files -----------------------------------------------------------------------
@me_route("/projects/<int:projectId>/runs/<int:runId>/config")
def get_run_config(projectId, runId):
    return dump(s.ProjectConfigOut, caller().run(projectId, runId)["config"], root="projectConfig")


@me_route("/projects/<int:projectId>/runs/<int:runId>/config/parameters")
def list_run_parameters(projectId, runId):
    return dump_list(s.ParameterOut, caller().run(projectId, runId)["parameters"])


@me_route("/projects/<int:projectId>/runs/<int:runId>/config/parameters/<int:parameterId>")
def get_run_parameter(projectId, runId, parameterId):
    found = in_list(caller().run(projectId, runId)["parameters"], parameterId, errors.parameter_not_found)
    return dump(s.ParameterOut, found, root="projectConfigParameter")


def _run_file(projectId, runId, role):
    run = caller().run(projectId, runId)
    record = state().get("files", run["files"].get(role) or 0)
    if record is None:
        raise errors.run_has_no_file(runId, role)
    return send(file_bytes(record), record["name"])


for _role in ROLES:
    me_route(f"/projects/<int:projectId>/runs/<int:runId>/files/{_role}", defaults={"role": _role},
             name=f"run_file_{_role}")(_run_file)


@me_route("/projects/<int:projectId>/runs/<int:runId>/files.zip")
def run_files_zip(projectId, runId):
    return files_zip(caller().run(projectId, runId)["files"], f"run-{runId}-files.zip")


@me_route("/projects/<int:projectId>/runs/<int:runId>/output-file-set/files.zip")
def run_output_files_zip(projectId, runId):
    caller().run(projectId, runId)
    return output_zip(timeline.device_runs_of(state(), runId), f"run-{runId}-output-files.zip", given().get("tag[]"))


# -- tags -------------------------------------------------------------------------------------
@me_route("/projects/<int:projectId>/runs/<int:runId>/tags")
def list_tags(projectId, runId):
    return dump_list(s.TagOut, caller().run(projectId, runId)["tags"])


@me_route("/projects/<int:projectId>/runs/<int:runId>/tags", methods=("POST",))
def create_tag(projectId, runId):
    run = caller().run(projectId, runId, write=True)
    name = given("name")["name"]
    if any(t["name"] == name for t in run["tags"]):
        raise errors.tag_exists(name)
    tag = {"id": state().next_id("tags"), "name": name}
    run["tags"].append(tag)
    return dump(s.TagOut, tag, 201, root="tag")


def _tag(run, tagId):
    return in_list(run["tags"], tagId, errors.tag_not_found)


@me_route("/projects/<int:projectId>/runs/<int:runId>/tags/<int:tagId>")
def get_tag(projectId, runId, tagId):
    return dump(s.TagOut, _tag(caller().run(projectId, runId), tagId), root="tag")


@me_route("/projects/<int:projectId>/runs/<int:runId>/tags/<int:tagId>", methods=("DELETE",))
def delete_tag(projectId, runId, tagId):
    run = caller().run(projectId, runId, write=True)
    run["tags"].remove(_tag(run, tagId))
    return empty()


# -- reports and screenshots --------------------------------------------------------------------
def _register_reports():
    for kind in ("summary", "failures", "detail-failures"):
        def handler(projectId, runId, kind=kind):
            run = caller().run(projectId, runId)
            return report_response([run], f"Test run {run['displayName']} {kind}", f"run-{runId}-{kind}",
                                   failures_only=kind != "summary")

        me_route(f"/projects/<int:projectId>/runs/<int:runId>/reports/{kind}",
                 name=f"run_report_{kind.replace('-', '_')}")(handler)


_register_reports()


def visible_screenshots(run: dict) -> list[dict]:
    """The screenshots of the run's completed device runs; only one device run's when `deviceRunId` names it."""
    wanted = given().get("deviceRunId")
    if wanted is not None:
        caller().device_run(run["projectId"], run["id"], wanted)
    shots = []
    for _, dr, _, _ in reports.finished_items(state(), [run], context.now_ms()):
        if wanted is None or dr["id"] == wanted:
            shots += artifacts.screenshots(dr)
    return shots


@me_route("/projects/<int:projectId>/runs/<int:runId>/screenshots.zip", methods=("POST",))
def request_screenshots_zip(projectId, runId):
    run = caller().run(projectId, runId)
    run["screenshotZipMs"] = context.now_ms()
    # the doc answers an empty string; the client parses every POST reply, so the run comes back
    return _dump_run(run, 201)


@me_route("/projects/<int:projectId>/runs/<int:runId>/screenshots.zip")
def download_screenshots_zip(projectId, runId):
    run = caller().run(projectId, runId)
    if timeline.run_view(state(), run, context.now_ms())["screenshotZipState"] != "READY":
        raise errors.screenshots_not_ready()
    entries = []
    for _, dr, device, _ in reports.finished_items(state(), [run], context.now_ms()):
        for shot in artifacts.screenshots(dr):
            name = zip_entry(f"{dr['id']}-{device['displayName']}", name=shot["originalName"])
            entries.append((name, artifacts.screenshot_png(shot)))
    return send(artifacts.zip_bytes(entries), f"run-{runId}-screenshots.zip", "application/zip")


@me_route("/projects/<int:projectId>/runs/<int:runId>/screenshots")
def list_run_screenshots(projectId, runId):
    return dump_list(s.ScreenshotOut, visible_screenshots(caller().run(projectId, runId)))


@me_route("/projects/<int:projectId>/runs/<int:runId>/screenshots/<int:screenshotId>")
def get_run_screenshot(projectId, runId, screenshotId):
    found = in_list(visible_screenshots(caller().run(projectId, runId)), screenshotId, errors.screenshot_not_found)
    return dump(s.ScreenshotOut, found, root="screenshot")
