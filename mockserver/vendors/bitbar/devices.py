"""The public device list, device groups (user and public) and interactive device sessions."""

from __future__ import annotations

from ...core import context
from ...core.auth import public
from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import (
    blueprint,
    caller,
    device_run_out,
    devices_dumped,
    dump,
    dump_list,
    given,
    me,
    me_route,
    send,
    share,
    state,
)
from .model import artifacts, timeline
from .model.projects import forget_device_group, project_os


@blueprint.route("/api/v2/devices")
@public
def list_devices():
    def every():  # (what a filter, search or sort renders: in key order, the key being the id)
        return sorted(state().peek_values("devices"), key=lambda device: device["id"])

    # public: the page is the same for every caller
    return dump_list(s.DeviceOut, _ordered_devices, rows=devices_dumped, every=every, kept="devices")


def _ordered_devices():
    return state().ordered("devices")


@blueprint.route("/resources/images/devices/<imageName>")
@public
def device_image(imageName):
    if not imageName.endswith(".png"):
        raise errors.image_not_found(imageName)
    return send(artifacts.device_image_png(), imageName, "image/png")


def group_out(group: dict) -> dict:
    price = group.get("creditsPrice")
    if price is None:  # the doc's "using group cost": what running on each of its devices costs
        st = state()
        price = sum(st.get("devices", d)["creditsPrice"] for d in group["deviceIds"] if st.get("devices", d))
    return {**group, "deviceCount": len(group["deviceIds"]), "creditsPrice": price}


def _groups(user_owned: bool, public_too: bool, os_type: str | None = None) -> list[dict]:
    st = state()
    groups = (st.where("deviceGroups", "userId", me()["id"]) if user_owned else []) + \
        (st.where("deviceGroups", "userId", None) if public_too else [])
    rows = [group_out(g) for g in groups if os_type is None or g["osType"] == os_type]
    return sorted(rows, key=lambda g: g["id"])


def _with_public() -> bool:
    return given().get("withPublic") is True


@me_route("/device-groups")
def list_device_groups():
    return dump_list(s.DeviceGroupOut, _groups(True, _with_public()))


def _project_os(projectId):
    return project_os(caller().project(projectId))


@me_route("/projects/<int:projectId>/device-groups")
def list_project_device_groups(projectId):
    return dump_list(s.DeviceGroupOut, _groups(True, False, _project_os(projectId)))


@me_route("/projects/<int:projectId>/public-device-groups")
def list_project_public_device_groups(projectId):
    return dump_list(s.DeviceGroupOut, _groups(False, True, _project_os(projectId)))


@me_route("/device-groups", methods=("POST",))
def create_device_group():
    data = given("name", "osType")
    st = state()
    stamp = context.now_ms()
    when = context.now().strftime("%Y-%m-%d_%H:%M:%S.%f")[:23]
    record = st.insert("deviceGroups", {"id": None, "name": f"{when}_{st.next_token('group', 10)}",
                                        "displayName": data["name"], "creditsPrice": None,
                                        "userId": me()["id"], "osType": data["osType"], "deviceIds": [],
                                        "createTime": stamp})
    return dump(s.DeviceGroupOut, group_out(record), 201, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>")
def get_device_group(deviceGroupId):
    return dump(s.DeviceGroupOut, group_out(caller().device_group(deviceGroupId, owned=False)), root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>", methods=("POST",))
def update_device_group(deviceGroupId):
    group = caller().device_group(deviceGroupId)
    data = given()
    # depends on the stored group (its devices), not on the request alone
    if "osType" in data and data["osType"] != group["osType"] and group["deviceIds"]:
        raise errors.group_has_devices()
    if "name" in data:
        group["displayName"] = data["name"]
    group["osType"] = data.get("osType", group["osType"])
    return dump(s.DeviceGroupOut, group_out(group), 202, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>", methods=("DELETE",))
def delete_device_group(deviceGroupId):
    caller().device_group(deviceGroupId)
    state().delete("deviceGroups", deviceGroupId)
    # plausibly the service's way (the doc is silent): the group goes, references to it fall back, no refusal
    forget_device_group(state(), deviceGroupId)
    return empty()


@me_route("/device-groups/<int:deviceGroupId>/devices")
def list_group_devices(deviceGroupId):
    group = caller().device_group(deviceGroupId, owned=False)  # (whether the caller sees it: asked every time)

    def devices():
        found = [state().get("devices", d) for d in sorted(group["deviceIds"])]
        return [d for d in found if d is not None]

    return dump_list(s.DeviceOut, devices, rows=devices_dumped, kept=("group devices", deviceGroupId))


@me_route("/device-groups/<int:deviceGroupId>/devices", methods=("POST",))
def add_group_device(deviceGroupId):
    group = caller().device_group(deviceGroupId)
    device = caller().device(given("id")["id"])
    if device["osType"] != group["osType"]:
        raise errors.device_os_not_group_os(device, group)
    if device["id"] in group["deviceIds"]:
        raise errors.device_already_in_group(device["id"])
    group["deviceIds"].append(device["id"])
    # the doc answers an empty string; every POST reply must parse as JSON for the client
    return dump(s.DeviceGroupOut, group_out(group), 201, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>/devices/<int:deviceId>", methods=("DELETE",))
def remove_group_device(deviceGroupId, deviceId):
    group = caller().device_group(deviceGroupId)
    if deviceId not in group["deviceIds"]:
        raise errors.device_not_in_group(deviceId)
    group["deviceIds"].remove(deviceId)
    return empty()


@me_route("/device-groups/<int:deviceGroupId>/share", methods=("POST",))
def share_device_group(deviceGroupId):
    caller().device_group(deviceGroupId)
    return share("DEVICE_GROUP", deviceGroupId)


# -- interactive device sessions ----------------------------------------------------------------
def _my_sessions():
    return sorted(state().where("deviceRuns", "userId", me()["id"]), key=lambda d: d["id"])


@me_route("/device-sessions")
def list_device_sessions():
    return dump_list(s.DeviceRunOut, _my_sessions(), out=device_run_out)


@me_route("/device-sessions", methods=("POST",))
def start_device_session():
    device = caller().device(given("deviceModelId")["deviceModelId"])
    if device["locked"]:
        raise errors.device_locked(device["id"])
    st = state()
    queue = timeline.simulation(st)["queueSeconds"] * 1000
    record = timeline.new_device_run(st, None, device, context.now_ms() + queue, context.now_ms(), interactive=True,
                                     user_id=me()["id"])
    return dump(s.DeviceRunOut, device_run_out(record), 201, root="deviceSession")


def _session(deviceSessionId):
    return caller().owned("deviceRuns", deviceSessionId, errors.device_session_not_found)


@me_route("/device-sessions/<int:deviceSessionId>")
def get_device_session(deviceSessionId):
    return dump(s.DeviceRunOut, device_run_out(_session(deviceSessionId)), root="deviceSession")


@me_route("/device-sessions/<int:deviceSessionId>/release", methods=("POST",))
def release_device_session(deviceSessionId):
    session = _session(deviceSessionId)
    if not session["interactive"]:
        raise errors.not_interactive()
    timeline.release(session, context.now_ms())
    return dump(s.DeviceRunOut, device_run_out(session), root="deviceSession")
