"""Devices, device groups (user and public), interactive device sessions, frameworks, access groups."""

from __future__ import annotations

import re

import requests
import yaml

from .conftest import DEFAULT_FIXTURES, ME, PROJECT, USER_ID


def test_device_object_fields(bb, server):
    device = next(d for d in bb.get("/api/v2/devices").json()["data"] if d["id"] == 304)
    assert device["displayName"] == "Sony Xperia Z C6603" and device["imageTop"] == 40
    assert device["softwareVersion"] == {"id": 20, "releaseVersion": "4.1.2", "apiLevel": 16}
    assert device["frame80Url"] == f"{server.vendor_url('bitbar')}/resources/images/devices/Sony-Xperia-Z-h80.png"
    image = bb.get(device["frame80Url"][len(bb.base_url):])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert bb.get("/resources/images/devices/x.gif").status_code == 404


def test_doc_device_group_examples(bb):
    group = bb.get(f"{ME}/device-groups/4148").json()
    assert group == {"id": 4148, "name": "2013-10-31_12:42:52.349_7de7edf7c7", "displayName": "Crash test group",
                     "deviceCount": 1, "creditsPrice": 0, "userId": USER_ID, "osType": "ANDROID"}
    added = bb.post(f"{ME}/device-groups/4148/devices", params={"id": 337})
    assert added.status_code == 201 and added.json()["deviceCount"] == 2
    assert bb.post(f"{ME}/device-groups/4148/devices", params={"id": 337}).status_code == 409
    assert bb.post(f"{ME}/device-groups/4148/devices", params={"id": 400}).status_code == 400
    assert bb.post(f"{ME}/device-groups/4148/devices", params={"id": 9}).status_code == 404
    assert bb.post(f"{ME}/device-groups/4148/devices", params={}).status_code == 400
    devices = bb.get(f"{ME}/device-groups/4148/devices").json()
    assert [d["id"] for d in devices["data"]] == [304, 337]
    assert bb.delete(f"{ME}/device-groups/4148/devices/337").status_code == 204
    assert bb.delete(f"{ME}/device-groups/4148/devices/337").status_code == 404


def test_device_group_crud(bb):
    created = bb.post(f"{ME}/device-groups", params={"name": "Crash test group", "osType": "IOS"})
    assert created.status_code == 201
    body = created.json()
    assert body["displayName"] == "Crash test group" and body["deviceCount"] == 0 and body["osType"] == "IOS"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_\d{2}:\d{2}:\d{2}\.\d{3}_[0-9a-f]{10}", body["name"]), body["name"]
    gid = body["id"]
    renamed = bb.post(f"{ME}/device-groups/{gid}", params={"name": "New group name"})
    assert renamed.status_code == 202 and renamed.json()["displayName"] == "New group name"
    assert bb.post(f"{ME}/device-groups/{gid}", params={"osType": "SYMBIAN"}).status_code == 400
    assert bb.post(f"{ME}/device-groups", params={"name": "x", "osType": "SYMBIAN"}).status_code == 400
    assert bb.post(f"{ME}/device-groups", params={"osType": "IOS"}).status_code == 400
    assert bb.delete(f"{ME}/device-groups/{gid}").status_code == 204
    assert bb.get(f"{ME}/device-groups/{gid}").status_code == 404


def test_changing_os_of_a_group_with_devices_is_refused(bb):
    r = bb.post(f"{ME}/device-groups/4148", params={"osType": "IOS"})
    assert r.status_code == 400 and bb.get(f"{ME}/device-groups/4148").json()["osType"] == "ANDROID"


