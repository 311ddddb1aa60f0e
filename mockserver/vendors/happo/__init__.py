"""Happo: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

import base64

from ...core.errors import VendorError
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import (
    assets,
    async_reports,
    auth,
    comparisons,
    errors,
    flakes,
    images,
    jobs,
    pages,
    pull_request_tokens,
    reports,
    snap_requests,
    subscriptions,
)
from .blueprint import blueprint
from .control import control_blueprint
from .schemas import FixtureSchema, OptionsSchema

ROUTES = (assets, async_reports, comparisons, flakes, images, jobs, pages, pull_request_tokens, reports,
          snap_requests, subscriptions)  # the resource modules: importing them registers their routes


class HappoVendor(Vendor):
    name = "happo"
    # where its state keeps credentials ("***" in /_mock/state): account and PR-token secrets (apiKey: a name)
    secret_keys = frozenset(("apiSecret", "secret"))
    title = "Happo"
    port_offset = 3
    blueprint = blueprint
    fixture_schema = FixtureSchema
    options_schema = OptionsSchema
    control_blueprint = control_blueprint
    # the default fixtures' demo account, as the README gives it (Basic apiKey:apiSecret)
    demo_headers = {"Authorization": "Basic " + base64.b64encode(b"happo-demo-key:happo-demo-secret").decode()}
    probe = "/api/flake"
    # a key's tenant: the first account signs in with it (and still with the fixtures' secret)
    credential_field = ("accounts", "apiKey")
    tenant_credential = staticmethod(auth.tenant_credential)

    def issued(self, state: State, credential: str) -> bool:
        return state.get("prTokens", credential) is not None  # a pull request's URL, signing with its token

    def authenticate(self) -> None:
        auth.admit()

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

    def contract_error(self, problem) -> VendorError:
        """A request the spec forbids: 400 in Happo's validation shape, `error` naming the field path
        ("snaps.1.url: Missing data for required field.") and `details` nesting it as the handlers did."""
        return errors.contract_refusal(problem)



VENDOR = HappoVendor()
