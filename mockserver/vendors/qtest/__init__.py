"""qTest automation integration: the Vendor this package plugs into the core."""

from __future__ import annotations

import uuid

from flask import current_app

from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import hosts, options, queue, refusals
from .generate import generate
from .routes import blueprint
from .schemas import FixtureSchema, OptionsSchema

# collection -> the field its records are keyed by
KEYS = {
    "users": "username",
    "tokens": "access_token",
    "projects": "id",
    "hosts": "host_server_id",
    "agents": "agent_server_id",
    "test_runs": "id",
    "test_cycles": "id",
    "schedules": "id",
    "jobs": "job_id",
}


class QtestVendor(Vendor):
    name = "qtest"
    port_offset = 2
    spec_guard = True
    title = "qTest Manager (automation integration)"
    blueprint = blueprint
    fixture_schema = FixtureSchema
    options_schema = OptionsSchema

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        for kind, key in KEYS.items():
            for row in fixtures.get(kind, []):
                state.insert(kind, row, id_field=key)
        state.extra["settings"] = fixtures.get("settings") or {}
        return state

    def dump_state(self, state: State) -> dict:
        """Raw tables plus what time makes of them: host online status, queue state."""
        core = current_app.extensions["mockserver.core"]
        opts = options.resolve(state.extra.get("settings"), core.settings.vendor_options.get(self.name))
        now = core.clock.now()
        data = state.to_json()
        data["tables"]["hosts"] = [
            {**h, **hosts.render(h, now, opts["online_window_seconds"])} for h in state.table("hosts").values()
        ]
        data["tables"]["queue_processing"] = [
            {**q, "state": queue.state_at(q, now, opts["queue_waiting_seconds"], opts["queue_processing_seconds"])}
            for q in state.table("queue_processing").values()
        ]
        data["options"] = opts
        return data

    def contract_error(self, problem):
        """A request openapi/qtest.yaml forbids: the OAuth error of the token endpoint, else a
        `{"message"}` 400 naming the parameter or each offending body field (refusals.py)."""
        return refusals.refusal(self, problem)

    def error_response(self, status, message, extra):
        headers = {"x-qtest-request-id": str(uuid.uuid4())}
        if "oauth_error" in extra:
            body = {"error": extra["oauth_error"], "error_description": message}
        else:
            body = {"message": message}
            if "code" in extra:
                body["code"] = extra["code"]
        return json_response(body, status, headers)

    def generate_fixtures(self, fake, scale, progress):
        return generate(fake, scale, progress)


VENDOR = QtestVendor()
