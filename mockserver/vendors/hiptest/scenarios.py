"""Scenarios of a project, with their datasets (the datatable) and parameters."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import (
    blueprint,
    find,
    folder_or_root,
    in_project,
    library_reads,
    new_record,
    options,
    project,
    read_resource,
    relationship_list,
    render,
    respond,
    rows,
    touch,
    update_definition,
)
from .model import dsl, library
from .model.resources import SCENARIO_INCLUDES, SCENARIO_LIST_INCLUDES

P = "/api/projects/<int:project_id>"
S = P + "/scenarios/<int:scenario_id>"


def _scenario(state, project_id, scenario_id):
    return in_project(state, "scenarios", project_id, scenario_id)


@blueprint.post(P + "/scenarios")
def create_scenario(project_id):
    state = context.state()
    project(state, project_id)
    attrs, rels = read_resource("scenarios")
    folder = folder_or_root(state, project_id, attrs.get("folder_id"))
    scenario = state.insert("scenarios", new_record(
        project_id=project_id, folder_id=folder["id"], name=attrs["name"], description="",
        definition=dsl.scenario_definition(attrs["name"])))
    library.tags_from_relationship(state, "scenarios", scenario["id"], relationship_list(rels, "tags"))
    return render(state, "scenarios", scenario, status=201, options=options())


@blueprint.patch(S)
def update_scenario(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("scenarios", url_id=scenario_id)
    if "folder_id" in attrs:
        folder_or_root(state, project_id, attrs["folder_id"])
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    update_definition(scenario, attrs, "scenario")
    touch(scenario)
    return render(state, "scenarios", scenario, options=options())


@blueprint.delete(S)
def delete_scenario(project_id, scenario_id):
    state = context.state()
    library.delete_scenario(state, _scenario(state, project_id, scenario_id))
    return respond({"data": {}})


# -- datasets ---------------------------------------------------------------------------------
@blueprint.get(S + "/datasets")
def list_datasets(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "datasets", rows(state, "datasets", scenario_id=scenario["id"]), options=options())


@blueprint.get(S + "/datatable")
def datatable(project_id, scenario_id):
    return list_datasets(project_id, scenario_id)


@blueprint.post(S + "/datasets")
def create_dataset(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("datasets")
    dataset = state.insert("datasets", {"scenario_id": scenario["id"], "name": attrs["name"],
                                        "data": library.dataset_values(attrs.get("data") or {})})
    return render(state, "datasets", dataset, status=201, options=options())


@blueprint.get(S + "/datasets/<int:dataset_id>")
def show_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "datasets", find(state, "datasets", dataset_id, scenario_id=scenario["id"]), options=options())


@blueprint.patch(S + "/datasets/<int:dataset_id>")
def update_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    dataset = find(state, "datasets", dataset_id, scenario_id=scenario["id"])
    attrs, _ = read_resource("datasets", url_id=dataset_id)
    if "data" in attrs:
        attrs["data"] = {**dataset["data"], **library.dataset_values(attrs["data"])}
    dataset.update(attrs)
    return render(state, "datasets", dataset, options=options())


@blueprint.delete(S + "/datasets/<int:dataset_id>")
def delete_dataset(project_id, scenario_id, dataset_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    find(state, "datasets", dataset_id, scenario_id=scenario["id"])
    state.delete("datasets", dataset_id)
    return respond({"data": {}})


# -- parameters -------------------------------------------------------------------------------
def _parameter_name(name: str) -> str:
    cleaned = library.normalize_parameter(name)
    if not cleaned:
        raise errors.parameter_name_empty()
    return cleaned


@blueprint.get(S + "/parameters")
def list_parameters(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "parameters", rows(state, "parameters", scenario_id=scenario["id"]), options=options())


@blueprint.post(S + "/parameters")
def create_parameter(project_id, scenario_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    attrs, _ = read_resource("parameters")
    name = _parameter_name(attrs["name"])
    if any(p["name"] == name for p in rows(state, "parameters", scenario_id=scenario["id"])):
        raise errors.parameter_exists(name)
    parameter = state.insert("parameters", {"scenario_id": scenario["id"], "name": name})
    return render(state, "parameters", parameter, status=201, options=options())


@blueprint.get(S + "/parameters/<int:parameter_id>")
def show_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    return render(state, "parameters", find(state, "parameters", parameter_id, scenario_id=scenario["id"]),
                  options=options())


@blueprint.patch(S + "/parameters/<int:parameter_id>")
def update_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    parameter = find(state, "parameters", parameter_id, scenario_id=scenario["id"])
    attrs, _ = read_resource("parameters", url_id=parameter_id)
    if "name" in attrs:
        parameter["name"] = _parameter_name(attrs["name"])
    return render(state, "parameters", parameter, options=options())


@blueprint.delete(S + "/parameters/<int:parameter_id>")
def delete_parameter(project_id, scenario_id, parameter_id):
    state = context.state()
    scenario = _scenario(state, project_id, scenario_id)
    find(state, "parameters", parameter_id, scenario_id=scenario["id"])
    state.delete("parameters", parameter_id)
    return respond({"data": {}})


library_reads("scenarios", "scenario_id", SCENARIO_LIST_INCLUDES, SCENARIO_INCLUDES)
