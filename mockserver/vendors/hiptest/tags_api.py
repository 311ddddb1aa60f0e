"""Tags (key, value) on scenarios, folders, action words, test runs and tests."""

from __future__ import annotations

from ...core import context
from .jsonapi import read_resource, render, respond
from .records import find, rows
from .routes import bp, options


def create_tags_from_relationship(state, owner_type: str, owner_id: int, items: list[dict]) -> None:
    """`relationships.tags.data` items: `{type: "tag", key, value}` or with `attributes` (the spec's TagItemIn)."""
    for item in items:
        tag = item["attributes"] if isinstance(item.get("attributes"), dict) else item
        state.insert("tags", {"owner_type": owner_type, "owner_id": owner_id,
                              "key": tag["key"], "value": tag.get("value") or ""})


def _owner(state, kind, project_id, owner_id, run_id=None):
    find(state, "projects", project_id)
    if kind == "test_snapshots":
        find(state, "test_runs", run_id, project_id=project_id)
        return find(state, "test_snapshots", owner_id, test_run_id=run_id)
    return find(state, kind, owner_id, project_id=project_id)


def _register(prefix: str, kind: str, writable: bool):
    """GET (and POST, PATCH, DELETE when writable) tag routes for one owner kind."""
    owner_arg = {"scenarios": "scenario_id", "folders": "folder_id", "actionwords": "actionword_id",
                 "test_runs": "test_run_id", "test_snapshots": "test_snapshot_id"}[kind]

    def owner_of(state, kw):
        return _owner(state, kind, kw["project_id"], kw[owner_arg], kw.get("test_run_id"))

    def list_tags(**kw):
        state = context.state()
        owner = owner_of(state, kw)
        return render(state, "tags", rows(state, "tags", owner_type=kind, owner_id=owner["id"]), options=options())

    bp.add_url_rule(prefix + "/tags", f"list_tags_{kind}", list_tags, methods=["GET"])
    if not writable:
        return

    def create_tag(**kw):
        state = context.state()
        owner = owner_of(state, kw)
        attrs, _ = read_resource("tags")
        tag = state.insert("tags", {"owner_type": kind, "owner_id": owner["id"],
                                    "key": attrs["key"], "value": attrs.get("value") or ""})
        return render(state, "tags", tag, status=201, options=options())

    def update_tag(**kw):
        state = context.state()
        owner = owner_of(state, kw)
        tag = find(state, "tags", kw["tag_id"], owner_type=kind, owner_id=owner["id"])
        attrs, _ = read_resource("tags", url_id=kw["tag_id"])
        if "value" in attrs:
            attrs["value"] = attrs["value"] or ""
        tag.update(attrs)
        return render(state, "tags", tag, options=options())

    def delete_tag(**kw):
        state = context.state()
        owner = owner_of(state, kw)
        find(state, "tags", kw["tag_id"], owner_type=kind, owner_id=owner["id"])
        state.delete("tags", kw["tag_id"])
        return respond({})

    bp.add_url_rule(prefix + "/tags", f"create_tag_{kind}", create_tag, methods=["POST"])
    bp.add_url_rule(prefix + "/tags/<int:tag_id>", f"update_tag_{kind}", update_tag, methods=["PATCH"])
    bp.add_url_rule(prefix + "/tags/<int:tag_id>", f"delete_tag_{kind}", delete_tag, methods=["DELETE"])


P = "/api/projects/<int:project_id>"
_register(P + "/scenarios/<int:scenario_id>", "scenarios", writable=True)
_register(P + "/folders/<int:folder_id>", "folders", writable=False)
_register(P + "/actionwords/<int:actionword_id>", "actionwords", writable=False)
_register(P + "/test_runs/<int:test_run_id>", "test_runs", writable=True)
_register(P + "/test_runs/<int:test_run_id>/test_snapshots/<int:test_snapshot_id>", "test_snapshots", writable=True)