def test_group_lists(bb):
    mine = bb.get(f"{ME}/device-groups", params={"limit": 0}).json()
    assert [g["id"] for g in mine["data"]] == [4148, 4150, 4151]
    with_public = bb.get(f"{ME}/device-groups", params={"withPublic": "true"}).json()
    assert [g["id"] for g in with_public["data"]] == [11, 12, 4148, 4150, 4151]
    assert [g["id"] for g in bb.get(f"{ME}/projects/{PROJECT}/device-groups").json()["data"]] == [4148, 4150]
    assert [g["id"] for g in bb.get(f"{ME}/projects/{PROJECT}/public-device-groups").json()["data"]] == [11]
    public_devices = bb.get(f"/api/v2/users/{USER_ID}/device-groups/11/devices", params={"limit": 0}).json()
    assert [d["id"] for d in public_devices["data"]] == [304, 337, 360]
    assert bb.post(f"{ME}/device-groups/11/devices", params={"id": 361}).status_code == 404
    assert bb.delete(f"{ME}/device-groups/11").status_code == 404


def test_frameworks(bb):
    body = bb.get(f"{ME}/available-frameworks", params={"limit": 0, "filter": "osType_eq_IOS"}).json()
    assert sorted(f["id"] for f in body["data"]) == [34, 612]


def test_interactive_device_session(bb, clock):
    clock.set()
    started = bb.post(f"{ME}/device-sessions", data={"deviceModelId": 360})
    assert started.status_code == 201 and started.json()["state"] == "WAITING"
    sid = started.json()["id"]
    clock.advance(10)
    assert bb.get(f"{ME}/device-sessions/{sid}").json()["currentState"]["deviceRunStateType"] == \
        "DEVICE_REMOTECONTROL_RUNNING"
    released = bb.post(f"{ME}/device-sessions/{sid}/release")
    assert released.status_code == 200 and released.json()["state"] == "SUCCEEDED"
    assert sid in [s["id"] for s in bb.get(f"{ME}/device-sessions", params={"limit": 0}).json()["data"]]
    assert bb.post(f"{ME}/device-sessions", data={"deviceModelId": 9}).status_code == 404
    assert bb.post(f"{ME}/device-sessions/31949802/release").status_code == 400
    assert bb.get(f"{ME}/device-sessions/1").status_code == 404


def test_access_groups_and_sharing(bb):
    created = bb.post(f"{ME}/access-groups", data={"name": "QA", "scope": "USER"})
    assert created.status_code == 201 and created.json()["userEmail"] == "demo@example.com"
    gid = created.json()["id"]
    assert bb.post(f"{ME}/access-groups", data={"name": "QA", "scope": "WORLD"}).status_code == 400
    assert bb.post(f"{ME}/access-groups/{gid}", data={"name": "QA team"}).json()["name"] == "QA team"
    member = bb.post(f"{ME}/access-groups/{gid}/users", data={"email": "example@bitbar.com"})
    assert member.status_code == 201
    assert bb.post(f"{ME}/access-groups/{gid}/users", data={"email": "example@bitbar.com"}).status_code == 409
    assert bb.post(f"{ME}/access-groups/{gid}/users", data={"email": "ghost@bitbar.com"}).status_code == 404
    users = bb.get(f"{ME}/access-groups/{gid}/users").json()["data"]
    assert users == [{"id": 278816, "email": "example@bitbar.com"}]
    assert bb.get(f"{ME}/access-groups/{gid}/users/278816").json()["email"] == "example@bitbar.com"
    for path in (f"projects/{PROJECT}", "device-groups/4148", "files/27170"):
        assert bb.post(f"{ME}/{path}/share", data={"accessGroupId": gid}).status_code == 201, path
    assert bb.post(f"{ME}/projects/{PROJECT}/share", data={"accessGroupId": gid}).status_code == 409
    assert bb.post(f"{ME}/projects/{PROJECT}/share", data={"accessGroupId": 999}).status_code == 404
    resources = bb.get(f"{ME}/access-groups/{gid}/resources").json()["data"]
    assert [r["type"] for r in resources] == ["PROJECT", "DEVICE_GROUP", "FILE"]
    rid = resources[0]["id"]
    assert bb.get(f"{ME}/access-groups/{gid}/resources/{rid}").json()["resourceId"] == PROJECT
    assert bb.delete(f"{ME}/access-groups/{gid}/resources/{rid}").status_code == 204
    assert bb.get(f"{ME}/access-groups/{gid}/resources/{rid}").status_code == 404
    assert bb.delete(f"{ME}/access-groups/{gid}/users/278816").status_code == 204
    assert bb.get(f"{ME}/access-groups/{gid}/users/278816").status_code == 404
    assert bb.get(f"{ME}/access-groups").json()["total"] == 1
    assert bb.delete(f"{ME}/access-groups/{gid}").status_code == 204
    assert bb.get(f"{ME}/access-groups/{gid}").status_code == 404


