"""Pushing test results; builds and execution environments of a test run."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from . import runs
from .auth import current_author
from .jsonapi import read_resource, relationship_id, render, respond
from .records import find, stamp, touch
from .routes import bp, options
from .runs_api import project_run, run_snapshot

RUN = "/api/projects/<int:project_id>/test_runs/<int:test_run_id>"
RESULT_LINKAGE = ("test-snapshot", "build")


def _result_response(state, result, status):
    return render(state, "test-results", result, status=status, linkage_for=RESULT_LINKAGE, options=options())


def _env(state, run, env_id) -> dict:
    return find(state, "execution_environments", env_id, test_run_id=run["id"])


def _target_build(state, run, build_id, env_id) -> dict | None:
    """The build a result goes into: the given one, or the environment's current build."""
    build = find(state, "builds", build_id, test_run_id=run["id"]) if build_id is not None else None
    if env_id is not None:
        env = _env(state, run, env_id)
        if build is not None and build["execution_environment_id"] != env["id"]:
            raise VendorError(422, "The build does not belong to the given execution environment")
        if build is None:
            # an environment without any build yet gets one, so the result is never lost
            build = runs.current_build(state, run["id"], env["id"]) or runs.new_build(state, run, env, "", stamp())
    return build


@bp.post(RUN + "/test_snapshots/<int:test_snapshot_id>/test_results")
def create_result(project_id, test_run_id, test_snapshot_id):
    state = context.state()
    snap = run_snapshot(state, project_id, test_run_id, test_snapshot_id)
    run = state.get("test_runs", test_run_id)
    attrs, rels = read_resource("test-results")
    build = _target_build(state, run,
                          relationship_id(rels, "build", expected="builds"),
                          relationship_id(rels, "execution-environment", expected="execution-environments"))
    result = runs.add_result(state, run, snap, attrs, build, stamp(), current_author())
    return _result_response(state, result, 201)


# the docs' own curl example updates a result with PUT, so both verbs are served
@bp.route(RUN + "/test_snapshots/<int:test_snapshot_id>/test_results/<int:test_result_id>", methods=["PATCH", "PUT"])
def update_result(project_id, test_run_id, test_snapshot_id, test_result_id):
    state = context.state()
    snap = run_snapshot(state, project_id, test_run_id, test_snapshot_id)
    result = find(state, "test_results", test_result_id, test_snapshot_id=snap["id"])
    attrs, _ = read_resource("test-results", url_id=test_result_id)
    if "status" in attrs:
        attrs["status"] = runs.normalize_status(attrs["status"])
    result.update(attrs)
    touch(result)
    return render(state, "test-results", result, options=options())


def _pushed_with_snapshot(state, run, build):
    attrs, rels = read_resource("test-results")
    snap_id = relationship_id(rels, "test-snapshot", expected="test-snapshots")
    if snap_id is None:
        raise VendorError(422, "The test-snapshot relationship is required")
    snap = find(state, "test_snapshots", snap_id, test_run_id=run["id"])
    result = runs.add_result(state, run, snap, attrs, build, stamp(), current_author())
    return _result_response(state, result, 201)


# -- builds -----------------------------------------------------------------------------------
def _single_env(state, run) -> dict:
    envs = runs.envs_of(state, run["id"])
    if len(envs) > 1:
        raise VendorError(400, "This test run has several execution environments: use the execution environment's builds")
    return envs[0] if envs else runs.ensure_default_env(state, run, stamp())


