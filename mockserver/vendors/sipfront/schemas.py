"""marshmallow schemas: the fixture file and the response objects of Sipfront v2.
Every request field (query parameters, launch bodies, the app-image upload) is declared once, in
openapi/sipfront.yaml, and checked before the view."""

from __future__ import annotations

import re
from datetime import datetime

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
STEP_KEY = re.compile(r"^step\.([0-9]+)\.([0-9]+)\.([A-Za-z_][A-Za-z0-9_]*)$")
OUTCOMES = ("passed", "failed")
TEST_REPORT_MODES = ("full", "kiosk", "print")
PROJECT_REPORT_MODES = ("full", "kiosk")
PLATFORMS = ("android", "ios")


def _sipfront_time(value: str) -> None:
    try:
        datetime.strptime(value, TIME_FORMAT)
    except (TypeError, ValueError):
        raise ValidationError("must be a UTC time written YYYY-MM-DD HH:MM:SS") from None


def _step_keys(value: dict) -> None:
    bad = [key for key in value if not STEP_KEY.match(key)]
    if bad:
        raise ValidationError(f"parameter keys must look like step.<step>.<action>.<attr>: {', '.join(bad)}")


def Time(**kwargs):
    return fields.String(validate=_sipfront_time, **kwargs)


Id = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1), **kw)  # noqa: E731


# -- fixtures --------------------------------------------------------------------------------

class _Strict(Schema):
    class Meta:
        unknown = RAISE


class CredentialFixture(_Strict):
    public_key = fields.String(required=True, validate=validate.Length(min=1))
    secret = fields.String(required=True, validate=validate.Length(min=1))


class ProjectFixture(_Strict):
    id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1))
    description = fields.String(load_default="")
    created_at = Time(required=True)


class TestFixture(_Strict):
    id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1))
    project_id = Id(required=True)
    testcase_name = fields.String(required=True)
    description = fields.String(load_default="")
    tags = fields.List(fields.String(), load_default=list)
    agentpool_name = fields.String(load_default="eu-central-1")
    # how long one run of this test takes in mock time, and how it ends
    duration_seconds = fields.Integer(strict=True, load_default=120, validate=validate.Range(min=1))
    outcome = fields.String(load_default="passed", validate=validate.OneOf(OUTCOMES))
    result_description = fields.String(load_default="")
    parameters = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, validate=_step_keys)


class RunFixture(_Strict):
    id = Id(required=True)
    session_id = fields.String(required=True, validate=validate.Length(min=1))
    test_id = Id(required=True)
    started_at = Time(required=True)
    duration_seconds = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    result_description = fields.String(load_default="")
    tags = fields.List(fields.String(), load_default=None)
    agentpool_name = fields.String(load_default=None)
    report_mode = fields.String(load_default="full", validate=validate.OneOf(TEST_REPORT_MODES))
    parameters = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None, validate=_step_keys)
    project_run_id = fields.Integer(strict=True, load_default=None, allow_none=True)


class ProjectRunFixture(_Strict):
    id = Id(required=True)
    uuid = fields.String(required=True, validate=validate.Length(min=1))
    project_id = Id(required=True)
    test_ids = fields.List(Id(), required=True, validate=validate.Length(min=1))
    created_at = Time(required=True)
    report_mode = fields.String(load_default="full", validate=validate.OneOf(PROJECT_REPORT_MODES))
    stopped_at = Time(load_default=None, allow_none=True)


class AppImageFixture(_Strict):
    id = Id(required=True)
    name = fields.String(required=True)
    filename = fields.String(required=True)
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    size = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))
    sha256 = fields.String(load_default="")
    url = fields.String(load_default=None, allow_none=True)
    created_at = Time(required=True)


