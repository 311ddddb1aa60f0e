"""Every error Happo answers, named, in the service's wording: `{"error": ...}`, `details` for field errors.

The only module of the package that builds a VendorError; the rest raise `errors.<name>(...)`.
"""

from __future__ import annotations

import ast
import re

from ...core.errors import VendorError

MISSING = "Missing data for required field."

# -- authentication (401) and signed URLs (403) ---------------------------------------------------


def _unauthorized(message: str) -> VendorError:
    return VendorError(401, message)


def missing_authorization() -> VendorError:
    return _unauthorized("Missing Authorization header")


def empty_bearer_token() -> VendorError:
    return _unauthorized("Empty bearer token")


def unsupported_scheme(scheme: str) -> VendorError:
    return _unauthorized(f"Unsupported authorization scheme {scheme!r}")


def malformed_basic(reason: str) -> VendorError:
    return _unauthorized(reason)


def basic_needs_key_and_secret() -> VendorError:
    return _unauthorized("Basic credentials need apiKey:apiSecret")


def invalid_key_or_secret() -> VendorError:
    return _unauthorized("Invalid API key or secret")


def malformed_jwt() -> VendorError:
    return _unauthorized("Malformed JWT")


def jwt_lacks_kid() -> VendorError:
    return _unauthorized("JWT header lacks the kid (API key)")


def jwt_not_hs256() -> VendorError:
    return _unauthorized("JWT must be signed with HS256")


def unknown_api_key(kid: str) -> VendorError:
    return _unauthorized(f"Unknown API key {kid!r}")


def jwt_expired() -> VendorError:
    return _unauthorized("JWT has expired")


def jwt_signature_mismatch() -> VendorError:
    return _unauthorized("JWT signature does not match the API secret")


def invalid_jwt(reason) -> VendorError:
    return _unauthorized(f"Invalid JWT: {reason}")


def jwt_key_mismatch() -> VendorError:
    return _unauthorized("JWT payload key does not match the kid header")


def signed_url_invalid() -> VendorError:
    return VendorError(403, "The signed URL is not valid")


def upload_url_invalid() -> VendorError:
    return VendorError(403, "The upload URL is not valid")


# -- malformed requests (400) ---------------------------------------------------------------------


def bad_request(message: str) -> VendorError:
    """A 400 whose message says it all (a body that is not an object, malformed JSON, a media type)."""
    return VendorError(400, message)


def invalid_field(path: str, message: str, details: dict) -> VendorError:
    """A 400 naming the first bad field; `details` nests every bad field's messages by path."""
    return VendorError(400, f"{path}: {message}", fields=details)


def _field_error(name: str, message: str) -> VendorError:
    return invalid_field(name, message, {name: [message]})


def not_json(mimetype: str) -> VendorError:
    return VendorError(400, f"Request body must be JSON (application/json), not {mimetype or 'untyped'}")


def project_unnamed(index: int) -> VendorError:
    return VendorError(400, f"projects.{index}: must name a project",
                       fields={"projects": {str(index): ["must name a project"]}})


def payload_missing() -> VendorError:
    return _field_error("payload", MISSING)


def payload_too_deep() -> VendorError:
    return _field_error("payload", "Not valid JSON: nested too deeply.")


def payload_not_json(reason) -> VendorError:
    return _field_error("payload", f"Not valid JSON: {reason}")


def file_part_missing(name: str) -> VendorError:
    """A multipart upload without its file field (`payload`, `file`)."""
    return _field_error(name, MISSING)


def not_a_pull_request_url() -> VendorError:
    return _field_error("prUrl", "must be a pull request URL")


def nonce_mismatch() -> VendorError:
    return VendorError(400, "The nonce does not match the one the report was created with")


# -- unknown things (404) -------------------------------------------------------------------------


def project_not_found(name: str) -> VendorError:
    return VendorError(404, f'Project "{name}" not found')


