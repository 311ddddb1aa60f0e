"""Folders of a project's scenario tree, and their Gherkin feature export and import."""

from __future__ import annotations

import re

from ...core import context
from . import errors
from .blueprint import (
    blueprint,
    folder_or_root,
    in_project,
    library_reads,
    new_record,
    options,
    project,
    read_resource,
    render,
    respond,
    rows,
    stamp,
    touch,
)
from .model import dsl, library
from .model.resources import SCENARIO_LIST_INCLUDES

P = "/api/projects/<int:project_id>"


def _folder(state, project_id, folder_id):
    return in_project(state, "folders", project_id, folder_id)


@blueprint.get(P + "/folders/<int:folder_id>/children")
def folder_children(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    return render(state, "folders", rows(state, "folders", parent_id=folder["id"]), allowed_includes=("tags",),
                  options=options())


@blueprint.get(P + "/folders/<int:folder_id>/scenarios")
def folder_scenarios(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    return render(state, "scenarios", rows(state, "scenarios", folder_id=folder["id"]),
                  allowed_includes=SCENARIO_LIST_INCLUDES, options=options())


@blueprint.post(P + "/folders")
def create_folder(project_id):
    state = context.state()
    project(state, project_id)
    attrs, _ = read_resource("folders")
    parent = folder_or_root(state, project_id, attrs.get("parent_id"))
    folder = state.insert("folders", new_record(
        project_id=project_id, parent_id=parent["id"], name=attrs["name"], description=attrs.get("description") or "",
        definition=library.FOLDER_DEFINITION, feature_updated_at=None))
    return render(state, "folders", folder, status=201, options=options())


@blueprint.patch(P + "/folders/<int:folder_id>")
def update_folder(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    attrs, _ = read_resource("folders", url_id=folder_id)
    if "parent_id" in attrs:
        parent = folder_or_root(state, project_id, attrs["parent_id"])
        if folder["parent_id"] is None or parent in library.subtree(state, folder):
            raise errors.folder_cannot_move()
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    folder.update(attrs)
    touch(folder)
    return render(state, "folders", folder, options=options())


@blueprint.delete(P + "/folders/<int:folder_id>")
def delete_folder(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    if folder["parent_id"] is None:
        raise errors.root_folder_undeletable()
    library.delete_folder(state, folder)
    return respond({"data": {}})


@blueprint.delete(P + "/folders/<int:folder_id>/children")
def delete_folder_children(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    for child in rows(state, "folders", parent_id=folder["id"]):
        library.delete_folder(state, child)
    return respond({"data": {}})


@blueprint.delete(P + "/folders/<int:folder_id>/scenarios")
def delete_folder_scenarios(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    for scenario in rows(state, "scenarios", folder_id=folder["id"]):
        library.delete_scenario(state, scenario)
    return respond({"data": {}})


@blueprint.get(P + "/folders/<int:folder_id>/feature")
def folder_feature(project_id, folder_id):
    state = context.state()
    folder = _folder(state, project_id, folder_id)
    scenarios = rows(state, "scenarios", folder_id=folder["id"])
    text = dsl.to_gherkin(folder["name"], folder.get("description", ""), scenarios)
    return render(state, "folders", {**folder, "feature": text}, options=options())


def _import_feature(state, project_id, folder, update: bool):
    attrs, _ = read_resource("folders")
    try:
        feature_name, scenarios = dsl.from_gherkin(attrs["feature"])
    except dsl.FeatureError as exc:
        raise errors.unreadable_feature(exc) from None
    existing = {s["name"]: s for s in rows(state, "scenarios", folder_id=folder["id"])}
    known = {a["name"] for a in rows(state, "actionwords", project_id=project_id)}
    for item in scenarios:
        for kind, _, name in (i for i in dsl.parse(item["definition"])[0] if i[0] == "call"):
            if name not in known:
                # BDD imports create the action words their steps call
                state.insert("actionwords", new_record(
                    project_id=project_id, name=name, description="", definition=dsl.actionword_definition(name, ""),
                    is_shared=False))
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


@blueprint.post(P + "/folders/<int:folder_id>/create_from_feature")
def create_from_feature(project_id, folder_id):
    state = context.state()
    return _import_feature(state, project_id, _folder(state, project_id, folder_id), update=False)


@blueprint.patch(P + "/folders/<int:folder_id>/update_from_feature")
def update_from_feature(project_id, folder_id):
    state = context.state()
    return _import_feature(state, project_id, _folder(state, project_id, folder_id), update=True)


library_reads("folders", "folder_id", ("tags",), ("tags",))
