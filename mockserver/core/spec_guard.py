"""Requests checked against the vendor's OpenAPI spec.

The spec is the contract users test against: a request it forbids is never answered with success.
The vendor's handler judges first, so its own precise 4xx messages stand; when it would accept a
request the spec forbids, the answer becomes a 400 in the vendor's shape, and the core rolls the
store back as for any failed request.
"""

from __future__ import annotations

from functools import lru_cache, wraps
from pathlib import Path

from flask import make_response, request

from .errors import VendorError

SKIP_MIMETYPES = ("multipart/form-data", "application/octet-stream")


def _describe(error) -> str:
    """'body: name: 5 is not of type 'string'' from openapi-core's nested errors."""
    where = type(error).__name__
    name = getattr(error, "name", None)
    if name:
        where = f"parameter {name!r}"
    elif "Body" in where:
        where = "request body"
    cause = error.__cause__
    details = getattr(cause, "schema_errors", None)
    if details:
        parts = []
        for e in details:
            path = ".".join(str(p) for p in e.absolute_path)
            parts.append(f"{path}: {e.message}" if path else e.message)
        return f"{where}: " + "; ".join(parts)
    return f"{where}: {cause or error}"


def _keep_body() -> None:
    # werkzeug drops a form body once parsed unless it was read first; the check reads it after the view
    if (request.mimetype or "") not in SKIP_MIMETYPES:
        request.get_data(cache=True)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int):
    """The parsed spec; its validity is a test (tests/contract), so starting the server skips that check."""
    import yaml
    from openapi_core import Config, OpenAPI

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=loader)
    return OpenAPI.from_dict(data, config=Config(spec_validator_cls=None))


class SpecGuard:
    def __init__(self, spec: Path):
        from openapi_core.contrib.flask import FlaskOpenAPIRequest
        from openapi_core.templating.paths.exceptions import PathError
        from openapi_core.validation.request.exceptions import SecurityValidationError

        self._api = _load(str(spec), spec.stat().st_mtime_ns)
        self._wrap_request = FlaskOpenAPIRequest
        self._ignored = (SecurityValidationError, PathError)

    def problems(self) -> list[str]:
        if (request.mimetype or "") in SKIP_MIMETYPES:
            return []  # uploads: the vendor's own schema checks them without buffering twice
        errors = self._api.iter_request_errors(self._wrap_request(request))
        return [_describe(e) for e in errors if not isinstance(e, self._ignored)]

    def guard_views(self, app) -> None:
        """Wrap every view (so before_request hooks such as auth have already run)."""
        app.before_request(_keep_body)
        for endpoint, view in list(app.view_functions.items()):
            if endpoint == "static":
                continue
            app.view_functions[endpoint] = self._guarded(view)

    def _guarded(self, view):
        @wraps(view)
        def checked(*args, **kwargs):
            response = make_response(view(*args, **kwargs))
            if response.status_code < 400:
                found = self.problems()
                if found:
                    raise VendorError(400, "; ".join(found), spec_violations=found)
            return response

        return checked
