"""Projects: CRUD, icon, config and parameters, sharings, notifications."""

from __future__ import annotations

import yaml

from .conftest import DEFAULT_FIXTURES, ME, PROJECT

DOC_PROJECT = {"id": PROJECT, "name": "Hello world", "description": "", "type": "ANDROID", "common": False,
               "sharedById": None}


def test_doc_project_example_works_as_written(bb):
    body = bb.get(f"{ME}/projects/{PROJECT}").json()
    assert {k: body[k] for k in DOC_PROJECT} == DOC_PROJECT


def test_project_crud(bb):
    created = bb.post(f"{ME}/projects", params={"name": "Hello world 2", "type": "ANDROID"})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert created.json() | {"createTime": 0} == {"id": pid, "name": "Hello world 2", "description": "",
                                                  "type": "ANDROID", "common": False, "sharedById": None,
                                                  "createTime": 0}
    updated = bb.post(f"{ME}/projects/{pid}", params={"name": "Great project", "common": "true"})
    assert updated.status_code == 202 and updated.json()["name"] == "Great project" and updated.json()["common"] is True
    assert bb.get(f"{ME}/projects/{pid}").json()["name"] == "Great project"
    listed = bb.get(f"{ME}/projects", params={"limit": 0}).json()
    assert {p["id"] for p in listed["data"]} == {PROJECT, pid}
    assert bb.delete(f"{ME}/projects/{pid}").status_code == 204
    assert bb.get(f"{ME}/projects/{pid}").status_code == 404
    assert bb.delete(f"{ME}/projects/{pid}").status_code == 404


def test_project_validation(bb):
    r = bb.post(f"{ME}/projects", params={"name": "x", "type": "WINDOWS"})
    assert r.status_code == 400 and "type" in r.json()["message"]
    r = bb.post(f"{ME}/projects", data={})
    assert r.status_code == 400 and "name" in r.json()["message"]
    r = bb.post(f"{ME}/projects/{PROJECT}", params={"common": "maybe"})
    assert r.status_code == 400 and "common" in r.json()["message"]
    assert bb.get(f"{ME}/projects/{PROJECT}").json()["common"] is False


def test_other_tenants_project_is_invisible(bb, bitbar, server):
    from tests.conftest import vendor_client

    created = bb.post(f"{ME}/projects", data={"name": "mine"}).json()
    other = vendor_client(server, "bitbar")
    other.session.auth = bb.session.auth
    other.session.headers["Accept"] = "application/json"
    assert other.get(f"{ME}/projects/{created['id']}").status_code == 404


def test_icon_is_a_png(bb):
    r = bb.get(f"{ME}/projects/{PROJECT}/icon")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    empty = bb.post(f"{ME}/projects", data={"name": "no app"}).json()
    assert bb.get(f"{ME}/projects/{empty['id']}/icon").status_code == 404


def test_config_get_and_update(bb):
    config = bb.get(f"{ME}/projects/{PROJECT}/config").json()
    assert config["id"] == 31425 and config["usedDeviceGroupId"] == 4148 and config["scheduler"] == "PARALLEL"
    assert config["mode"] == "FULL_RUN" and config["runAvailable"] is True and config["deviceLanguageCode"] == "en_US"
    r = bb.post(f"{ME}/projects/{PROJECT}/config", params={"usedDeviceGroupId": 4150, "scheduler": "SERIAL",
                                                           "autoScreenshots": "true"})
    assert r.status_code == 201
    assert (r.json()["usedDeviceGroupId"], r.json()["scheduler"], r.json()["autoScreenshots"]) == (4150, "SERIAL", True)


def test_config_rejects_bad_enums_and_unknown_group(bb):
    for params, field in (({"scheduler": "RANDOM"}, "scheduler"), ({"mode": "TURBO"}, "mode"),
                          ({"limitationType": "METHOD"}, "limitationType"),
                          ({"deviceLanguageCode": "english"}, "deviceLanguageCode")):
        r = bb.post(f"{ME}/projects/{PROJECT}/config", params=params)
        assert r.status_code == 400 and field in r.json()["message"], params
    r = bb.post(f"{ME}/projects/{PROJECT}/config", params={"mode": "UIAUTOMATOR"})
    assert r.status_code == 400 and "uiAutomatorTestClasses" in r.json()["message"]
    assert bb.post(f"{ME}/projects/{PROJECT}/config", params={"usedDeviceGroupId": 999}).status_code == 404
    assert bb.get(f"{ME}/projects/{PROJECT}/config").json()["mode"] == "FULL_RUN"


