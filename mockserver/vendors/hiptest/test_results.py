"""Pushing test results: to a test, into a build, or into an execution environment's current build."""

from __future__ import annotations

from ...core import context
from . import errors
from .auth import current_author
from .blueprint import blueprint, find, in_run, options, read_resource, relationship_id, render, stamp, touch
from .model import runs

RUN = "/api/projects/<int:project_id>/test_runs/<int:test_run_id>"
RESULT_LINKAGE = ("test-snapshot", "build")


def _result_response(state, result, status):
    return render(state, "test-results", result, status=status, linkage_for=RESULT_LINKAGE, options=options())


def _target_build(state, run, build_id, env_id) -> dict | None:
    """The build a result goes into: the given one, or the environment's current build."""
    build = find(state, "builds", build_id, test_run_id=run["id"]) if build_id is not None else None
    if env_id is not None:
        env = find(state, "execution_environments", env_id, test_run_id=run["id"])
        if build is not None and build["execution_environment_id"] != env["id"]:
            raise errors.build_not_in_environment()
        if build is None:
            # an environment without any build yet gets one, so the result is never lost
            build = runs.current_build(state, run["id"], env["id"]) or runs.new_build(state, run, env, "", stamp())
    return build


@blueprint.post(RUN + "/test_snapshots/<int:test_snapshot_id>/test_results")
def create_result(project_id, test_run_id, test_snapshot_id):
    state = context.state()
    run, snap = in_run(state, "test_snapshots", project_id, test_run_id, test_snapshot_id)
    attrs, rels = read_resource("test-results")
    build = _target_build(state, run,
                          relationship_id(rels, "build", expected="builds"),
                          relationship_id(rels, "execution-environment", expected="execution-environments"))
    result = runs.add_result(state, run, snap, attrs, build, stamp(), current_author())
    return _result_response(state, result, 201)


# the docs' own curl example updates a result with PUT, so both verbs are served
@blueprint.route(RUN + "/test_snapshots/<int:test_snapshot_id>/test_results/<int:test_result_id>",
                 methods=["PATCH", "PUT"])
def update_result(project_id, test_run_id, test_snapshot_id, test_result_id):
    state = context.state()
    _, snap = in_run(state, "test_snapshots", project_id, test_run_id, test_snapshot_id)
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
        raise errors.snapshot_relationship_required()
    snap = find(state, "test_snapshots", snap_id, test_run_id=run["id"])
    result = runs.add_result(state, run, snap, attrs, build, stamp(), current_author())
    return _result_response(state, result, 201)


@blueprint.post(RUN + "/builds/<int:build_id>/test_results")
def build_result(project_id, test_run_id, build_id):
    state = context.state()
    run, build = in_run(state, "builds", project_id, test_run_id, build_id)
    return _pushed_with_snapshot(state, run, build)


@blueprint.post(RUN + "/execution_environments/<int:execution_environment_id>/test_results")
def environment_result(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    build = runs.current_build(state, run["id"], env["id"]) or runs.new_build(state, run, env, "", stamp())
    return _pushed_with_snapshot(state, run, build)
