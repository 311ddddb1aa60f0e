"""The public device list, device groups (user and public) and interactive device sessions."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from ...core.negotiation import empty
from . import schemas as s
from .model import artifacts, lookups
from .model import timeline as runs
from .users import share
from .device_runs import device_out, device_run_out
from .files import send
from .blueprint import blueprint, dump, dump_list, given, me_route, public, state


@blueprint.route("/api/v2/devices")
@public
def list_devices():
    rows = sorted(state().table("devices").values(), key=lambda d: d["id"])
    return dump_list(s.DeviceOut, [device_out(d) for d in rows])


@blueprint.route("/resources/images/devices/<imageName>")
@public
def device_image(imageName):
    if not imageName.endswith(".png"):
        raise VendorError(404, f"Image {imageName} not found")
    return send(artifacts.png(25, 50, (40, 40, 40)), imageName, "image/png")


def group_out(group: dict) -> dict:
    return {**group, "deviceCount": len(group["deviceIds"])}


def _groups(user_owned: bool, public_too: bool, os_type: str | None = None) -> list[dict]:
    rows = []
    for group in state().table("deviceGroups").values():
        mine = group["userId"] == lookups.user_id()
        if (user_owned and mine) or (public_too and group["userId"] is None):
            if os_type is None or group["osType"] == os_type:
                rows.append(group_out(group))
    return sorted(rows, key=lambda g: g["id"])


def _with_public() -> bool:
    return given().get("withPublic") is True


@me_route("/device-groups")
def list_device_groups():
    return dump_list(s.DeviceGroupOut, _groups(True, _with_public()))


def _project_os(projectId):
    project_type = lookups.project(projectId)["type"]
    return project_type if project_type in s.OS_TYPES else ("ANDROID" if project_type in ("CTS", "UIAUTOMATOR") else None)


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
    stamp = runs.now_ms()
    when = context.now().strftime("%Y-%m-%d_%H:%M:%S.%f")[:23]
    record = st.insert("deviceGroups", {"id": None, "name": f"{when}_{st.next_token('group', 10)}",
                                        "displayName": data["name"], "creditsPrice": 0,
                                        "userId": lookups.user_id(), "osType": data["osType"], "deviceIds": [],
                                        "createTime": stamp})
    return dump(s.DeviceGroupOut, group_out(record), 201, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>")
def get_device_group(deviceGroupId):
    return dump(s.DeviceGroupOut, group_out(lookups.device_group(deviceGroupId, owned=False)), root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>", methods=("POST",))
def update_device_group(deviceGroupId):
    group = lookups.device_group(deviceGroupId)
    data = given()
    # depends on the stored group (its devices), not on the request alone
    if "osType" in data and data["osType"] != group["osType"] and group["deviceIds"]:
        raise VendorError(400, "Remove the group's devices before changing its osType")
    if "name" in data:
        group["displayName"] = data["name"]
    group["osType"] = data.get("osType", group["osType"])
    return dump(s.DeviceGroupOut, group_out(group), 202, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>", methods=("DELETE",))
def delete_device_group(deviceGroupId):
    lookups.device_group(deviceGroupId)
    state().delete("deviceGroups", deviceGroupId)
    return empty()


@me_route("/device-groups/<int:deviceGroupId>/devices")
def list_group_devices(deviceGroupId):
    group = lookups.device_group(deviceGroupId, owned=False)
    devices = [state().get("devices", d) for d in sorted(group["deviceIds"])]
    return dump_list(s.DeviceOut, [device_out(d) for d in devices if d is not None])


@me_route("/device-groups/<int:deviceGroupId>/devices", methods=("POST",))
def add_group_device(deviceGroupId):
    group = lookups.device_group(deviceGroupId)
    device = lookups.device(given("id")["id"])
    if device["osType"] != group["osType"]:
        raise VendorError(400, f"Device {device['id']} is {device['osType']}, the group is {group['osType']}")
    if device["id"] in group["deviceIds"]:
        raise VendorError(409, f"Device {device['id']} is already in the group")
    group["deviceIds"].append(device["id"])
    # the doc answers an empty string; every POST reply must parse as JSON for the client
    return dump(s.DeviceGroupOut, group_out(group), 201, root="deviceGroup")


@me_route("/device-groups/<int:deviceGroupId>/devices/<int:deviceId>", methods=("DELETE",))
def remove_group_device(deviceGroupId, deviceId):
    group = lookups.device_group(deviceGroupId)
    if deviceId not in group["deviceIds"]:
        raise VendorError(404, f"Device with id {deviceId} not found in the group")
    group["deviceIds"].remove(deviceId)
    return empty()


@me_route("/device-groups/<int:deviceGroupId>/share", methods=("POST",))
def share_device_group(deviceGroupId):
    lookups.device_group(deviceGroupId)
    return share("DEVICE_GROUP", deviceGroupId)


# -- interactive device sessions ----------------------------------------------------------------
def _my_sessions():
    return sorted((d for d in state().table("deviceRuns").values() if d["userId"] == lookups.user_id()),
                  key=lambda d: d["id"])


@me_route("/device-sessions")
def list_device_sessions():
    return dump_list(s.DeviceRunOut, [device_run_out(d) for d in _my_sessions()])


@me_route("/device-sessions", methods=("POST",))
def start_device_session():
    device = lookups.device(given("deviceModelId")["deviceModelId"])
    if device["locked"]:
        raise VendorError(400, f"Device {device['id']} is locked")
    st = state()
    queue = runs.simulation(st)["queueSeconds"] * 1000
    record = runs.new_device_run(st, None, device, runs.now_ms() + queue, interactive=True)
    record["userId"] = lookups.user_id()
    return dump(s.DeviceRunOut, device_run_out(record), 201, root="deviceSession")


def _session(deviceSessionId):
    return lookups.owned("deviceRuns", "Device session", deviceSessionId)


@me_route("/device-sessions/<int:deviceSessionId>")
def get_device_session(deviceSessionId):
    return dump(s.DeviceRunOut, device_run_out(_session(deviceSessionId)), root="deviceSession")


@me_route("/device-sessions/<int:deviceSessionId>/release", methods=("POST",))
def release_device_session(deviceSessionId):
    session = _session(deviceSessionId)
    if not session["interactive"]:
        raise VendorError(400, "Only interactive device sessions can be released; abort the test run instead")
    runs.release(session)
    return dump(s.DeviceRunOut, device_run_out(session), root="deviceSession")
