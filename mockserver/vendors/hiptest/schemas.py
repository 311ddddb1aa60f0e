"""marshmallow schemas: the fixture file and response attributes (request bodies are declared in the spec)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ...core.clock import parse_iso

STATUSES = ("passed", "failed", "retest", "undefined", "blocked", "skipped", "wip")
TAGGABLE = ("scenarios", "folders", "actionwords", "test_runs")


def _iso(value: str) -> None:
    try:
        parse_iso(value)
    except (ValueError, TypeError):
        raise ValidationError("Not a valid ISO 8601 date-time.") from None


Stamp = lambda **kw: fields.String(validate=_iso, **kw)  # noqa: E731
DEFAULT_STAMP = "2017-11-28T11:00:00.000Z"


# -- fixture file -----------------------------------------------------------------------------
class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _Stamped(_Strict):
    created_at = Stamp(load_default=DEFAULT_STAMP)
    updated_at = Stamp(load_default=DEFAULT_STAMP)
    last_author = fields.String(load_default="HiptestBot")


class UserFixture(_Strict):
    id = fields.Integer(required=True, strict=True)
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1))
    name = fields.String(load_default="")


class TokenFixture(_Strict):
    uid = fields.String(required=True)
    client = fields.String(required=True, validate=validate.Length(min=1))
    access_token = fields.String(required=True, validate=validate.Length(min=1))
    expiry = fields.Integer(required=True, strict=True)
    # mock-only: a pinned token stays out of the ten-token rotation, so sign-ins never retire it
    pinned = fields.Boolean(load_default=False)


class ProjectFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    bdd_mode = fields.Boolean(load_default=False)
    # the project's secret token (its settings page) in hiptest-publisher's URLs; none: not publishable
    secret_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1))


class FolderFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    definition = fields.String(load_default="folder do\nend\n")
    feature_updated_at = Stamp(load_default=None, allow_none=True)


class ScenarioFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    folder_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    definition = fields.String(load_default=None, allow_none=True)


class ActionwordFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    definition = fields.String(load_default=None, allow_none=True)
    is_shared = fields.Boolean(load_default=False)


class TagFixture(_Strict):
    id = fields.Integer(required=True, strict=True)
    owner_type = fields.String(required=True, validate=validate.OneOf(TAGGABLE))
    owner_id = fields.Integer(required=True, strict=True)
    key = fields.String(required=True, validate=validate.Length(min=1))
    value = fields.String(load_default="")


class DatasetFixture(_Strict):
    id = fields.Integer(required=True, strict=True)
    scenario_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    data = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class ParameterFixture(_Strict):
    id = fields.Integer(required=True, strict=True)
    scenario_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)


class TestRunFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    archived = fields.Boolean(load_default=False)
    external = fields.Boolean(load_default=False)
    # absent: every scenario of the project, as when the API creates a run without scenario_ids
    scenario_ids = fields.List(fields.Integer(strict=True), load_default=None, allow_none=True)


class EnvironmentFixture(_Stamped):
    id = fields.Integer(required=True, strict=True)
    test_run_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)


class BuildFixture(_Strict):
    id = fields.Integer(required=True, strict=True)
    test_run_id = fields.Integer(required=True, strict=True)
    execution_environment_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    name = fields.String(load_default="")
    created_at = Stamp(load_default=DEFAULT_STAMP)
    closed_at = Stamp(load_default=None, allow_none=True)


class ResultFixture(_Stamped):
    """A result of the test the run made of `scenario_id` (and `dataset_id`)."""

    id = fields.Integer(required=True, strict=True)
    test_run_id = fields.Integer(required=True, strict=True)
    scenario_id = fields.Integer(required=True, strict=True)
    dataset_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    build_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_author = fields.String(load_default="")
    description = fields.String(load_default="")
    step_statuses = fields.List(fields.String(validate=validate.OneOf(STATUSES)), load_default=list)


class FixtureSchema(_Strict):
    users = fields.List(fields.Nested(UserFixture), load_default=list)
    tokens = fields.List(fields.Nested(TokenFixture), load_default=list)
    projects = fields.List(fields.Nested(ProjectFixture), load_default=list)
    folders = fields.List(fields.Nested(FolderFixture), load_default=list)
    scenarios = fields.List(fields.Nested(ScenarioFixture), load_default=list)
    actionwords = fields.List(fields.Nested(ActionwordFixture), load_default=list)
    tags = fields.List(fields.Nested(TagFixture), load_default=list)
    datasets = fields.List(fields.Nested(DatasetFixture), load_default=list)
    parameters = fields.List(fields.Nested(ParameterFixture), load_default=list)
    test_runs = fields.List(fields.Nested(TestRunFixture), load_default=list)
    execution_environments = fields.List(fields.Nested(EnvironmentFixture), load_default=list)
    builds = fields.List(fields.Nested(BuildFixture), load_default=list)
    test_results = fields.List(fields.Nested(ResultFixture), load_default=list)

    @validates_schema
    def _references(self, data, **_):
        ids = {kind: {row["id"] for row in data.get(kind, [])} for kind in (
            "users", "projects", "folders", "scenarios", "actionwords", "tags", "datasets", "parameters", "test_runs",
            "execution_environments", "builds", "test_results")}
        problems: dict = {}

        def check(kind, field, target, allow_none=False):
            for i, row in enumerate(data.get(kind, [])):
                value = row.get(field)
                if value is None and allow_none:
                    continue
                if value not in ids[target]:
                    problems.setdefault(kind, {}).setdefault(i, {})[field] = [f"unknown {target[:-1]} {value}"]

        check("folders", "project_id", "projects")
        check("folders", "parent_id", "folders", allow_none=True)
        check("scenarios", "project_id", "projects")
        check("scenarios", "folder_id", "folders")
        check("actionwords", "project_id", "projects")
        check("datasets", "scenario_id", "scenarios")
        check("parameters", "scenario_id", "scenarios")
        check("test_runs", "project_id", "projects")
        check("execution_environments", "test_run_id", "test_runs")
        check("builds", "test_run_id", "test_runs")
        check("builds", "execution_environment_id", "execution_environments", allow_none=True)
        check("test_results", "test_run_id", "test_runs")
        check("test_results", "scenario_id", "scenarios")
        check("test_results", "dataset_id", "datasets", allow_none=True)
        check("test_results", "build_id", "builds", allow_none=True)
        for i, tag in enumerate(data.get("tags", [])):
            if tag["owner_id"] not in ids[tag["owner_type"]]:
                problems.setdefault("tags", {}).setdefault(i, {})["owner_id"] = [
                    f"unknown {tag['owner_type'][:-1]} {tag['owner_id']}"]
        runs_of_build = {b["id"]: b["test_run_id"] for b in data.get("builds", [])}
        runs_of_env = {e["id"]: e["test_run_id"] for e in data.get("execution_environments", [])}
        for i, build in enumerate(data.get("builds", [])):
            env = build.get("execution_environment_id")
            if env is not None and runs_of_env.get(env, build["test_run_id"]) != build["test_run_id"]:
                problems.setdefault("builds", {}).setdefault(i, {})["execution_environment_id"] = [
                    f"environment {env} belongs to another test run"]
        for i, result in enumerate(data.get("test_results", [])):
            build = result.get("build_id")
            if build is not None and runs_of_build.get(build, result["test_run_id"]) != result["test_run_id"]:
                problems.setdefault("test_results", {}).setdefault(i, {})["build_id"] = [
                    f"build {build} belongs to another test run"]
        for i, run in enumerate(data.get("test_runs", [])):
            missing = [s for s in run.get("scenario_ids") or [] if s not in ids["scenarios"]]
            if missing:
                run_problems = problems.setdefault("test_runs", {}).setdefault(i, {})
                run_problems["scenario_ids"] = [f"unknown scenarios {missing}"]
        for kind in ids:
            seen: set = set()
            for i, row in enumerate(data.get(kind, [])):
                if row["id"] in seen:
                    problems.setdefault(kind, {}).setdefault(i, {})["id"] = [f"duplicate id {row['id']}"]
                seen.add(row["id"])
        if problems:
            raise ValidationError(problems)


# -- response attributes (dash-case, as the API answers) -------------------------------------
def _stamped(**extra):
    base = {
        "created_at": fields.String(data_key="created-at"),
        "updated_at": fields.String(data_key="updated-at"),
        "last_author": fields.String(data_key="last-author"),
    }
    base.update(extra)
    return base


ProjectAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(),
    bdd_mode=fields.Boolean(data_key="bdd-mode"),
    new_backup_in_progress=fields.Boolean(data_key="new-backup-in-progress"),
), name="ProjectAttrs")

BackupAttrs = Schema.from_dict({
    "project_id": fields.Integer(data_key="project-id"),
    "new_backup_in_progress": fields.Boolean(data_key="new-backup-in-progress"),
    "updated_at": fields.String(data_key="updated-at"),
    "file_name": fields.String(data_key="file-name", allow_none=True),
    "file_size": fields.Integer(data_key="file-size", allow_none=True),
    "url": fields.String(allow_none=True),
}, name="BackupAttrs")

FolderAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(), definition=fields.String(),
    parent_id=fields.Integer(data_key="parent-id", allow_none=True),
    scenarios_count=fields.Integer(data_key="scenarios-count"),
    feature_updated_at=fields.String(data_key="feature-updated-at", allow_none=True),
    feature=fields.String(),
    running_feature_imports=fields.List(fields.String(), data_key="running-feature-imports"),
), name="FolderAttrs")

ScenarioAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(),
    folder_id=fields.Integer(data_key="folder-id", allow_none=True),
    definition=fields.String(), errors=fields.List(fields.String()),
), name="ScenarioAttrs")

ActionwordAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(), definition=fields.String(),
    errors=fields.List(fields.String()), is_shared=fields.Boolean(data_key="is-shared"),
), name="ActionwordAttrs")

TagAttrs = Schema.from_dict({"key": fields.String(), "value": fields.String()}, name="TagAttrs")
DatasetAttrs = Schema.from_dict({"name": fields.String(), "data": fields.Dict()}, name="DatasetAttrs")
ParameterAttrs = Schema.from_dict({"name": fields.String()}, name="ParameterAttrs")
AttachmentAttrs = Schema.from_dict({
    "id": fields.Integer(), "file_name": fields.String(data_key="file-name"),
    "file_url": fields.String(data_key="file-url"), "file_size": fields.Integer(data_key="file-size"),
}, name="AttachmentAttrs")

SyncInfo = Schema.from_dict({
    "synchronizable": fields.Boolean(), "synchronizing": fields.Boolean(), "details": fields.Dict(),
}, name="SyncInfo")

# a run's and a folder snapshot's counts are made by model/runs.py (status names to ints): dumped as they come,
# not converted key by key on every listing
TestRunAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(),
    statuses=fields.Dict(),
    archived=fields.Boolean(), external=fields.Boolean(),
    synchronization_information=fields.Nested(SyncInfo, data_key="synchronization-information"),
), name="TestRunAttrs")

TestSnapshotAttrs = Schema.from_dict(_stamped(
    name=fields.String(),
    definition_json=fields.Dict(data_key="definition-json"),
    status=fields.String(),
    scenario_snapshot_id=fields.Integer(data_key="scenario-snapshot-id"),
    folder_snapshot_id=fields.Integer(data_key="folder-snapshot-id", allow_none=True),
    pass_rate=fields.String(data_key="pass-rate"),
    step_statuses=fields.List(fields.Dict(), data_key="step-statuses"),
), name="TestSnapshotAttrs")

FolderSnapshotAttrs = Schema.from_dict(_stamped(
    name=fields.String(), description=fields.String(),
    statuses=fields.Dict(),
    parent_id=fields.Integer(data_key="parent-id", allow_none=True),
    test_run_id=fields.Integer(data_key="test-run-id"),
), name="FolderSnapshotAttrs")

TestResultAttrs = Schema.from_dict(_stamped(
    status=fields.String(), description=fields.String(allow_none=True),
    status_author=fields.String(data_key="status-author", allow_none=True),
    step_statuses=fields.List(fields.String(), data_key="step-statuses"),
    test_snapshot_id=fields.Integer(data_key="test-snapshot-id"),
    execution_environment_id=fields.Integer(data_key="execution-environment-id", allow_none=True),
), name="TestResultAttrs")

BuildAttrs = Schema.from_dict({
    "name": fields.String(),
    "created_at": fields.String(data_key="created-at"),
    "test_run_id": fields.Integer(data_key="test-run-id"),
    "execution_environment_id": fields.Integer(data_key="execution-environment-id"),
    "is_running": fields.Boolean(data_key="is-running"),
    "closed_at": fields.String(data_key="closed-at", allow_none=True),
}, name="BuildAttrs")

EnvironmentAttrs = Schema.from_dict({
    "name": fields.String(),
    "test_run_id": fields.Integer(data_key="test-run-id"),
    "created_at": fields.String(data_key="created-at"),
    "updated_at": fields.String(data_key="updated-at"),
}, name="EnvironmentAttrs")

UserOut = Schema.from_dict({
    "id": fields.Integer(), "email": fields.String(), "uid": fields.String(),
    "provider": fields.String(), "name": fields.String(),
}, name="UserOut")

BuildHistoryOut = Schema.from_dict({
    "id": fields.Integer(), "date": fields.String(), "values": fields.Dict(), "platform": fields.String(),
}, name="BuildHistoryOut")


def _limit(value) -> None:
    if not (isinstance(value, bool) or (isinstance(value, (int, float)) and value >= 0)):
        raise ValidationError("true (the documented 200 a minute), a number of calls a minute, or 0 for off")


class OptionsSchema(_Strict):
    """--vendor-option hiptest.<name>=<value>"""

    rate_limit = fields.Raw(validate=_limit)
    generation_seconds = fields.Float(validate=validate.Range(min=0))
