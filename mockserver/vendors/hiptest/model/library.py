"""A project's library: folders, scenarios, action words, their tags and definitions."""

from __future__ import annotations

import re

from . import dsl
from .records import rows

_HEAD_NAME = re.compile(r"""^\s*(?:scenario|actionword)\s+'((?:[^'\\]|\\.)*)'""")
FOLDER_DEFINITION = "folder do\nend\n"


# -- tags -------------------------------------------------------------------------------------
def tags_from_relationship(state, owner_type: str, owner_id: int, items: list[dict]) -> None:
    """`relationships.tags.data` items: `{type: "tag", key, value}` or with `attributes` (the spec's TagItemIn)."""
    for item in items:
        tag = item["attributes"] if isinstance(item.get("attributes"), dict) else item
        state.insert("tags", {"owner_type": owner_type, "owner_id": owner_id,
                              "key": tag["key"], "value": tag.get("value") or ""})


def tagged(state, kind: str, project_id: int, key: str, value: str | None) -> list[dict]:
    """The project's records of `kind` carrying the tag `key` (with `value`; any value when None)."""
    def carries(record: dict) -> bool:
        return any(t["owner_type"] == kind and t["key"] == key and (value is None or t["value"] == value)
                   for t in state.where("tags", "owner_id", record["id"]))

    return [r for r in rows(state, kind, project_id=project_id) if carries(r)]


def drop_tags(state, kind: str, owner_id: int) -> None:
    for tag in rows(state, "tags", owner_id=owner_id, owner_type=kind):
        state.delete("tags", tag["id"])


# -- folders and scenarios --------------------------------------------------------------------
def root_folder(state, project_id: int) -> dict | None:
    roots = [f for f in rows(state, "folders", project_id=project_id) if f["parent_id"] is None]
    return roots[0] if roots else None


def subtree(state, folder: dict) -> list[dict]:
    """The folder and every folder under it."""
    out, todo = [], [folder]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += [f for f in state.where("folders", "project_id", current["project_id"])
                 if f["parent_id"] == current["id"]]
    return out


def delete_scenario(state, scenario: dict) -> None:
    """The scenario with its datasets, parameters and tags."""
    for kind in ("datasets", "parameters"):
        for row in rows(state, kind, scenario_id=scenario["id"]):
            state.delete(kind, row["id"])
    drop_tags(state, "scenarios", scenario["id"])
    state.delete("scenarios", scenario["id"])


def delete_folder(state, folder: dict) -> None:
    """The folder, its subfolders and every scenario in them."""
    for f in subtree(state, folder):
        for s in rows(state, "scenarios", project_id=f["project_id"], folder_id=f["id"]):
            delete_scenario(state, s)
        drop_tags(state, "folders", f["id"])
        state.delete("folders", f["id"])


# -- definitions ------------------------------------------------------------------------------
def renamed(definition: str | None, kind: str, name: str) -> str:
    """The definition with its head line naming `name` (a bare head when it had none)."""
    head = f"{kind} '{dsl.quote(name)}' do"
    lines = (definition or "").splitlines()
    if lines and lines[0].strip().startswith(kind):
        return "\n".join([head] + lines[1:]) + "\n"
    return f"{head}\nend\n"


def apply_definition(record: dict, attrs: dict, kind: str) -> None:
    """Update a scenario or action word: a new name rewrites the definition's head, a new definition
    renames it after its head. Not both at once (the caller refuses that)."""
    if "name" in attrs:
        record["definition"] = renamed(record.get("definition"), kind, attrs.pop("name"))
        record["name"] = _HEAD_NAME.match(record["definition"]).group(1).replace("\\'", "'")
    if "definition" in attrs:
        head = _HEAD_NAME.match(attrs["definition"])
        if head:
            record["name"] = dsl.unquote(head.group(1))
    record.update(attrs)


def calls(record: dict, actionword_name: str) -> bool:
    """Whether the record's definition calls the action word."""
    return any(i[0] == "call" and i[2] == actionword_name for i in dsl.parse(record.get("definition"))[0])


# -- datasets and parameters ------------------------------------------------------------------
def dataset_values(data: dict) -> dict:
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def normalize_parameter(name: str) -> str:
    """Parameter names become identifiers (lower case, underscores), as Hiptest normalises them;
    "" when nothing is left (the caller refuses it)."""
    return re.sub(r"[^0-9a-z_]+", "_", name.strip().lower()).strip("_")