@bp.get(RUN + "/builds")
def list_builds(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _single_env(state, run)
    return render(state, "builds", runs.builds_of(state, run["id"], env["id"]), options=options())


@bp.post(RUN + "/builds")
def create_build(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _single_env(state, run)
    attrs, _ = read_resource("builds")
    return render(state, "builds", runs.new_build(state, run, env, attrs.get("name") or "", stamp()), status=201,
                  options=options())


def _current(state, run, env):
    build = runs.current_build(state, run["id"], env["id"])
    if build is None:
        raise VendorError(404, f"The execution environment {env['name']!r} has no build yet")
    return render(state, "builds", build, allowed_includes=("test-results",), options=options())


@bp.get(RUN + "/builds/current")
def current_build(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return _current(state, run, _single_env(state, run))


@bp.get(RUN + "/builds/<int:build_id>")
def show_build(project_id, test_run_id, build_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    build = find(state, "builds", build_id, test_run_id=run["id"])
    return render(state, "builds", build, allowed_includes=("test-results",), options=options())


@bp.patch(RUN + "/builds/<int:build_id>")
def update_build(project_id, test_run_id, build_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    build = find(state, "builds", build_id, test_run_id=run["id"])
    attrs, _ = read_resource("builds", url_id=build_id)
    build.update(attrs)
    return render(state, "builds", build, options=options())


@bp.post(RUN + "/builds/<int:build_id>/close")
def close_build(project_id, test_run_id, build_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    build = find(state, "builds", build_id, test_run_id=run["id"])
    if build.get("closed_at") is None:
        build["closed_at"] = stamp()
    return render(state, "builds", build, options=options())


@bp.post(RUN + "/builds/<int:build_id>/test_results")
def build_result(project_id, test_run_id, build_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    build = find(state, "builds", build_id, test_run_id=run["id"])
    return _pushed_with_snapshot(state, run, build)


# -- execution environments -------------------------------------------------------------------
@bp.get(RUN + "/execution_environments")
def list_environments(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return render(state, "execution-environments", runs.envs_of(state, run["id"]), options=options())


def _unique_name(state, run, name, except_id=None):
    if any(e["name"] == name and e["id"] != except_id for e in runs.envs_of(state, run["id"])):
        raise VendorError(422, f"An execution environment named {name!r} already exists in this test run")


@bp.post(RUN + "/execution_environments")
def create_environment(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    runs.ensure_default_env(state, run, stamp())
    attrs, _ = read_resource("execution-environments")
    _unique_name(state, run, attrs["name"])
    at = stamp()
    env = state.insert("execution_environments", {"name": attrs["name"], "test_run_id": run["id"],
                                                  "created_at": at, "updated_at": at, "last_author": current_author()})
    return render(state, "execution-environments", env, status=201, options=options())


@bp.patch(RUN + "/execution_environments/<int:execution_environment_id>")
def update_environment(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _env(state, run, execution_environment_id)
    attrs, _ = read_resource("execution-environments", url_id=execution_environment_id)
    if "name" in attrs:
        _unique_name(state, run, attrs["name"], env["id"])
    env.update(attrs)
    touch(env)
    return render(state, "execution-environments", env, options=options())


@bp.delete(RUN + "/execution_environments/<int:execution_environment_id>")
def delete_environment(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _env(state, run, execution_environment_id)
    if len(runs.envs_of(state, run["id"])) == 1:
        # a test run always keeps one environment to hold its builds
        raise VendorError(422, "The last execution environment of a test run cannot be deleted")
    for build in runs.builds_of(state, run["id"], env["id"]):
        for rid in build.get("result_ids", []):
            if (result := state.get("test_results", rid)) is not None:
                result.update(build_id=None, execution_environment_id=None)
        state.delete("builds", build["id"])
    state.delete("execution_environments", env["id"])
    return respond({"data": {}})


ENV = RUN + "/execution_environments/<int:execution_environment_id>"


@bp.get(ENV + "/builds")
def list_environment_builds(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _env(state, run, execution_environment_id)
    return render(state, "builds", runs.builds_of(state, run["id"], env["id"]), options=options())


@bp.post(ENV + "/builds")
def create_environment_build(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _env(state, run, execution_environment_id)
    attrs, _ = read_resource("builds")
    return render(state, "builds", runs.new_build(state, run, env, attrs.get("name") or "", stamp()), status=201,
                  options=options())


@bp.get(ENV + "/builds/current")
def current_environment_build(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return _current(state, run, _env(state, run, execution_environment_id))


@bp.post(ENV + "/test_results")
def environment_result(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _env(state, run, execution_environment_id)
    build = runs.current_build(state, run["id"], env["id"]) or runs.new_build(state, run, env, "", stamp())
    return _pushed_with_snapshot(state, run, build)
