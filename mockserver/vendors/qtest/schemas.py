"""marshmallow schemas: fixtures and responses (as qTest sends them).

Request bodies are declared once, in openapi/qtest.yaml, and checked by the core's contract before a
handler runs (blueprint.wire).
"""

from __future__ import annotations

import re
from datetime import datetime

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .model import dates
from .model.jobs import JOB_STATUSES

FRAMEWORK_IDS = ("testNG-plugin", "junit-plugin", "cucumber-plugin")
_NON_EMPTY = validate.Length(min=1)
MAX_LONG = 2**63 - 1
_DIGITS = re.compile(r"\s*[0-9]{1,18}\s*")
_EMITTED = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00")  # what dates.fmt writes


class QtestDate(fields.String):
    """A date in one of the forms qTest accepts, kept as the normalised string qTest emits."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if _EMITTED.fullmatch(text):  # already the form qTest emits (100k-record sets): only check it is a date
            try:
                datetime.fromisoformat(text)
                return text
            except ValueError:
                pass
        try:
            return dates.fmt(dates.parse(text))
        except ValueError:
            raise ValidationError("Not a date in the form yyyy-mm-ddThh:mm:ss+zzzz.") from None


class DigitsId(fields.Field):
    """An id the host sends as a JSON number or a string of digits ("29"), as AgentRequest's agent_client_id.

    Rendered as the agent's `agent_id`, a Java Long in the SDK: at most 18 digits.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid id.")
        if isinstance(value, int) and 0 <= value <= MAX_LONG:
            return str(value)
        if isinstance(value, str) and _DIGITS.fullmatch(value):
            return value.strip()
        raise ValidationError("Not a valid id: expected up to 18 digits.")

    def _serialize(self, value, attr, obj, **kwargs):
        return value


# -- fixtures ---------------------------------------------------------------------------------
class _Fixture(Schema):
    class Meta:
        unknown = RAISE


class UserFixture(_Fixture):
    username = fields.String(required=True, validate=_NON_EMPTY)
    password = fields.String(required=True, validate=_NON_EMPTY)


class TokenFixture(_Fixture):
    access_token = fields.String(required=True, validate=_NON_EMPTY)
    refresh_token = fields.String(load_default=None)
    username = fields.String(required=True)
    expires_at = QtestDate(load_default=None)


class ProjectFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)


class HostFixture(_Fixture):
    host_server_id = fields.Integer(required=True, strict=True)
    host_name = fields.String(required=True)
    ip_address = fields.String(required=True)
    mac_address = fields.String(required=True)
    host_guid = fields.String(required=True, validate=_NON_EMPTY)
    last_ping = QtestDate(load_default=None)


class AgentFixture(_Fixture):
    agent_server_id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    project_id = fields.Integer(required=True, strict=True)
    host_id = fields.Integer(required=True, strict=True)
    framework = fields.String(required=True)
    framework_id = fields.String(required=True, validate=_NON_EMPTY)  # the doc's three ids are examples ("include")
    agent_client_id = DigitsId(required=True)
    active = fields.Boolean(load_default=False)


class TestRunFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    test_case_id = fields.Integer(required=True, strict=True)
    test_case_name = fields.String(required=True)
    test_case_version_id = fields.Integer(required=True, strict=True)
    automation_content = fields.String(required=True)


class TestCycleFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    pid = fields.String(required=True)
    name = fields.String(required=True)
    # where the cycle sits: the project root, a release or another test cycle
    parent_type = fields.String(load_default="root", validate=validate.OneOf(("root", "release", "test-cycle")))
    parent_id = fields.Integer(load_default=0, strict=True)


class ReleaseFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    pid = fields.String(required=True)
    name = fields.String(required=True)


class TestSuiteFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    pid = fields.String(required=True)
    name = fields.String(required=True)
    parent_type = fields.String(load_default="root", validate=validate.OneOf(("root", "release", "test-cycle")))
    parent_id = fields.Integer(load_default=0, strict=True)
    properties = fields.List(fields.Dict(), load_default=list)


class ScheduleFixture(_Fixture):
    id = fields.Integer(required=True, strict=True)
    name = fields.String(load_default=None)
    project_id = fields.Integer(required=True, strict=True)
    agent_server_id = fields.Integer(required=True, strict=True)
    client_id = fields.Integer(load_default=None)
    start_date = QtestDate(required=True)
    test_run_ids = fields.List(fields.Integer(strict=True), load_default=list)


class JobFixture(_Fixture):
    job_id = fields.Integer(required=True, strict=True)
    schedule_id = fields.Integer(required=True, strict=True)
    project_id = fields.Integer(required=True, strict=True)
    agent_server_id = fields.Integer(required=True, strict=True)
    client_id = fields.Integer(load_default=None)
    status = fields.String(load_default="PLANNED", validate=validate.OneOf(JOB_STATUSES))
    start_date = QtestDate(required=True)
    test_run_ids = fields.List(fields.Integer(strict=True), load_default=list)


class SettingsFixture(_Fixture):
    access_token_seconds = fields.Integer(validate=validate.Range(min=1))
    refresh_token_seconds = fields.Integer(validate=validate.Range(min=1))
    online_window_seconds = fields.Integer(validate=validate.Range(min=1))
    queue_waiting_seconds = fields.Integer(validate=validate.Range(min=0))
    queue_processing_seconds = fields.Integer(validate=validate.Range(min=0))
    client_id = fields.Integer()
    scope = fields.String()
    automation_statuses = fields.List(fields.String())
    job_transitions = fields.Dict(
        keys=fields.String(validate=validate.OneOf(JOB_STATUSES)),
        values=fields.List(fields.String(validate=validate.OneOf(JOB_STATUSES))),
    )


