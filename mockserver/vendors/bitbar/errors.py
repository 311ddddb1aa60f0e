"""Every error Bitbar answers, in its own wording; rendered as `{statusCode, message}` (XML unless JSON is asked).

The only module of the package that builds a VendorError.
"""

from __future__ import annotations

from ...core.errors import VendorError

UNAUTHORIZED = "Full authentication is required to access this resource"
FORBIDDEN = "User is not authorized to access this resource"
MISSING_FILE = "Missing file: send multipart/form-data with a 'file' part"
NO_DEVICES = "No devices selected for the test run"


# -- the contract ------------------------------------------------------------------------------
def invalid_request(message: str, problem) -> VendorError:
    """A request the spec forbids (Vendor.contract_error), worded like the handlers' own 400s."""
    return VendorError(400, message, spec_violations=[str(problem)])


def missing_field(name: str) -> VendorError:
    return VendorError(400, f"{name}: Missing data for required field.")


# -- sign-in -----------------------------------------------------------------------------------
def unauthorized() -> VendorError:
    return VendorError(401, UNAUTHORIZED)


def token_expired(token: str) -> VendorError:
    return VendorError(401, f"Access token expired: {token}")


def bad_client_credentials() -> VendorError:
    return VendorError(401, "Bad client credentials")


def password_grant_incomplete() -> VendorError:
    return VendorError(400, "username and password are required for grant_type=password")


def bad_credentials() -> VendorError:
    return VendorError(400, "Bad credentials")


def invalid_refresh_token(token: str) -> VendorError:
    return VendorError(400, f"Invalid refresh token: {token}")


def forbidden() -> VendorError:
    return VendorError(403, FORBIDDEN)


# -- not found: "<What> with id <id> not found" ------------------------------------------------
def _missing(what: str, ident) -> VendorError:
    return VendorError(404, f"{what} with id {ident} not found")


def user_not_found(user_id) -> VendorError:
    return _missing("User", user_id)


def user_email_not_found(email: str) -> VendorError:
    return VendorError(404, f"User with email {email} not found")


def project_not_found(project_id) -> VendorError:
    return _missing("Project", project_id)


def run_not_found(run_id) -> VendorError:
    return _missing("Test run", run_id)


def device_run_not_found(device_run_id) -> VendorError:
    return _missing("Device run", device_run_id)


def device_session_not_found(session_id) -> VendorError:
    return _missing("Device session", session_id)


def device_not_found(device_id) -> VendorError:
    return _missing("Device", device_id)


def device_group_not_found(group_id) -> VendorError:
    return _missing("Device group", group_id)


def file_not_found(file_id) -> VendorError:
    return _missing("File", file_id)


def notification_not_found(notification_id) -> VendorError:
    return _missing("Notification", notification_id)


def access_group_not_found(group_id) -> VendorError:
    return _missing("Access group", group_id)


def access_group_user_not_found(member_id) -> VendorError:
    return _missing("Access group user", member_id)


def access_group_resource_not_found(resource_id) -> VendorError:
    return _missing("Access group resource", resource_id)


def parameter_not_found(parameter_id) -> VendorError:
    return _missing("Parameter", parameter_id)


def sharing_not_found(sharing_id) -> VendorError:
    return _missing("Sharing", sharing_id)


def state_not_found(state_id) -> VendorError:
    return _missing("State", state_id)


def screenshot_not_found(screenshot_id) -> VendorError:
    return _missing("Screenshot", screenshot_id)


def tag_not_found(tag_id) -> VendorError:
    return _missing("Tag", tag_id)


def file_set_not_found(file_set_id) -> VendorError:
    return _missing("File set", file_set_id)


def file_not_in_set(file_id) -> VendorError:
    return VendorError(404, f"File with id {file_id} not found in the file set")


def device_not_in_group(device_id) -> VendorError:
    return VendorError(404, f"Device with id {device_id} not found in the group")


def image_not_found(name: str) -> VendorError:
    return VendorError(404, f"Image {name} not found")


def no_icon(project_id) -> VendorError:
    return VendorError(404, f"Project {project_id} has no application to take an icon from")


def project_has_no_file(project_id, role: str) -> VendorError:
    return VendorError(404, f"Project {project_id} has no {role} file")


def run_has_no_file(run_id, role: str) -> VendorError:
    return VendorError(404, f"Test run {run_id} has no {role} file")


def file_not_ready(file_id) -> VendorError:
    return VendorError(404, f"File {file_id} is not ready yet")


def no_results_yet(device_run_id) -> VendorError:
    return VendorError(404, f"Device run {device_run_id} has no results yet")


