"""The CI settings the qTest Jenkins plugin saves per Jenkins job (/api/v3/projects/{id}/ci), and the test
suite fields it reads the environments from."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, ok, project, wire
from .model import suites
from .schemas import CiSettingOut, FieldOut

CI = "/api/v3/projects/<int:projectId>/ci"


def _setting(projectId: int, setting_id: int) -> dict:
    found = context.state().get("ci_settings", setting_id)
    if found is None or found["project_id"] != projectId:
        raise errors.ci_setting_not_found(setting_id)
    return found


def _fields() -> dict:
    body = wire()[1]
    return {k: body.get(k) for k in suites.CI_FIELDS}


@blueprint.get(CI)
def find_ci_setting(projectId):
    params = wire()[0]
    project(projectId)
    for setting in context.state().table("ci_settings").values():
        if setting["project_id"] == projectId and suites.ci_matches(
                setting, params.get("server"), params.get("project"), params.get("type"), params.get("ciid")):
            return ok(CiSettingOut, suites.render_ci(setting))
    raise errors.ci_setting_not_found()


@blueprint.get(CI + "/<int:settingId>")
def get_ci_setting(projectId, settingId):
    project(projectId)
    return ok(CiSettingOut, suites.render_ci(_setting(projectId, settingId)))


@blueprint.post(CI)
def create_ci_setting(projectId):
    fields = _fields()
    project(projectId)
    setting = context.state().insert("ci_settings", {"id": None, "project_id": projectId, **fields})
    # the Jenkins plugin takes only 200 as a saved setting
    return ok(CiSettingOut, suites.render_ci(setting))


@blueprint.put(CI + "/<int:settingId>")
def update_ci_setting(projectId, settingId):
    fields = _fields()
    project(projectId)
    setting = _setting(projectId, settingId)
    setting.update(fields)
    return ok(CiSettingOut, suites.render_ci(setting))


@blueprint.get("/api/v3/projects/<int:projectId>/settings/test-suites/fields")
def test_suite_fields(projectId):
    project(projectId)
    include_inactive = wire()[0].get("includeInactive")
    shown = [f for f in suites.FIELDS if include_inactive or f["is_active"]]
    return ok(FieldOut, shown)