# -- device groups against projects ---------------------------------------------------------------
def test_group_credits_price_is_what_its_devices_cost(bb):
    gid = bb.post(f"{ME}/device-groups", params={"name": "paid", "osType": "ANDROID"}).json()["id"]
    assert bb.post(f"{ME}/device-groups/{gid}/devices", params={"id": 361}).json()["creditsPrice"] == 2
    assert bb.post(f"{ME}/device-groups/{gid}/devices", params={"id": 360}).json()["creditsPrice"] == 2
    assert bb.get(f"{ME}/device-groups/{gid}").json()["creditsPrice"] == 2
    assert bb.delete(f"{ME}/device-groups/{gid}/devices/361").status_code == 204
    listed = {g["id"]: g for g in bb.get(f"{ME}/device-groups", params={"limit": 0}).json()["data"]}
    assert listed[gid]["creditsPrice"] == 0


def test_deleting_a_group_a_project_runs_on_falls_back_to_the_free_group(bb):
    project = f"{ME}/projects/{PROJECT}"
    assert bb.get(f"{project}/config").json()["usedDeviceGroupId"] == 4148
    access = bb.post(f"{ME}/access-groups", data={"name": "qa"}).json()["id"]
    assert bb.post(f"{ME}/device-groups/4148/share", data={"accessGroupId": access}).status_code == 201
    assert bb.delete(f"{ME}/device-groups/4148").status_code == 204
    assert bb.get(f"{project}/config").json()["usedDeviceGroupId"] == 11  # Free Android devices
    assert bb.get(f"{ME}/access-groups/{access}/resources").json()["total"] == 0
    run = bb.post(f"{project}/runs")
    assert run.status_code == 201 and run.json()["deviceCount"] == 3


def test_config_mode_must_suit_the_project_type(bb):
    config = f"{ME}/projects/{PROJECT}/config"  # an ANDROID project
    r = bb.post(config, params={"mode": "IOS"})
    assert r.status_code == 400 and r.json() == {"statusCode": 400,
                                                 "message": "Mode IOS is not available for ANDROID projects"}
    assert bb.get(config).json()["mode"] == "FULL_RUN"
    assert bb.post(config, params={"mode": "APP_CRAWLER"}).json()["mode"] == "APP_CRAWLER"
    ios = bb.post(f"{ME}/projects", data={"name": "ios", "type": "IOS"}).json()["id"]
    assert bb.post(f"{ME}/projects/{ios}/config", params={"mode": "CTS"}).status_code == 400
    generic = bb.post(f"{ME}/projects", data={"name": "any"}).json()["id"]
    assert bb.post(f"{ME}/projects/{generic}/config", params={"mode": "IOS"}).json()["mode"] == "IOS"


def test_config_device_group_must_run_the_projects_os(bb):
    config = f"{ME}/projects/{PROJECT}/config"
    r = bb.post(config, params={"usedDeviceGroupId": 4151, "scheduler": "SERIAL"})  # iOS smoke
    assert r.status_code == 400 and r.json()["message"] == "Device group 4151 is IOS, not ANDROID"
    assert bb.get(config).json()["usedDeviceGroupId"] == 4148 and bb.get(config).json()["scheduler"] == "PARALLEL"
    assert bb.post(config, params={"usedDeviceGroupId": 12}).status_code == 400  # free iOS
    assert bb.post(config, params={"usedDeviceGroupId": 4150}).json()["usedDeviceGroupId"] == 4150


