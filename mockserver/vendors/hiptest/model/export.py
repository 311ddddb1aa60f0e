"""The XML exports hiptest-publisher reads (its xml_parser.rb): the project, its leafless tests, a test run.

Elements and nesting are the ones the publisher's parser looks for: `project > name|description|testPlan|
scenarios|actionwords|tests`, or `project > testRuns > testRun > folderSnapshots|scenarioSnapshots|
actionwordSnapshots`. A uid is the record's id (a scenario's, a test's): the push (reports.match) reads a
`uid<id>` in a generated test's name back to its test.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import dsl
from .records import rows
from .runs import actionword_bodies, current_status, run_snapshots, scenario_datasets, test_definition

_PARAM_REF = re.compile(r"<([A-Za-z_]\w*)>")


class Filters:
    """The project export's query (hiptest-publisher's --filter-on-* options)."""

    def __init__(self, params: dict):
        self.scenario_ids = _ids(params.get("filter_scenario_ids"))
        self.folder_ids = _ids(params.get("filter_folder_ids"))
        self.scenario_name = params.get("filter_scenario_name")
        self.folder_name = params.get("filter_folder_name")
        self.tags = [t.strip() for t in (params.get("filter_tags") or "").split(",") if t.strip()]
        self.recursive = str(params.get("not_recursive") or "").lower() != "true"


def _ids(text: str | None) -> set[int] | None:
    if not text:
        return None
    # an id that is no number names no record: it filters everything out, as an unknown id does
    return {int(part) for part in text.split(",") if part.strip().isdigit()}


def _add(parent: ET.Element, tag: str, text=None) -> ET.Element:
    node = ET.SubElement(parent, tag)
    if text is not None:
        node.text = str(text)
    return node


def _tags(parent: ET.Element, state, owner_type: str, owner_id: int) -> None:
    tags = _add(parent, "tags")
    for tag in rows(state, "tags", owner_type=owner_type, owner_id=owner_id):
        node = _add(tags, "tag")
        _add(node, "key", tag["key"])
        if tag.get("value"):
            _add(node, "value", tag["value"])


def _template(parent: ET.Element, text: str, parameters: set[str]) -> None:
    """Step text as a template: literal parts, and `<name>` of a scenario parameter as a variable."""
    template = _add(parent, "template")
    at = 0
    for ref in _PARAM_REF.finditer(text):
        if ref.group(1) not in parameters:
            continue
        if ref.start() > at:
            _add(template, "stringliteral", text[at:ref.start()])
        _add(template, "var", ref.group(1))
        at = ref.end()
    if at < len(text) or at == 0:
        _add(template, "stringliteral", text[at:])


def _steps(parent: ET.Element, items: list[tuple], parameters: set[str]) -> None:
    steps = _add(parent, "steps")
    for item in items:
        if item[0] == "step":
            _template(_add(_add(steps, "step"), item[1]), item[2], parameters)
        else:
            call = _add(steps, "call")
            _add(call, "actionword", item[2])
            if item[1]:
                _add(call, "annotation", item[1])


def _parameters(parent: ET.Element, names: list[str]) -> None:
    node = _add(parent, "parameters")
    for name in names:
        _add(_add(node, "parameter"), "name", name)


def _scenario_parameters(state, scenario_id: int) -> list[str]:
    return [p["name"] for p in rows(state, "parameters", scenario_id=scenario_id)]


def _datatable(parent: ET.Element, datasets: list[dict], uids: list | None = None) -> None:
    table = _add(parent, "datatable")
    for index, dataset in enumerate(datasets):
        node = _add(table, "dataset")
        _add(node, "name", dataset["name"])
        _add(node, "uid", uids[index] if uids else dataset["id"])
        arguments = _add(node, "arguments")
        for name, value in (dataset.get("data") or {}).items():
            argument = _add(arguments, "argument")
            _add(argument, "name", name)
            _add(_add(argument, "value"), "stringliteral", value)


def _folders(state, project_id: int) -> list[dict]:
    return rows(state, "folders", project_id=project_id)


def _order(records: list[dict], key: str) -> dict[int, int]:
    """order_in_parent: a record's place among its siblings (by id, the order they were made in)."""
    seen: dict = {}
    out = {}
    for record in records:
        out[record["id"]] = seen.get(record[key], 0)
        seen[record[key]] = out[record["id"]] + 1
    return out


