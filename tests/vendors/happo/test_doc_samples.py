"""Every endpoint of Happo's API reference (../shared/vendor-docs/happo-api-reference.txt), called as documented.

The reference shows no literal requests: each section gives `METHOD /api/path/:param` and tables of URL,
query and body params (name, type, description). Each section is read out of the doc and sent with the
doc's own example values for its placeholders (`Button`, `disabled`, `firefox`, a report sha of the demo
fixtures) and every documented param, body params as the JSON blob the doc describes, with Basic and with
JWT auth. The answer must be a success with the fields of the object the section's Response names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest

from tests.vendors.doc_samples import vendor_doc

from .conftest import KEY, SECRET, token

DOC = vendor_doc("happo-api-reference.txt")
_ENDPOINT = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/api/\S+)$")
_PARAM = re.compile(r"^([a-z]\w*?)(String|Boolean|Number|Date|Array<\w+>)\s*(.*)$")
_RESPONSE = re.compile(r"^json(Array<\w+>|\w+)")  # the type runs into the description: resolved by _resolve
_TABLES = {"URL params": "url", "Query params": "query", "Body params": "body"}


@dataclass
class Section:
    title: str
    method: str
    path: str
    params: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)  # where -> (name, type, optional)
    response: str | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _sections(text: str) -> list[Section]:
    lines = [line.strip() for line in text[:text.index("\nObjects\n")].splitlines()]
    found: list[Section] = []
    where = None
    for n, line in enumerate(lines):
        if m := _ENDPOINT.match(line):
            title = next(x for x in reversed(lines[:n]) if x and x != "Experimental")
            found.append(Section(title, m.group(1), m.group(2)))
            where = None
        elif line in _TABLES:
            where = _TABLES[line]
        elif line == "Response":
            where = "response"
        elif found and where == "response" and (m := _RESPONSE.match(line)):
            found[-1].response = m.group(1)
        elif found and where in ("url", "query", "body") and (m := _PARAM.match(line)):
            found[-1].params.setdefault(where, []).append((m.group(1), m.group(2), "(optional)" in m.group(3)))
    return found


def _objects(text: str) -> dict[str, list[str]]:
    """The Objects section: each object's field names."""
    lines = [line.strip() for line in text[text.index("\nObjects\n"):].splitlines() if line.strip()]
    objects: dict[str, list[str]] = {}
    current = None
    for n, line in enumerate(lines):
        if re.fullmatch(r"[A-Z]\w+", line) and n + 1 < len(lines) and lines[n + 1].startswith("An "):
            current = objects.setdefault(line, [])
        elif current is not None and (m := _PARAM.match(line)):
            current.append(m.group(1))
    return objects


def _resolve(written: str, objects: dict) -> str:
    """`ReportStatusAn object…` → ReportStatus: the longest object name the text begins with."""
    if written.startswith("Array<"):
        return written
    return max((name for name in objects if written.startswith(name)), key=len)


OBJECTS = _objects(DOC)
SECTIONS = _sections(DOC)
for _section in SECTIONS:
    if _section.response:
        _section.response = _resolve(_section.response, OBJECTS)
# the doc's own example values (Snapshot: "disabled", "firefox", "Button"), and reports the demo fixtures hold
URL_VALUES = {"sha": "base-sha", "sha1": "base-sha", "sha2": "change-sha", "fromSha": "base-sha",
              "toSha": "cloned-sha", "component": "Button", "variant": "disabled", "target": "firefox"}
NEW_REPORT = "doc-sample-sha"  # Create report makes one
DOC_SNAPSHOT = {"url": "https://cdn.example.com/button-disabled.png", "variant": "disabled", "target": "firefox",
                "component": "Button", "height": 40, "width": 120}
BODY_VALUES = {
    "snaps": [DOC_SNAPSHOT], "project": "default", "projects": ["default"],
    "link": "https://github.com/example/app/pull/1", "message": "Doc sample", "partial": False,
    "notify": "dev@example.com", "isAsync": False, "fallbackShas": ["same-sha"], "status": "failure",
    "label": "Skipped", "emailAddresses": ["dev@example.com"],
}


def _snapshot_ids(api) -> tuple[str, str]:
    """snapshot1Id/snapshot2Id "need to correspond to ids from Snapshot objects": the diffing pair's."""
    def pick(sha):
        snaps = api.get(f"/api/reports/{sha}").json()
        return next(s["id"] for s in snaps if (s["component"], s["variant"], s["target"]) ==
                    ("Button", "disabled", "firefox"))
    return pick("base-sha"), pick("change-sha")


def _request(api, section: Section) -> tuple[str, dict]:
    def value(m: re.Match) -> str:  # "Fail a job" lists no URL params: its path's are those of "Cancel a job"
        return NEW_REPORT if section.title == "Create report" else URL_VALUES[m.group(1)].replace(" ", "%20")
    path = re.sub(r":(\w+)", value, section.path)
    kwargs: dict = {}
    if query := section.params.get("query"):
        kwargs["params"] = {name: BODY_VALUES[name] for name, *_ in query}
    if body := section.params.get("body"):
        blob = {}
        for name, *_ in body:
            if name in ("snapshot1Id", "snapshot2Id"):
                blob["snapshot1Id"], blob["snapshot2Id"] = _snapshot_ids(api)
            else:
                blob[name] = BODY_VALUES[name]
        if section.method == "GET":
            kwargs.setdefault("params", {}).update(blob)  # a GET carries no blob: its "body params" go in the query
        else:
            kwargs["data"] = json.dumps(blob)
            kwargs["headers"] = {"Content-Type": "application/json"}
    return path, kwargs


def _check_object(kind: str, value) -> None:
    if kind.startswith("Array<"):
        inner = kind[6:-1]
        assert isinstance(value, list), value
        for item in value:
            _check_object(inner, item)
        return
    missing = [name for name in OBJECTS[kind] if name not in value]
    # completedAt is "Present if all the partials for a report have been added. Null otherwise"
    assert not [m for m in missing if m != "completedAt"], (kind, missing, value)


def test_the_doc_has_its_endpoints_and_objects():
    assert len(SECTIONS) == 17
    assert set(OBJECTS) == {"Snapshot", "ReportStatus", "Comparison", "ComparisonStatus", "Job"}
    assert OBJECTS["Job"] == ["url", "id"]
    create = SECTIONS[0]
    assert (create.title, create.response) == ("Create report", "ReportStatus")
    assert [p[0] for p in create.params["body"]] == ["snaps", "project", "link", "message", "partial"]


BEFORE = {  # a section that reads what an earlier one makes: that one is called first, as documented
    "Get a comparison status": "Compare two reports",
    "Remove component subscriptions": "Add component subscriptions",
    "Cancel a job": "Create a job",
    "Fail a job": "Create a job",
}


@pytest.mark.parametrize("auth", ["basic", "jwt"])
@pytest.mark.parametrize("section", SECTIONS, ids=[s.id for s in SECTIONS])
def test_doc_endpoint_answers_as_documented(happo, section, auth):
    if auth == "basic":
        happo.session.auth = (KEY, SECRET)
    else:
        happo.session.headers["Authorization"] = f"Bearer {token()}"
    if section.title in BEFORE:
        before = next(s for s in SECTIONS if s.title == BEFORE[section.title])
        path, kwargs = _request(happo, before)
        assert happo.request(before.method, path, **kwargs).status_code == 200
    path, kwargs = _request(happo, section)
    r = happo.request(section.method, path, **kwargs)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    if section.response:
        _check_object(section.response, r.json())
