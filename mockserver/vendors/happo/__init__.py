"""Happo: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

import ast
import re

from ...core.errors import VendorError
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from .control import control_bp
from .generate import generate
from .routes import bp
from .schemas import FixtureSchema, OptionsSchema


class HappoVendor(Vendor):
    name = "happo"
    port_offset = 3
    spec_guard = True
    title = "Happo"
    blueprint = bp
    fixture_schema = FixtureSchema
    options_schema = OptionsSchema
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

    def contract_error(self, problem) -> VendorError:
        """A request the spec forbids: 400 in Happo's validation shape, `error` naming the field path
        ("snaps.1.url: Missing data for required field.") and `details` nesting it as the handlers did."""
        return contract_error(problem)

    def generate_fixtures(self, fake, scale, progress):
        return generate(fake, scale, progress)


_REQUIRED = re.compile(r"""^(?P<name>'[^']*'|"[^"]*") is a required property$""")
MISSING = "Missing data for required field."


def contract_error(problem) -> VendorError:
    message = problem.message
    if problem.location == "body" and problem.where == "request body":
        if problem.path and message.startswith(problem.path + ": "):
            message = message[len(problem.path) + 2:]
        # every schema error, as marshmallow listed every field before; `error` tells the first
        causes = [_field(cause.path, cause.message) for cause in problem.errors]
        causes = [c for c in causes if c[0]] or [_field(problem.path, message)]
        path, text = causes[0]
        if not path:  # the body as a whole (not an object)
            return VendorError(400, message)
        details: dict = {}
        for where, why in causes:
            _nest(details, where.split("."), why)
        return VendorError(400, f"{path}: {text}", fields=details)
    if problem.location != "body" and problem.name:  # a query, path or header parameter
        return VendorError(400, f"{problem.name}: {message}", fields={problem.name: [message]})
    return VendorError(400, message if not problem.where else str(problem))  # malformed JSON, media type


def _field(path: str, message: str) -> tuple[str, str]:
    """(dotted path of the field, message); jsonschema names the object lacking a required field,
    Happo the field itself."""
    required = _REQUIRED.match(message)
    if required:
        return ".".join(p for p in (path, ast.literal_eval(required["name"])) if p), MISSING
    return path, message


def _nest(details: dict, parts: list[str], message: str) -> None:
    node = details
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):  # the parent itself is invalid: its message says enough
            return
    leaf = node.setdefault(parts[-1], [])
    if isinstance(leaf, list):
        leaf.append(message)


VENDOR = HappoVendor()
