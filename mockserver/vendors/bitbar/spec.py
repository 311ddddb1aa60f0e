"""The OpenAPI spec of this vendor, built from one table of operations and the marshmallow schemas.

The spec repeats every account operation under three prefixes and has ~350 operations, so it is
generated rather than hand-written: `python -m mockserver.vendors.bitbar.spec` rewrites
openapi/bitbar.yaml. The server never imports this module.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from marshmallow import fields as mf

from . import schemas as S

SPEC_FILE = Path(__file__).resolve().parents[3] / "openapi" / "bitbar.yaml"

ME = ("/api/v2/me", "/api/me", "/api/v2/users/{userId}")
OBJECTS = {
    "User": S.UserOut, "Token": S.TokenOut, "Device": S.DeviceOut, "DeviceGroup": S.DeviceGroupOut,
    "Project": S.ProjectOut, "ProjectConfig": S.ProjectConfigOut, "ProjectConfigParameter": S.ParameterOut,
    "File": S.LegacyFileOut, "FileTest": S.LegacyTestFileOut, "UserFile": S.FileOut, "FileProperty": S.FilePropertyOut,
    "Share": S.ShareOut, "Tag": S.TagOut, "Notification": S.NotificationOut, "State": S.StateOut,
    "DeviceRun": S.DeviceRunOut, "TestRun": S.TestRunOut, "Screenshot": S.ScreenshotOut,
    "PerformanceItem": S.PerformanceItemOut, "Framework": S.FrameworkOut, "AccessGroup": S.AccessGroupOut,
    "AccessGroupUser": S.AccessGroupUserOut, "AccessGroupResource": S.AccessGroupResourceOut,
    "SoftwareVersion": S.SoftwareVersionSchema,
}
NAME_OF = {cls: name for name, cls in OBJECTS.items()}
EXAMPLES = {
    "Project": {"id": 31945182, "name": "Hello world", "description": "", "type": "ANDROID", "common": False,
                "sharedById": None, "createTime": 1383042000000},
    "Tag": {"id": 32058490, "name": "important"},
    "Share": {"id": 173, "userId": 278815, "userEmail": "shared.email@bitbar.com"},
    "Notification": {"id": 31981820, "email": "example@bitbar.com", "project": None, "type": "ALWAYS"},
    "ProjectConfigParameter": {"id": 1, "key": "devel", "value": "true"},
    "Token": {"access_token": "4cf57a0a-7c8b-42a4-b447-6e05ff8f94ab", "token_type": "bearer",
              "refresh_token": "f1bc0a64-a4bd-46c0-b230-d8977b1d0cbb", "expires_in": 3599, "scope": "read write"},
    "File": {"id": 27170, "originalName": "BitbarSampleApp.apk", "readableSize": "4.9 MB", "uploadTime": 1383042074000},
    "Screenshot": {"id": 31950177, "originalName": "com.bitbar.moviestests.MoviesTesting.testDetailTabs_scr_1.png",
                   "fail": False, "type": "PORTRAIT", "deviceRunId": 31949802},
    "State": {"id": 4717188, "deviceRunId": 31949802, "startTimeMS": 1383570817797, "finishTimeMS": 1383570829052,
              "retryTime": None, "failReason": None, "status": "SUCCEEDED", "deviceRunStateType": "RESULTS_PROCESSING"},
    "SoftwareVersion": {"id": 20, "releaseVersion": "4.1.2", "apiLevel": 16},
    "TestRun": {"id": 31945210, "number": 1, "createTime": 1383052550308, "displayName": "First run",
                "executionRatio": None, "successRatio": None, "startedByDisplayName": "Mr Testrunner",
                "state": "WAITING", "screenshotZipState": "BLANK"},
    "DeviceGroup": {"id": 4148, "name": "2013-10-31_12:42:52.349_7de7edf7c7", "displayName": "Crash test group",
                    "deviceCount": 0, "creditsPrice": 0, "userId": 31595291, "osType": "ANDROID"},
    "FileTest": {"id": 27171, "originalName": "BitbarSampleAppTest.apk", "readableSize": "82 KB",
                 "uploadTime": 1383045389000, "mainActivity": None, "minSdk": 4,
                 "packageName": "com.bitbar.testdroid.test"},
    "PerformanceItem": {"packageName": "com.bitbar.movies", "cpuUsage": 0.1, "timestamp": 1383570799261,
                        "memUsage": 14216},
    "ProjectConfig": {"id": 31425, "projectId": 31945182, "scheduler": "PARALLEL", "mode": "FULL_RUN",
                      "autoScreenshots": False, "runAvailable": True, "screenshotDir": "", "limitationType": None,
                      "limitationValue": "", "withAnnotation": "", "withoutAnnotation": None,
                      "applicationUsername": "", "applicationPassword": "", "usedDeviceGroupId": 4148,
                      "creditsPrice": 0, "deviceLanguageCode": "en_US", "hookURL": "",
                      "uiAutomatorTestClasses": None, "launchApp": False, "instrumentationRunner": "",
                      "checkApp": False},
    "Device": {"id": 304, "displayName": "Sony Xperia Z C6603",
               "softwareVersion": {"id": 20, "releaseVersion": "4.1.2", "apiLevel": 16}, "creditsPrice": 0,
               "imagePrefix": "Sony-Xperia-Z", "imageTop": 40, "imageLeft": 32, "imageWidth": 185,
               "imageHeight": 340, "frameExtraWidth": None, "osType": "ANDROID"},
}
OPTIONAL = {"User": set(), "DeviceRun": set()}


def field_schema(field):
    if isinstance(field, mf.Nested):
        target = field.nested if isinstance(field.nested, type) else type(field.nested)
        if target not in NAME_OF:
            return params_schema(target)
        out = {"$ref": f"#/components/schemas/{NAME_OF[target]}"}
        return {"oneOf": [out, {"type": "null"}]} if field.allow_none else out
    if isinstance(field, mf.List):
        out = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, mf.Integer):
        out = {"type": "integer"}
    elif isinstance(field, mf.Float):
        out = {"type": "number"}
    elif isinstance(field, mf.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, mf.Email):
        out = {"type": "string", "format": "email"}
    else:
        out = {"type": "string"}
    for v in field.validators:
        if hasattr(v, "choices"):
            out["enum"] = list(v.choices)
    if field.allow_none and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
    return out


def object_schema(name, cls):
    inst = cls()
    props = {k: field_schema(f) for k, f in inst.fields.items()}
    out = {"type": "object", "properties": props, "required": sorted(props)}
    if name in EXAMPLES:
        out["examples"] = [EXAMPLES[name]]
    return out


def params_schema(cls):
    inst = cls()
    props = {}
    for k, f in inst.fields.items():
        props[k] = field_schema(f)
        if isinstance(f, mf.Boolean):
            props[k] = {"oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}]}
    req = sorted(k for k, f in inst.fields.items() if f.required)
    out = {"type": "object", "properties": props}
    if req:
        out["required"] = req
    return out


ENVELOPE = {
    "type": "object",
    "required": ["next", "previous", "data", "offset", "limit", "total", "search", "sort", "empty"],
    "properties": {
        "next": {"type": ["string", "null"], "description": "Absolute URL of the next page"},
        "previous": {"type": ["string", "null"], "description": "Absolute URL of the previous page"},
        "data": {"type": "array", "items": {}},
        "offset": {"type": "integer"}, "limit": {"type": "integer"}, "total": {"type": "integer"},
        "search": {"type": "string"}, "sort": {"type": "string"}, "empty": {"type": "boolean"},
    },
    "examples": [{"next": None, "previous": None, "data": [], "offset": 0, "limit": 20, "total": 0,
                  "search": "", "sort": "", "empty": True}],
}


def query_schema(prop):
    """A body field as a query parameter: a query string cannot carry null, and booleans arrive as text."""
    if "oneOf" in prop:
        return {"type": "boolean"}
    out = dict(prop)
    if isinstance(out.get("type"), list):
        out["type"] = next(t for t in out["type"] if t != "null")
    if "enum" in out:
        out["enum"] = [v for v in out["enum"] if v is not None]
    return out


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


XML_BODY = {"description": "The same data as the JSON form, rendered as XML (xmltodict); the default "
                         "when Accept does not ask for JSON"}


def both(schema):
    return {"application/json": {"schema": schema}, "application/xml": {"schema": XML_BODY}}


def list_of(name):
    return {"allOf": [ref("List"), {"type": "object", "properties": {"data": {"type": "array", "items": ref(name)}}}]}


ERROR_TEXT = {400: "Data sent in request is invalid", 401: "Full authentication is required",
              403: "User is not authorized to access this resource (an owner-only action on a shared project)",
              404: "Requested resource not found", 409: "Resource exists", 413: "Upload too large"}
LIST_PARAMS = [
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "Result offset"},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0},
     "description": "Result limit (default 20; 0 = all)"},
    # the envelope's own next/previous links carry `search=&sort=`
    {"name": "search", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
     "description": "Filter: search for"},
    {"name": "sort", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
     "description": "field_a|field_d, joined by ':'"},
    {"name": "filter", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
     "description": "field_op_value (or type_field_op_value), joined by ';'"},
]
BINARY = {"*/*": {}}


def op(method, path, summary, tag, ok, status=200, body=None, errors=(), me=True, public=False, upload=False,
       query=(), list_params=False, desc=None):
    return dict(method=method, path=path, summary=summary, tag=tag, ok=ok, status=status, body=body,
                errors=set(errors), me=me, public=public, upload=upload, query=list(query),
                list_params=list_params, desc=desc)


def L(path, summary, tag, item, errors=(), **kw):
    # bad offset/limit, unknown sort or filter field/operator -> 400
    return op("get", path, summary, tag, ("list", item), list_params=True, errors=(400, *errors), **kw)


# the client puts the ids in the query (deviceRunIds[]=..); a JSON body with the same list is taken too
RETRY_BODY = {"oneOf": [{"type": "array", "items": {"type": "integer"}},
                        {"type": "object", "properties": {"deviceRunIds": {"type": "array", "items": {"type": "integer"}}}}]}
P = "/projects/{projectId}"
R = P + "/runs/{runId}"
OPS = [
    op("post", "/oauth/token", "Get an OAuth 2.0 access token (password or refresh_token grant)", "Authentication",
       ("obj", "Token"), body=S.TokenParams, errors=(400, 401), me=False, public=True),
    op("get", "/oauth/token", "Get an OAuth 2.0 access token (parameters in the query string)", "Authentication",
       ("obj", "Token"), errors=(400, 401), me=False, public=True,
       query=["client_id", "grant_type", "username", "password", "refresh_token"]),
    L("/api/v2/devices", "Get list of all devices (no authorization needed)", "Devices", "Device", me=False, public=True,
      errors=(400,)),
    op("get", "/resources/images/devices/{imageName}", "Device frame image (frameNNUrl targets)", "Devices",
       ("bin", "image/png"), me=False, public=True, errors=(404,)),
    op("get", "", "Get the current user", "Account", ("obj", "User")),
    L("/available-frameworks", "Get list of available frameworks", "Account", "Framework"),
    # projects
    L("/projects", "Get list of user projects", "Projects", "Project"),
    op("post", "/projects", "Create new project", "Projects", ("obj", "Project"), 201, S.ProjectCreate, (400,)),
    op("get", P, "Get user project", "Projects", ("obj", "Project")),
    op("post", P, "Update user project", "Projects", ("obj", "Project"), 202, S.ProjectUpdate, (400,)),
    op("delete", P, "Delete user project", "Projects", None, 204),
    op("get", P + "/icon", "Get project icon", "Projects", ("bin", "image/png")),
    op("post", P + "/share", "Share project with an access group", "Access groups", ("obj", "AccessGroup"), 201,
       S.ShareParams, (400, 409)),
    op("get", P + "/config", "Get project config", "Project config", ("obj", "ProjectConfig")),
    op("post", P + "/config", "Update project config", "Project config", ("obj", "ProjectConfig"), 201, S.ConfigUpdate,
       (400,)),
    L(P + "/config/parameters", "Get list of user defined config parameters for project", "Project config",
      "ProjectConfigParameter"),
    op("post", P + "/config/parameters", "Add user defined config parameter to project", "Project config",
       ("obj", "ProjectConfigParameter"), 201, S.ParameterCreate, (400, 409)),
    op("get", P + "/config/parameters/{parameterId}", "Get user defined config parameter", "Project config",
       ("obj", "ProjectConfigParameter")),
    op("delete", P + "/config/parameters/{parameterId}", "Delete user defined config parameter", "Project config",
       None, 204),
    L(P + "/sharings", "Get list of project sharings", "Project sharing", "Share"),
    op("post", P + "/sharings", "Create new share", "Project sharing", ("obj", "Share"), 201, S.EmailParams,
       (400, 409)),
    op("get", P + "/sharings/{sharingId}", "Get project share", "Project sharing", ("obj", "Share")),
    op("delete", P + "/sharings/{sharingId}", "Delete project share", "Project sharing", None, 204),
    op("get", P + "/files.zip", "Download all uploaded files", "Project files", ("bin", "application/zip")),
    L(P + "/device-groups", "Get list of user device groups for project", "Device groups", "DeviceGroup"),
    L(P + "/public-device-groups", "Get list of public device groups for project", "Device groups", "DeviceGroup"),
    L(P + "/notifications", "Get list of user notifications for project", "Notifications", "Notification"),
    op("post", P + "/notifications", "Add new user notification for project", "Notifications",
       ("obj", "Notification"), 200, S.NotificationCreate, (400, 409)),
    op("get", P + "/reports/summary", "Get summary report for whole project", "Test run results",
       ("bin", "report"), errors=(400,), query=["type", "preview"]),
    # runs
    L(P + "/runs", "Get list of user test runs in project", "Test runs", "TestRun"),
    op("post", P + "/runs", "Start new test run", "Test runs", ("obj", "TestRun"), 201, S.RunStart, (400,),
       desc="Optional `name`; uses the project config's device group and the project's files."),
    L("/runs", "Get list of user test runs", "Test runs", "TestRun"),
    op("post", "/runs", "Start a test run from a JSON configuration", "Test runs", ("obj", "TestRun"), 201,
       S.RunConfig, (400,)),
    op("post", "/runs/config", "Validate a test run configuration", "Test runs", ("obj", "RunConfig"), 200,
       S.RunConfig, (400,)),
    op("get", R, "Get user test run", "Test runs", ("obj", "TestRun")),
    op("post", R, "Update user test run", "Test runs", ("obj", "TestRun"), 202, S.NameParams, (400,)),
    op("delete", R, "Delete user test run", "Test runs", None, 204),
    op("post", R + "/abort", "Abort a test run", "Test runs", ("obj", "TestRun")),
    op("post", R + "/retry", "Retry device sessions of a test run", "Test runs", ("obj", "TestRun"), errors=(400,),
       query=["deviceRunIds[]", "deviceRunIds"], body=RETRY_BODY),
    op("get", R + "/config", "Get test run config", "Test run config", ("obj", "ProjectConfig")),
    L(R + "/config/parameters", "Get list of config parameters used in test run", "Test run config",
      "ProjectConfigParameter"),
    op("get", R + "/config/parameters/{parameterId}", "Get config parameter used in test run", "Test run config",
       ("obj", "ProjectConfigParameter")),
    op("get", R + "/files.zip", "Download all test run files", "Test run files", ("bin", "application/zip")),
    L(R + "/tags", "Get list of test run tags", "Test run tagging", "Tag"),
    op("post", R + "/tags", "Create new tag", "Test run tagging", ("obj", "Tag"), 201, S.NameParams, (400, 409)),
    op("get", R + "/tags/{tagId}", "Get test run tag", "Test run tagging", ("obj", "Tag")),
    op("delete", R + "/tags/{tagId}", "Delete test run tag", "Test run tagging", None, 204),
    op("post", R + "/screenshots.zip", "Request generating the screenshots package", "Test run results",
       ("obj", "TestRun"), 201, desc="Answers the test run (screenshotZipState PROGRESS, then READY)."),
    op("get", R + "/screenshots.zip", "Get screenshots package", "Test run results", ("bin", "application/zip")),
    L(R + "/screenshots", "Get list of test run screenshots", "Test run results", "Screenshot"),
    op("get", R + "/screenshots/{screenshotId}", "Get test run screenshot", "Test run results", ("obj", "Screenshot")),
    # device groups
    L("/device-groups", "Get list of user device groups", "Device groups", "DeviceGroup", query=["withPublic"]),
    op("post", "/device-groups", "Create new user device group", "Device groups", ("obj", "DeviceGroup"), 201,
       S.DeviceGroupCreate, (400,)),
    op("get", "/device-groups/{deviceGroupId}", "Get user device group", "Device groups", ("obj", "DeviceGroup")),
    op("post", "/device-groups/{deviceGroupId}", "Update user device group", "Device groups", ("obj", "DeviceGroup"),
       202, S.DeviceGroupUpdate, (400,)),
    op("delete", "/device-groups/{deviceGroupId}", "Delete user device group", "Device groups", None, 204),
    L("/device-groups/{deviceGroupId}/devices", "Get list of devices in device group", "Device groups", "Device"),
    op("post", "/device-groups/{deviceGroupId}/devices", "Add device to user device group", "Device groups",
       ("obj", "DeviceGroup"), 201, S.IdParams, (400, 409)),
    op("delete", "/device-groups/{deviceGroupId}/devices/{deviceId}", "Remove device from user device group",
       "Device groups", None, 204),
    op("post", "/device-groups/{deviceGroupId}/share", "Share device group with an access group", "Access groups",
       ("obj", "AccessGroup"), 201, S.ShareParams, (400, 409)),
    # notifications
    L("/notifications", "Get list of user notifications", "Notifications", "Notification"),
    op("post", "/notifications", "Add new user notification", "Notifications", ("obj", "Notification"), 201,
       S.NotificationCreate, (400, 409)),
    op("get", "/notification/{id}", "Get user notification", "Notifications", ("obj", "Notification")),
    op("post", "/notification/{id}", "Update user notification", "Notifications", ("obj", "Notification"), 202,
       S.NotificationUpdate, (400,)),
    op("delete", "/notification/{id}", "Delete user notification", "Notifications", None, 204),
    # files
    L("/files", "Get list of user files", "Files", "UserFile"),
    op("post", "/files", "Upload a file", "Files", ("obj", "UserFile"), 201, errors=(400, 413), upload=True),
    op("get", "/files/{fileId}", "Get user file", "Files", ("obj", "UserFile")),
    op("delete", "/files/{fileId}", "Delete user file", "Files", None, 204),
    op("get", "/files/{fileId}/file", "Download file content", "Files", ("bin", "*")),
    op("post", "/files/{fileId}/share", "Share file with an access group", "Access groups", ("obj", "AccessGroup"),
       201, S.ShareParams, (400, 409)),
    # interactive device sessions
    L("/device-sessions", "Get list of user device sessions", "Device sessions", "DeviceRun"),
    op("post", "/device-sessions", "Start an interactive device session", "Device sessions", ("obj", "DeviceRun"), 201,
       S.DeviceSessionCreate, (400,)),
    op("get", "/device-sessions/{deviceSessionId}", "Get device session", "Device sessions", ("obj", "DeviceRun")),
    op("post", "/device-sessions/{deviceSessionId}/release", "Release an interactive device session",
       "Device sessions", ("obj", "DeviceRun"), errors=(400,)),
    # access groups
    L("/access-groups", "Get list of access groups", "Access groups", "AccessGroup"),
    op("post", "/access-groups", "Create access group", "Access groups", ("obj", "AccessGroup"), 201,
       S.AccessGroupCreate, (400,)),
    op("get", "/access-groups/{accessGroupId}", "Get access group", "Access groups", ("obj", "AccessGroup")),
    op("post", "/access-groups/{accessGroupId}", "Update access group", "Access groups", ("obj", "AccessGroup"), 200,
       S.AccessGroupUpdate, (400,)),
    op("delete", "/access-groups/{accessGroupId}", "Delete access group", "Access groups", None, 204),
    L("/access-groups/{accessGroupId}/users", "Get access group users", "Access groups", "AccessGroupUser"),
    op("post", "/access-groups/{accessGroupId}/users", "Add user to access group", "Access groups",
       ("obj", "AccessGroup"), 201, S.EmailParams, (400, 409)),
    op("get", "/access-groups/{accessGroupId}/users/{memberId}", "Get access group user", "Access groups",
       ("obj", "AccessGroupUser")),
    op("delete", "/access-groups/{accessGroupId}/users/{memberId}", "Remove user from access group", "Access groups",
       None, 204),
    L("/access-groups/{accessGroupId}/resources", "Get access group resources", "Access groups", "AccessGroupResource"),
    op("get", "/access-groups/{accessGroupId}/resources/{resourceId}", "Get access group resource", "Access groups",
       ("obj", "AccessGroupResource")),
    op("delete", "/access-groups/{accessGroupId}/resources/{resourceId}", "Remove resource from access group",
       "Access groups", None, 204),
]
for role in ("application", "data", "test"):
    OPS.append(op("post", f"{P}/files/{role}", f"Upload {role} file", "Project files",
                  ("obj", "FileTest" if role == "test" else "File"), 201, errors=(400, 413), upload=True))
    OPS.append(op("get", f"{P}/files/{role}", f"Download {role} file", "Project files", ("bin", "*")))
    OPS.append(op("get", f"{R}/files/{role}", f"Download test run {role} file", "Test run files", ("bin", "*")))
for kind in ("summary", "failures", "detail-failures"):
    OPS.append(op("get", f"{R}/reports/{kind}", f"Get {kind} report", "Test run results", ("bin", "report"),
                  errors=(400,), query=["type", "preview"]))
for kind in ("device-runs", "device-sessions"):
    D = R + f"/{kind}/{{deviceRunId}}"
    t = "Device runs"
    OPS += [
        L(R + f"/{kind}", f"Get list of {kind} in test run", t, "DeviceRun"),
        op("get", D, f"Get one of the {kind} of a test run", t, ("obj", "DeviceRun")),
        op("get", D + "/junit.xml", "Download junit.xml", t, ("bin", "application/xml")),
        op("get", D + "/logs", "Download logs file", t, ("bin", "text/plain")),
        op("get", D + "/performance", "Get list of performance samples", t, ("array", "PerformanceItem")),
        L(D + "/states", "Get list of states", t, "State"),
        op("get", D + "/states/{stateId}", "Get state", t, ("obj", "State")),
        L(D + "/screenshots", "Get list of screenshots", t, "Screenshot"),
        op("get", D + "/screenshots/{screenshotId}",
           "Download screenshot (PNG)" if kind == "device-sessions" else "Get screenshot",
           t, ("bin", "image/png") if kind == "device-sessions" else ("obj", "Screenshot")),
        L(D + "/output-file-set/files", "Get list of output files", t, "UserFile", query=["tag[]"]),
    ]
    if kind == "device-sessions":
        OPS.append(op("post", D + "/retry", "Retry a device session (the retry is a new session with a new id)", t,
                      ("obj", "DeviceRun"), 201, errors=(400,)))

PATH_EXAMPLES = {"projectId": 31945182, "runId": 31945210, "deviceRunId": 31949802, "deviceGroupId": 4148,
                 "deviceId": 304, "parameterId": 1, "sharingId": 173, "id": 31981820, "fileId": 27170,
                 "userId": 31595291, "memberId": 278816, "imageName": "Sony-Xperia-Z-h80.png"}
INT_PARAMS = {"projectId", "runId", "deviceRunId", "screenshotId", "stateId", "parameterId", "sharingId", "tagId",
              "deviceGroupId", "deviceId", "id", "fileId", "deviceSessionId", "accessGroupId", "memberId",
              "resourceId", "userId"}
QUERY_SCHEMAS = {"type": {"type": "string", "enum": list(S.REPORT_TYPES)}, "preview": {"type": "boolean"},
                 "withPublic": {"type": "boolean"}, "deviceRunIds[]": {"type": "array", "items": {"type": "integer"}},
                 "deviceRunIds": {"type": "array", "items": {"type": "integer"}},
                 "tag[]": {"type": "array", "items": {"type": "string"}}}


OWNER_ONLY = {("post", P), ("delete", P), ("post", P + "/share"), ("post", P + "/config"),
              ("post", P + "/config/parameters"), ("delete", P + "/config/parameters/{parameterId}"),
              ("get", P + "/sharings"), ("post", P + "/sharings"), ("get", P + "/sharings/{sharingId}"),
              ("delete", P + "/sharings/{sharingId}")} | {("post", f"{P}/files/{r}") for r in ("application", "data", "test")}


def responses_for(o):
    out = {}
    kind = o["ok"]
    if kind is None:
        out[str(o["status"])] = {"description": "Success (empty body)"}
    elif kind[0] == "obj":
        out[str(o["status"])] = {"description": "Success", "content": both(ref(kind[1]))}
    elif kind[0] == "list":
        out[str(o["status"])] = {"description": "Success: list envelope", "content": both(list_of(kind[1]))}
    elif kind[0] == "array":
        out[str(o["status"])] = {"description": "Success", "content": both({"type": "array", "items": ref(kind[1])})}
    elif kind[1] == "report":
        out["200"] = {"description": "The report: PDF, CSV or zipped HTML",
                      "content": {t: {}
                                  for t in ("application/pdf", "text/csv", "application/zip")}}
    elif kind[1] == "*":
        out["200"] = {"description": "The file, byte for byte", "content": BINARY}
    else:
        out["200"] = {"description": "Resource", "content": {kind[1]: {}}}
    codes = set(o["errors"])
    if (o["method"], o["path"]) in OWNER_ONLY:
        codes.add(403)
    if not o["public"]:
        codes.add(401)
    if "{" in o["path"] or o["me"]:
        codes.add(404)
    for code in sorted(codes):
        out[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    return out


def build():
    paths = {}
    for o in OPS:
        prefixes = ME if o["me"] else ("",)
        for prefix in prefixes:
            path = prefix + o["path"]
            names = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
            params = [{"name": n, "in": "path", "required": True,
                       "schema": {"type": "integer"} if n in INT_PARAMS else {"type": "string"},
                       **({"example": PATH_EXAMPLES[n]} if n in PATH_EXAMPLES else {})} for n in names]
            if o["list_params"]:
                params += LIST_PARAMS
            for q in o["query"]:
                params.append({"name": q, "in": "query", "required": q == "type",
                               "schema": QUERY_SCHEMAS.get(q, {"type": "string"})})
            operation = {"summary": o["summary"], "tags": [o["tag"]],
                         "operationId": (o["method"] + path).replace("/", "_").replace("{", "").replace("}", "")
                         .replace(".", "_").replace("-", "_").replace("[]", ""),
                         "responses": responses_for(o)}
            if o["desc"]:
                operation["description"] = o["desc"]
            if params:
                operation["parameters"] = params
            if o["public"]:
                operation["security"] = []
            if isinstance(o["body"], dict):
                operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": o["body"]}}}
            elif o["body"] is not None and o["body"] is not S.RunConfig:
                # the doc's own examples send these in the query string
                body_schema = params_schema(o["body"])
                operation.setdefault("parameters", []).extend(
                    {"name": name, "in": "query", "required": False, "schema": query_schema(prop)}
                    for name, prop in body_schema["properties"].items())
            if o["body"] is not None and not isinstance(o["body"], dict):
                schema = params_schema(o["body"])
                text = "The same parameters may also be sent in the query string."
                if o["body"] is not S.RunConfig and "required" in schema:
                    # a field the body lacks may come from the query, which OpenAPI cannot tie to the body
                    text += " Required in one or the other: " + ", ".join(schema.pop("required")) + "."
                operation["requestBody"] = {"required": False, "description": text,
                                            "content": {"application/x-www-form-urlencoded": {"schema": schema},
                                                        "application/json": {"schema": schema}}}
            if o["upload"]:
                operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}}}}}}
            paths.setdefault(path, {})[o["method"]] = operation
    schemas = {name: object_schema(name, cls) for name, cls in OBJECTS.items()}
    schemas["User"]["required"] = ["id", "email"]
    schemas["List"] = ENVELOPE
    schemas["Error"] = {"type": "object", "required": ["statusCode", "message"],
                        "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"}},
                        "examples": [{"statusCode": 401,
                                      "message": "Full authentication is required to access this resource"}]}
    run_config = params_schema(S.RunConfig)
    run_config["properties"]["deviceIds"] = {"type": "array", "items": {"type": "integer"}}
    schemas["RunConfig"] = run_config
    responses = {f"E{code}": {"description": text, "content": both(ref("Error"))} for code, text in ERROR_TEXT.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Bitbar Testing API v2 (mock)", "version": "2.0",
                 "description": "XML by default; JSON with `Accept: application/json` (errors too). Parameters may "
                                "be sent as query string, form body or JSON body. Every account path is served under "
                                "`/api/v2/me`, `/api/me` and `/api/v2/users/{userId}`."},
        "servers": [{"url": "/bitbar"}, {"url": "/"}],
        "security": [{"apiKey": []}, {"bearer": []}, {"accessToken": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "basic", "description": "API key as user, empty password"},
                "bearer": {"type": "http", "scheme": "bearer", "description": "OAuth 2.0 access token"},
                "accessToken": {"type": "apiKey", "in": "query", "name": "access_token"},
            },
            "schemas": schemas,
            "responses": responses,
        },
    }


def write(path: Path = SPEC_FILE) -> int:
    spec = build()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# Generated by `python -m mockserver.vendors.bitbar.spec`: edit the operation table there.\n")
        class NoAliases(yaml.SafeDumper):
            def ignore_aliases(self, data):
                return True

        yaml.dump(spec, fh, Dumper=NoAliases, sort_keys=False, allow_unicode=True, width=110)
    return len(spec["paths"])


if __name__ == "__main__":
    print(write(), "paths written to", SPEC_FILE)
