"""Every error qTest answers, named, in its own wording; and a request openapi/qtest.yaml forbids,
answered as qTest answers it (QtestVendor.contract_error).

Two shapes (QtestVendor.error_response renders them): Spring Security OAuth2's
`{error, error_description}` for the token layer (an `oauth_error` extra), qTest's `{"message"}` else.

The contract (core/contract.py) refuses a request before the view; `contract_refusal` only words the
refusal: the OAuth token endpoint answers unsupported_grant_type / invalid_grant, everything else a
`{"message"}` 400 naming the parameter, or every offending body field by its dotted path.
"""

from __future__ import annotations

import json

from flask import request

from ...core import contract
from ...core.errors import VendorError
from .model.jobs import JOB_STATUSES

TOKEN_ENDPOINT = "qtest.token"
JOB_STATUS_ENDPOINT = "qtest.update_job_status"
FULL_AUTH = "Full authentication is required to access this resource"
DATE_FORM = "yyyy-mm-ddThh:mm:ss+zzzz"


# -- OAuth (Spring Security OAuth2's body, which qTest's token layer answers with) ---------------
def oauth_error(status: int, error: str, description: str, challenge: bool = False) -> VendorError:
    headers = {}
    if challenge:
        headers["WWW-Authenticate"] = f'Bearer realm="oauth", error="{error}", error_description="{description}"'
    return VendorError(status, description, headers=headers, oauth_error=error)


def full_authentication_required() -> VendorError:
    return oauth_error(401, "unauthorized", FULL_AUTH, challenge=True)


def invalid_access_token(value: str) -> VendorError:
    return oauth_error(401, "invalid_token", f"Invalid access token: {value}", challenge=True)


def access_token_expired(value: str) -> VendorError:
    return oauth_error(401, "invalid_token", f"Access token expired: {value}", challenge=True)


def bad_client_credentials() -> VendorError:
    return oauth_error(401, "invalid_client", "Bad client credentials", challenge=True)


def bad_credentials() -> VendorError:
    return oauth_error(400, "invalid_grant", "Bad credentials")


def missing_refresh_token() -> VendorError:
    return oauth_error(400, "invalid_grant", "Missing refresh token")


def invalid_refresh_token(value: str) -> VendorError:
    return oauth_error(400, "invalid_grant", f"Invalid refresh token: {value}")


def expired_refresh_token(value: str) -> VendorError:
    return oauth_error(400, "invalid_grant", f"Invalid refresh token (expired): {value}")


def unsupported_grant_type(grant: str) -> VendorError:
    return oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")


# -- the API's `{"message"}` errors --------------------------------------------------------------
def project_not_found(project_id: int, status: int = 404) -> VendorError:
    """404, or 400 where the swagger says an invalid project is a bad request (the v3.1 batch upload)."""
    return VendorError(status, f"Project with id {project_id} not found")


def host_not_found(host_server_id: int) -> VendorError:
    return VendorError(404, f"Automation host with id {host_server_id} not found")


def host_guid_taken(guid: str, other_host_id: int) -> VendorError:
    return VendorError(409, f"host_guid {guid} is already registered to host {other_host_id}")


def host_guid_mismatch(guid: str, host_server_id: int) -> VendorError:
    return VendorError(400, f"host_guid {guid} does not match automation host {host_server_id}")


def agent_not_found(agent_server_id: int) -> VendorError:
    return VendorError(404, f"Automation agent with id {agent_server_id} not found")


def agent_not_in_project(agent_id: int, project_id: int) -> VendorError:
    return VendorError(400, f"Automation agent {agent_id} does not belong to project {project_id}")


def test_run_not_found(run_id: int, project_id: int) -> VendorError:
    return VendorError(404, f"Test run with id {run_id} not found in project {project_id}")


def job_not_found(job_id: int) -> VendorError:
    return VendorError(404, f"Job with id {job_id} not found")


def invalid_job_status(wanted) -> VendorError:
    shown = wanted if isinstance(wanted, str) else json.dumps(wanted)
    return VendorError(400, f"Invalid job status '{shown}'. Valid values: {', '.join(JOB_STATUSES)}")


def job_status_change_refused(current: str, target: str) -> VendorError:
    return VendorError(400, f"Cannot change job status from {current} to {target}")


