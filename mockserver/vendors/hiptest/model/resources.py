"""The json:api resource types of Hiptest: attributes schema, computed fields, relationships.

Serialise through `serializer()` (importing this module is what registers the types)."""

from __future__ import annotations

from ..schemas import (
    ActionwordAttrs,
    AttachmentAttrs,
    BackupAttrs,
    BuildAttrs,
    DatasetAttrs,
    EnvironmentAttrs,
    FolderAttrs,
    FolderSnapshotAttrs,
    ParameterAttrs,
    ProjectAttrs,
    ScenarioAttrs,
    TagAttrs,
    TestResultAttrs,
    TestRunAttrs,
    TestSnapshotAttrs,
)
from . import dsl, runs
from .jsonapi import Relation, ResourceType, Serializer, register
from .records import tags_on


def tags_of(owner_type: str):
    def resolve(state, record):
        return tags_on(state, owner_type, record["id"])
    return Relation("tags", resolve, many=True)


def _get(kind, field):
    return lambda state, record: state.get(kind, record.get(field)) if record.get(field) is not None else None


def _now(options) -> float:
    clock = options.get("now_epoch")
    return clock() if clock else 0


def _project(state, record, options):
    out = dict(record)
    backups = state.extra.get("backups", {}).get(record["id"], [])
    out["new_backup_in_progress"] = bool(backups) and any(_now(options) < b["done_epoch"] for b in backups)
    return out


def _root_folder(state, record):
    roots = [f for f in state.where("folders", "project_id", record["id"]) if f["parent_id"] is None]
    return min(roots, key=lambda f: f["id"]) if roots else None


def _folder(state, record, options):
    out = dict(record)
    out["scenarios_count"] = sum(1 for s in state.where("scenarios", "project_id", record["project_id"])
                                 if s["folder_id"] == record["id"])
    return out


def _with_errors(state, record, options):
    out = dict(record)
    out["errors"] = dsl.parse(record.get("definition"))[1]
    return out


def _test_run(state, record, options):
    out = dict(record)
    out["statuses"] = runs.run_statuses(state, record)
    if options.get("show_synchronization_information"):
        out["synchronization_information"] = {
            "synchronizable": not record["archived"],
            "synchronizing": runs.synchronizing(record, _now(options)),
            "details": runs.sync_details(state, record),
        }
    return out


def _test_snapshot(state, record, options):
    out = dict(record)
    out["status"] = runs.current_status(state, record)
    if options.get("show_passrate"):
        out["pass_rate"] = runs.pass_rate(state, record)
    if options.get("show_step_statuses"):
        # undocumented shape: each test step with the status its last result gave it
        out["step_statuses"] = runs.step_statuses(state, record)
    return out


def _folder_snapshot(state, record, options):
    out = dict(record)
    out["statuses"] = runs.folder_statuses(state, record)
    return out


def _scenario_actionwords(state, record):
    names = {item[2] for item in dsl.parse(record.get("definition"))[0] if item[0] == "call"}
    return sorted((a for a in state.where("actionwords", "project_id", record["project_id"]) if a["name"] in names),
                  key=lambda a: a["id"])


def _many(kind, field):
    # snapshots only: a snapshot's links never change once taken, so an index answers them
    return lambda state, record: sorted(state.where(kind, field, record["id"]), key=lambda r: r["id"])


def _build_results(state, record):
    return [state.get("test_results", rid) for rid in record.get("result_ids", []) if state.get("test_results", rid)]


register(ResourceType("projects", ProjectAttrs(),
                      {"scenarios-folder": Relation("folders", _root_folder, links="always")}, _project))
register(ResourceType("backups", BackupAttrs()))
register(ResourceType("folders", FolderAttrs(), {"tags": tags_of("folders")}, _folder))
# what ?include= may name on a list of scenarios and on one
SCENARIO_LIST_INCLUDES = ("folder", "tags", "actionwords", "test-snapshots")
SCENARIO_INCLUDES = ("folder", "tags", "actionwords")
register(ResourceType("scenarios", ScenarioAttrs(), {
    "folder": Relation("folders", _get("folders", "folder_id")),
    "tags": tags_of("scenarios"),
    "actionwords": Relation("actionwords", _scenario_actionwords, many=True),
    "test-snapshots": Relation("test-snapshots", _many("test_snapshots", "scenario_id"), many=True),
}, _with_errors))
register(ResourceType("actionwords", ActionwordAttrs(), {"tags": tags_of("actionwords")}, _with_errors))
register(ResourceType("tags", TagAttrs()))
register(ResourceType("datasets", DatasetAttrs()))
register(ResourceType("parameters", ParameterAttrs()))
register(ResourceType("attachments", AttachmentAttrs()))
register(ResourceType("test-runs", TestRunAttrs(), {"tags": tags_of("test_runs")}, _test_run))
register(ResourceType("test-snapshots", TestSnapshotAttrs(), {
    "scenario": Relation("scenarios", _get("scenarios", "scenario_id")),
    "dataset": Relation("datasets", _get("datasets", "dataset_id")),
    "last-result": Relation("test-results", lambda state, record: runs.last_result(state, record), links="included"),
    "tags": tags_of("test_snapshots"),
}, _test_snapshot))
register(ResourceType("folder-snapshots", FolderSnapshotAttrs(), {
    "folder": Relation("folders", _get("folders", "folder_id")),
    "children": Relation("folder-snapshots", _many("folder_snapshots", "parent_id"), many=True),
    "test-snapshots": Relation("test-snapshots", _many("test_snapshots", "folder_snapshot_id"), many=True),
    "tags": tags_of("folder_snapshots"),
}, _folder_snapshot))
register(ResourceType("test-results", TestResultAttrs(), {
    "test-snapshot": Relation("test-snapshots", _get("test_snapshots", "test_snapshot_id")),
    "build": Relation("builds", _get("builds", "build_id")),
    "execution-environment": Relation("execution-environments",
                                      _get("execution_environments", "execution_environment_id")),
}))
register(ResourceType("builds", BuildAttrs(), {"test-results": Relation("test-results", _build_results, many=True)},
                      lambda state, record, options: {**record, "is_running": record.get("closed_at") is None}))
register(ResourceType("execution-environments", EnvironmentAttrs()))


def serializer(state, include=(), options=None, linkage_for=()) -> Serializer:
    """A json:api document builder over Hiptest's resource types."""
    return Serializer(state, include, options, linkage_for)
