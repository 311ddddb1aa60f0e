"""GET /api/v2: the endpoint index, as the doc lists it."""

from __future__ import annotations

from ...core import context
from .blueprint import API, blueprint, reply
from .schemas import EndpointOut

# the doc's endpoint index, in its order; only the run-status route carries a name there
INDEX = (
    (("GET",), "", None),
    (("GET", "POST"), "/appimages", None),
    (("GET",), "/projects", None),
    (("GET",), "/projects/:id/status/last", None),
    (("POST",), "/projects/run", None),
    (("GET",), "/runs", None),
    (("GET",), "/runs/:id/status", "api_run_status"),
    (("GET",), "/runs/:sid/stats", None),
    (("GET",), "/runs/:sid/stats/:measure", None),
    (("GET",), "/tests", None),
    (("GET",), "/tests/:id/status/last", None),
    (("GET",), "/tests/:tid/stats", None),
    (("GET",), "/tests/:tid/stats/:measure", None),
    (("POST",), "/tests/run", None),
)


@blueprint.get(API)
def index():
    base = context.base_url() + API
    endpoints = []
    for methods, path, name in INDEX:
        entry = {"methods": list(methods), "url": base + path}
        if name:
            entry["name"] = name
        endpoints.append(entry)
    return reply("endpoints", EndpointOut, endpoints, many=True)
