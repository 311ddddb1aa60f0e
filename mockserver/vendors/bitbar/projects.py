"""Projects: CRUD, icon, config and its parameters, sharings, project files and the project report."""

from __future__ import annotations

from ...core.errors import VendorError
from ...core.negotiation import empty
from . import auth, schemas as s
from .model import artifacts, lookups
from .model import timeline as runs
from .users import share
from .files import legacy_out, send, store_upload, file_bytes
from .model.reports import report_response
from .blueprint import dump, dump_list, given, me_route, state

ROLES = ("application", "data", "test")


def default_group_id(st, os_type: str) -> int | None:
    """The free public group of that OS (the doc's "Free devices group" default)."""
    public = sorted((g for g in st.table("deviceGroups").values() if g["userId"] is None), key=lambda g: g["id"])
    match = [g for g in public if g["osType"] == os_type] or public
    return match[0]["id"] if match else None


def default_config(st, project: dict) -> dict:
    ios = project["type"] == "IOS"
    return {"id": st.next_id("configs"), "projectId": project["id"], "scheduler": "PARALLEL",
            "mode": "IOS" if ios else "FULL_RUN", "autoScreenshots": False, "screenshotDir": "",
            "limitationType": None, "limitationValue": "", "withAnnotation": "", "withoutAnnotation": None,
            "applicationUsername": "", "applicationPassword": "",
            "usedDeviceGroupId": default_group_id(st, "IOS" if ios else "ANDROID"), "creditsPrice": 0,
            "deviceLanguageCode": "en_US", "hookURL": "", "uiAutomatorTestClasses": None, "launchApp": False,
            "instrumentationRunner": "", "checkApp": False}


def new_project(st, user_id: int, data: dict) -> dict:
    record = st.insert("projects", {"id": None, "userId": user_id, "name": data["name"],
                                    "description": data.get("description", ""), "type": data["type"],
                                    "common": False, "sharedById": None, "createTime": auth.now_ms(),
                                    "files": {role: None for role in ROLES}})
    record["config"] = default_config(st, record)
    return record


def project_out(project: dict) -> dict:
    mine = project["userId"] == lookups.user_id()
    return {**project, "sharedById": None if mine else project["userId"]}


def config_out(project: dict) -> dict:
    return {**project["config"], "runAvailable": project["files"]["application"] is not None}


@me_route("/projects")
def list_projects():
    rows = sorted(lookups.visible_projects(), key=lambda p: p["id"])
    return dump_list(s.ProjectOut, [project_out(p) for p in rows])


@me_route("/projects", methods=("POST",))
def create_project():
    found = given("name")
    # the 3.x client sends only a name; newer services default the type
    data = {"name": found["name"], "type": found.get("type", "GENERIC"),
            "description": found.get("description", "")}
    record = new_project(state(), lookups.user_id(), data)
    return dump(s.ProjectOut, project_out(record), 201, root="project")


@me_route("/projects/<int:projectId>")
def get_project(projectId):
    return dump(s.ProjectOut, project_out(lookups.project(projectId)), root="project")


@me_route("/projects/<int:projectId>", methods=("POST",))
def update_project(projectId):
    project = lookups.project(projectId, owner=True)
    project.update(given())
    return dump(s.ProjectOut, project_out(project), 202, root="project")


def drop_run(st, run: dict) -> None:
    for dr in runs.device_runs_of(st, run["id"]):
        runs.drop_device_run(st, dr)
    st.delete("runs", run["id"])


@me_route("/projects/<int:projectId>", methods=("DELETE",))
def delete_project(projectId):
    lookups.project(projectId, owner=True)
    st = state()
    for run in [r for r in st.table("runs").values() if r["projectId"] == projectId]:
        drop_run(st, run)
    for table, key in (("parameters", "projectId"), ("sharings", "projectId"), ("notifications", "project")):
        for row in [r for r in st.table(table).values() if r[key] == projectId]:
            st.delete(table, row["id"])
    st.delete("projects", projectId)
    return empty()


@me_route("/projects/<int:projectId>/icon")
def project_icon(projectId):
    project = lookups.project(projectId)
    if project["files"]["application"] is None:
        raise VendorError(404, f"Project {projectId} has no application to take an icon from")
    return send(artifacts.png(48, 48, (0, 120, 215)), "icon.png", "image/png")


@me_route("/projects/<int:projectId>/share", methods=("POST",))
def share_project(projectId):
    lookups.project(projectId, owner=True)
    return share("PROJECT", projectId)


# -- config -----------------------------------------------------------------------------------
@me_route("/projects/<int:projectId>/config")
def get_config(projectId):
    return dump(s.ProjectConfigOut, config_out(lookups.project(projectId)), root="projectConfig")


@me_route("/projects/<int:projectId>/config", methods=("POST",))
def update_config(projectId):
    project = lookups.project(projectId, owner=True)
    data = given()
    if "usedDeviceGroupId" in data:
        lookups.device_group(data["usedDeviceGroupId"], owned=False)
    merged = {**project["config"], **data}
    # cross-field, against the stored config too: not a rule the spec can state
    if merged["mode"] == "UIAUTOMATOR" and not merged["uiAutomatorTestClasses"]:
        raise VendorError(400, "uiAutomatorTestClasses is required in UIAUTOMATOR mode")
    project["config"] = merged
    return dump(s.ProjectConfigOut, config_out(project), 201, root="projectConfig")