def screenshots_not_ready() -> VendorError:
    return VendorError(404, "Screenshots package is not ready: POST screenshots.zip and wait for READY")


# -- list queries ------------------------------------------------------------------------------
def not_a_number(name: str, raw) -> VendorError:
    return VendorError(400, f"Parameter '{name}' must be a number, got '{raw}'")


def negative(name: str) -> VendorError:
    return VendorError(400, f"Parameter '{name}' must not be negative")


def invalid_sort(part: str) -> VendorError:
    return VendorError(400, f"Invalid sort '{part}': use field_a or field_d")


def unknown_sort_field(field: str) -> VendorError:
    return VendorError(400, f"Unknown sort field '{field}'")


def invalid_filter(part: str) -> VendorError:
    return VendorError(400, f"Invalid filter '{part}': use field_operator_value")


def unknown_filter_field(field: str) -> VendorError:
    return VendorError(400, f"Unknown filter field '{field}'")


def unknown_filter_operator(op: str) -> VendorError:
    return VendorError(400, f"Unknown filter operator '{op}'")


def filter_lacks_value(part: str) -> VendorError:
    return VendorError(400, f"Filter '{part}' lacks a value")


# -- conflicts: already there ------------------------------------------------------------------
def notification_exists(email: str) -> VendorError:
    return VendorError(409, f"Notification for {email} already exists")


def access_group_user_exists(email: str) -> VendorError:
    return VendorError(409, f"User {email} is already in the access group")


def already_in_access_group(kind: str, resource_id) -> VendorError:
    return VendorError(409, f"{kind} {resource_id} is already shared with this access group")


def file_already_in_set(file_id) -> VendorError:
    return VendorError(409, f"File {file_id} is already in the file set")


def device_already_in_group(device_id) -> VendorError:
    return VendorError(409, f"Device {device_id} is already in the group")


def parameter_exists(key: str) -> VendorError:
    return VendorError(409, f"Parameter with key '{key}' already exists")


def already_shared_with(email: str) -> VendorError:
    return VendorError(409, f"Project is already shared with {email}")


def tag_exists(name: str) -> VendorError:
    return VendorError(409, f"Tag '{name}' already exists on this test run")


# -- rules of the domain -----------------------------------------------------------------------
def group_has_devices() -> VendorError:
    return VendorError(400, "Remove the group's devices before changing its osType")


def device_os_not_group_os(device: dict, group: dict) -> VendorError:
    return VendorError(400, f"Device {device['id']} is {device['osType']}, the group is {group['osType']}")


def device_locked(device_id) -> VendorError:
    return VendorError(400, f"Device {device_id} is locked")


def not_interactive() -> VendorError:
    return VendorError(400, "Only interactive device sessions can be released; abort the test run instead")


def missing_file() -> VendorError:
    return VendorError(400, MISSING_FILE)


def storage_quota_exceeded() -> VendorError:
    return VendorError(413, "Storage quota of this account exceeded")


def mode_not_for_project(mode: str, project_type: str) -> VendorError:
    return VendorError(400, f"Mode {mode} is not available for {project_type} projects")


def uiautomator_classes_required() -> VendorError:
    return VendorError(400, "uiAutomatorTestClasses is required in UIAUTOMATOR mode")


def shared_with_owner() -> VendorError:
    return VendorError(400, "A project cannot be shared with its owner")


def no_devices() -> VendorError:
    return VendorError(400, NO_DEVICES)


def no_application() -> VendorError:
    return VendorError(400, "Upload an application file before starting a test run")


def framework_not_found(framework_id) -> VendorError:
    return VendorError(400, f"Framework with id {framework_id} not found")


def framework_os_mismatch(framework: dict, os_type: str) -> VendorError:
    return VendorError(400, f"Framework {framework['id']} is for {framework['osType']}, not {os_type}")


def input_file_not_found(file_id) -> VendorError:
    """A run configuration naming a file the caller has not uploaded: a 400, not a 404."""
    return VendorError(400, f"File with id {file_id} not found")


def file_infected(name: str) -> VendorError:
    return VendorError(400, f"File {name} was rejected by the virus scan")


def config_needs_file() -> VendorError:
    return VendorError(400, "The configuration needs at least one application or test file")


def group_os_mismatch(group: dict, os_type: str) -> VendorError:
    return VendorError(400, f"Device group {group['id']} is {group['osType']}, not {os_type}")


def devices_wrong_os(wrong: list, os_type: str) -> VendorError:
    return VendorError(400, f"Devices {wrong} do not run {os_type}")


def device_run_not_finished(device_run_id) -> VendorError:
    return VendorError(400, f"Device run {device_run_id} has not finished yet")
