"""The specs themselves: valid OpenAPI, and exactly the routes the server serves."""

from __future__ import annotations

import pytest
import requests
import yaml
from openapi_spec_validator import validate

from mockserver.settings import vendor_names
from tests.contract.validate import spec_path

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
WITH_SPEC = [v for v in vendor_names() if spec_path(v).is_file()]


def _load(vendor):
    return yaml.safe_load(spec_path(vendor).read_text(encoding="utf-8"))


@pytest.mark.parametrize("vendor", WITH_SPEC)
def test_spec_is_valid_openapi(vendor):
    validate(_load(vendor))


@pytest.mark.parametrize("vendor", WITH_SPEC)
def test_spec_and_routes_match_both_ways(server, vendor):
    served = {
        (r["method"], r["path"])
        for r in requests.get(f"{server.url}/_mock/routes", params={"vendor": vendor}, timeout=10).json()["routes"]
    }
    spec = _load(vendor)
    documented = {
        (method.upper(), path)
        for path, item in spec.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }
    assert sorted(served - documented) == [], "routes served but missing from the spec"
    assert sorted(documented - served) == [], "spec paths with no route"


@pytest.mark.parametrize("vendor", WITH_SPEC)
def test_spec_is_served(server, vendor):
    r = requests.get(f"{server.url}/_mock/openapi/{vendor}.yaml", timeout=10)
    assert r.status_code == 200
    assert yaml.safe_load(r.text)["paths"] == _load(vendor)["paths"]
