"""Mock-only extras under /_mock/happo: reviews happen in Happo's UI, so tests accept or reject here."""

from __future__ import annotations

from flask import Blueprint, request
from marshmallow import ValidationError

from ...core import context
from ...core.bodies import schema_of
from ...core.control import ControlError, current_core, json_object, tenant_arg
from ...core.errors import VendorError, describe_validation
from ...core.negotiation import json_response
from ...core.tenancy import link_segment
from . import errors, schemas
from .model import comparisons
from .model.reports import project_for
from .model.world import World

control_blueprint = Blueprint("happo_control", __name__)


def _vendor_base(core) -> str:
    root = request.url_root.rstrip("/").removesuffix("/_mock")
    on_own_port = request.host.rsplit(":", 1)[-1] == str(core.settings.vendor_port("happo"))
    return root if on_own_port else f"{root}/happo"


@control_blueprint.post("/comparisons/<sha1>/<sha2>/review")
def review(sha1, sha2):
    core = current_core()
    tenant = tenant_arg()
    raw = json_object()
    try:
        data = schema_of(schemas.Review).load(raw)
    except ValidationError as err:
        raise ControlError(400, describe_validation(err)) from None
    with core.store.transaction(tenant, "happo") as state:
        base = _vendor_base(core)
        world = World(state, context.now(), base,
                      lambda kind, payload: core.outbox.record("happo", tenant, kind, payload),
                      pages=base + link_segment(tenant))
        accounts = sorted(state.table("accounts").values(), key=lambda a: a["id"])
        try:
            if not accounts:
                raise errors.no_account()
            project = project_for(world, accounts[0], data.get("project"))
            comparison = comparisons.existing(world, project, sha1, sha2)
            comparisons.review(world, project, comparison, data["status"])
        except VendorError as err:
            raise ControlError(err.status, err.message) from None
        return json_response(comparisons.status_view(world, project, comparison))
