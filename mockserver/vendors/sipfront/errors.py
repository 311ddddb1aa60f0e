"""Every error Sipfront answers, in its own wording: `error` is the headline, `description` says what is
wrong, a refused field is named in `parameter` (rendered by SipfrontVendor.error_response)."""

from __future__ import annotations

import re

from ...core.errors import VendorError

CHALLENGE = {"WWW-Authenticate": 'Basic realm="Sipfront API"'}
# what the doc's "standard HTTP response codes" carry when the server has nothing more specific to say
DESCRIPTIONS = {
    404: "The requested URL was not found on the server",
    405: "The method is not allowed for the requested URL",
    413: "The request body exceeds the upload size limit",
    500: "An unexpected error occurred",
}


# -- credentials (401, with the Basic challenge) ---------------------------------------------

def unauthorized(description: str) -> VendorError:
    return VendorError(401, "Unauthorized", headers=CHALLENGE, description=description)


def no_credentials() -> VendorError:
    return unauthorized("Authenticate with HTTP Basic: your public key as user, your secret as password")


def malformed_credentials(reason: str) -> VendorError:
    return unauthorized(reason)


def wrong_credentials() -> VendorError:
    return unauthorized("Invalid API key or secret")


# -- refused requests (400) ------------------------------------------------------------------

def invalid_parameter(name: str, description: str) -> VendorError:
    """The one shape of a refused field: the contract's refusals and the handlers' own checks."""
    return VendorError(400, f"Invalid parameter '{name}'", parameter=name, description=description)


def invalid_body(headline: str, description: str) -> VendorError:
    """A body the contract refuses as a whole (no field to name): unreadable, missing, of the wrong type."""
    return VendorError(400, headline, description=description)


def refused_by_contract(problem, launching: str) -> VendorError:
    """A request the spec forbids (core/contract.Problem), as the handlers word their own 400s:
    "Invalid parameter '<name>'" with the form field (or query parameter) in `parameter` and what is wrong
    with it in `description`. `launching` is what a launch body selects ("test" or "project")."""
    parameter = _parameter(problem)
    if problem.location == "body" and not problem.path and parameter in _SELECTORS \
            and problem.message.endswith("is a required property"):
        return selector_missing(launching)
    if parameter is None:
        return invalid_body(_headline(problem), str(problem))
    if problem.location != "body":
        detail = f"{parameter}: {problem.message}"
    elif parameter in problem.message:
        detail = problem.message
    else:  # {"test": {}}: the nested object stands for test.name, which it lacks
        detail = f"{parameter!r} is a required property"
    return invalid_parameter(parameter, detail)


# the fields that pick what a launch runs; a body naming none of them misses "test.name or id"
_SELECTORS = {"id", "test.name", "test", "project.name", "project"}
# the nested JSON objects that stand for dotted keys: a problem inside one is named by its dotted path
_DOTTED = {"test", "project", "report", "step"}
_UNEXPECTED = re.compile(r"\('([^']*)'.*(?:was|were) unexpected\)")
_REQUIRED = re.compile(r"'([^']*)' is a required property$")


def _parameter(problem) -> str | None:
    """The request field a contract problem is about, spelled as Sipfront's form field (`parameter`)."""
    if problem.location != "body":
        return problem.name
    if problem.name is None:
        unexpected = _UNEXPECTED.search(problem.message)
        return unexpected.group(1) if unexpected else None
    if problem.name in _DOTTED:
        missing = _REQUIRED.search(problem.message)
        if missing and problem.path == problem.name:  # {"test": {}} misses test.name
            return f"{problem.path}.{missing.group(1)}"
        if problem.path.startswith(problem.name + "."):
            return problem.path
    return problem.name


def _headline(problem) -> str:
    """The `error` of a body problem that names no field: what is wrong with the body as a whole."""
    if problem.message.startswith("media type"):
        return "Unsupported body type"
    if problem.message.startswith("Malformed JSON body"):
        return "Malformed JSON body"
    if problem.message.startswith("Missing required request body"):
        return "Request body is missing"
    return "Invalid request body"


def selector_missing(what: str) -> VendorError:
    """A launch body naming neither the id nor the name of the `what` ("test", "project") to run."""
    return invalid_parameter(f"{what}.name", f"Give {what}.name or id to select the {what} to run")


def unpaired_filters(names: int, values: int) -> VendorError:
    return invalid_parameter("filtername" if names > values else "filterval",
                             f"filtername and filterval must come in pairs, got {names} and {values}")


def filterval_not_time(column: str, value: str) -> VendorError:
    return invalid_parameter(
        "filterval", f"filterval for {column} must be a time like 2024-02-09 08:20:18 or its leading date or "
                     f"hour part, got {value!r}")


def filterval_not_whole(column: str, value: str, max_digits: int) -> VendorError:
    return invalid_parameter(
        "filterval", f"filterval for {column} must be a whole number of at most {max_digits} digits, got {value!r}")


def override_malformed(key: str) -> VendorError:
    return invalid_parameter(key, "overrides look like step.<step>.<action>.<attr>")


def override_unknown_step(key: str, test_name: str, step: str, action: str) -> VendorError:
    return invalid_parameter(key, f"Test {test_name!r} has no step {step} action {action}")


def tests_not_of_project(project_name: str, test_ids) -> VendorError:
    return invalid_parameter("test_ids", f"Not tests of project {project_name!r}: {', '.join(map(str, test_ids))}")


def project_has_no_tests(project_name: str) -> VendorError:
    return VendorError(400, "Project has no tests", description=f"Project {project_name!r} has no tests to run")


def stray_file_part(name: str) -> VendorError:
    return invalid_parameter(name, "Upload the image as the multipart part 'file'")


def file_as_text_field() -> VendorError:
    return invalid_parameter("file", "Upload the image as the multipart file part 'file', not a text field")


def empty_upload() -> VendorError:
    return invalid_parameter("file", "The uploaded file is empty")


def image_missing() -> VendorError:
    return invalid_parameter("file", "Give the image as the multipart part 'file' or its download url")


def filename_missing() -> VendorError:
    return invalid_parameter("filename", "The image needs a file name")


def platform_unknown() -> VendorError:
    return invalid_parameter("platform", "Give platform android or ios, or upload an .apk, .aab, .ipa or .app file")


# -- not found (404) -------------------------------------------------------------------------

def test_not_found(test_id) -> VendorError:
    return VendorError(404, "Test not found", description=f"No test with id {test_id}")


def test_not_named(name) -> VendorError:
    return VendorError(404, "Test not found", description=f"No test named {name!r}")


def project_not_found(project_id) -> VendorError:
    return VendorError(404, "Project not found", description=f"No project with id {project_id}")


def project_not_named(name) -> VendorError:
    return VendorError(404, "Project not found", description=f"No project named {name!r}")


def run_not_found(key: str) -> VendorError:
    return VendorError(404, "Run not found", description=f"No test run with id or session id {key!r}")


def project_run_not_found(run_uuid: str) -> VendorError:
    return VendorError(404, "Project run not found", description=f"No project run {run_uuid!r}")


def test_never_ran(test_id) -> VendorError:
    return VendorError(404, "No runs found", description=f"Test {test_id} has not run yet")


def project_never_ran(project_id) -> VendorError:
    return VendorError(404, "No runs found", description=f"Project {project_id} has not run yet")


def unknown_measure(measure: str, measures) -> VendorError:
    return VendorError(404, f"Unknown measure '{measure}'", valid_measures=list(measures),
                       description=f"Valid measures: {', '.join(measures)}")
