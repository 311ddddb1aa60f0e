"""Builds of a test run: of its only execution environment, or of a named one."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, in_run, options, project_run, read_resource, render, stamp
from .model import runs

RUN = "/api/projects/<int:project_id>/test_runs/<int:test_run_id>"
ENV = RUN + "/execution_environments/<int:execution_environment_id>"


def _single_env(state, run) -> dict:
    envs = runs.envs_of(state, run["id"])
    if len(envs) > 1:
        raise errors.several_environments()
    return envs[0] if envs else runs.ensure_default_env(state, run, stamp())


def _current(state, run, env):
    build = runs.current_build(state, run["id"], env["id"])
    if build is None:
        raise errors.no_build_yet(env["name"])
    return render(state, "builds", build, allowed_includes=("test-results",), options=options())


def _created(state, run, env):
    attrs, _ = read_resource("builds")
    return render(state, "builds", runs.new_build(state, run, env, attrs.get("name") or "", stamp()), status=201,
                  options=options())


@blueprint.get(RUN + "/builds")
def list_builds(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    env = _single_env(state, run)
    return render(state, "builds", runs.builds_of(state, run["id"], env["id"]), options=options())


@blueprint.post(RUN + "/builds")
def create_build(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return _created(state, run, _single_env(state, run))


@blueprint.get(RUN + "/builds/current")
def current_build(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return _current(state, run, _single_env(state, run))


@blueprint.get(RUN + "/builds/<int:build_id>")
def show_build(project_id, test_run_id, build_id):
    state = context.state()
    _, build = in_run(state, "builds", project_id, test_run_id, build_id)
    return render(state, "builds", build, allowed_includes=("test-results",), options=options())


@blueprint.patch(RUN + "/builds/<int:build_id>")
def update_build(project_id, test_run_id, build_id):
    state = context.state()
    _, build = in_run(state, "builds", project_id, test_run_id, build_id)
    attrs, _ = read_resource("builds", url_id=build_id)
    build.update(attrs)
    return render(state, "builds", build, options=options())


@blueprint.post(RUN + "/builds/<int:build_id>/close")
def close_build(project_id, test_run_id, build_id):
    state = context.state()
    _, build = in_run(state, "builds", project_id, test_run_id, build_id)
    if build.get("closed_at") is None:
        build["closed_at"] = stamp()
    return render(state, "builds", build, options=options())


@blueprint.get(ENV + "/builds")
def list_environment_builds(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    return render(state, "builds", runs.builds_of(state, run["id"], env["id"]), options=options())


@blueprint.post(ENV + "/builds")
def create_environment_build(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    return _created(state, run, env)


@blueprint.get(ENV + "/builds/current")
def current_environment_build(project_id, test_run_id, execution_environment_id):
    state = context.state()
    run, env = in_run(state, "execution_environments", project_id, test_run_id, execution_environment_id)
    return _current(state, run, env)
