"""marshmallow schemas: the fixture file, the control API's review, and the objects the API answers with."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from ...core.clock import parse_iso

NAME = validate.Length(min=1, max=500)
SIDE = validate.Range(min=1, max=10_000)


class _Body(Schema):
    """Request bodies: the clients add keys of their own (author, deepCompare, ...) that change nothing here."""

    class Meta:
        unknown = EXCLUDE


def _optional_text(**kw):
    return fields.String(load_default=None, allow_none=True, **kw)


# -- request bodies -------------------------------------------------------------------------------
# openapi/happo.yaml declares every request field (spec-first): the contract checks them before the view,
# and the handlers check against its components what it cannot reach (payload JSON, each bulk item).
# What stays here is the control API's review: control endpoints are not in the spec.
class Review(Schema):
    class Meta:
        unknown = RAISE  # a control body: a mistyped key is refused, naming it

    status = fields.String(required=True, validate=validate.OneOf(["success", "failure"]))
    project = _optional_text()


# -- fixtures -------------------------------------------------------------------------------------
def _iso(value: str) -> None:
    try:
        parse_iso(value)
    except ValueError:
        raise ValidationError("not an ISO 8601 date-time") from None


def _when(required: bool = True):
    if required:
        return fields.String(required=True, validate=_iso)
    return fields.String(load_default=None, allow_none=True, validate=_iso)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class FixtureAccount(_Strict):
    id = fields.Integer(required=True, strict=True)
    name = fields.String(required=True)
    apiKey = fields.String(required=True, validate=validate.Length(min=1))
    apiSecret = fields.String(required=True, validate=validate.Length(min=1))


class FixtureProject(_Strict):
    id = fields.Integer(required=True, strict=True)
    accountId = fields.Integer(required=True, strict=True)
    name = fields.String(required=True, validate=NAME)
    isDefault = fields.Boolean(load_default=False)


class FixtureSnapshot(_Strict):
    id = fields.String(required=True)
    url = fields.String(required=True)
    variant = fields.String(required=True)
    target = fields.String(required=True)
    component = fields.String(required=True)
    height = fields.Integer(required=True, strict=True, validate=SIDE)
    width = fields.Integer(required=True, strict=True, validate=SIDE)


class FixtureReport(_Strict):
    projectId = fields.Integer(required=True, strict=True)
    sha = fields.String(required=True, validate=validate.Length(min=1))
    link = fields.String(load_default=None, allow_none=True)
    message = fields.String(load_default=None, allow_none=True)
    createdAt = _when()
    completedAt = _when(required=False)
    snaps = fields.List(fields.Nested(FixtureSnapshot), load_default=list)


class FixtureIgnoredDiff(_Strict):
    id = fields.Integer(required=True, strict=True)
    accountId = fields.Integer(required=True, strict=True)
    snapshot1Id = fields.String(required=True)
    snapshot2Id = fields.String(required=True)
    createdAt = _when()


class FixtureSubscription(_Strict):
    accountId = fields.Integer(required=True, strict=True)
    component = fields.String(required=True)
    emailAddresses = fields.List(fields.Email(), load_default=list)
    unsubscribed = fields.List(fields.Email(), load_default=list)


class FixtureFlake(_Strict):
    id = fields.Integer(required=True, strict=True)
    projectId = fields.Integer(required=True, strict=True)
    sha = fields.String(required=True)
    component = fields.String(required=True)
    variant = fields.String(required=True)
    target = fields.String(required=True)
    url = fields.String(required=True)
    createdAt = _when()


class FixtureSchema(_Strict):
    accounts = fields.List(fields.Nested(FixtureAccount), load_default=list)
    projects = fields.List(fields.Nested(FixtureProject), load_default=list)
    reports = fields.List(fields.Nested(FixtureReport), load_default=list)
    ignoredDiffs = fields.List(fields.Nested(FixtureIgnoredDiff), load_default=list)
    subscriptions = fields.List(fields.Nested(FixtureSubscription), load_default=list)
    flakes = fields.List(fields.Nested(FixtureFlake), load_default=list)

    @validates_schema
    def _references(self, data, **kwargs):
        accounts = {a["id"] for a in data.get("accounts", [])}
        projects = {p["id"] for p in data.get("projects", [])}
        for i, p in enumerate(data.get("projects", [])):
            if p["accountId"] not in accounts:
                raise ValidationError(f"unknown accountId {p['accountId']}", f"projects.{i}.accountId")
        for kind in ("ignoredDiffs", "subscriptions"):
            for i, row in enumerate(data.get(kind, [])):
                if row["accountId"] not in accounts:
                    raise ValidationError(f"unknown accountId {row['accountId']}", f"{kind}.{i}.accountId")
        for kind in ("reports", "flakes"):
            for i, r in enumerate(data.get(kind, [])):
                if r["projectId"] not in projects:
                    raise ValidationError(f"unknown projectId {r['projectId']}", f"{kind}.{i}.projectId")
        seen = set()
        for i, r in enumerate(data.get("reports", [])):
            key = (r["projectId"], r["sha"])
            if key in seen:
                raise ValidationError(f"duplicate report {r['sha']} in project {r['projectId']}", f"reports.{i}.sha")
            seen.add(key)


# -- responses ------------------------------------------------------------------------------------
class SnapshotOut(Schema):
    id = fields.String()
    url = fields.String()
    variant = fields.String()
    target = fields.String()
    component = fields.String()
    height = fields.Integer()
    width = fields.Integer()


class ReportStatusOut(Schema):
    url = fields.String()
    completedAt = fields.String(allow_none=True)
    createdAt = fields.String()
    snapshotCount = fields.Integer()


class ComparisonOut(Schema):
    id = fields.Integer()
    sha1 = fields.String()
    sha2 = fields.String()
    equal = fields.Boolean()
    status = fields.String()
    summary = fields.String()
    compareUrl = fields.String()
    statusImageUrl = fields.String()
    diffs = fields.List(fields.List(fields.Nested(SnapshotOut)))
    added = fields.List(fields.Nested(SnapshotOut))
    deleted = fields.List(fields.Nested(SnapshotOut))
    unchanged = fields.List(fields.Nested(SnapshotOut))


class AsyncComparisonOut(Schema):
    id = fields.Integer()
    compareUrl = fields.String()
    statusImageUrl = fields.String()


class ComparisonStatusOut(Schema):
    sha1 = fields.String()
    sha2 = fields.String()
    status = fields.String()
    url = fields.String()
    createdAt = fields.String()


class JobOut(Schema):
    id = fields.Integer()
    url = fields.String()


class SnapRequestOut(Schema):
    id = fields.Integer()
    status = fields.String()
    result = fields.List(fields.Nested(SnapshotOut))


class FlakeOut(Schema):
    id = fields.Integer()
    project = fields.String()
    sha = fields.String()
    component = fields.String()
    variant = fields.String()
    target = fields.String()
    url = fields.String()
    createdAt = fields.String()


class OptionsSchema(_Strict):
    """--vendor-option happo.<name>=<value>"""

    render_seconds = fields.Float(validate=validate.Range(min=0))