def test_config_parameters(bb):
    base = f"{ME}/projects/{PROJECT}/config/parameters"
    assert bb.get(f"{base}/1").json() == {"id": 1, "key": "devel", "value": "true"}
    created = bb.post(base, data={"key": "env", "value": "staging"})
    assert created.status_code == 201 and created.json()["key"] == "env"
    dup = bb.post(base, params={"key": "devel", "value": "false"})
    assert dup.status_code == 409 and dup.json()["statusCode"] == 409
    assert bb.post(base, json={"key": "x"}).status_code == 400
    assert bb.get(base).json()["total"] == 2
    assert bb.delete(f"{base}/{created.json()['id']}").status_code == 200  # the doc: 200, empty string
    assert bb.get(f"{base}/{created.json()['id']}").status_code == 404
    assert bb.get(f"{ME}/projects/1/config/parameters").status_code == 404


def test_sharings(bb):
    base = f"{ME}/projects/{PROJECT}/sharings"
    assert bb.get(f"{base}/173").json() == {"id": 173, "userId": 278815, "userEmail": "shared.email@bitbar.com"}
    created = bb.post(base, params={"email": "example@bitbar.com"})
    assert created.status_code == 201 and created.json()["userId"] == 278816
    assert bb.post(base, params={"email": "example@bitbar.com"}).status_code == 409
    assert bb.post(base, params={"email": "nobody@bitbar.com"}).status_code == 404
    assert bb.post(base, params={"email": "not-an-email"}).status_code == 400
    assert bb.post(base, params={"email": "demo@example.com"}).status_code == 400
    assert bb.get(base).json()["total"] == 2
    assert bb.delete(f"{base}/{created.json()['id']}").status_code == 204
    assert bb.get(f"{base}/{created.json()['id']}").status_code == 404


def test_shared_project_is_visible_to_the_other_user(bb):
    shared = bb.get(f"{ME}/projects/{PROJECT}", auth=("bitbar-shared-key", "")).json()
    assert shared["id"] == PROJECT and shared["sharedById"] == 31595291
    other = ("bitbar-shared-key", "")
    forbidden = {"statusCode": 403, "message": "User is not authorized to access this resource"}
    for method, path, kw in (("GET", "/sharings", {}), ("POST", "", {"params": {"name": "mine now"}}),
                             ("DELETE", "", {}), ("POST", "/config", {"params": {"scheduler": "SERIAL"}}),
                             ("POST", "/files/application", {"files": {"file": ("x.apk", b"x")}})):
        r = bb.request(method, f"{ME}/projects/{PROJECT}{path}", auth=other, **kw)
        assert r.status_code == 403 and r.json() == forbidden, (method, path)
    assert bb.get(f"{ME}/projects/{PROJECT}").json()["name"] == "Hello world"
    assert bb.get(f"{ME}/projects/{PROJECT}/runs", auth=other).status_code == 200


def test_notifications(bb):
    doc = bb.get(f"{ME}/notification/31981820").json()
    assert doc == {"id": 31981820, "email": "example@bitbar.com", "project": None, "type": "ALWAYS"}
    created = bb.post(f"{ME}/notifications", params={"email": "ops@example.com", "type": "ON_FAILURE"})
    assert created.status_code == 201 and created.json()["project"] is None
    assert bb.post(f"{ME}/notifications", params={"email": "ops@example.com", "type": "ALWAYS"}).status_code == 409
    assert bb.post(f"{ME}/notifications", params={"email": "x@example.com", "type": "SOMETIMES"}).status_code == 400
    per_project = bb.post(f"{ME}/projects/{PROJECT}/notifications", data={"email": "ops@example.com", "type": "ALWAYS"})
    assert per_project.status_code == 200 and per_project.json()["project"] == PROJECT
    assert bb.get(f"{ME}/projects/{PROJECT}/notifications").json()["total"] == 1
    assert bb.get(f"{ME}/notifications").json()["total"] == 3
    nid = created.json()["id"]
    updated = bb.post(f"{ME}/notification/{nid}", params={"type": "ALWAYS"})
    assert updated.status_code == 202 and updated.json()["type"] == "ALWAYS"
    assert bb.post(f"{ME}/notification/{nid}", params={"type": "NEVER"}).status_code == 400
    assert bb.delete(f"{ME}/notification/{nid}").status_code == 204
    assert bb.get(f"{ME}/notification/{nid}").status_code == 404


