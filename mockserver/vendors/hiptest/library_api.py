"""Folders, scenarios (datasets, parameters), action words, find_by_tags and feature import/export."""

from __future__ import annotations

import re

from ...core import context
from ...core.errors import VendorError
from . import dsl
from .jsonapi import read_resource, relationship_list, render, respond
from .records import find, new_record, rows, stamp, touch
from .refusals import wire
from .routes import bp, options
from .tags_api import create_tags_from_relationship

P = "/api/projects/<int:project_id>"
SCENARIO_LIST_INCLUDES = ("folder", "tags", "actionwords", "test-snapshots")
SCENARIO_INCLUDES = ("folder", "tags", "actionwords")


def _project(state, project_id):
    return find(state, "projects", project_id)


def _tagged(state, kind, project_id) -> list[dict]:
    # the contract requires a non-empty key; an absent value matches any
    params, _ = wire()
    key, value = params["key"], params["value"]
    owners = {t["owner_id"] for t in state.table("tags").values()
              if t["owner_type"] == kind and t["key"] == key and (value is None or t["value"] == value)}
    return [r for r in rows(state, kind, project_id=project_id) if r["id"] in owners]


def _drop_tags(state, kind, owner_id):
    for tag in [t for t in state.table("tags").values() if t["owner_type"] == kind and t["owner_id"] == owner_id]:
        state.delete("tags", tag["id"])


# -- folders ----------------------------------------------------------------------------------
def _folder(state, project_id, folder_id):
    _project(state, project_id)
    return find(state, "folders", folder_id, project_id=project_id)


def _root(state, project_id) -> dict:
    roots = [f for f in rows(state, "folders", project_id=project_id) if f["parent_id"] is None]
    if roots:
        return roots[0]
    project = state.get("projects", project_id)
    return state.insert("folders", new_record(project_id=project_id, parent_id=None, name=project["name"],
                                              description="", definition="folder do\nend\n", feature_updated_at=None))


def _subtree(state, folder) -> list[dict]:
    out, todo = [], [folder]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += [f for f in state.table("folders").values() if f["parent_id"] == current["id"]]
    return out


def _delete_scenario(state, scenario):
    for kind in ("datasets", "parameters"):
        for row in [r for r in state.table(kind).values() if r["scenario_id"] == scenario["id"]]:
            state.delete(kind, row["id"])
    _drop_tags(state, "scenarios", scenario["id"])
    state.delete("scenarios", scenario["id"])


def _delete_folder(state, folder):
    for f in _subtree(state, folder):
        for s in [s for s in state.table("scenarios").values() if s["folder_id"] == f["id"]]:
            _delete_scenario(state, s)
        _drop_tags(state, "folders", f["id"])
        state.delete("folders", f["id"])


