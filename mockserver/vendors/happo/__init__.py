"""Happo: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from .control import control_bp
from .generate import generate
from .routes import bp
from .schemas import FixtureSchema


class HappoVendor(Vendor):
    name = "happo"
    spec_guard = True
    title = "Happo"
    blueprint = bp
    fixture_schema = FixtureSchema
    control_blueprint = control_bp

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        for kind in ("accounts", "projects", "ignoredDiffs", "flakes"):
            for row in fixtures.get(kind, []):
                state.insert(kind, row)
        for row in fixtures.get("reports", []):
            state.table("reports")[(row["projectId"], row["sha"])] = {**row, "source": "fixture"}
        for row in fixtures.get("subscriptions", []):
            state.table("subscriptions")[(row["accountId"], row["component"])] = row
        state.extra["usage"] = {}
        return state

    def dump_state(self, state: State) -> dict:
        data = state.to_json()
        if "images" in data["tables"]:
            data["tables"]["images"] = [{**i, "data": f"<{len(i['data'])} bytes>"} for i in data["tables"]["images"]]
        return data

    def error_response(self, status, message, extra):
        body = {"error": message}
        if "fields" in extra:
            body["details"] = extra["fields"]
        return json_response(body, status)

    def generate_fixtures(self, fake, scale, progress):
        return generate(fake, scale, progress)


VENDOR = HappoVendor()
