"""Every response a test receives is checked against openapi/<vendor>.yaml.

A response whose route, status or body the spec does not describe fails the test that got it,
so code and spec cannot drift apart unnoticed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound

from mockserver.settings import OPENAPI_DIR

SPEC_DIR = OPENAPI_DIR
JSON_TYPES = ("application/json", "application/vnd.api+json")
TENANT_SEGMENT = re.compile(r"/_tenant/[^/?#]+")  # the mock's tenant in a path (core/tenancy.py), not the vendor's


def spec_path(vendor: str) -> Path:
    from mockserver.vendors import registry

    found = registry().get(vendor)
    return found.spec_path() if found is not None else SPEC_DIR / f"{vendor}.yaml"


@lru_cache(maxsize=None)
def openapi_for(vendor: str) -> OpenAPI | None:
    path = spec_path(vendor)
    return OpenAPI.from_file_path(str(path)) if path.is_file() else None


class SpecValidator:
    def __init__(self, vendor: str, api: OpenAPI):
        self.vendor = vendor
        self.api = api

    def check(self, response: requests.Response) -> None:
        request = response.request
        where = f"{request.method} {request.url} -> {response.status_code}"
        if "/_tenant/" in request.url:
            request = request.copy()
            request.url = TENANT_SEGMENT.sub("", request.url, count=1)
        try:
            self.api.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
        except (PathNotFound, OperationNotFound, ServerNotFound) as exc:
            pytest.fail(f"[{self.vendor} spec] route not in openapi/{self.vendor}.yaml: {where} ({exc})")
        except ResponseNotFound:
            pytest.fail(f"[{self.vendor} spec] status not documented: {where}")
        except MediaTypeNotFound:
            pytest.fail(
                f"[{self.vendor} spec] content type {response.headers.get('Content-Type')!r} not documented: {where}"
            )
        except Exception as exc:  # the body does not match the documented schema
            ctype = response.headers.get("Content-Type", "")
            if not any(t in ctype for t in JSON_TYPES) and "deserial" in type(exc).__name__.lower():
                return  # binary/XML payloads are checked by status and content type only
            detail = getattr(exc, "__cause__", None) or exc
            pytest.fail(f"[{self.vendor} spec] response does not match: {where}: {detail}\nbody: {response.text[:500]}")


def validator_for(vendor: str) -> SpecValidator | None:
    api = openapi_for(vendor)
    return SpecValidator(vendor, api) if api is not None else None
