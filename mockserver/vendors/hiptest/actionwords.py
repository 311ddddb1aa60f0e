"""Action words of a project: the reusable steps scenarios call, and who calls them."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import (
    blueprint,
    in_project,
    library_reads,
    new_record,
    options,
    parse_include,
    project,
    read_resource,
    render,
    respond,
    rows,
    touch,
    update_definition,
)
from .model import dsl, library
from .model.resources import serializer

P = "/api/projects/<int:project_id>"


def _actionword(state, project_id, actionword_id):
    return in_project(state, "actionwords", project_id, actionword_id)


@blueprint.post(P + "/actionwords")
def create_actionword(project_id):
    state = context.state()
    project(state, project_id)
    attrs, _ = read_resource("actionwords")
    if any(a["name"] == attrs["name"] for a in rows(state, "actionwords", project_id=project_id)):
        raise errors.actionword_exists(attrs["name"])
    word = state.insert("actionwords", new_record(
        project_id=project_id, name=attrs["name"], description=attrs.get("description") or "",
        definition=dsl.actionword_definition(attrs["name"], attrs.get("definition")), is_shared=False))
    return render(state, "actionwords", word, status=201, options=options())


@blueprint.patch(P + "/actionwords/<int:actionword_id>")
def update_actionword(project_id, actionword_id):
    state = context.state()
    word = _actionword(state, project_id, actionword_id)
    attrs, _ = read_resource("actionwords", url_id=actionword_id)
    if "description" in attrs:
        attrs["description"] = attrs["description"] or ""
    update_definition(word, attrs, "actionword")
    touch(word)
    return render(state, "actionwords", word, options=options())


@blueprint.delete(P + "/actionwords/<int:actionword_id>")
def delete_actionword(project_id, actionword_id):
    state = context.state()
    word = _actionword(state, project_id, actionword_id)
    library.drop_tags(state, "actionwords", word["id"])
    state.delete("actionwords", word["id"])
    return respond({"data": {}})


@blueprint.get(P + "/actionwords/<int:actionword_id>/callers")
def actionword_callers(project_id, actionword_id):
    state = context.state()
    word = _actionword(state, project_id, actionword_id)
    ser = serializer(state, parse_include(("tags",)), options())
    data = [ser.resource("scenarios", s) for s in rows(state, "scenarios", project_id=project_id)
            if library.calls(s, word["name"])]
    data += [ser.resource("folders", f) for f in rows(state, "folders", project_id=project_id)
             if library.calls(f, word["name"])]
    return respond({"data": data, "included": list(ser.included.values())})


library_reads("actionwords", "actionword_id", ("tags",), ("tags",))
