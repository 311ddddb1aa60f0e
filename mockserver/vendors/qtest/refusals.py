"""A request openapi/qtest.yaml forbids, answered as qTest answers it (QtestVendor.contract_error).

The contract (core/contract.py) refuses the request before the view; this module only words the
refusal: the OAuth token endpoint answers Spring Security OAuth2's `{error, error_description}`
(unsupported_grant_type, invalid_grant), everything else qTest's `{"message"}` 400 naming the
parameter, or every offending body field by its dotted path.
"""

from __future__ import annotations

import json

from flask import request

from ...core import contract
from ...core.errors import VendorError
from . import auth, jobs

TOKEN_ENDPOINT = "qtest.token"
JOB_STATUS_ENDPOINT = "qtest.update_job_status"


def refusal(vendor, problem: contract.Problem) -> VendorError:
    if request.endpoint == TOKEN_ENDPOINT and problem.name in _OAUTH_FIELDS:
        return _OAUTH_FIELDS[problem.name](_sent(problem))
    if problem.location in ("path", "query", "header"):
        return VendorError(400, _parameter_message(problem))
    if problem.where == "request body":
        if request.endpoint == JOB_STATUS_ENDPOINT and problem.name == "status" and problem.path == "status":
            return jobs.invalid_status(_sent(problem))
        return VendorError(400, _body_message(vendor, problem))
    # malformed or too deeply nested JSON, or a request a parser could not read
    return VendorError(400, str(problem))


# -- the token endpoint -----------------------------------------------------------------------
def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_OAUTH_FIELDS = {
    "grant_type": lambda value: auth.oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {_text(value)}"),
    # Spring binds credentials as strings: a JSON number or object is no credential at all
    "username": lambda value: auth.oauth_error(400, "invalid_grant", "Bad credentials"),
    "password": lambda value: auth.oauth_error(400, "invalid_grant", "Bad credentials"),
    "refresh_token": lambda value: auth.oauth_error(400, "invalid_grant", f"Invalid refresh token: {_text(value)}"),
}


# -- parameters -------------------------------------------------------------------------------
DATE_PARAMETERS = ("start_date", "end_date")  # worded by jobs.bad_date, with the %2B hint
EXPECTED = {"type": "must be 'automation'"}


def _parameter_message(problem: contract.Problem) -> str:
    name = problem.name or ""
    raw = _sent(problem)
    if raw is None or (raw == "" and problem.location == "query"):
        return f"Required parameter '{name}' is missing"
    if name in DATE_PARAMETERS:
        return jobs.bad_date(name, raw).message
    return f"Invalid value '{_text(raw)}' for parameter '{name}': {EXPECTED.get(name, problem.message)}"


# -- bodies -----------------------------------------------------------------------------------
def _body_message(vendor, problem: contract.Problem) -> str:
    if not request.get_data(cache=True).strip():
        return "Request body is missing"
    data = _json_body()
    if data is _UNREAD:
        return problem.message  # a media type the operation does not take, or a form body
    if not isinstance(data, dict) and not problem.path:
        return "Request body must be a JSON object"
    causes = _every_cause(problem) or [_cause(problem.path, problem.message)]
    return "; ".join(causes)


def _cause(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


def _every_cause(problem: contract.Problem) -> list[str]:
    """Each field the body's schema refuses, a missing one named by its own path."""
    causes = []
    for cause in problem.errors:
        if cause.missing:
            causes.append(_cause(".".join(p for p in (cause.path, cause.missing) if p), "required field is missing"))
        else:
            causes.append(_cause(cause.path, cause.message))
    return causes


_UNREAD = object()


def _json_body():
    if not (request.mimetype or "").endswith("json"):
        return _UNREAD
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _UNREAD


def _sent(problem: contract.Problem):
    """The value the client sent for the problem's parameter or top-level body field (None: absent)."""
    name = problem.name
    if name is None:
        return None
    if problem.location == "query":
        return request.args.get(name)
    if problem.location == "header":
        return request.headers.get(name)
    if problem.location == "path":
        return (request.view_args or {}).get(name)
    if request.mimetype == contract.FORM:
        return request.form.get(name)
    data = _json_body()
    return data.get(name) if isinstance(data, dict) else None