class FixtureSchema(_Strict):
    credentials = fields.List(fields.Nested(CredentialFixture), load_default=list)
    projects = fields.List(fields.Nested(ProjectFixture), load_default=list)
    tests = fields.List(fields.Nested(TestFixture), load_default=list)
    runs = fields.List(fields.Nested(RunFixture), load_default=list)
    project_runs = fields.List(fields.Nested(ProjectRunFixture), load_default=list)
    appimages = fields.List(fields.Nested(AppImageFixture), load_default=list)

    @validates_schema
    def _references(self, data, **kwargs):
        problems: dict = {}
        projects = {p["id"] for p in data.get("projects", [])}
        tests = {t["id"]: t for t in data.get("tests", [])}
        for kind, key in (("projects", "id"), ("tests", "id"), ("tests", "name"), ("runs", "id"),
                          ("runs", "session_id"), ("project_runs", "id"), ("project_runs", "uuid"),
                          ("appimages", "id")):
            seen = set()
            for i, row in enumerate(data.get(kind, [])):
                if row[key] in seen:
                    problems.setdefault(kind, {}).setdefault(i, {})[key] = [f"duplicate {key} {row[key]!r}"]
                seen.add(row[key])
        for i, test in enumerate(data.get("tests", [])):
            if test["project_id"] not in projects:
                problems.setdefault("tests", {}).setdefault(i, {})["project_id"] = [f"no project {test['project_id']}"]
        for i, run in enumerate(data.get("runs", [])):
            if run["test_id"] not in tests:
                problems.setdefault("runs", {}).setdefault(i, {})["test_id"] = [f"no test {run['test_id']}"]
        for i, prun in enumerate(data.get("project_runs", [])):
            if prun["project_id"] not in projects:
                problems.setdefault("project_runs", {}).setdefault(i, {})["project_id"] = [
                    f"no project {prun['project_id']}"]
            strangers = [t for t in prun["test_ids"] if t not in tests or tests[t]["project_id"] != prun["project_id"]]
            if strangers:
                problems.setdefault("project_runs", {}).setdefault(i, {})["test_ids"] = [
                    f"not tests of project {prun['project_id']}: {strangers}"]
        if problems:
            raise ValidationError(problems)


# -- responses -------------------------------------------------------------------------------

class EndpointOut(Schema):
    methods = fields.List(fields.String())
    name = fields.String()
    url = fields.String()


class ProjectOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    created_at = fields.String()
    test_ids = fields.List(fields.Integer())


class TestOut(Schema):
    id = fields.Integer()
    name = fields.String()
    project_id = fields.Integer()
    project_name = fields.String()
    testcase_name = fields.String()
    description = fields.String()
    tags = fields.String()
    agentpool_name = fields.String()
    parameters = fields.Dict(keys=fields.String(), values=fields.String())


class AppImageOut(Schema):
    id = fields.Integer()
    name = fields.String()
    filename = fields.String()
    platform = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.String(allow_none=True)
    created_at = fields.String()


class RunOut(Schema):
    """A test session the way Sipfront writes it: 0/1 flags, tags as a JSON string, both status keys."""

    agentpool_name = fields.String()
    has_passed = fields.Integer()
    id = fields.Integer()
    is_failed = fields.Integer()
    is_finished = fields.Integer()
    project_id = fields.Integer()
    project_name = fields.String()
    result_description = fields.String()
    session_id = fields.String()
    session_status = fields.String()
    started_at = fields.String()
    status = fields.String()
    stopped_at = fields.String(allow_none=True)
    tags = fields.String()
    test_id = fields.Integer()
    test_name = fields.String()
    testcase_name = fields.String()


class RunningOut(Schema):
    session_status = fields.String()
    status = fields.String()


class ProjectRunOut(Schema):
    id = fields.Integer()
    uuid = fields.String()
    run_status = fields.String()
    project_id = fields.Integer()
    project_name = fields.String()
    total_tests = fields.Integer()
    tests_started = fields.Integer()
    created_at = fields.String()
    stopped_at = fields.String(allow_none=True)
    report_mode = fields.String()


class LaunchOut(Schema):
    session_id = fields.String()
    status_url = fields.String()
    report_url = fields.String()


class ProjectLaunchOut(Schema):
    project_run_id = fields.Integer()
    project_run_uuid = fields.String()
    status_url = fields.String()
    report_url = fields.String()


class DimensionOut(Schema):
    dir = fields.String()
    role = fields.String()
    stats_measure = fields.String()


class PointOut(Schema):
    ts = fields.String()
    value = fields.Float()


class SeriesOut(DimensionOut):
    data = fields.List(fields.Nested(PointOut))


class RunAggregateOut(Schema):
    session_id = fields.String()
    started_at = fields.String()
    has_passed = fields.Integer()
    samples = fields.Integer()
    min = fields.Float()
    avg = fields.Float()
    max = fields.Float()


class AggregateSeriesOut(DimensionOut):
    data = fields.List(fields.Nested(RunAggregateOut))
