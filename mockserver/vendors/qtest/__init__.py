"""qTest automation integration: the Vendor this package plugs into the core."""

from __future__ import annotations

import uuid

from flask import g

from ...core import context
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import agents, auth, ci, errors, hosts, jobs, logs, oauth, projects, suites, uploads
from .blueprint import blueprint
from .model import hosts as host_model
from .model import options, queue
from .schemas import FixtureSchema, OptionsSchema

# each registers its routes on the blueprint
RESOURCES = (agents, ci, hosts, jobs, logs, oauth, projects, suites, uploads)

# collection -> the field its records are keyed by
KEYS = {
    "users": "username",
    "tokens": "access_token",
    "projects": "id",
    "hosts": "host_server_id",
    "agents": "agent_server_id",
    "test_runs": "id",
    "test_cycles": "id",
    "releases": "id",
    "test_suites": "id",
    "schedules": "id",
    "jobs": "job_id",
}


class QtestVendor(Vendor):
    name = "qtest"
    # where its state keeps credentials ("***" in /_mock/state): users' passwords, OAuth tokens
    secret_keys = frozenset(("password", "access_token", "refresh_token"))
    title = "qTest Manager (automation integration)"
    port_offset = 2
    blueprint = blueprint
    fixture_schema = FixtureSchema
    options_schema = OptionsSchema
    demo_headers = {"Authorization": "bearer qtest-demo-token"}  # the fixtures' API & SDK page token
    probe = "/oauth/status"
    credential_field = ("tokens", "access_token")  # a token's tenant: the first (API & SDK) token is it
    tenant_credential = staticmethod(auth.tenant_credential)
    user_field = ("users", "username")  # a sign-in's tenant: the first user is its user
    sign_in_paths = frozenset(("/oauth/token",))
    sign_in_credential = staticmethod(auth.sign_in_credential)

    def issued(self, state: State, credential: str) -> bool:
        # a sign-in's (/oauth/token) access or refresh token
        return state.get("tokens", credential) is not None or state.get("refresh_tokens", credential) is not None

    merge_slashes = True  # the doc's own activate/deactivate samples write /projects/10//automation/...

    def authenticate(self):
        """The bearer token (or the Java SDK's bare one), kept for the views that describe it."""
        g.token = auth.require_token()

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        for kind, key in KEYS.items():
            for row in fixtures.get(kind, []):
                state.insert(kind, row, id_field=key)
        state.extra["settings"] = fixtures.get("settings") or {}
        return state

    def dump_state(self, state: State) -> dict:
        """Raw tables plus what time makes of them: host online status, queue state."""
        core = context.core()  # outside a request: the control API's app holds the same core
        opts = options.of(state, core.options[self.name])
        now = context.now()  # the tenant's clock (the control API sets the tenant too)
        data = state.to_json()
        data["tables"]["hosts"] = [
            {**h, **host_model.render(h, now, opts["online_window_seconds"])} for h in state.peek_values("hosts")
        ]
        data["tables"]["queue_processing"] = [
            {**q, "state": queue.state_at(q, now, opts["queue_waiting_seconds"], opts["queue_processing_seconds"])}
            for q in state.peek_values("queue_processing")
        ]
        data["options"] = opts
        return data

    def contract_error(self, problem):
        """A request openapi/qtest.yaml forbids: the OAuth error of the token endpoint, else a
        `{"message"}` 400 naming the parameter or each offending body field (errors.py)."""
        return errors.contract_refusal(problem)

    def error_response(self, status, message, extra):
        headers = {"x-qtest-request-id": str(uuid.uuid4())}
        if "oauth_error" in extra:
            body = {"error": extra["oauth_error"], "error_description": message}
        else:
            body = {"message": message}
            if "code" in extra:
                body["code"] = extra["code"]
        return json_response(body, status, headers)


VENDOR = QtestVendor()
