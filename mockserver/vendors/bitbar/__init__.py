"""Bitbar Testing v2: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

from flask import request

from ...core import context
from ...core.errors import VendorError
from ...core.negotiation import XML, negotiated
from ...core.state import State
from ...core.vendor import Vendor
from . import (
    access_groups,
    auth,
    device_runs,
    devices,
    errors,
    file_sets,
    files,
    notifications,
    projects,
    runs,
    users,
)
from .blueprint import blueprint
from .model import timeline
from .model.files import input_type, package_facts
from .model.projects import ROLES, default_config
from .schemas import FixtureSchema

# the resource modules register their routes on `blueprint` when imported
RESOURCES = (access_groups, device_runs, devices, file_sets, files, notifications, projects, runs, users)


class BitbarVendor(Vendor):
    name = "bitbar"
    # where its state keeps credentials ("***" in /_mock/state): passwords, API keys, OAuth tokens (keyed maps)
    secret_keys = frozenset(("password", "apiKey", "applicationPassword", "tokens", "refreshTokens"))
    title = "Bitbar Testing v2"
    port_offset = 4
    blueprint = blueprint
    fixture_schema = FixtureSchema
    # API key bitbar-demo-key with an empty password; JSON asked for, as the testdroid client does
    demo_headers = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og==", "Accept": "application/json"}
    probe = "/api/v2/me"
    credential_field = ("users", "apiKey")  # a key's tenant: the first user signs in with it
    tenant_credential = staticmethod(auth.tenant_credential)
    user_field = ("users", "email")  # a sign-in's tenant: the first user signs in with its name
    sign_in_paths = frozenset(("/oauth/token",))
    sign_in_credential = staticmethod(auth.sign_in_credential)

    def issued(self, state: State, credential: str) -> bool:
        return credential in state.extra["refreshTokens"] or credential in state.extra["tokens"]  # a sign-in's

    def authenticate(self) -> None:
        auth.authenticate()

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        state.extra.update(simulation=fixtures["simulation"], tokens={}, refreshTokens={})
        for kind in ("users", "devices", "deviceGroups", "frameworks", "notifications", "sharings", "parameters"):
            for row in fixtures[kind]:
                state.insert(kind, row)
        for row in fixtures["projects"]:  # (the rows are read, never changed: the base world is made of them)
            project = state.insert("projects", {**{k: v for k, v in row.items() if k != "config"},
                                                "files": {role: None for role in ROLES}})
            project["config"] = {**default_config(state, project), **row["config"]}
        for row in fixtures["files"]:
            record = state.insert("files", {**row, "content": row["content"].encode(), "generated": None,
                                            "direction": "INPUT", "inputType": row["role"] or input_type(row["name"]),
                                            "scanReadyMs": 0, **package_facts(row["name"])})
            project = state.get("projects", row["projectId"]) if row["projectId"] else None
            if project is not None and row["role"]:
                project["files"][row["role"]] = record["id"]
        for row in fixtures["runs"]:
            self._fixture_run(state, row)
        return state

    @staticmethod
    def _fixture_run(state: State, row: dict) -> None:
        project = state.get("projects", row["projectId"])
        user = state.get("users", project["userId"]) if project else None
        if project is None or user is None:
            return
        run = state.insert("runs", {
            "id": row["id"], "projectId": project["id"], "userId": project["userId"], "number": row["number"],
            "displayName": row["displayName"], "createTime": row["createTime"], "deviceGroupId": row["deviceGroupId"],
            "frameworkId": None, "scheduler": "PARALLEL",
            "config": {**project["config"], "runAvailable": project["files"]["application"] is not None},
            "parameters": [dict(p) for p in state.table("parameters").values() if p["projectId"] == project["id"]],
            "files": dict(project["files"]), "tags": [dict(t) for t in row["tags"]], "screenshotZipMs": None,
            "announced": True,
            "startedByDisplayName": f"{user['firstName']} {user['lastName']}".strip(),
        })
        queue = state.extra["simulation"]["queueSeconds"] * 1000
        for dr in row["deviceRuns"]:
            device = state.get("devices", dr["deviceId"])
            if device is not None:
                timeline.new_device_run(state, run, device, run["createTime"] + queue, run["createTime"],
                                        ident=dr["id"])

    def contract_error(self, problem) -> VendorError:
        """A request the spec forbids: Bitbar's 400 "Data sent in request is invalid", in the handlers' wording.

        Like the handlers' own checks the message starts with the field it is about ("type: ...",
        "deviceIds.1: ..."); an upload without its multipart `file` part reads as the upload code's own 400.
        """
        return errors.invalid_request(contract_message(problem, self._upload_only()), problem)

    def _upload_only(self) -> bool:
        """Whether this operation takes nothing but a multipart upload (the `file` part)."""
        rule = request.url_rule
        operation = context.contract().operation(rule.rule, request.method) if rule else None
        return operation is not None and set(operation.bodies) == {"multipart/form-data"}

    def error_response(self, status, message, extra):
        return negotiated({"statusCode": status, "message": message}, status, default=XML, xml_root="error")



def contract_message(problem, upload_only: bool = False) -> str:
    """The message of a contract refusal, field first as the handlers word theirs."""
    if problem.where.startswith("parameter"):
        return f"{problem.name}: {problem.message}"       # "type: required parameter is missing"
    if problem.where != "request body":
        return str(problem)                                # malformed JSON, an unreadable request
    if upload_only:
        return errors.MISSING_FILE                         # no body, or not multipart/form-data
    if problem.path or problem.name:
        return problem.message                             # "deviceIds.1: ...", "'osType' is a required property"
    if problem.message == "Missing required request body":
        return "Request body is missing"
    return f"Request body: {problem.message}"


VENDOR = BitbarVendor()