def bad_date_parameter(name: str, raw: str) -> VendorError:
    """A retrieval bound that is no qTest date; a space is most likely an unencoded '+'."""
    hint = " (URL-encode '+' as %2B)" if " " in raw else ""
    return VendorError(400, f"Invalid value '{raw}' for parameter '{name}': expected {DATE_FORM}{hint}")


def not_a_date(where: str, text: str) -> VendorError:
    """A body date that matched the contract's pattern but is no real instant (2015-13-01)."""
    return VendorError(400, f"{where}: '{text}' is not a date in the form {DATE_FORM}")


def batch_run_not_zero() -> VendorError:
    return VendorError(400, "testRunId must be 0 for a batch submission")


def test_suite_not_found(ref) -> VendorError:
    return VendorError(404, f"Test suite with id {ref} not found")


def parent_not_found(parent_type: str, parent_id) -> VendorError:
    what = "Release" if parent_type == "release" else "Test cycle"
    return VendorError(404, f"{what} with id {parent_id} not found")


def parent_id_missing(parent_type: str) -> VendorError:
    return VendorError(400, f"parentId is required when parentType is {parent_type}")


def ci_setting_not_found(setting_id=None) -> VendorError:
    which = "" if setting_id is None else f" with id {setting_id}"
    return VendorError(404, f"CI setting{which} not found")


def suite_date_missing() -> VendorError:
    return VendorError(400, "suiteDate is required in the form yyyymmdd when suitePerDay is true")


def not_an_automation_status(status: str) -> VendorError:
    return VendorError(400, f"status '{status}' is not an automation status of this project")


def end_before_start() -> VendorError:
    return VendorError(400, "exe_end_date is before exe_start_date")


def invalid_agent_query(query: str, why: str) -> VendorError:
    return VendorError(400, f"Invalid query '{query}': {why}")


def queue_item_not_found(queue_id: int) -> VendorError:
    return VendorError(404, f"Queue processing job with id {queue_id} not found")


def bad_request(message: str) -> VendorError:
    """A refused request's `{"message"}` 400 (the contract's refusals below)."""
    return VendorError(400, message)


# -- a request the contract refuses ---------------------------------------------------------------
def contract_refusal(problem: contract.Problem) -> VendorError:
    if request.endpoint == TOKEN_ENDPOINT and problem.name in _OAUTH_FIELDS:
        return _OAUTH_FIELDS[problem.name](_sent(problem))
    if problem.location in ("path", "query", "header"):
        return bad_request(_parameter_message(problem))
    if problem.where == "request body":
        if request.endpoint == JOB_STATUS_ENDPOINT and problem.name == "status" and problem.path == "status":
            return invalid_job_status(_sent(problem))
        return bad_request(_body_message(problem))
    # malformed or too deeply nested JSON, or a request a parser could not read
    return bad_request(str(problem))


# -- the token endpoint -----------------------------------------------------------------------
def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_OAUTH_FIELDS = {
    "grant_type": lambda value: unsupported_grant_type(_text(value)),
    # Spring binds credentials as strings: a JSON number or object is no credential at all
    "username": lambda value: bad_credentials(),
    "password": lambda value: bad_credentials(),
    "refresh_token": lambda value: invalid_refresh_token(_text(value)),
}


# -- parameters -------------------------------------------------------------------------------
DATE_PARAMETERS = ("start_date", "end_date")  # worded by bad_date_parameter, with the %2B hint
EXPECTED = {"type": "must be 'automation'"}
V31_UPLOAD_ENDPOINT = "qtest.submit_logs_v31"  # takes type=jenkins too (the Jenkins plugin's)


def _parameter_message(problem: contract.Problem) -> str:
    name = problem.name or ""
    raw = _sent(problem)
    if raw is None or (raw == "" and problem.location == "query"):
        return f"Required parameter '{name}' is missing"
    if name in DATE_PARAMETERS:
        return bad_date_parameter(name, raw).message
    expected = EXPECTED.get(name, problem.message)
    if name == "type" and request.endpoint == V31_UPLOAD_ENDPOINT:
        expected = "must be 'automation' or 'jenkins'"
    return f"Invalid value '{_text(raw)}' for parameter '{name}': {expected}"


# -- bodies -----------------------------------------------------------------------------------
def _body_message(problem: contract.Problem) -> str:
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