def test_a_waiting_run_with_a_locked_device_counts_it_finished_in_both_fields(bb, clock):
    clock.set()
    gid = bb.post(f"{ME}/device-groups", params={"name": "with locked", "osType": "ANDROID"}).json()["id"]
    for device in (360, 362):  # 362 is locked
        bb.post(f"{ME}/device-groups/{gid}/devices", params={"id": device})
    bb.post(f"{ME}/projects/{PROJECT}/config", params={"usedDeviceGroupId": gid})
    run = bb.post(f"{ME}/projects/{PROJECT}/runs").json()
    assert run["state"] == "WAITING" and run["deviceCount"] == 2
    assert run["finishedDeviceCount"] == 1 and run["executionRatio"] == 0.5 and run["successRatio"] == 0.0
    clock.advance(40)
    done = bb.get(f"{ME}/projects/{PROJECT}/runs/{run['id']}").json()
    assert done["state"] == "FINISHED" and done["finishedDeviceCount"] == 2 and done["executionRatio"] == 1.0


def test_a_device_list_follows_new_fixtures_and_each_way_of_naming_the_tenant(bb, server, control):
    def listed(path="/api/v2/devices", **params):
        return next(d for d in bb.get(path, params={"limit": 20, **params}).json()["data"] if d["id"] == 304)

    before = listed()
    assert before["locked"] is False and before["softwareVersion"]["apiLevel"] == 16
    data = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))
    device = next(d for d in data["devices"] if d["id"] == 304)
    device.update(locked=True, imagePrefix="Sony-Xperia-Z-2", creditsPrice=3)
    device["softwareVersion"]["apiLevel"] = 17
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "bitbar", "tenant": bb.tenant}, json=data,
                     timeout=10)
    assert r.status_code == 200, r.text
    after = listed(search="sony")  # (another query, so no kept answer could be given)
    assert after["locked"] is True and after["creditsPrice"] == 3 and after["softwareVersion"]["apiLevel"] == 17
    assert after["frame80Url"] == f"{server.vendor_url('bitbar')}/resources/images/devices/Sony-Xperia-Z-2-h80.png"
    assert listed() == after
    # the tenant named in the path alone: the links name it too
    headers = {k: v for k, v in bb.session.headers.items() if k != "X-Mock-Tenant"}
    r = requests.get(f"{bb.page_base}/api/v2/devices", auth=bb.session.auth, headers=headers, timeout=10)
    in_path = next(d for d in r.json()["data"] if d["id"] == 304)
    assert in_path["frame80Url"] == f"{bb.page_base}/resources/images/devices/Sony-Xperia-Z-2-h80.png"
    assert in_path == {**after, **{k: v.replace(bb.base_url, bb.page_base) for k, v in after.items() if "Url" in k}}
    assert listed() == after


def test_a_device_page_answers_whatever_size_its_offset_and_limit(bb):
    """A kept page goes out as the text it was written as once; with an offset or limit beyond what orjson
    writes (64 bits) the whole answer is written by the json module, rows included, never a 500."""
    small = bb.get("/api/v2/devices", params={"limit": 20})
    assert small.status_code == 200 and small.json()["data"]
    for params in ({"limit": 2 ** 70}, {"offset": 2 ** 70}, {"limit": 2 ** 63}, {"limit": 20, "offset": 0}):
        r = bb.get("/api/v2/devices", params=params)
        assert r.status_code == 200, (params, r.text)
        page = r.json()
        assert page["limit"] == params.get("limit", 20) and page["offset"] == params.get("offset", 0)
        assert page["data"] == ([] if "offset" in params and params["offset"] else small.json()["data"])
