"""hiptest-publisher's interface: a project's secret token in the URL, no json:api, no header credentials.

Pushed reports (`--push`) become test results of the same store the json:api serves; the test-run
list lets `--test-run-name` find its run; the XML exports (project, leafless tests, a test run, and the
asynchronous project export the publisher tries first) are what it generates code from.
"""

from __future__ import annotations

from flask import Response, request

from ...core import context
from ...core.auth import public
from ...core.negotiation import json_response
from . import errors
from .auth import current_author
from .blueprint import blueprint, stamp
from .model import export, reports, runs

JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"


def _project(state, token: str) -> dict:
    # by index: no request changes a project's secret token (it comes with the fixtures)
    found = next(iter(state.where("projects", "secret_token", token)), None)
    if found is None:
        raise errors.record_not_found()  # hiptest-publisher reads a 404 as "project not found"
    return found


def _outcomes(fmt: str) -> list[reports.Outcome]:
    """Every report file's test cases, all read before anything is written."""
    files = [f for key in request.files for f in request.files.getlist(key)]
    if not files:
        raise errors.no_report()
    out = []
    for upload in files:
        try:
            out += reports.read(fmt, upload.read())
        except reports.ReportError as exc:
            raise errors.unreadable_report(upload.filename or "the report", str(exc)) from None
    return out


def _environment(state, run: dict, name: str | None) -> dict:
    if not name:
        return runs.ensure_default_env(state, run, stamp())
    found = next((e for e in runs.envs_of(state, run["id"]) if e["name"] == name), None)
    if found is not None:
        return found
    runs.ensure_default_env(state, run, stamp())
    # hiptest-publisher's --execution-environment names one; a new name makes it, as its docs describe
    at = stamp()
    return state.insert("execution_environments", {"name": name, "test_run_id": run["id"], "created_at": at,
                                                   "updated_at": at, "last_author": current_author()})


def _build(state, run: dict, params: dict) -> dict:
    if params.get("build_id") is not None:
        build = state.get("builds", params["build_id"])
        if build is None or build["test_run_id"] != run["id"]:
            raise errors.record_not_found()
        return build
    env = _environment(state, run, params.get("execution_environment"))
    name = params.get("build_name")
    if name:
        # pushing several report files under one build name fills one build
        same = [b for b in runs.builds_of(state, run["id"], env["id"]) if b["name"] == name]
        return same[-1] if same else runs.new_build(state, run, env, name, stamp())
    return runs.current_build(state, run["id"], env["id"]) or runs.new_build(state, run, env, "", stamp())


@blueprint.post("/import_test_results/<token>/<format>")
@public
def import_test_results(token, format):  # noqa: A002 (the spec's name for the path parameter)
    fmt = format
    state = context.state()
    project = _project(state, token)
    params, _ = context.checked()
    matched = reports.match(state, project["id"], _outcomes(fmt), runs.run_snapshots)
    if params.get("build_id") is not None:
        for run in {id(r): r for _, r, _ in matched}.values():
            _build(state, run, params)  # an unknown build refuses the push before any result is written
    builds: dict[int, dict] = {}
    imported = []
    for outcome, run, test in matched:
        build = builds.get(run["id"]) or builds.setdefault(run["id"], _build(state, run, params))
        result = runs.add_result(state, run, test, {"status": outcome.status, "status_author": current_author(),
                                                   "description": "", "step_statuses": outcome.step_statuses},
                                 build, stamp(), current_author())
        imported.append({"name": test["name"], "status": result["status"]})
    return json_response({"test_import": imported}, 200, content_type=JSON)


@blueprint.get("/publication/<token>/test_runs")
@public
def publication_test_runs(token):
    state = context.state()
    project = _project(state, token)
    found = sorted(state.where("test_runs", "project_id", project["id"]), key=lambda r: r["id"])
    return json_response({"test_runs": [{"id": str(r["id"]), "name": r["name"], "created_at": r["created_at"]}
                                        for r in found]}, 200, content_type=JSON)


@blueprint.post("/report_global_failure/<token>/<int:test_run_id>/")
@public
def report_global_failure(token, test_run_id):
    """Every test of the run failed at once (the CI produced no report at all)."""
    state = context.state()
    project = _project(state, token)
    run = state.get("test_runs", test_run_id)
    if run is None or run["project_id"] != project["id"]:
        raise errors.record_not_found()
    params, _ = context.checked()
    build = _build(state, run, params)
    imported = []
    for test in runs.run_snapshots(state, run["id"]):
        runs.add_result(state, run, test, {"status": "failed", "status_author": current_author(),
                                           "description": "Global failure: no test report was produced"},
                        build, stamp(), current_author())
        imported.append({"name": test["name"], "status": "failed"})
    return json_response({"test_import": imported}, 200, content_type=JSON)


def _xml(body: bytes) -> Response:
    return Response(body, 200, content_type=XML)


@blueprint.get("/publication/<token>/project")
@public
def publication_project(token):
    state = context.state()
    project = _project(state, token)
    return _xml(export.project_xml(state, project, export.Filters(context.checked()[0])))


@blueprint.get("/publication/<token>/leafless_tests")
@public
def publication_leafless_tests(token):
    state = context.state()
    project = _project(state, token)
    return _xml(export.leafless_xml(state, project, export.Filters(context.checked()[0])))


@blueprint.get("/publication/<token>/test_run/<int:test_run_id>")
@public
def publication_test_run(token, test_run_id):
    state = context.state()
    project = _project(state, token)
    run = state.get("test_runs", test_run_id)
    if run is None or run["project_id"] != project["id"]:
        raise errors.record_not_found()
    return _xml(export.test_run_xml(state, project, run, context.checked()[0].get("filter_status")))


@blueprint.post("/publication/<token>/async_project")
@public
def publication_async_project(token):
    """The export hiptest-publisher asks for first; made at once (the mock has no generation delay), so the
    first poll of its id answers it, with the data as it was when asked for."""
    state = context.state()
    project = _project(state, token)
    exports = state.extra.setdefault("publication_exports", {})
    export_id = state.next_id("publication_exports")
    exports[export_id] = {"project_id": project["id"],
                          "xml": export.project_xml(state, project, export.Filters(context.checked()[0])).decode()}
    # an export started, not yet fetched: 202, as the poll answers while one is being generated
    return json_response({"publication_export_id": export_id}, 202, content_type=JSON)


@blueprint.get("/publication/<token>/async_project/<int:export_id>")
@public
def publication_async_project_result(token, export_id):
    state = context.state()
    project = _project(state, token)
    made = state.extra.get("publication_exports", {}).get(export_id)
    if made is None or made["project_id"] != project["id"]:
        raise errors.record_not_found()
    return _xml(made["xml"].encode())
