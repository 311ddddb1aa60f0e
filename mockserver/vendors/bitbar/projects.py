"""Projects: CRUD, icon, config and its parameters, sharings, project files and the project report."""

from __future__ import annotations

from ...core import context
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
    report_response,
    send,
    share,
    state,
    store_upload,
)
from .model import artifacts, files, timeline
from .model.projects import MODE_OS, ROLES, config_out, new_project, project_os


def project_out(project: dict) -> dict:
    mine = project["userId"] == me()["id"]
    return {**project, "sharedById": None if mine else project["userId"]}


def legacy_out(record: dict) -> dict:
    """An uploaded project file as the older project-file endpoints show it."""
    return {**record, "originalName": record["name"],
            "readableSize": files.readable_size(len(record["content"] or b"")), "uploadTime": record["createTime"]}


@me_route("/projects")
def list_projects():
    def rows():
        return sorted(caller().visible_projects(), key=lambda p: p["id"])

    return dump_list(s.ProjectOut, rows, out=project_out, kept=("projects", me()["id"]))


@me_route("/projects", methods=("POST",))
def create_project():
    found = given("name")
    # the 3.x client sends only a name; newer services default the type
    data = {"name": found["name"], "type": found.get("type", "GENERIC"),
            "description": found.get("description", "")}
    record = new_project(state(), me()["id"], data, context.now_ms())
    return dump(s.ProjectOut, record, 201, root="project")  # (the caller's own: project_out would change nothing)


@me_route("/projects/<int:projectId>")
def get_project(projectId):
    return dump(s.ProjectOut, project_out(caller().project(projectId)), root="project")


@me_route("/projects/<int:projectId>", methods=("POST",))
def update_project(projectId):
    project = caller().project(projectId, owner=True)
    changes = given()
    project.update(changes)
    if "common" in changes:  # indexed (model/lookups.py): stored anew, so the index of it follows
        state().insert("projects", project)
    return dump(s.ProjectOut, project_out(project), 202, root="project")


@me_route("/projects/<int:projectId>", methods=("DELETE",))
def delete_project(projectId):
    caller().project(projectId, owner=True)
    st = state()
    for run in st.where("runs", "projectId", projectId):
        timeline.drop_run(st, run)
    for table, key in (("parameters", "projectId"), ("sharings", "projectId"), ("notifications", "project")):
        for row in st.where(table, key, projectId):
            st.delete(table, row["id"])
    st.delete("projects", projectId)
    return empty()


@me_route("/projects/<int:projectId>/icon")
def project_icon(projectId):
    project = caller().project(projectId)
    if project["files"]["application"] is None:
        raise errors.no_icon(projectId)
    return send(artifacts.icon_png(), "icon.png", "image/png")


@me_route("/projects/<int:projectId>/share", methods=("POST",))
def share_project(projectId):
    caller().project(projectId, owner=True)
    return share("PROJECT", projectId)


# -- config -----------------------------------------------------------------------------------
@me_route("/projects/<int:projectId>/config")
def get_config(projectId):
    return dump(s.ProjectConfigOut, config_out(caller().project(projectId)), root="projectConfig")


@me_route("/projects/<int:projectId>/config", methods=("POST",))
def update_config(projectId):
    project = caller().project(projectId, owner=True)
    data = given()
    os_type = project_os(project)  # None for a GENERIC project: any mode, any group
    if "usedDeviceGroupId" in data:
        group = caller().device_group(data["usedDeviceGroupId"], owned=False)
        if os_type is not None and group["osType"] != os_type:
            raise errors.group_os_mismatch(group, os_type)
    if "mode" in data and os_type is not None and MODE_OS[data["mode"]] != os_type:
        raise errors.mode_not_for_project(data["mode"], project["type"])
    merged = {**project["config"], **data}
    # cross-field, against the stored config too: not a rule the spec can state
    if merged["mode"] == "UIAUTOMATOR" and not merged["uiAutomatorTestClasses"]:
        raise errors.uiautomator_classes_required()
    project["config"] = merged
    return dump(s.ProjectConfigOut, config_out(project), 201, root="projectConfig")


def _parameters(projectId):
    return sorted(state().where("parameters", "projectId", projectId), key=lambda p: p["id"])


@me_route("/projects/<int:projectId>/config/parameters")
def list_parameters(projectId):
    caller().project(projectId)
    return dump_list(s.ParameterOut, _parameters(projectId))


