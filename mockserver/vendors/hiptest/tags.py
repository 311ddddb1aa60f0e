"""Tags (key, value) on scenarios, folders, action words, test runs and tests."""

from __future__ import annotations

from ...core import context
from .blueprint import blueprint, find, in_project, in_run, options, read_resource, render, respond, rows

P = "/api/projects/<int:project_id>"
OWNER_ARGS = {"scenarios": "scenario_id", "folders": "folder_id", "actionwords": "actionword_id",
              "test_runs": "test_run_id", "test_snapshots": "test_snapshot_id"}


def _owner(state, kind, kw) -> dict:
    if kind == "test_snapshots":
        return in_run(state, kind, kw["project_id"], kw["test_run_id"], kw["test_snapshot_id"])[1]
    return in_project(state, kind, kw["project_id"], kw[OWNER_ARGS[kind]])


def _register(prefix: str, kind: str, writable: bool):
    """GET (and POST, PATCH, DELETE when writable) tag routes for one owner kind."""

    def list_tags(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        return render(state, "tags", rows(state, "tags", owner_type=kind, owner_id=owner["id"]), options=options())

    blueprint.add_url_rule(prefix + "/tags", f"list_tags_{kind}", list_tags, methods=["GET"])
    if not writable:
        return

    def create_tag(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        attrs, _ = read_resource("tags")
        tag = state.insert("tags", {"owner_type": kind, "owner_id": owner["id"],
                                    "key": attrs["key"], "value": attrs.get("value") or ""})
        return render(state, "tags", tag, status=201, options=options())

    def update_tag(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        tag = find(state, "tags", kw["tag_id"], owner_type=kind, owner_id=owner["id"])
        attrs, _ = read_resource("tags", url_id=kw["tag_id"])
        if "value" in attrs:
            attrs["value"] = attrs["value"] or ""
        tag.update(attrs)
        return render(state, "tags", tag, options=options())

    def delete_tag(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        find(state, "tags", kw["tag_id"], owner_type=kind, owner_id=owner["id"])
        state.delete("tags", kw["tag_id"])
        return respond({})

    blueprint.add_url_rule(prefix + "/tags", f"create_tag_{kind}", create_tag, methods=["POST"])
    blueprint.add_url_rule(prefix + "/tags/<int:tag_id>", f"update_tag_{kind}", update_tag, methods=["PATCH"])
    blueprint.add_url_rule(prefix + "/tags/<int:tag_id>", f"delete_tag_{kind}", delete_tag, methods=["DELETE"])


_register(P + "/scenarios/<int:scenario_id>", "scenarios", writable=True)
_register(P + "/folders/<int:folder_id>", "folders", writable=False)
_register(P + "/actionwords/<int:actionword_id>", "actionwords", writable=False)
_register(P + "/test_runs/<int:test_run_id>", "test_runs", writable=True)
_register(P + "/test_runs/<int:test_run_id>/test_snapshots/<int:test_snapshot_id>", "test_snapshots", writable=True)