@bp.get(P + "/folders/<int:folder_id>/children")
def folder_children(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    return render(state, "folders", rows(state, "folders", parent_id=folder["id"]), allowed_includes=("tags",),
                  options=options())


@bp.get(P + "/folders/<int:folder_id>/scenarios")
def folder_scenarios(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    return render(state, "scenarios", rows(state, "scenarios", folder_id=folder["id"]),
                  allowed_includes=SCENARIO_LIST_INCLUDES, options=options())


@bp.post(P + "/folders")
def create_folder(project_id):
    state = context.state()
    _project(state, project_id)
    attrs, _ = read_resource("folders")
    parent = _parent(state, project_id, attrs.get("parent_id"))
    folder = state.insert("folders", new_record(
        project_id=project_id, parent_id=parent["id"], name=attrs["name"], description=attrs.get("description") or "",
        definition="folder do\nend\n", feature_updated_at=None))
    return render(state, "folders", folder, status=201, options=options())


def _parent(state, project_id, parent_id) -> dict:
    if parent_id is None:
        return _root(state, project_id)
    parent = state.get("folders", parent_id)
    if parent is None or parent["project_id"] != project_id:
        raise VendorError(422, f"parent-id: unknown folder {parent_id}")
    return parent


@bp.patch(P + "/folders/<int:folder_id>")
def update_folder(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    attrs, _ = read_resource("folders", url_id=folder_id)
    if "parent_id" in attrs:
        parent = _parent(state, project_id, attrs["parent_id"])
        if folder["parent_id"] is None or parent in _subtree(state, folder):
            raise VendorError(422, "parent-id: a folder cannot move under itself, and the root folder cannot move")
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    folder.update(attrs)
    touch(folder)
    return render(state, "folders", folder, options=options())


@bp.delete(P + "/folders/<int:folder_id>")
def delete_folder(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    if folder["parent_id"] is None:
        raise VendorError(422, "The root folder of a project cannot be deleted")
    _delete_folder(state, folder)
    return respond({"data": {}})


@bp.delete(P + "/folders/<int:folder_id>/children")
def delete_folder_children(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    for child in rows(state, "folders", parent_id=folder["id"]):
        _delete_folder(state, child)
    return respond({"data": {}})


@bp.delete(P + "/folders/<int:folder_id>/scenarios")
def delete_folder_scenarios(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    for scenario in rows(state, "scenarios", folder_id=folder["id"]):
        _delete_scenario(state, scenario)
    return respond({"data": {}})


@bp.get(P + "/folders/<int:folder_id>/feature")
def folder_feature(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    text = dsl.to_gherkin(folder["name"], folder.get("description", ""), rows(state, "scenarios", folder_id=folder["id"]))
    return render(state, "folders", {**folder, "feature": text}, options=options())


def _import_feature(state, project_id, folder, update: bool):
    attrs, _ = read_resource("folders")
    try:
        feature_name, scenarios = dsl.from_gherkin(attrs["feature"])
    except dsl.FeatureError as exc:
        raise VendorError(422, f"feature: {exc}") from None
    existing = {s["name"]: s for s in rows(state, "scenarios", folder_id=folder["id"])}
    known = {a["name"] for a in rows(state, "actionwords", project_id=project_id)}
    for item in scenarios:
        for kind, _, name in (i for i in dsl.parse(item["definition"])[0] if i[0] == "call"):
            if name not in known:
                # BDD imports create the action words their steps call
                state.insert("actionwords", new_record(project_id=project_id, name=name, description="",
                                                        definition=dsl.actionword_definition(name, ""), is_shared=False))
                known.add(name)
        if update and item["name"] in existing:
            touch(existing[item["name"]]).update(definition=item["definition"])
        else:
            state.insert("scenarios", new_record(project_id=project_id, folder_id=folder["id"], name=item["name"],
                                                 description="", definition=item["definition"]))
    folder["feature_updated_at"] = stamp()
    touch(folder)
    # the mock imports at once but names the import as the docs show it (snake-cased feature name)
    running = [re.sub(r"[^0-9a-z]+", "_", feature_name.lower()).strip("_")]
    return render(state, "folders", {**folder, "running_feature_imports": running}, options=options())


@bp.post(P + "/folders/<int:folder_id>/create_from_feature")
def create_from_feature(project_id, folder_id):
    state = context.state()
    return _import_feature(state, project_id, _folder(state, project_id, folder_id), update=False)


@bp.patch(P + "/folders/<int:folder_id>/update_from_feature")
def update_from_feature(project_id, folder_id):
    state = context.state()
    return _import_feature(state, project_id, _folder(state, project_id, folder_id), update=True)


# -- scenarios --------------------------------------------------------------------------------
def _scenario(state, project_id, scenario_id):
    _project(state, project_id)
    return find(state, "scenarios", scenario_id, project_id=project_id)


@bp.post(P + "/scenarios")
def create_scenario(project_id):
    state = context.state()
    _project(state, project_id)
    attrs, rels = read_resource("scenarios")
    folder = _parent(state, project_id, attrs.get("folder_id"))
    scenario = state.insert("scenarios", new_record(
        project_id=project_id, folder_id=folder["id"], name=attrs["name"], description="",
        definition=dsl.scenario_definition(attrs["name"])))
    create_tags_from_relationship(state, "scenarios", scenario["id"], relationship_list(rels, "tags"))
    return render(state, "scenarios", scenario, status=201, options=options())


def _renamed(definition: str, kind: str, name: str) -> str:
    head = f"{kind} '{dsl.quote(name)}' do"
    lines = (definition or "").splitlines()
    if lines and lines[0].strip().startswith(kind):
        return "\n".join([head] + lines[1:]) + "\n"
    return f"{head}\nend\n"


_HEAD_NAME = re.compile(r"""^\s*(?:scenario|actionword)\s+'((?:[^'\\]|\\.)*)'""")


def _apply_definition(record: dict, attrs: dict, kind: str) -> None:
    if "name" in attrs and "definition" in attrs:
        raise VendorError(409, "name and definition cannot be updated together")
    if "name" in attrs:
        record["definition"] = _renamed(record.get("definition"), kind, attrs.pop("name"))
        record["name"] = _HEAD_NAME.match(record["definition"]).group(1).replace("\\'", "'")
    if "definition" in attrs:
        head = _HEAD_NAME.match(attrs["definition"])
        if head:
            record["name"] = dsl.unquote(head.group(1))
    record.update(attrs)


@bp.patch(P + "/scenarios/<int:scenario_id>")
def update_scenario(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("scenarios", url_id=scenario_id)
    if "folder_id" in attrs:
        _parent(state, project_id, attrs["folder_id"])
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    _apply_definition(scenario, attrs, "scenario")
    touch(scenario)
    return render(state, "scenarios", scenario, options=options())


@bp.delete(P + "/scenarios/<int:scenario_id>")
def delete_scenario(project_id, scenario_id):
    state = context.state()
    _delete_scenario(state, _scenario(state, project_id, scenario_id))
    return respond({"data": {}})


# -- datasets and parameters ------------------------------------------------------------------
S = P + "/scenarios/<int:scenario_id>"


@bp.get(S + "/datasets")
def list_datasets(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "datasets", rows(state, "datasets", scenario_id=scenario["id"]), options=options())


@bp.get(S + "/datatable")
def datatable(project_id, scenario_id):
    return list_datasets(project_id, scenario_id)


def _dataset_values(data: dict) -> dict:
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


@bp.post(S + "/datasets")
def create_dataset(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("datasets")
    dataset = state.insert("datasets", {"scenario_id": scenario["id"], "name": attrs["name"],
                                        "data": _dataset_values(attrs.get("data") or {})})
    return render(state, "datasets", dataset, status=201, options=options())


@bp.get(S + "/datasets/<int:dataset_id>")
def show_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "datasets", find(state, "datasets", dataset_id, scenario_id=scenario["id"]), options=options())


@bp.patch(S + "/datasets/<int:dataset_id>")
def update_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    dataset = find(state, "datasets", dataset_id, scenario_id=scenario["id"])
    attrs, _ = read_resource("datasets", url_id=dataset_id)
    if "data" in attrs:
        attrs["data"] = {**dataset["data"], **_dataset_values(attrs["data"])}
    dataset.update(attrs)
    return render(state, "datasets", dataset, options=options())


@bp.delete(S + "/datasets/<int:dataset_id>")
def delete_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    find(state, "datasets", dataset_id, scenario_id=scenario["id"])
    state.delete("datasets", dataset_id)
    return respond({"data": {}})


def normalize_parameter(name: str) -> str:
    """Parameter names become identifiers (lower case, underscores), as Hiptest normalises them."""
    cleaned = re.sub(r"[^0-9a-z_]+", "_", name.strip().lower()).strip("_")
    if not cleaned:
        raise VendorError(422, "name: a parameter name needs at least one letter or digit")
    return cleaned


@bp.get(S + "/parameters")
def list_parameters(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "parameters", rows(state, "parameters", scenario_id=scenario["id"]), options=options())


@bp.post(S + "/parameters")
def create_parameter(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("parameters")
    name = normalize_parameter(attrs["name"])
    if any(p["name"] == name for p in rows(state, "parameters", scenario_id=scenario["id"])):
        raise VendorError(422, f"name: the scenario already has a parameter {name!r}")
    parameter = state.insert("parameters", {"scenario_id": scenario["id"], "name": name})
    return render(state, "parameters", parameter, status=201, options=options())


@bp.get(S + "/parameters/<int:parameter_id>")
def show_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "parameters", find(state, "parameters", parameter_id, scenario_id=scenario["id"]),
                  options=options())


@bp.patch(S + "/parameters/<int:parameter_id>")
def update_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    parameter = find(state, "parameters", parameter_id, scenario_id=scenario["id"])
    attrs, _ = read_resource("parameters", url_id=parameter_id)
    if "name" in attrs:
        parameter["name"] = normalize_parameter(attrs["name"])
    return render(state, "parameters", parameter, options=options())


@bp.delete(S + "/parameters/<int:parameter_id>")
def delete_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    find(state, "parameters", parameter_id, scenario_id=scenario["id"])
    state.delete("parameters", parameter_id)
    return respond({"data": {}})


# -- action words -----------------------------------------------------------------------------
def _actionword(state, project_id, actionword_id):
    _project(state, project_id)
    return find(state, "actionwords", actionword_id, project_id=project_id)


@bp.post(P + "/actionwords")
def create_actionword(project_id):
    state = context.state()
    _project(state, project_id)
    attrs, _ = read_resource("actionwords")
    if any(a["name"] == attrs["name"] for a in rows(state, "actionwords", project_id=project_id)):
        raise VendorError(422, f"name: an action word named {attrs['name']!r} already exists")
    word = state.insert("actionwords", new_record(
        project_id=project_id, name=attrs["name"], description=attrs.get("description") or "",
        definition=dsl.actionword_definition(attrs["name"], attrs.get("definition")), is_shared=False))
    return render(state, "actionwords", word, status=201, options=options())


@bp.patch(P + "/actionwords/<int:actionword_id>")
def update_actionword(project_id, actionword_id):
    state = context.state()
    word = _actionword(state, project_id, actionword_id)
    attrs, _ = read_resource("actionwords", url_id=actionword_id)
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    _apply_definition(word, attrs, "actionword")
    touch(word)
    return render(state, "actionwords", word, options=options())


@bp.delete(P + "/actionwords/<int:actionword_id>")
def delete_actionword(project_id, actionword_id):
    state = context.state()
    word = _actionword(state, project_id, actionword_id)
    _drop_tags(state, "actionwords", word["id"])
    state.delete("actionwords", word["id"])
    return respond({"data": {}})


@bp.get(P + "/actionwords/<int:actionword_id>/callers")
def actionword_callers(project_id, actionword_id):
    from .jsonapi import Serializer, parse_include

    state = context.state()
    word = _actionword(state, project_id, actionword_id)

    def calls(record):
        return any(i[0] == "call" and i[2] == word["name"] for i in dsl.parse(record.get("definition"))[0])

    ser = Serializer(state, parse_include(("tags",)), options())
    data = [ser.resource("scenarios", s) for s in rows(state, "scenarios", project_id=project_id) if calls(s)]
    data += [ser.resource("folders", f) for f in rows(state, "folders", project_id=project_id) if calls(f)]
    return respond({"data": data, "included": list(ser.included.values())})


def _register_reads(kind: str, id_arg: str, list_includes: tuple, show_includes: tuple) -> None:
    """GET list, find_by_tags and one item of a project's folders, scenarios or action words."""
    rtype = kind

    def list_items(project_id):
        state = context.state()
        _project(state, project_id)
        return render(state, rtype, rows(state, kind, project_id=project_id), allowed_includes=list_includes,
                      options=options())

    def find_items(project_id):
        state = context.state()
        _project(state, project_id)
        return render(state, rtype, _tagged(state, kind, project_id), options=options())

    def show_item(project_id, **kw):
        state = context.state()
        _project(state, project_id)
        item = find(state, kind, kw[id_arg], project_id=project_id)
        return render(state, rtype, item, allowed_includes=show_includes, options=options())

    bp.add_url_rule(f"{P}/{kind}", f"list_{kind}", list_items, methods=["GET"])
    bp.add_url_rule(f"{P}/{kind}/find_by_tags", f"find_{kind}", find_items, methods=["GET"])
    bp.add_url_rule(f"{P}/{kind}/<int:{id_arg}>", f"show_{kind}", show_item, methods=["GET"])


_register_reads("folders", "folder_id", ("tags",), ("tags",))
_register_reads("scenarios", "scenario_id", SCENARIO_LIST_INCLUDES, SCENARIO_INCLUDES)
_register_reads("actionwords", "actionword_id", ("tags",), ("tags",))
