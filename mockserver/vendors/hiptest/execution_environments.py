"""Execution environments of a test run (each holds its own builds; a run keeps at least one)."""

from __future__ import annotations

from ...core import context
from . import errors
from .auth import current_author
from .blueprint import blueprint, in_run, options, project_run, read_resource, render, respond, stamp, touch
from .model import runs

RUN = "/api/projects/<int:project_id>/test_runs/<int:test_run_id>"


def _unique_name(state, run, name, except_id=None):
    if any(e["name"] == name and e["id"] != except_id for e in runs.envs_of(state, run["id"])):
        raise errors.environment_name_taken(name)


@blueprint.get(RUN + "/execution_environments")
def list_environments(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return render(state, "execution-environments", runs.envs_of(state, run["id"]), options=options())


@blueprint.post(RUN + "/execution_environments")
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


@blueprint.patch(RUN + "/execution_environments/<int:execution_environment_id>")
def update_environment(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    attrs, _ = read_resource("execution-environments", url_id=execution_environment_id)
    if "name" in attrs:
        _unique_name(state, run, attrs["name"], env["id"])
    env.update(attrs)
    touch(env)
    return render(state, "execution-environments", env, options=options())


@blueprint.delete(RUN + "/execution_environments/<int:execution_environment_id>")
def delete_environment(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    if len(runs.envs_of(state, run["id"])) == 1:
        raise errors.last_environment()
    runs.delete_environment(state, run, env)
    return respond({"data": {}})