def project_id_not_found(project_id: int) -> VendorError:
    return VendorError(404, f"No project {project_id}")


def report_not_found(sha: str) -> VendorError:
    return VendorError(404, f'No report found for sha "{sha}"')


def report_processing(sha: str) -> VendorError:
    return VendorError(404, f'Report "{sha}" is still being processed')


def async_report_not_found(sha: str) -> VendorError:
    return VendorError(404, f'No async report found for sha "{sha}"')


def no_baseline() -> VendorError:
    return VendorError(404, "No baseline report found for any of the shas")


def comparison_not_found(sha1: str, sha2: str) -> VendorError:
    return VendorError(404, f'No comparison found for "{sha1}" and "{sha2}"')


def snapshot_not_found(snapshot_id: str) -> VendorError:
    return VendorError(404, f'No snapshot found with id "{snapshot_id}"')


def component_snapshot_not_found(component: str, variant: str, target: str) -> VendorError:
    return VendorError(404, f'No snapshot found for "{component}" / "{variant}" / "{target}"')


def snap_request_not_found(request_id: int) -> VendorError:
    return VendorError(404, f"No snap request found with id {request_id}")


def assets_not_found(hash_: str) -> VendorError:
    return VendorError(404, f"No assets found for hash {hash_}")


def nothing_uploaded(hash_: str) -> VendorError:
    return VendorError(404, f"Nothing was uploaded to the signed URL of {hash_}")


def job_not_found(sha1: str, sha2: str, project_name: str) -> VendorError:
    return VendorError(404, f'No job found for "{sha1}" and "{sha2}" in project "{project_name}"')


def job_id_not_found(job_id: int) -> VendorError:
    return VendorError(404, f"No job {job_id}")


def storage_full(limit_mb: int) -> VendorError:
    # the docs name no quota: the mock's bound (--max-stored-mb) in the API's error shape
    return VendorError(413, f"Image storage limit of {limit_mb} MB reached for this account")


def image_not_found(hash_: str) -> VendorError:
    return VendorError(404, f"No image {hash_}")


def no_such_image() -> VendorError:
    return VendorError(404, "No such image")


def no_account() -> VendorError:
    return VendorError(404, "No account")


def no_pr_token_account() -> VendorError:
    return VendorError(404, "No account can take pull-request tokens")


# -- state rules (409) ----------------------------------------------------------------------------


def report_incomplete(sha: str) -> VendorError:
    return VendorError(409, f'Report "{sha}" is not complete yet')


def job_finished(job: dict) -> VendorError:
    return VendorError(409, f"Job {job['id']} has already finished ({job['status']})")


def nothing_to_review() -> VendorError:
    return VendorError(409, "The comparison has no result to review yet")


# -- requests the contract refuses ----------------------------------------------------------------

_REQUIRED = re.compile(r"""^(?P<name>'[^']*'|"[^"]*") is a required property$""")
_UNEXPECTED = re.compile(r"^Additional properties are not allowed \((?P<names>.*) (?:was|were) unexpected\)$", re.S)
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_TYPE = re.compile(r"^(?P<instance>.*) is not of type (?P<types>'\w+'(?: or '\w+')*)$", re.S)
_TYPE_WORDS = {"string": "Not a valid string.", "integer": "Not a valid integer.", "number": "Not a valid number.",
               "boolean": "Not a valid boolean.", "array": "Not a valid list.", "object": "Invalid input type."}
_FORMAT_WORDS = {"date-time": "Not a valid datetime.", "email": "Not a valid email address.",
                 "uri": "Not a valid URL."}