def test_deleting_a_project_removes_its_runs(bb):
    pid = bb.post(f"{ME}/projects", data={"name": "p", "type": "ANDROID"}).json()["id"]
    bb.post(f"{ME}/projects/{pid}/files/application", files={"file": ("a.apk", b"apk")})
    run = bb.post(f"{ME}/projects/{pid}/runs").json()
    assert bb.delete(f"{ME}/projects/{pid}").status_code == 204
    assert run["id"] not in [r["id"] for r in bb.get(f"{ME}/runs", params={"limit": 0}).json()["data"]]


def test_fields_clear_with_empty_values(bb):
    # the doc's defaults for hookURL and description are empty strings, so an empty value clears them
    P = f"{ME}/projects/31945182"
    assert bb.post(f"{P}/config", params={"hookURL": "https://ci.example.com/hook"}).json()["hookURL"]
    assert bb.post(f"{P}/config", params={"hookURL": ""}).status_code == 201
    assert bb.get(f"{P}/config").json()["hookURL"] == ""
    assert bb.post(P, data={"description": "nightly builds"}).json()["description"] == "nightly builds"
    assert bb.post(P, data={"description": ""}).status_code == 202
    assert bb.get(P).json()["description"] == ""


SHAREE = ("bitbar-shared-key", "")
STRANGER = ("bitbar-example-key", "")


def test_a_user_a_project_is_shared_with_runs_it_but_leaves_the_owners_runs_alone(bb):
    P = f"{ME}/projects/{PROJECT}"
    owners = f"{P}/runs/31945210"
    assert bb.post(P, params={"name": "x"}, auth=SHAREE).status_code == 403
    assert bb.post(owners, params={"name": "mine now"}, auth=SHAREE).status_code == 403
    assert bb.post(f"{owners}/tags", params={"name": "x"}, auth=SHAREE).status_code == 403
    assert bb.delete(f"{owners}/tags/1", auth=SHAREE).status_code == 403
    assert bb.post(f"{owners}/abort", auth=SHAREE).status_code == 403
    assert bb.delete(owners, auth=SHAREE).status_code == 403
    assert bb.get(owners, auth=SHAREE).json()["displayName"] == "First run"
    started = bb.post(f"{P}/runs", params={"name": "From the sharee"}, auth=SHAREE)
    assert started.status_code == 201, started.text  # on the owner's device group 4148, as the project says
    assert started.json()["startedByDisplayName"] == "Shared User"
    mine = f"{P}/runs/{started.json()['id']}"
    assert bb.post(mine, params={"name": "Renamed"}, auth=SHAREE).json()["displayName"] == "Renamed"
    assert bb.post(f"{mine}/tags", params={"name": "ok"}, auth=SHAREE).status_code == 201
    assert bb.delete(mine, auth=SHAREE).status_code == 204
    assert bb.post(f"{owners}/tags", params={"name": "owner"}).status_code == 201  # the owner keeps every right


def test_a_common_project_is_available_to_anyone(bb):
    P = f"{ME}/projects/{PROJECT}"
    assert bb.get(P, auth=STRANGER).status_code == 404
    assert bb.post(P, params={"common": "true"}).json()["common"] is True
    assert bb.get(P, auth=STRANGER).json()["id"] == PROJECT
    assert any(p["id"] == PROJECT for p in bb.get(f"{ME}/projects", auth=STRANGER).json()["data"])
    assert bb.post(P, params={"name": "x"}, auth=STRANGER).status_code == 403
    assert bb.delete(f"{P}/runs/31945210", auth=STRANGER).status_code == 403
    assert bb.post(P, params={"common": "false"}).json()["common"] is False
    assert bb.get(P, auth=STRANGER).status_code == 404


def test_a_new_projects_device_group_is_the_free_group_of_its_os_in_the_fixtures_of_the_day(bb, server, control):
    def group(**data):
        created = bb.post(f"{ME}/projects", data={"name": "defaults", **data})
        assert created.status_code == 201, created.text
        return bb.get(f"{ME}/projects/{created.json()['id']}/config").json()["usedDeviceGroupId"]

    assert (group(), group(type="IOS"), group(type="ANDROID")) == (11, 12, 11)
    data = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))
    data["deviceGroups"] = [g for g in data["deviceGroups"] if g["id"] != 11] + [
        {"id": 7, "name": "free-ios-2", "displayName": "More iOS", "userId": None, "osType": "IOS", "deviceIds": []},
        {"id": 9, "name": "free-android-2", "displayName": "Android", "userId": None, "osType": "ANDROID",
         "deviceIds": [304]}]
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "bitbar", "tenant": bb.tenant}, json=data,
                     timeout=10)
    assert r.status_code == 200, r.text
    assert (group(), group(type="IOS"), group(type="ANDROID")) == (9, 7, 9)
