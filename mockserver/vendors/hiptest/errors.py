"""Every error Hiptest answers, named, in its own wording; and a request the spec forbids, answered
as Hiptest's handlers always answered it.

The body is `{"errors": [message]}` (Vendor.error_response); only the status and message live here.

The contract (core/contract.py) refuses before the view; `refusal` turns its `Problem` into the vendor's
own refusal: `{"errors": ["<path>: <message>"]}` in marshmallow's words where the handlers had them and
Rails' otherwise ("can't be blank", "is invalid"; never the validator's phrasing), 422 for an invalid
attribute of a resource document (the path then names the attribute underscored, as the attributes
are read), 400 for a document that is not a json:api resource (path from `data`), 401 for a sign-in
without usable credentials (devise_token_auth answers those like a wrong password), and the query
parameters' own messages.
"""

from __future__ import annotations

import ast
import json
import math
import re

from flask import request

from ...core import context
from ...core.errors import VendorError

UNAUTHENTICATED = "You need to sign in or sign up before continuing."
BAD_LOGIN = "Invalid login credentials. Please try again."
NOT_FOUND = "Record not found"
UPLOAD_HINT = "Send the file as multipart/form-data in the field 'file'"
NOT_AN_OBJECT = "Request body must be a JSON object"
MISSING_BODY = "Request body is missing"
BAD_OLDER_THAN = "older_than must be a date formatted YYYY-MM-DD"
RESOURCE_KEYS = ("type", "id", "attributes", "relationships")


# -- credentials and limits -------------------------------------------------------------------------
def not_acceptable() -> VendorError:
    # undocumented (the docs only say the header is mandatory): 406 is what Rails answers
    # when no responder matches the requested format
    return VendorError(406, "Not Acceptable: send the header 'Accept: application/vnd.api+json; version=1'")


def unauthenticated() -> VendorError:
    return VendorError(401, UNAUTHENTICATED)


def bad_login() -> VendorError:
    return VendorError(401, BAD_LOGIN)


def too_many_requests(wait_seconds: float) -> VendorError:
    return VendorError(429, "Too Many Requests: retry later", headers={"Retry-After": str(math.ceil(wait_seconds))})


# -- records and documents --------------------------------------------------------------------------
def record_not_found() -> VendorError:
    # the docs never show a 404 body; it takes the errors shape of the documented 401s
    return VendorError(404, NOT_FOUND)


def unknown_relationships(names: list[str]) -> VendorError:
    return VendorError(400, f"{', '.join(names)} is not a valid relationship of this resource")


def type_mismatch(expected: str, given) -> VendorError:
    return VendorError(409, f"Type mismatch: expected {expected}, got {given}")


def id_mismatch(body_id, url_id) -> VendorError:
    return VendorError(409, f"Id mismatch: the body says {body_id}, the URL says {url_id}")


def relationship_type(name: str, expected: str) -> VendorError:
    return VendorError(409, f"relationships.{name}: expected type {expected}")


def invalid(message: str) -> VendorError:
    """422 for an attribute the resource cannot take ("<attribute>: <why>")."""
    return VendorError(422, message)


def bad_request(message: str) -> VendorError:
    return VendorError(400, message)


def storage_full(limit_mb: int) -> VendorError:
    # the docs name no quota: Rails' 413 in the API's error list, with the mock's bound (--max-stored-mb) in it
    return VendorError(413, f"file: attachments of this project space exceed the storage limit of {limit_mb} MB")


def file_required() -> VendorError:
    """An upload without a file in `file` (missing, a text field, or a part whose name could not be read)."""
    return invalid("file: a file is required")


# -- projects ---------------------------------------------------------------------------------------
def backup_in_progress() -> VendorError:
    return VendorError(409, "A backup is already in progress")


# the backup download stands for S3, which answers in its own XML shape (rendered in __init__)
def backup_not_found() -> VendorError:
    return VendorError(404, "The specified key does not exist.", s3_code="NoSuchKey")