def _selected(state, project_id: int, filters: Filters) -> list[dict]:
    scenarios = rows(state, "scenarios", project_id=project_id)
    folders = _folders(state, project_id)
    if filters.scenario_ids is not None:
        scenarios = [s for s in scenarios if s["id"] in filters.scenario_ids]
    if filters.scenario_name:
        scenarios = [s for s in scenarios if s["name"] == filters.scenario_name]
    wanted = filters.folder_ids
    if filters.folder_name:
        wanted = (wanted or set()) | {f["id"] for f in folders if f["name"] == filters.folder_name}
    if wanted is not None:
        if filters.recursive:
            children: dict = {}
            for folder in folders:
                children.setdefault(folder["parent_id"], []).append(folder["id"])
            stack, wanted = list(wanted), set()
            while stack:
                fid = stack.pop()
                if fid not in wanted:
                    wanted.add(fid)
                    stack += children.get(fid, [])
        scenarios = [s for s in scenarios if s["folder_id"] in wanted]
    for wanted_tag in filters.tags:
        # `key` or `key:value`; a scenario must carry every tag named (hiptest-publisher's "with all these tags")
        key, _, value = wanted_tag.partition(":")
        scenarios = [s for s in scenarios if any(
            t["owner_type"] == "scenarios" and t["key"] == key and (not value or t.get("value") == value)
            for t in state.where("tags", "owner_id", s["id"]))]
    return scenarios


def _head(project: dict) -> ET.Element:
    root = ET.Element("project", {"format": "0.1"})
    _add(root, "name", project["name"])
    _add(root, "description", project.get("description") or "")
    return root


def _actionwords(parent: ET.Element, state, project_id: int, snapshot: bool) -> None:
    node = _add(parent, "actionwordSnapshots" if snapshot else "actionwords")
    for word in rows(state, "actionwords", project_id=project_id):
        item = _add(node, "actionwordSnapshot" if snapshot else "actionword")
        _add(item, "name", word["name"])
        _add(item, "actionwordUid" if snapshot else "uid", word["id"])
        _add(item, "description", word.get("description") or "")
        _tags(item, state, "actionwords", word["id"])
        _parameters(item, [])
        _steps(item, dsl.parse(word.get("definition"))[0], set())


