"""Mock-only extras under /_mock/sipfront/: what a user does in Sipfront's web app, not its API."""

from __future__ import annotations

from flask import Blueprint

from ...core import context
from ...core.clock import iso
from ...core.control import ControlError, current_core, json_object, only_keys, tenant_arg
from ...core.negotiation import json_response
from .model import find_project_run, format_time, project_row, stop_project_run

control_blueprint = Blueprint("sipfront_control", __name__)


@control_blueprint.post("/project-runs/<uuid>/stop")
def stop(uuid):
    """Press "stop" on a running project run now: its status turns `stopped`, queued tests never start."""
    only_keys(json_object(optional=True), ())  # it takes no body: a key sent is a mistake worth naming
    core = current_core()
    tenant = tenant_arg()
    now = context.now()  # the tenant's clock
    with core.store.transaction(tenant, "sipfront") as state:
        prun = find_project_run(state, uuid, now)
        if prun is None:
            raise ControlError(404, f"no project run {uuid!r} in tenant {tenant!r}")
        if project_row(state, prun, now)["run_status"] != "running":
            raise ControlError(409, f"project run {uuid!r} is not running")
        stop_project_run(state, prun, now)
        row = project_row(state, prun, now)
    return json_response({"stopped": True, "at": iso(now), "stopped_at": format_time(now), "run": row})