class FixtureSchema(_Fixture):
    users = fields.List(fields.Nested(UserFixture), load_default=list)
    tokens = fields.List(fields.Nested(TokenFixture), load_default=list)
    projects = fields.List(fields.Nested(ProjectFixture), load_default=list)
    hosts = fields.List(fields.Nested(HostFixture), load_default=list)
    agents = fields.List(fields.Nested(AgentFixture), load_default=list)
    test_runs = fields.List(fields.Nested(TestRunFixture), load_default=list)
    test_cycles = fields.List(fields.Nested(TestCycleFixture), load_default=list)
    releases = fields.List(fields.Nested(ReleaseFixture), load_default=list)
    test_suites = fields.List(fields.Nested(TestSuiteFixture), load_default=list)
    schedules = fields.List(fields.Nested(ScheduleFixture), load_default=list)
    jobs = fields.List(fields.Nested(JobFixture), load_default=list)
    settings = fields.Nested(SettingsFixture, load_default=dict)


# -- responses --------------------------------------------------------------------------------
class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    refresh_token = fields.String()
    scope = fields.String()
    agent = fields.String()
    expires_in = fields.Integer()


class TokenStatusOut(Schema):
    expiration = fields.Integer()
    validityInMilliseconds = fields.Integer()


class HostOut(Schema):
    host_server_id = fields.Integer()
    host_name = fields.String()
    ip_address = fields.String()
    mac_address = fields.String()
    host_guid = fields.String()
    status = fields.Boolean()
    status_expired_time = fields.Integer(allow_none=True)


class PongOut(Schema):
    received_time = fields.String()
    pong_message = fields.String()


class AgentOut(Schema):
    agent_server_id = fields.Integer()
    name = fields.String()
    project_id = fields.Integer()
    host_id = fields.Integer()
    framework = fields.String()
    framework_id = fields.String()
    agent_id = fields.Integer()
    active = fields.Boolean()


class MaterialOut(Schema):
    test_run_id = fields.Integer()
    test_case_id = fields.Integer()
    test_case_name = fields.String()
    test_case_version_id = fields.Integer()
    automation_content = fields.String()


class JobOut(Schema):
    client_id = fields.Integer()
    project_id = fields.Integer()
    job_id = fields.Integer()
    host_server_id = fields.Integer()
    status = fields.String()
    agent_server_id = fields.Integer()
    agent_id = fields.Integer(allow_none=True)
    schedule_id = fields.Integer()
    automation_materials = fields.List(fields.Nested(MaterialOut))
    start_date = fields.String()


class QueueOut(Schema):
    id = fields.Integer()
    state = fields.String()
    contentType = fields.String()
    content = fields.String()
    type = fields.String()


class TestSuiteOut(Schema):
    id = fields.Integer()
    pid = fields.String()
    name = fields.String()
    parent_id = fields.Integer()
    parent_type = fields.String()
    properties = fields.List(fields.Dict())


class LinkOut(Schema):
    rel = fields.String()
    href = fields.String()


class ProjectOut(Schema):
    links = fields.List(fields.Nested(LinkOut))
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    status_id = fields.Integer()
    start_date = fields.String()
    automation = fields.Boolean()


class ReleaseOut(Schema):
    links = fields.List(fields.Nested(LinkOut))
    id = fields.Integer()
    name = fields.String()
    order = fields.Integer()
    pid = fields.String()


class TestCycleOut(ReleaseOut):  # a release's fields, then its own
    target_release_id = fields.Integer()
    # expand=descendants: the cycles and suites below it, the same shapes, recursively
    test_cycles = fields.List(fields.Nested(lambda: TestCycleOut()))
    test_suites = fields.List(fields.Nested(TestSuiteOut))


class CiSettingOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    ci_type = fields.String()
    ci_server = fields.String()
    ci_project = fields.String()
    release_id = fields.Integer()
    test_suite_id = fields.Integer()
    module_id = fields.Integer()
    environment_id = fields.Integer()
    ciid = fields.String()


class AllowedValueOut(Schema):
    value = fields.Integer()
    label = fields.String()
    is_active = fields.Boolean()


class FieldOut(Schema):
    id = fields.Integer()
    label = fields.String()
    original_name = fields.String()
    attribute_type = fields.String()
    required = fields.Boolean()
    is_active = fields.Boolean()
    allowed_values = fields.List(fields.Nested(AllowedValueOut))


class OptionsSchema(Schema):
    """--vendor-option qtest.<name>=<value>: each replaces the default assumption in model/options.py"""

    class Meta:
        unknown = RAISE

    access_token_seconds = fields.Integer(validate=validate.Range(min=1))
    refresh_token_seconds = fields.Integer(validate=validate.Range(min=1))
    online_window_seconds = fields.Integer(validate=validate.Range(min=0))
    queue_waiting_seconds = fields.Float(validate=validate.Range(min=0))
    queue_processing_seconds = fields.Float(validate=validate.Range(min=0))
    client_id = fields.Integer()
    scope = fields.String()
    automation_statuses = fields.List(fields.String())
    job_transitions = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