def _parameters(projectId):
    return sorted((p for p in state().table("parameters").values() if p["projectId"] == projectId),
                  key=lambda p: p["id"])


@me_route("/projects/<int:projectId>/config/parameters")
def list_parameters(projectId):
    lookups.project(projectId)
    return dump_list(s.ParameterOut, _parameters(projectId))


@me_route("/projects/<int:projectId>/config/parameters", methods=("POST",))
def create_parameter(projectId):
    lookups.project(projectId, owner=True)
    data = given("key", "value")
    if any(p["key"] == data["key"] for p in _parameters(projectId)):
        raise VendorError(409, f"Parameter with key '{data['key']}' already exists")
    record = state().insert("parameters", {"id": None, "projectId": projectId, **data})
    return dump(s.ParameterOut, record, 201, root="projectConfigParameter")


def _parameter(projectId, parameterId):
    return lookups.child("parameters", parameterId, "Parameter", projectId=projectId)


@me_route("/projects/<int:projectId>/config/parameters/<int:parameterId>")
def get_parameter(projectId, parameterId):
    lookups.project(projectId)
    return dump(s.ParameterOut, _parameter(projectId, parameterId), root="projectConfigParameter")


@me_route("/projects/<int:projectId>/config/parameters/<int:parameterId>", methods=("DELETE",))
def delete_parameter(projectId, parameterId):
    lookups.project(projectId, owner=True)
    _parameter(projectId, parameterId)
    state().delete("parameters", parameterId)
    return empty()  # the doc's table says 200 with an empty string; every other delete answers 204


# -- sharings ---------------------------------------------------------------------------------
def _sharings(projectId):
    return sorted((x for x in state().table("sharings").values() if x["projectId"] == projectId),
                  key=lambda x: x["id"])


@me_route("/projects/<int:projectId>/sharings")
def list_sharings(projectId):
    lookups.project(projectId, owner=True)
    return dump_list(s.ShareOut, _sharings(projectId))


@me_route("/projects/<int:projectId>/sharings", methods=("POST",))
def create_sharing(projectId):
    lookups.project(projectId, owner=True)
    email = given("email")["email"]
    user = lookups.user_by_email(email)
    if user["id"] == lookups.user_id():
        raise VendorError(400, "A project cannot be shared with its owner")
    if any(x["userId"] == user["id"] for x in _sharings(projectId)):
        raise VendorError(409, f"Project is already shared with {email}")
    record = state().insert("sharings", {"id": None, "projectId": projectId, "userId": user["id"],
                                         "userEmail": user["email"]})
    return dump(s.ShareOut, record, 201, root="share")


def _sharing(projectId, sharingId):
    return lookups.child("sharings", sharingId, "Sharing", projectId=projectId)


@me_route("/projects/<int:projectId>/sharings/<int:sharingId>")
def get_sharing(projectId, sharingId):
    lookups.project(projectId, owner=True)
    return dump(s.ShareOut, _sharing(projectId, sharingId), root="share")


@me_route("/projects/<int:projectId>/sharings/<int:sharingId>", methods=("DELETE",))
def delete_sharing(projectId, sharingId):
    lookups.project(projectId, owner=True)
    _sharing(projectId, sharingId)
    state().delete("sharings", sharingId)
    return empty()


# -- project files ----------------------------------------------------------------------------
def _upload(projectId, role):
    project = lookups.project(projectId, owner=True)
    record = store_upload(role, projectId)
    project["files"][role] = record["id"]
    schema = s.LegacyTestFileOut if role == "test" else s.LegacyFileOut
    return dump(schema, legacy_out(record), 201, root="fileTest" if role == "test" else "file")


def _download(projectId, role):
    project = lookups.project(projectId)
    file_id = project["files"][role]
    if file_id is None:
        raise VendorError(404, f"Project {projectId} has no {role} file")
    record = state().get("files", file_id)
    return send(file_bytes(record), record["name"])


def _register_file_routes():
    for role in ROLES:
        me_route(f"/projects/<int:projectId>/files/{role}", methods=("POST",), defaults={"role": role},
                 name=f"upload_{role}")(_upload)
        me_route(f"/projects/<int:projectId>/files/{role}", defaults={"role": role},
                 name=f"download_{role}")(_download)


_register_file_routes()


def files_zip(files: dict, name: str):
    entries = []
    for role in ROLES:
        if files.get(role) is not None:
            record = state().get("files", files[role])
            if record is not None:
                entries.append((f"{role}/{record['name']}", file_bytes(record)))
    return send(artifacts.zip_bytes(entries), name, "application/zip")


@me_route("/projects/<int:projectId>/files.zip")
def project_files_zip(projectId):
    return files_zip(lookups.project(projectId)["files"], f"project-{projectId}-files.zip")


@me_route("/projects/<int:projectId>/reports/summary")
def project_summary_report(projectId):
    project = lookups.project(projectId)
    project_runs = sorted((r for r in state().table("runs").values() if r["projectId"] == projectId),
                          key=lambda r: r["id"])
    return report_response(project_runs, f"Project {project['name']} summary", f"project-{projectId}-summary",
                           failures_only=False)