def _tostring(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def project_xml(state, project: dict, filters: Filters) -> bytes:
    """GET /publication/{token}/project: the test plan (folders), the scenarios and the action words."""
    root = _head(project)
    folders = _folders(state, project["id"])
    order = _order(folders, "parent_id")
    plan = _add(root, "testPlan")
    for folder in folders:
        node = _add(plan, "folder")
        _add(node, "name", folder["name"])
        _add(node, "uid", folder["id"])
        _add(node, "parentUid", folder["parent_id"] if folder["parent_id"] is not None else "")
        _add(node, "order_in_parent", order[folder["id"]])
        _add(node, "description", folder.get("description") or "")
        _tags(node, state, "folders", folder["id"])
        _steps(node, [], set())
    scenarios = _selected(state, project["id"], filters)
    order = _order(scenarios, "folder_id")
    node = _add(root, "scenarios")
    for scenario in scenarios:
        parameters = _scenario_parameters(state, scenario["id"])
        item = _add(node, "scenario")
        _add(item, "name", scenario["name"])
        _add(item, "uid", scenario["id"])
        _add(item, "folderUid", scenario["folder_id"])
        _add(item, "order_in_parent", order[scenario["id"]])
        _add(item, "description", scenario.get("description") or "")
        _tags(item, state, "scenarios", scenario["id"])
        _parameters(item, parameters)
        _steps(item, dsl.parse(scenario.get("definition"))[0], set(parameters))
        _datatable(item, scenario_datasets(state, scenario["id"]))
    _actionwords(root, state, project["id"], snapshot=False)
    return _tostring(root)


def leafless_xml(state, project: dict, filters: Filters) -> bytes:
    """GET /publication/{token}/leafless_tests: every scenario (and dataset) as a flat list of leaf steps."""
    root = _head(project)
    tests = _add(root, "tests")
    bodies = actionword_bodies(state, project["id"])
    for scenario in _selected(state, project["id"], filters):
        for index, dataset in enumerate(scenario_datasets(state, scenario["id"]) or [None]):
            definition, _ = test_definition(state, scenario, dataset, index, bodies)
            test = _add(tests, "test")
            _add(test, "name", scenario["name"] if dataset is None else f"{scenario['name']} ({dataset['name']})")
            _add(test, "uid", dataset["id"] if dataset else scenario["id"])
            _add(test, "description", scenario.get("description") or "")
            _tags(test, state, "scenarios", scenario["id"])
            steps = _add(test, "steps")
            for step in definition["steps"]:
                (kind, text), = step.items()
                _template(_add(_add(steps, "step"), kind), text, set())
    return _tostring(root)


STATUSES = ("passed", "failed", "retest", "undefined", "blocked", "skipped", "wip")


def test_run_xml(state, project: dict, run: dict, filter_status: str | None) -> bytes:
    """GET /publication/{token}/test_run/{id}: the run's folder, scenario and action-word snapshots; with
    `filter_status`, only the tests whose current status it names."""
    root = _head(project)
    node = _add(_add(root, "testRuns"), "testRun")
    _add(node, "name", run["name"])
    _add(node, "description", run.get("description") or "")
    wanted = {s.strip() for s in filter_status.split(",")} if filter_status else None
    tests = [t for t in run_snapshots(state, run["id"])
             if wanted is None or current_status(state, t) in wanted]
    folder_snaps = rows(state, "folder_snapshots", test_run_id=run["id"])
    order = _order(folder_snaps, "parent_id")
    folders = _add(node, "folderSnapshots")
    for snap in folder_snaps:
        item = _add(folders, "folderSnapshot")
        _add(item, "name", snap["name"])
        _add(item, "uid", snap["id"])
        _add(item, "parentUid", snap["parent_id"] if snap["parent_id"] is not None else "")
        _add(item, "order_in_parent", order[snap["id"]])
        _add(item, "description", snap.get("description") or "")
        _tags(item, state, "folders", snap["folder_id"])
        _steps(item, [], set())
    by_scenario: dict[int, list[dict]] = {}
    for test in tests:
        by_scenario.setdefault(test["scenario_id"], []).append(test)
    scenarios = _add(node, "scenarioSnapshots")
    for scenario_id, its_tests in by_scenario.items():
        first = its_tests[0]
        scenario = state.get("scenarios", scenario_id) or {"name": first["definition_json"]["scenario_name"]}
        parameters = _scenario_parameters(state, scenario_id)
        item = _add(scenarios, "scenarioSnapshot")
        _add(item, "name", first["definition_json"]["scenario_name"])
        _add(item, "uid", first["scenario_snapshot_id"])
        _add(item, "folderUid", first["folder_snapshot_id"])
        _add(item, "description", scenario.get("description") or "")
        _tags(item, state, "scenarios", scenario_id)
        _parameters(item, parameters)
        _steps(item, dsl.parse(scenario.get("definition"))[0], set(parameters))
        datasets = [state.get("datasets", t["dataset_id"]) for t in its_tests if t["dataset_id"]]
        _datatable(item, [d for d in datasets if d], [t["id"] for t in its_tests if t["dataset_id"]])
        snaps = _add(item, "testSnapshots")
        for test in its_tests:
            snap = _add(snaps, "testSnapshot")
            _add(snap, "uid", test["id"])
            _add(snap, "index", test["definition_json"]["index"])
            _add(snap, "name", test["name"])
            _add(snap, "status", current_status(state, test))
            _tags(snap, state, "test_snapshots", test["id"])
    _actionwords(node, state, project["id"], snapshot=True)
    return _tostring(root)