def backup_url_expired() -> VendorError:
    return VendorError(403, "Request has expired", s3_code="AccessDenied")


def backup_signature_mismatch() -> VendorError:
    return VendorError(403, "The request signature we calculated does not match the signature you provided.",
                       s3_code="SignatureDoesNotMatch")


# -- library ----------------------------------------------------------------------------------------
def unknown_parent_folder(parent_id) -> VendorError:
    return VendorError(422, f"parent-id: unknown folder {parent_id}")


def folder_cannot_move() -> VendorError:
    return VendorError(422, "parent-id: a folder cannot move under itself, and the root folder cannot move")


def root_folder_undeletable() -> VendorError:
    return VendorError(422, "The root folder of a project cannot be deleted")


def unreadable_feature(why) -> VendorError:
    return VendorError(422, f"feature: {why}")


def name_with_definition() -> VendorError:
    return VendorError(409, "name and definition cannot be updated together")


def parameter_name_empty() -> VendorError:
    return VendorError(422, "name: a parameter name needs at least one letter or digit")


def parameter_exists(name: str) -> VendorError:
    return VendorError(422, f"name: the scenario already has a parameter {name!r}")


def actionword_exists(name: str) -> VendorError:
    return VendorError(422, f"name: an action word named {name!r} already exists")


# -- test runs --------------------------------------------------------------------------------------
def unknown_scenarios(ids: list) -> VendorError:
    return VendorError(422, f"Unknown scenario ids in this project: {ids}")


def nothing_to_update() -> VendorError:
    return VendorError(422, "Nothing to update: give description, scenario_id or scenario_ids")


def bad_older_than() -> VendorError:
    return VendorError(400, BAD_OLDER_THAN)


def tests_generating() -> VendorError:
    return VendorError(423, "The tests of this test run are being generated, retry later")


# -- execution: results, builds, environments -------------------------------------------------------
def build_not_in_environment() -> VendorError:
    return VendorError(422, "The build does not belong to the given execution environment")


def snapshot_relationship_required() -> VendorError:
    return VendorError(422, "The test-snapshot relationship is required")


def several_environments() -> VendorError:
    return VendorError(400, "This test run has several execution environments: use the execution environment's builds")


def no_build_yet(environment_name: str) -> VendorError:
    return VendorError(404, f"The execution environment {environment_name!r} has no build yet")


def environment_name_taken(name: str) -> VendorError:
    return VendorError(422, f"An execution environment named {name!r} already exists in this test run")


def last_environment() -> VendorError:
    # a test run always keeps one environment to hold its builds
    return VendorError(422, "The last execution environment of a test run cannot be deleted")


# -- hiptest-publisher's interface (a project's secret token in the URL) ------------------------------
def no_report() -> VendorError:
    return VendorError(422, "No test report file was sent")


def unreadable_report(file_name: str, why: str) -> VendorError:
    return VendorError(422, f"Unable to read {file_name}: {why}")


# -- a request the contract refused -----------------------------------------------------------------
# the query parameters' own refusals (the messages the handlers gave before the contract checked them)
PARAMETER_MESSAGES = {
    "key": lambda missing: "The key parameter is required",
    "older_than": lambda missing: "older_than (YYYY-MM-DD) is required" if missing else BAD_OLDER_THAN,
    "limit": lambda missing: "limit must be a positive integer",
    "filter[status]": lambda missing: "filter[status] must be 'active' or 'archived'",
}

# marshmallow's wording for a value of the wrong JSON type, by the spec's allowed types
# (Hiptest's docs and the notes show no validation wording at all: the handlers' words are the plausible form)
_TYPE_WORDS = (
    ({"integer", "string"}, "Not a valid id."),  # every [integer, string] in the spec is a json:api id
    ({"string"}, "Not a valid string."),
    ({"array"}, "Not a valid list."),
    ({"object"}, "Not a valid mapping type."),
    ({"boolean"}, "Not a valid boolean."),
    ({"integer"}, "Not a valid integer."),
    ({"number"}, "Not a valid number."),
)
# attributes whose whole value is refused with one message, whatever item is wrong
_FIELD_MESSAGES = {"step_statuses": "Each step status must be a string."}

