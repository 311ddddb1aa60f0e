"""The qTest blueprint: every route registers here; handlers live in the *_routes modules."""

from __future__ import annotations

from flask import Blueprint, request

from ...core import context
from ...core.auth import Malformed, basic_credentials
from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import auth

blueprint = Blueprint("qtest", __name__)

OPEN_ENDPOINTS = {"qtest.token"}


@blueprint.before_request
def _authenticate():
    if request.endpoint not in OPEN_ENDPOINTS:
        auth.require_token()
    else:
        client()  # Spring checks the client's Basic header before the token endpoint reads a parameter


def client() -> tuple[str, str] | None:
    """The optional Basic site/client credentials of the token endpoint; 401 invalid_client when unreadable."""
    try:
        return basic_credentials()
    except Malformed:
        raise auth.oauth_error(401, "invalid_client", "Bad client credentials", challenge=True) from None


# the request as the contract read it (the core keeps it, checked or not, for every operation)
wire = context.checked


def ok(schema, data, status: int = 200):
    """A response body dumped through its schema (a list of objects when `data` is a list)."""
    many = isinstance(data, list)
    return json_response(schema_of(schema, many=many).dump(data), status)


def project(project_id: int, status: int = 404) -> dict:
    found = context.state().get("projects", project_id)
    if found is None:
        raise VendorError(status, f"Project with id {project_id} not found")
    return found


def host(host_server_id: int) -> dict:
    found = context.state().get("hosts", host_server_id)
    if found is None:
        raise VendorError(404, f"Automation host with id {host_server_id} not found")
    return found


# the handler modules register their routes on `blueprint` when imported
from . import agent_routes, host_routes, job_routes, oauth_routes, upload_routes  # noqa: E402,F401
