"""Test runs, their tests (test snapshots) and folder snapshots."""

from __future__ import annotations

from datetime import date
from operator import itemgetter

from ...core import context
from . import errors
from .auth import current_author
from .blueprint import (
    blueprint,
    find,
    flag,
    in_run,
    options,
    project,
    project_run,
    read_resource,
    relationship_list,
    render,
    render_kept,
    respond,
    rows,
    stamp,
    touch,
)
from .model import library, runs

RUN_INCLUDES = ("tags",)
SNAPSHOT_INCLUDES = ("scenario", "dataset", "last-result", "tags")
FOLDER_SNAPSHOT_INCLUDES = ("folder", "children", "test-snapshots", "tags")
_NEWEST = itemgetter("created_at", "id")  # (sorted descending)


def _scenarios_in(state, project_id, ids) -> list[int]:
    unknown = [i for i in ids if (s := state.get("scenarios", i)) is None or s["project_id"] != project_id]
    if unknown:
        raise errors.unknown_scenarios(unknown)
    return list(dict.fromkeys(ids))


@blueprint.get("/api/projects/<int:project_id>/test_runs")
def list_test_runs(project_id):
    state = context.state()
    project(state, project_id)
    wanted = context.checked()[0]["filter[status]"]  # active, archived or absent (the contract's enum)

    def items():
        # "the order is undefined"; newest first puts the seed's "Sprint 1" first, as in its example
        # (by the project_id index, as rows() reads it, sorted once: ids are unique, so no order by id is needed)
        found = sorted(state.where("test_runs", "project_id", project_id), key=_NEWEST, reverse=True)
        if wanted is not None:
            found = [r for r in found if r["archived"] == (wanted == "archived")]
        return found

    # (a run's `statuses` change in place with its tests' results: kept against any change of the world)
    return render_kept(("list", project_id, wanted), state, "test-runs", items, allowed_includes=RUN_INCLUDES,
                       options=options())


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>")
def show_test_run(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    return render(state, "test-runs", run, allowed_includes=RUN_INCLUDES,
                  options=options(show_synchronization_information=flag("show_synchronization_information")))


@blueprint.post("/api/projects/<int:project_id>/test_runs")
def create_test_run(project_id):
    state = context.state()
    project(state, project_id)
    attrs, rels = read_resource("test-runs")
    at, author = stamp(), current_author()
    if attrs.get("test_run_id") is not None:
        source = find(state, "test_runs", attrs["test_run_id"], project_id=project_id)
        run = runs.clone_run(state, source, attrs["name"], at, author)
    else:
        ids = attrs.get("scenario_ids")
        if ids is not None:
            ids = _scenarios_in(state, project_id, ids)
            attrs["external"] = False  # documented: `external` is ignored when scenario ids are given
        elif attrs.get("external"):
            ids = []  # external runs start empty
        else:
            ids = runs.project_scenario_ids(state, project_id)
        run = runs.create_run(state, project_id, attrs, at, author)
        runs.generate(state, run, ids, at, author)
    library.tags_from_relationship(state, "test_runs", run["id"], relationship_list(rels, "tags"))
    seconds = runs.generation_seconds(state.extra.get("generation_seconds"),
                                      context.vendor_options().get("generation_seconds", 0))
    run["generating_until"] = context.now().timestamp() + seconds
    return render(state, "test-runs", run, status=201, options=options())


@blueprint.patch("/api/projects/<int:project_id>/test_runs/<int:test_run_id>")
def update_test_run(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    attrs, _ = read_resource("test-runs", url_id=test_run_id)
    if not attrs:
        raise errors.nothing_to_update()
    if "description" in attrs:
        run["description"] = attrs["description"] or ""
    added = [attrs["scenario_id"]] if "scenario_id" in attrs else []
    added += attrs.get("scenario_ids", [])
    if added:
        runs.generate(state, run, _scenarios_in(state, project_id, added), stamp(), current_author())
    touch(run)
    if added:
        # the docs answer scenario additions with the run wrapped in an array
        return render(state, "test-runs", [run], options=options())
    return render(state, "test-runs", run, options=options())


@blueprint.post("/api/projects/<int:project_id>/test_runs/archive")
def archive_test_runs(project_id):
    state = context.state()
    project(state, project_id)
    # required by the contract (the docs always give it; archiving every run of a project by omission is
    # too dangerous to guess) and a full-date there; year 0 still is none
    try:
        limit = date.fromisoformat(context.checked()[0]["older_than"]).isoformat()
    except ValueError:
        raise errors.bad_older_than() from None
    archived = []
    for run in rows(state, "test_runs", project_id=project_id):
        if not run["archived"] and run["created_at"][:10] < limit:
            run["archived"] = True
            archived.append(run["id"])
    return respond({"meta": {"archived_test_run_ids": archived}})


@blueprint.post("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/synchronize")
def synchronize_test_run(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    now = context.now().timestamp()
    # documented: calling it while a synchronisation runs does nothing
    if not runs.synchronizing(run, now):
        runs.synchronize(state, run, stamp(), current_author())
        run["synchronizing_until"] = now + runs.SYNC_SECONDS
    return render(state, "test-runs", run, options=options(show_synchronization_information=True))


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/build_history")
def build_history(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    limit = context.checked()[0]["limit"]  # an integer >= 0 by the contract
    return respond({"data": runs.build_history(state, run["id"], 25 if limit is None else limit)})


# -- tests (test snapshots) -------------------------------------------------------------------
def _check_generated(run):
    if runs.generating(run, context.now().timestamp()):
        raise errors.tests_generating()


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/test_snapshots")
def list_test_snapshots(project_id, test_run_id):
    state = context.state()
    run = project_run(state, project_id, test_run_id)
    _check_generated(run)
    return render(state, "test-snapshots", runs.run_snapshots(state, run["id"]), allowed_includes=SNAPSHOT_INCLUDES,
                  options=options(show_step_statuses=flag("show_step_statuses")))


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/test_snapshots/<int:test_snapshot_id>")
def show_test_snapshot(project_id, test_run_id, test_snapshot_id):
    state = context.state()
    _, snap = in_run(state, "test_snapshots", project_id, test_run_id, test_snapshot_id)
    return render(state, "test-snapshots", snap, allowed_includes=SNAPSHOT_INCLUDES,
                  options=options(show_passrate=flag("show_passrate"), show_step_statuses=flag("show_step_statuses")))


@blueprint.delete("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/test_snapshots/<int:test_snapshot_id>")
def delete_test_snapshot(project_id, test_run_id, test_snapshot_id):
    state = context.state()
    run, snap = in_run(state, "test_snapshots", project_id, test_run_id, test_snapshot_id)
    runs.delete_test(state, run, snap["id"])
    touch(run)
    return respond({"data": {}})


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/folder_snapshots")
def list_folder_snapshots(project_id, test_run_id):
    state = context.state()
    project_run(state, project_id, test_run_id)
    return render(state, "folder-snapshots", rows(state, "folder_snapshots", test_run_id=test_run_id),
                  allowed_includes=FOLDER_SNAPSHOT_INCLUDES, options=options())


@blueprint.get("/api/projects/<int:project_id>/test_runs/<int:test_run_id>/folder_snapshots/<int:folder_snapshot_id>")
def show_folder_snapshot(project_id, test_run_id, folder_snapshot_id):
    state = context.state()
    _, fs = in_run(state, "folder_snapshots", project_id, test_run_id, folder_snapshot_id)
    return render(state, "folder-snapshots", fs, allowed_includes=FOLDER_SNAPSHOT_INCLUDES, options=options())