_TYPE = re.compile(r"(?P<instance>.*) is not of type (?P<types>'\w+'(?: or '\w+')*)\Z", re.S)
_REQUIRED = re.compile(r"(?P<name>'.*'|\".*\") is a required property\Z", re.S)


def refusal(problem) -> VendorError:
    """The VendorError for one contract `Problem` (see the module docstring)."""
    if problem.where.startswith("parameter "):
        return _parameter(problem)
    if problem.where != "request body":
        # malformed JSON, a body nested too deeply, a request that cannot be read: the message as is
        return bad_request(problem.message)
    if request.path.endswith("/api/auth/sign_in"):
        if problem.path == "" and _document() is not _UNREAD and not isinstance(_document(), dict):
            return bad_request(NOT_AN_OBJECT)
        # devise_token_auth answers a sign-in without e-mail or password like a wrong one
        return bad_login()
    if (request.mimetype or "").startswith("multipart/") and problem.name == "file":
        return file_required()
    if _upload_only():
        return bad_request(UPLOAD_HINT)
    if problem.message == "Missing required request body":
        return bad_request(MISSING_BODY)
    if problem.message.startswith("media type "):
        return bad_request(problem.message)
    return _document_problem(problem)


# -- query and path parameters ------------------------------------------------------------------
def _parameter(problem) -> VendorError:
    if problem.location == "path":
        return record_not_found()  # an id that cannot be a record's is not found
    missing = problem.message == "required parameter is missing"
    if problem.name in PARAMETER_MESSAGES:
        return bad_request(PARAMETER_MESSAGES[problem.name](missing))
    if problem.name == "include":
        unknown = _unknown_includes()
        if unknown:
            return unknown_relationships(unknown)
    return bad_request(f"{problem.name}: {_vendor_words(problem.message, parameter=True)}")


def _unknown_includes() -> list[str]:
    """The ?include= names the operation's pattern does not allow (it matches one name as well as a list)."""
    param = next((p for p in operation().get("parameters", []) if p.get("name") == "include"), None)
    pattern = ((param or {}).get("schema") or {}).get("pattern")
    names = request.args.get("include", "").split(",")
    if not pattern:
        return names
    return [n for n in names if not re.search(pattern, n)]


# -- request bodies -------------------------------------------------------------------------------
_UNREAD = object()


def _document():
    """The JSON body as sent (the contract refused it, so it was read and parsed once already)."""
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _UNREAD


def _document_problem(problem) -> VendorError:
    parts = problem.path.split(".") if problem.path else []
    message = _plain(problem)
    if parts and parts[0] in RESOURCE_KEYS:
        parts = ["data", *parts]  # the resource sent without its `data` wrapper, as some doc examples do
    required = _required_name(message)
    if not parts:
        if not isinstance(_document(), dict):
            return bad_request(NOT_AN_OBJECT)
        sent = _document()
        if "type" in sent and not {"data", "attributes"} & set(sent):  # a bare resource without attributes
            return invalid(f"{_first_required_attribute()}: Missing data for required field.")
        if required is None or required in RESOURCE_KEYS:
            required = "data"  # neither a document nor a bare resource
        return bad_request(f"{required}: Missing data for required field.")
    if required == "attributes" and parts == ["data"]:
        # no attributes at all: named by the first attribute the resource requires, as an empty set would be
        required, parts = _first_required_attribute(), ["data", "attributes"]
    if required is not None:
        parts, message = [*parts, required], "Missing data for required field."
    else:
        message = _vendor_words(message)
    if parts[:4] == ["data", "relationships", "tags", "data"] and len(parts) > 4:
        return invalid("relationships.tags." + ".".join(parts[4:]) + f": {message}")  # a tag's own attributes
    if parts[:2] == ["data", "attributes"] and len(parts) > 2:
        field = parts[2].replace("-", "_")  # attributes are read underscored
        if field in _FIELD_MESSAGES and len(parts) > 3:
            return invalid(f"{field}: {_FIELD_MESSAGES[field]}")
        return invalid(".".join([field, *parts[3:]]) + f": {message}")
    return bad_request(".".join(parts) + f": {message}")


