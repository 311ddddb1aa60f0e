"""The qTest blueprint every resource module registers its routes on, and the request/reply helpers
they share."""

from __future__ import annotations

from flask import Blueprint

from ...core import context
from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import errors
from .model import dates
from .model import options as model_options

blueprint = Blueprint("qtest", __name__)


# the request as the contract read it (the core keeps it, checked or not, for every operation)
wire = context.checked


def ok(schema, data, status: int = 200):
    """A response body dumped through its schema (a list of objects when `data` is a list)."""
    many = isinstance(data, list)
    return json_response(schema_of(schema, many=many).dump(data), status)


def options() -> dict:
    """This tenant's assumptions: fixture `settings`, then the `qtest` vendor options, over the defaults."""
    return model_options.of(context.state(), context.vendor_options())


def project(project_id: int, status: int = 404) -> dict:
    found = context.state().get("projects", project_id)
    if found is None:
        raise errors.project_not_found(project_id, status)
    return found


def host(host_server_id: int) -> dict:
    found = context.state().get("hosts", host_server_id)
    if found is None:
        raise errors.host_not_found(host_server_id)
    return found


def dated(where: str, text: str) -> str:
    """A date the contract matched to the pattern, as qTest emits it; 400 when it is no real instant."""
    try:
        return dates.fmt(dates.parse(text))
    except ValueError:  # the pattern passes 2015-13-01 and instants past datetime's range
        raise errors.not_a_date(where, text) from None