# the handlers validated with marshmallow before the contract did; a refusal speaks its words whichever
# side refuses, so one request gets one style of body ({n} is the bound the schema names)
_WORDS = tuple((re.compile(f"^.* {pattern}$", re.S), words) for pattern, words in (
    (r"is shorter than (?P<n>\d+) characters?", "Shorter than minimum length {n}."),
    (r"is longer than (?P<n>\d+) characters?", "Longer than maximum length {n}."),
    (r"has less than (?P<n>\d+) items?", "Shorter than minimum length {n}."),
    (r"has more than (?P<n>\d+) items?", "Longer than maximum length {n}."),
    (r"is less than the minimum of (?P<n>\S+)", "Must be greater than or equal to {n}."),
    (r"is less than or equal to the minimum of (?P<n>\S+)", "Must be greater than {n}."),
    (r"is greater than the maximum of (?P<n>\S+)", "Must be less than or equal to {n}."),
    (r"does not match .*", "String does not match expected pattern."),
    (r"was expected", "Invalid value."),
    (r"is (?:not )?valid under (?:any|more than one) of the schemas .*", "Invalid value."),
    (r"has non-unique elements", "Items must be unique."),
))
_ENUM = re.compile(r"^.* is not one of (?P<options>.*)$", re.S)
_FORMAT = re.compile(r'^.* is not a "(?P<f>[^"]+)"$', re.S)


def contract_refusal(problem) -> VendorError:
    """A request the spec forbids (core/contract.Problem): 400 in Happo's validation shape, `error` naming
    the field path ("snaps.1.url: Missing data for required field.") and `details` nesting every field."""
    message = problem.message
    if problem.location == "body" and problem.where == "request body":
        if problem.path and message.startswith(problem.path + ": "):
            message = message[len(problem.path) + 2:]
        # every schema error, as marshmallow listed every field before; `error` tells the first
        causes = [_field(cause.path, cause.message) for cause in problem.errors]
        causes = [c for c in causes if c[0]] or [_field(problem.path, message)]
        path, text = causes[0]
        if not path:  # the body as a whole (not an object)
            return bad_request(message)
        details: dict = {}
        for where, why in causes:
            _nest(details, where.split("."), why)
        return invalid_field(path, text, details)
    if problem.location != "body" and problem.name:  # a query, path or header parameter
        return _field_error(problem.name, message)
    return bad_request(message if not problem.where else str(problem))  # malformed JSON, media type


def _field(path: str, message: str) -> tuple[str, str]:
    """(dotted path of the field, message in marshmallow's words); jsonschema names the object lacking a
    required field or holding an unknown one, Happo the field itself."""
    required = _REQUIRED.match(message)
    if required:
        return _join(path, ast.literal_eval(required["name"])), MISSING
    unexpected = _UNEXPECTED.match(message)
    if unexpected:
        first = _QUOTED.search(unexpected["names"])
        if first:
            return _join(path, first[1] if first[1] is not None else first[2]), "Unknown field."
    return path, _words(message)


def _join(path: str, name: str) -> str:
    return ".".join(p for p in (path, name) if p)


def _words(message: str) -> str:
    typed = _TYPE.match(message)
    if typed:
        if typed["instance"] == "null":
            return "Field may not be null."
        types = [t for t in re.findall(r"'(\w+)'", typed["types"]) if t != "null"]
        return _TYPE_WORDS.get(types[0], "Invalid value.") if len(types) == 1 else "Invalid value."
    found = _ENUM.match(message)
    if found:
        return f"Must be one of: {_options(found['options'])}."
    found = _FORMAT.match(message)
    if found:
        return _FORMAT_WORDS.get(found["f"], "Invalid value.")
    for pattern, words in _WORDS:
        found = pattern.match(message)
        if found:
            return words.format(**found.groupdict())
    return message


def _options(options: str) -> str:
    try:
        values = ast.literal_eval(options)
    except (ValueError, SyntaxError):
        return options
    if not isinstance(values, (list, tuple)):
        values = [values]
    return ", ".join(str(v) for v in values)


def _nest(details: dict, parts: list[str], message: str) -> None:
    node = details
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):  # the parent itself is invalid: its message says enough
            return
    leaf = node.setdefault(parts[-1], [])
    if isinstance(leaf, list):
        leaf.append(message)