def _first_required_attribute() -> str:
    for content in ((operation().get("requestBody") or {}).get("content") or {}).values():
        resource = component((content.get("schema") or {}).get("$ref", "").rsplit("/", 1)[-1] + "Resource")
        attributes = resource.get("properties", {}).get("attributes", {})
        if "$ref" in attributes:
            attributes = component(attributes["$ref"].rsplit("/", 1)[-1])
        names = attributes.get("required") or [b["required"][0] for b in attributes.get("anyOf", [])]
        if names:
            return names[0]
    return "attributes"



def _plain(problem) -> str:
    """The contract's message without the path it prefixes."""
    prefix = f"{problem.path}: "
    return problem.message[len(prefix):] if problem.path and problem.message.startswith(prefix) else problem.message


def _required_name(message: str) -> str | None:
    found = _REQUIRED.match(message)
    if found is None:
        return None
    try:
        return str(ast.literal_eval(found["name"]))
    except (ValueError, SyntaxError):
        return found["name"].strip("'\"")


# what the validator says that marshmallow had no words for, as Rails' validations word it; a message
# still in the validator's own phrasing after these becomes Rails' catch-all "is invalid"
_RAILS_WORDS = tuple((re.compile(f"^.* {pattern}\\Z", re.S), words) for pattern, words in (
    (r"is shorter than 1 character", "can't be blank"),
    (r"is shorter than (?P<n>\d+) characters", "is too short (minimum is {n} characters)"),
    (r"is longer than (?P<n>\d+) characters?", "is too long (maximum is {n} characters)"),
    (r"has less than (?P<n>\d+) items?", "is too short (minimum is {n})"),
    (r"has more than (?P<n>\d+) items?", "is too long (maximum is {n})"),
    (r"is not one of .*", "is not included in the list"),
    (r"is less than the minimum of (?P<n>\S+)", "must be greater than or equal to {n}"),
    (r"is greater than the maximum of (?P<n>\S+)", "must be less than or equal to {n}"),
))
_NUMERIC_TYPE = re.compile(r"^.* is not of type '(?:integer|number)'\Z", re.S)


def _vendor_words(message: str, parameter: bool = False) -> str:
    """The handlers' marshmallow words where they had some, Rails' otherwise: never the validator's."""
    if parameter and _NUMERIC_TYPE.match(message):
        return "is not a number"  # a query value is text: Rails' numericality words
    worded = _marshmallow_words(message)
    if worded != message:
        return worded
    for pattern, words in _RAILS_WORDS:
        found = pattern.match(message)
        if found:
            return words.format(**found.groupdict())
    return "is invalid"


def _marshmallow_words(message: str) -> str:
    if message.endswith(f" does not match \"{component('RequestId').get('pattern')}\""):
        return "Not a valid id."  # a string id that is not digits
    found = _TYPE.match(message)
    if found is None:
        return message
    if found["instance"] == "null":
        return "Field may not be null."
    types = set(re.findall(r"'(\w+)'", found["types"])) - {"null"}
    for expected, words in _TYPE_WORDS:
        if types == expected:
            return words
    return message


# -- the operation in the spec ----------------------------------------------------------------------
def operation() -> dict:
    return context.contract().declared(request.url_rule.rule, request.method) if request.url_rule else {}


def _upload_only() -> bool:
    content = ((operation().get("requestBody") or {}).get("content") or {})
    return bool(content) and all(media.startswith("multipart/") for media in content)


def component(name: str) -> dict:
    """A schema of the spec's components (what the handlers read of a request is declared there)."""
    return context.contract().component(name)