@me_route("/projects/<int:projectId>/config/parameters", methods=("POST",))
def create_parameter(projectId):
    caller().project(projectId, owner=True)
    data = given("key", "value")
    if any(p["key"] == data["key"] for p in _parameters(projectId)):
        raise errors.parameter_exists(data["key"])
    record = state().insert("parameters", {"id": None, "projectId": projectId, **data})
    return dump(s.ParameterOut, record, 201, root="projectConfigParameter")


def _parameter(projectId, parameterId):
    return caller().child("parameters", parameterId, errors.parameter_not_found, projectId=projectId)


@me_route("/projects/<int:projectId>/config/parameters/<int:parameterId>")
def get_parameter(projectId, parameterId):
    caller().project(projectId)
    return dump(s.ParameterOut, _parameter(projectId, parameterId), root="projectConfigParameter")


@me_route("/projects/<int:projectId>/config/parameters/<int:parameterId>", methods=("DELETE",))
def delete_parameter(projectId, parameterId):
    caller().project(projectId, owner=True)
    _parameter(projectId, parameterId)
    state().delete("parameters", parameterId)
    return empty(200)  # the doc's table says 200 with an empty string; every other delete answers 204


# -- sharings ---------------------------------------------------------------------------------
def _sharings(projectId):
    return sorted(state().where("sharings", "projectId", projectId), key=lambda x: x["id"])


@me_route("/projects/<int:projectId>/sharings")
def list_sharings(projectId):
    caller().project(projectId, owner=True)
    return dump_list(s.ShareOut, _sharings(projectId))


@me_route("/projects/<int:projectId>/sharings", methods=("POST",))
def create_sharing(projectId):
    caller().project(projectId, owner=True)
    email = given("email")["email"]
    user = caller().user_by_email(email)
    if user["id"] == me()["id"]:
        raise errors.shared_with_owner()
    if any(x["userId"] == user["id"] for x in _sharings(projectId)):
        raise errors.already_shared_with(email)
    record = state().insert("sharings", {"id": None, "projectId": projectId, "userId": user["id"],
                                         "userEmail": user["email"]})
    return dump(s.ShareOut, record, 201, root="share")


def _sharing(projectId, sharingId):
    return caller().child("sharings", sharingId, errors.sharing_not_found, projectId=projectId)


@me_route("/projects/<int:projectId>/sharings/<int:sharingId>")
def get_sharing(projectId, sharingId):
    caller().project(projectId, owner=True)
    return dump(s.ShareOut, _sharing(projectId, sharingId), root="share")


@me_route("/projects/<int:projectId>/sharings/<int:sharingId>", methods=("DELETE",))
def delete_sharing(projectId, sharingId):
    caller().project(projectId, owner=True)
    _sharing(projectId, sharingId)
    state().delete("sharings", sharingId)
    return empty()


# -- project files ----------------------------------------------------------------------------
def _upload(projectId, role):
    project = caller().project(projectId, owner=True)
    record = store_upload(role, projectId)
    project["files"][role] = record["id"]
    schema = s.LegacyTestFileOut if role == "test" else s.LegacyFileOut
    return dump(schema, legacy_out(record), 201, root="fileTest" if role == "test" else "file")


def _download(projectId, role):
    project = caller().project(projectId)
    file_id = project["files"][role]
    if file_id is None:
        raise errors.project_has_no_file(projectId, role)
    record = state().get("files", file_id)
    return send(file_bytes(record), record["name"])


def _register_file_routes():
    for role in ROLES:
        me_route(f"/projects/<int:projectId>/files/{role}", methods=("POST",), defaults={"role": role},
                 name=f"upload_{role}")(_upload)
        me_route(f"/projects/<int:projectId>/files/{role}", defaults={"role": role},
                 name=f"download_{role}")(_download)


_register_file_routes()


@me_route("/projects/<int:projectId>/files.zip")
def project_files_zip(projectId):
    return files_zip(caller().project(projectId)["files"], f"project-{projectId}-files.zip")


@me_route("/projects/<int:projectId>/reports/summary")
def project_summary_report(projectId):
    project = caller().project(projectId)
    project_runs = sorted(state().where("runs", "projectId", projectId), key=lambda r: r["id"])
    return report_response(project_runs, f"Project {project['name']} summary", f"project-{projectId}-summary",
                           failures_only=False)
