"""Test reports as hiptest-publisher pushes them (`--push-format`): each read into (name, status,
step statuses) outcomes, and the tests of a project each outcome names.

Formats: junit, nunit (2 and 3), robot (output.xml), tap and cucumber-json. A report that cannot be
read raises ReportError with a message in the vendor's words.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

FORMATS = ("cucumber-json", "junit", "nunit", "robot", "tap")
# the name hiptest-publisher gives an exported test carries its uid ("..._uid1234" or "... (uid:1234)")
_UID = re.compile(r"uid[:\-_ ]?(\d+)", re.I)
_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class ReportError(ValueError):
    """A report file that cannot be read as its format."""


@dataclass
class Outcome:
    name: str
    status: str
    step_statuses: list[str] = field(default_factory=list)


def read(fmt: str, raw: bytes) -> list[Outcome]:
    """Every test case a report file holds, in order."""
    if fmt == "cucumber-json":
        return _cucumber(raw)
    if fmt == "tap":
        return _tap(raw)
    root = _xml(raw)
    return {"junit": _junit, "nunit": _nunit, "robot": _robot}[fmt](root)


# fed in pieces: one C call over a report of many megabytes would hold the interpreter lock for a second,
# and every port (health included) would wait for it
_FEED = 256 * 1024


def _xml(raw: bytes) -> ET.Element:
    # a test report never needs a DTD; refusing one keeps entity expansion out of the parser
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise ReportError("DOCTYPE is not allowed in a test report")
    try:
        parser = ET.XMLParser()
        for start in range(0, len(raw), _FEED):
            parser.feed(raw[start:start + _FEED])
        return parser.close()
    except ET.ParseError as exc:
        raise ReportError(f"not well-formed XML ({exc})") from None


def _junit(root: ET.Element) -> list[Outcome]:
    out = []
    for case in root.iter("testcase"):
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            status = "failed"
        elif "skipped" in kinds:
            status = "skipped"
        else:
            status = "passed"
        out.append(Outcome(case.get("name") or case.get("classname") or "", status))
    return out


# NUnit 2 says Success/Failure/Error/Ignored/Inconclusive..., NUnit 3 Passed/Failed/Skipped/Inconclusive
_NUNIT = {"success": "passed", "passed": "passed", "failure": "failed", "failed": "failed", "error": "failed",
          "cancelled": "failed", "ignored": "skipped", "skipped": "skipped", "notrunnable": "skipped",
          "inconclusive": "retest"}


def _nunit(root: ET.Element) -> list[Outcome]:
    # a test case's name may carry its namespace and class ("Cash.Tests.ExpiredCardIsRejected")
    return [Outcome((case.get("name") or case.get("fullname") or "").rsplit(".", 1)[-1],
                    _NUNIT.get((case.get("result") or "").lower(), "undefined"))
            for case in root.iter("test-case")]


_ROBOT = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped", "NOT RUN": "skipped"}


def _robot(root: ET.Element) -> list[Outcome]:
    out = []
    for test in root.iter("test"):
        statuses = test.findall("status")  # the test's own status, not its keywords'
        status = _ROBOT.get(statuses[-1].get("status", "") if statuses else "", "undefined")
        out.append(Outcome(test.get("name") or "", status))
    return out


_TAP_LINE = re.compile(r"^(not )?ok\b\s*\d*\s*-?\s*(.*?)\s*(?:#\s*(\w+).*)?$", re.I)


def _tap(raw: bytes) -> list[Outcome]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReportError("a TAP report must be UTF-8 text") from None
    out = []
    for line in text.splitlines():
        found = _TAP_LINE.match(line.strip())
        if found is None:
            continue
        directive = (found[3] or "").upper()
        if directive == "SKIP":
            status = "skipped"
        elif directive == "TODO":
            status = "wip"  # TAP's TODO is work in progress, whatever its outcome
        else:
            status = "failed" if found[1] else "passed"
        out.append(Outcome(found[2], status))
    if not out:
        raise ReportError("no test line (ok / not ok) in the TAP report")
    return out


_STEP = {"passed": "passed", "failed": "failed", "skipped": "skipped", "pending": "wip", "undefined": "undefined",
         "ambiguous": "failed"}


def _cucumber(raw: bytes) -> list[Outcome]:
    try:
        features = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ReportError("not a JSON document") from None
    if not isinstance(features, list):
        raise ReportError("a cucumber-json report is a list of features")
    out = []
    for feature in features:
        for element in (feature.get("elements") or []) if isinstance(feature, dict) else []:
            if not isinstance(element, dict) or element.get("type") == "background":
                continue
            steps = [_STEP.get(str((s.get("result") or {}).get("status")), "undefined")
                     for s in element.get("steps") or [] if isinstance(s, dict)]
            out.append(Outcome(str(element.get("name") or ""), _overall(steps), steps))
    return out


def _overall(steps: list[str]) -> str:
    for status in ("failed", "skipped", "wip", "undefined"):
        if status in steps:
            return status
    return "passed" if steps else "undefined"


# -- which test an outcome names ----------------------------------------------------------------
def words(name: str) -> str:
    """A test name reduced to its words: `test_withdraw_cash` and `Withdraw cash` read alike."""
    text = _WORD.sub(" ", _CAMEL.sub(" ", name).lower()).strip()
    return text[5:] if text.startswith("test ") else text


def uid_of(name: str) -> int | None:
    found = _UID.search(name)
    return int(found[1]) if found else None


def match(state, project_id: int, outcomes: list[Outcome], run_snapshots) -> list[tuple[Outcome, dict, dict]]:
    """(outcome, run, test) for each outcome naming a test of the project; the others are left out.

    A uid in the name picks that test (or the newest active run's test of that scenario or dataset); a bare
    name picks the test of that name in the newest active run that has one (the push URL names no test run;
    the newest is what a CI job last exported).
    """
    active = sorted((r for r in state.where("test_runs", "project_id", project_id) if not r.get("archived")),
                    key=lambda r: (r["created_at"], r["id"]), reverse=True)
    by_words: dict[str, tuple[dict, dict]] = {}
    by_id: dict[int, tuple[dict, dict]] = {}
    # code generated from the project export names its scenario's (or dataset's) uid, not a test's
    by_source: dict[int, tuple[dict, dict]] = {}
    for run in active:  # the newest run's test keeps a name
        for test in run_snapshots(state, run["id"]):
            by_id[test["id"]] = (run, test)
            by_source.setdefault(test["dataset_id"] or test["scenario_id"], (run, test))
            by_words.setdefault(words(test["name"]), (run, test))
            by_words.setdefault(words(test["definition_json"]["scenario_name"]), (run, test))
    out = []
    for outcome in outcomes:
        uid = uid_of(outcome.name)
        found = (by_id.get(uid) or by_source.get(uid)) if uid is not None else by_words.get(words(outcome.name))
        if found is not None:
            out.append((outcome, *found))
    return out
