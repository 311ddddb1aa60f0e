"""marshmallow schemas: the fixture file and the API objects the doc lists (requests: openapi/bitbar.yaml)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

PROJECT_TYPES = ("ANDROID", "CTS", "IOS", "UIAUTOMATOR", "GENERIC")
OS_TYPES = ("ANDROID", "IOS")
SCHEDULERS = ("PARALLEL", "SERIAL")
MODES = ("FULL_RUN", "APP_CRAWLER", "CTS", "UIAUTOMATOR", "IOS")
LIMITATION_TYPES = ("PACKAGE", "CLASS")
NOTIFICATION_TYPES = ("ALWAYS", "ON_FAILURE")
OUTCOMES = ("SUCCEEDED", "FAILED", "WARNING")
VIRUS_STATUSES = ("safe", "infected", "disabled")


def one_of(values):
    return validate.OneOf(values, error="must be one of: {choices}")


# -- fixtures ---------------------------------------------------------------------------------
class Strict(Schema):
    class Meta:
        unknown = RAISE


class SoftwareVersionSchema(Strict):
    id = fields.Integer(required=True)
    releaseVersion = fields.String(required=True)
    apiLevel = fields.Integer(allow_none=True, load_default=None)


class UserFixture(Strict):
    id = fields.Integer(required=True)
    email = fields.Email(required=True)
    password = fields.String(required=True)
    apiKey = fields.String(required=True, validate=validate.Length(min=1))
    firstName = fields.String(load_default="")
    lastName = fields.String(load_default="")
    organization = fields.String(load_default="")
    timeZone = fields.String(load_default="UTC")
    createTime = fields.Integer(load_default=1383042074000)


class DeviceFixture(Strict):
    id = fields.Integer(required=True)
    displayName = fields.String(required=True)
    softwareVersion = fields.Nested(SoftwareVersionSchema, required=True)
    creditsPrice = fields.Integer(load_default=0)
    imagePrefix = fields.String(load_default="")
    imageTop = fields.Integer(load_default=0)
    imageLeft = fields.Integer(load_default=0)
    imageWidth = fields.Integer(load_default=0)
    imageHeight = fields.Integer(load_default=0)
    frameExtraWidth = fields.Integer(allow_none=True, load_default=None)
    osType = fields.String(required=True, validate=one_of(OS_TYPES))
    manufacturer = fields.String(load_default="")
    locked = fields.Boolean(load_default=False)
    # mock-only: how long a test takes on this device and how it ends
    testDurationSeconds = fields.Integer(load_default=60, validate=validate.Range(min=1))
    simulatedOutcome = fields.String(load_default="SUCCEEDED", validate=one_of(OUTCOMES))


class DeviceGroupFixture(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    displayName = fields.String(required=True)
    # null: what its devices cost together (as a group made through the API); a number pins the price
    creditsPrice = fields.Integer(allow_none=True, load_default=None)
    userId = fields.Integer(allow_none=True, load_default=None)
    osType = fields.String(required=True, validate=one_of(OS_TYPES))
    deviceIds = fields.List(fields.Integer(), load_default=list)


class ProjectConfigFields(Schema):
    """The writable part of projectConfig (shared by fixtures and POST .../config)."""

    scheduler = fields.String(validate=one_of(SCHEDULERS))
    mode = fields.String(validate=one_of(MODES))
    autoScreenshots = fields.Boolean()
    screenshotDir = fields.String()
    limitationType = fields.String(allow_none=True, validate=one_of(LIMITATION_TYPES))
    limitationValue = fields.String()
    withAnnotation = fields.String(allow_none=True)
    withoutAnnotation = fields.String(allow_none=True)
    applicationUsername = fields.String()
    applicationPassword = fields.String()
    usedDeviceGroupId = fields.Integer()
    deviceLanguageCode = fields.String(validate=validate.Regexp(r"^[a-z]{2}_[A-Z]{2}$", error="must look like xx_YY"))
    hookURL = fields.String()
    uiAutomatorTestClasses = fields.String(allow_none=True)
    launchApp = fields.Boolean()
    instrumentationRunner = fields.String()
    checkApp = fields.Boolean()


class ProjectConfigFixture(ProjectConfigFields):
    class Meta:
        unknown = RAISE

    id = fields.Integer()


class ProjectFixture(Strict):
    id = fields.Integer(required=True)
    userId = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    type = fields.String(load_default="ANDROID", validate=one_of(PROJECT_TYPES))
    common = fields.Boolean(load_default=False)
    sharedById = fields.Integer(allow_none=True, load_default=None)
    createTime = fields.Integer(load_default=1383042074000)
    config = fields.Nested(ProjectConfigFixture, load_default=dict)


class FileFixture(Strict):
    id = fields.Integer(required=True)
    userId = fields.Integer(required=True)
    name = fields.String(required=True)
    content = fields.String(load_default="")
    projectId = fields.Integer(allow_none=True, load_default=None)
    role = fields.String(allow_none=True, load_default=None, validate=one_of(("application", "data", "test")))
    createTime = fields.Integer(load_default=1383042074000)
    virusScanStatus = fields.String(load_default="safe", validate=one_of(VIRUS_STATUSES))


class ParameterFixture(Strict):
    id = fields.Integer(required=True)
    projectId = fields.Integer(required=True)
    key = fields.String(required=True)
    value = fields.String(required=True)


class SharingFixture(Strict):
    id = fields.Integer(required=True)
    projectId = fields.Integer(required=True)
    userId = fields.Integer(required=True)
    userEmail = fields.Email(required=True)


class NotificationFixture(Strict):
    id = fields.Integer(required=True)
    userId = fields.Integer(required=True)
    email = fields.Email(required=True)
    project = fields.Integer(allow_none=True, load_default=None)
    type = fields.String(required=True, validate=one_of(NOTIFICATION_TYPES))


class FrameworkFixture(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    osType = fields.String(required=True, validate=one_of(OS_TYPES))
    type = fields.String(load_default="AUTOMATIC")
    description = fields.String(load_default="")
    forProjects = fields.Boolean(load_default=True)
    canRunFromUI = fields.Boolean(load_default=True)


class DeviceRunFixture(Strict):
    id = fields.Integer(required=True)
    deviceId = fields.Integer(required=True)


class TagFixture(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1))


class RunFixture(Strict):
    id = fields.Integer(required=True)
    projectId = fields.Integer(required=True)
    number = fields.Integer(required=True)
    displayName = fields.String(required=True)
    createTime = fields.Integer(required=True)
    deviceGroupId = fields.Integer(required=True)
    deviceRuns = fields.List(fields.Nested(DeviceRunFixture), load_default=list)
    tags = fields.List(fields.Nested(TagFixture), load_default=list)


class SimulationFixture(Strict):
    queueSeconds = fields.Integer(load_default=5, validate=validate.Range(min=0))
    testCases = fields.Integer(load_default=6, validate=validate.Range(min=1, max=200))
    screenshotZipSeconds = fields.Integer(load_default=5, validate=validate.Range(min=0))
    virusScanSeconds = fields.Integer(load_default=0, validate=validate.Range(min=0))
    infectedFileNames = fields.List(fields.String(), load_default=list)
    tokenSeconds = fields.Integer(load_default=3599, validate=validate.Range(min=1))
    maxStoredMb = fields.Integer(load_default=200, validate=validate.Range(min=1))


class FixtureSchema(Strict):
    users = fields.List(fields.Nested(UserFixture), load_default=list)
    devices = fields.List(fields.Nested(DeviceFixture), load_default=list)
    deviceGroups = fields.List(fields.Nested(DeviceGroupFixture), load_default=list)
    projects = fields.List(fields.Nested(ProjectFixture), load_default=list)
    files = fields.List(fields.Nested(FileFixture), load_default=list)
    parameters = fields.List(fields.Nested(ParameterFixture), load_default=list)
    sharings = fields.List(fields.Nested(SharingFixture), load_default=list)
    notifications = fields.List(fields.Nested(NotificationFixture), load_default=list)
    frameworks = fields.List(fields.Nested(FrameworkFixture), load_default=list)
    runs = fields.List(fields.Nested(RunFixture), load_default=list)
    simulation = fields.Nested(SimulationFixture, load_default=lambda: SimulationFixture().load({}))


# -- request parameters: none here. openapi/bitbar.yaml declares every request field (name, type,
# required-ness, lengths, patterns, enums, defaults); the contract checks them before a view runs and the
# handlers read the checked values through routes.given().


# -- response objects (the doc's "API Objects") -------------------------------------------------
class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    firstName = fields.String()
    lastName = fields.String()
    organization = fields.String()
    timeZone = fields.String()
    createTime = fields.Integer()
    mainUser = fields.Boolean()
    enabled = fields.Boolean()


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    refresh_token = fields.String()
    expires_in = fields.Integer()
    scope = fields.String()


class DeviceOut(Schema):
    id = fields.Integer()
    displayName = fields.String()
    softwareVersion = fields.Nested(SoftwareVersionSchema)
    creditsPrice = fields.Integer()
    imagePrefix = fields.String()
    imageTop = fields.Integer()
    imageLeft = fields.Integer()
    imageWidth = fields.Integer()
    imageHeight = fields.Integer()
    frameExtraWidth = fields.Integer(allow_none=True)
    osType = fields.String()
    manufacturer = fields.String()
    locked = fields.Boolean()
    frame80Url = fields.String()
    frame100Url = fields.String()
    frame160Url = fields.String()
    frame400Url = fields.String()


class DeviceGroupOut(Schema):
    id = fields.Integer()
    name = fields.String()
    displayName = fields.String()
    deviceCount = fields.Integer()
    creditsPrice = fields.Integer()
    userId = fields.Integer(allow_none=True)
    osType = fields.String()


class ProjectOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    type = fields.String()
    common = fields.Boolean()
    sharedById = fields.Integer(allow_none=True)
    createTime = fields.Integer()


class ProjectConfigOut(Schema):
    id = fields.Integer()
    projectId = fields.Integer()
    scheduler = fields.String()
    mode = fields.String()
    autoScreenshots = fields.Boolean()
    runAvailable = fields.Boolean()
    screenshotDir = fields.String()
    limitationType = fields.String(allow_none=True)
    limitationValue = fields.String()
    withAnnotation = fields.String(allow_none=True)
    withoutAnnotation = fields.String(allow_none=True)
    applicationUsername = fields.String()
    applicationPassword = fields.String()
    usedDeviceGroupId = fields.Integer(allow_none=True)
    creditsPrice = fields.Integer()
    deviceLanguageCode = fields.String()
    hookURL = fields.String()
    uiAutomatorTestClasses = fields.String(allow_none=True)
    launchApp = fields.Boolean()
    instrumentationRunner = fields.String()
    checkApp = fields.Boolean()


class ParameterOut(Schema):
    id = fields.Integer()
    key = fields.String()
    value = fields.String()


class LegacyFileOut(Schema):
    id = fields.Integer()
    originalName = fields.String()
    readableSize = fields.String()
    uploadTime = fields.Integer()


class LegacyTestFileOut(LegacyFileOut):
    mainActivity = fields.String(allow_none=True)
    minSdk = fields.Integer(allow_none=True)
    packageName = fields.String(allow_none=True)
    bundleName = fields.String(allow_none=True)
    bundleIdentifier = fields.String(allow_none=True)


class FilePropertyOut(Schema):
    key = fields.String()
    value = fields.String()


class FileOut(Schema):
    id = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    mimeType = fields.String()
    createTime = fields.Integer()
    direction = fields.String()
    inputType = fields.String(allow_none=True)
    state = fields.String()
    userId = fields.Integer()
    fileProperties = fields.List(fields.Nested(FilePropertyOut))
    tags = fields.List(fields.String())


class FileSetOut(Schema):
    id = fields.Integer()
    name = fields.String()
    userId = fields.Integer()
    createTime = fields.Integer()
    fileCount = fields.Integer()


class ShareOut(Schema):
    id = fields.Integer()
    userId = fields.Integer()
    userEmail = fields.String()


class TagOut(Schema):
    id = fields.Integer()
    name = fields.String()


class NotificationOut(Schema):
    id = fields.Integer()
    email = fields.String()
    project = fields.Integer(allow_none=True)
    type = fields.String()


class StateOut(Schema):
    id = fields.Integer()
    deviceRunId = fields.Integer()
    startTimeMS = fields.Integer()
    finishTimeMS = fields.Integer(allow_none=True)
    retryTime = fields.Integer(allow_none=True)
    failReason = fields.String(allow_none=True)
    status = fields.String()
    deviceRunStateType = fields.String()


class DeviceRunOut(Schema):
    id = fields.Integer()
    runTime = fields.Integer(allow_none=True)
    device = fields.Nested(DeviceOut)
    deviceName = fields.String()
    deviceSerialId = fields.String()
    testCaseSuccessNo = fields.Integer()
    testCaseAllNo = fields.Integer()
    testCaseCount = fields.Integer()
    softwareVersion = fields.Nested(SoftwareVersionSchema)
    createTime = fields.Integer()
    startTime = fields.Integer(allow_none=True)
    endTime = fields.Integer(allow_none=True)
    currentState = fields.Nested(StateOut)
    interruptedByState = fields.Nested(StateOut, allow_none=True)
    runStatus = fields.String()
    state = fields.String()
    testRunId = fields.Integer(allow_none=True)
    projectId = fields.Integer(allow_none=True)
    retryState = fields.String()


class TestRunOut(Schema):
    id = fields.Integer()
    number = fields.Integer()
    createTime = fields.Integer()
    displayName = fields.String()
    executionRatio = fields.Float(allow_none=True)
    successRatio = fields.Float(allow_none=True)
    startedByDisplayName = fields.String()
    state = fields.String()
    screenshotZipState = fields.String()
    projectId = fields.Integer()
    projectName = fields.String()
    deviceCount = fields.Integer()
    finishedDeviceCount = fields.Integer()
    successfulDeviceCount = fields.Integer()
    failedDeviceCount = fields.Integer()
    frameworkId = fields.Integer(allow_none=True)
    tags = fields.List(fields.Nested(TagOut))


class ScreenshotOut(Schema):
    id = fields.Integer()
    originalName = fields.String()
    fail = fields.Boolean()
    type = fields.String()
    deviceRunId = fields.Integer()


class PerformanceItemOut(Schema):
    packageName = fields.String()
    cpuUsage = fields.Float()
    timestamp = fields.Integer()
    memUsage = fields.Integer()


class FrameworkOut(Schema):
    id = fields.Integer()
    name = fields.String()
    osType = fields.String()
    type = fields.String()
    description = fields.String()
    forProjects = fields.Boolean()
    canRunFromUI = fields.Boolean()


class AccessGroupUserOut(Schema):
    id = fields.Integer()
    email = fields.String()


class AccessGroupResourceOut(Schema):
    id = fields.Integer()
    resourceId = fields.Integer()
    type = fields.String()


class AccessGroupOut(Schema):
    id = fields.Integer()
    name = fields.String()
    scope = fields.String()
    userId = fields.Integer()
    userEmail = fields.String()
    createTime = fields.Integer()
