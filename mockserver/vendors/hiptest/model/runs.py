"""Test runs: their snapshots of the scenario tree, results, builds, environments and aggregates.

Functions take the timestamp and author explicitly so fixtures are built with the same code the
API uses. Counts are always computed from each test's last result, never stored.
"""

from __future__ import annotations

from ..schemas import STATUSES
from . import dsl

DEFAULT_ENV = "Default"
PASS_RATE_WINDOW = 10
SYNC_SECONDS = 5
_NONE: dict = {}  # a table the world does not hold (read only: never stored)


_ZERO = dict.fromkeys(STATUSES, 0)  # (read only: copied for each count)


def empty_counts() -> dict:
    return dict(_ZERO)


def normalize_status(value) -> str:
    """Unknown values are stored as `undefined`, as documented."""
    return value if isinstance(value, str) and value in STATUSES else "undefined"


# -- generation -------------------------------------------------------------------------------
def generation_seconds(override, setting=0) -> float:
    """How long a new run's tests take to generate: the run-time switch (`override`, control API),
    else the `generation_seconds` option, else 0."""
    value = override if override is not None else setting
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else 0.0


def generating(run: dict, now: float) -> bool:
    """Whether the run's tests are still being generated at `now` (epoch seconds): they answer 423."""
    return now < run.get("generating_until", 0)


def synchronizing(run: dict, now: float) -> bool:
    """Whether a synchronisation started less than SYNC_SECONDS before `now` is still running."""
    return now < run.get("synchronizing_until", 0)


def actionword_bodies(state, project_id: int) -> dict[str, str]:
    return {a["name"]: a.get("definition") or "" for a in state.where("actionwords", "project_id", project_id)}


def scenario_datasets(state, scenario_id: int) -> list[dict]:
    return sorted(state.where("datasets", "scenario_id", scenario_id), key=lambda d: d["id"])


def test_definition(state, scenario: dict, dataset: dict | None, index: int, bodies=None) -> tuple[dict, list[int]]:
    """(definition-json, number of test steps per scenario step)."""
    items, _ = dsl.parse(scenario.get("definition"))
    groups = dsl.expand(items, bodies if bodies is not None else actionword_bodies(state, scenario["project_id"]))
    steps = []
    for group in groups:
        for step in group:
            steps.append(_substitute(step, dataset))
    definition = {
        "scenario_name": scenario["name"],
        "dataset_name": dataset["name"] if dataset else None,
        "dataset_id": dataset["id"] if dataset else None,
        "steps": steps,
        "index": index,
    }
    return definition, [len(g) for g in groups]


def _substitute(step: dict, dataset: dict | None) -> dict:
    if not dataset:
        return dict(step)
    out = {}
    for kind, text in step.items():
        for name, value in dataset.get("data", {}).items():
            text = text.replace(f"<{name}>", str(value))
        out[kind] = text
    return out


def ensure_default_env(state, run: dict, at: str) -> dict:
    envs = state.where("execution_environments", "test_run_id", run["id"])
    if envs:
        return min(envs, key=lambda e: e["id"])
    return state.insert("execution_environments", {
        "name": DEFAULT_ENV, "test_run_id": run["id"], "created_at": at, "updated_at": at,
        "last_author": run.get("last_author", ""),
    })


def folder_snapshot_for(state, run: dict, folder_id: int, at: str, author: str) -> dict:
    known = run.setdefault("folder_snapshot_ids", {})
    if folder_id in known and state.get("folder_snapshots", known[folder_id]) is not None:
        return state.get("folder_snapshots", known[folder_id])
    folder = state.get("folders", folder_id)
    parent = folder_snapshot_for(state, run, folder["parent_id"], at, author) if folder.get("parent_id") else None
    made = state.insert("folder_snapshots", {
        "test_run_id": run["id"], "folder_id": folder_id, "parent_id": parent["id"] if parent else None,
        "name": folder["name"], "description": folder.get("description", ""),
        "created_at": at, "updated_at": at, "last_author": author,
    })
    known[folder_id] = made["id"]
    return made


def generate(state, run: dict, scenario_ids: list[int], at: str, author: str) -> list[dict]:
    """One test per scenario and dataset, in folder snapshots mirroring the folder tree."""
    made = []
    sss = run.setdefault("scenario_snapshots", {})
    tests = run.setdefault("test_ids", [])
    bodies = actionword_bodies(state, run["project_id"])
    present = {t["scenario_id"] for t in run_snapshots(state, run["id"])}
    for sid in scenario_ids:
        if sid in present:
            continue
        present.add(sid)
        scenario = state.get("scenarios", sid)
        folder_snap = folder_snapshot_for(state, run, scenario["folder_id"], at, author)
        sss[sid] = state.next_id("scenario_snapshots")
        datasets = scenario_datasets(state, sid) or [None]
        for index, dataset in enumerate(datasets):
            definition, spans = test_definition(state, scenario, dataset, index, bodies)
            name = scenario["name"] if dataset is None else f"{scenario['name']} ({dataset['name']})"
            made.append(state.insert("test_snapshots", {
                "test_run_id": run["id"], "scenario_id": sid, "dataset_id": dataset["id"] if dataset else None,
                "folder_snapshot_id": folder_snap["id"], "scenario_snapshot_id": sss[sid],
                "name": name, "definition_json": definition, "spans": spans, "result_ids": [],
                "created_at": at, "updated_at": at, "last_author": author,
            }))
            tests.append(made[-1]["id"])
    return made


def project_scenario_ids(state, project_id: int) -> list[int]:
    return sorted(s["id"] for s in state.where("scenarios", "project_id", project_id))


def create_run(state, project_id: int, attrs: dict, at: str, author: str) -> dict:
    run = state.insert("test_runs", {
        "id": attrs.get("id"), "project_id": project_id, "name": attrs["name"],
        "description": attrs.get("description") or "", "archived": attrs.get("archived", False),
        "external": attrs.get("external", False),
        "created_at": attrs.get("created_at", at), "updated_at": attrs.get("updated_at", at),
        "last_author": attrs.get("last_author", author), "scenario_snapshots": {}, "folder_snapshot_ids": {},
        "test_ids": [],
    })
    ensure_default_env(state, run, run["created_at"])
    return run


def clone_run(state, source: dict, name: str, at: str, author: str) -> dict:
    """Same tests and folders as the source, no results, a fresh Default environment."""
    run = create_run(state, source["project_id"], {"name": name, "description": source["description"],
                                                   "external": source["external"]}, at, author)
    folder_map: dict[int, int] = {}
    for fs in sorted(state.where("folder_snapshots", "test_run_id", source["id"]), key=lambda f: f["id"]):
        copy = {k: v for k, v in fs.items() if k != "id"}
        copy.update(test_run_id=run["id"], parent_id=folder_map.get(fs["parent_id"]),
                    created_at=at, updated_at=at, last_author=author)
        folder_map[fs["id"]] = state.insert("folder_snapshots", copy)["id"]
        run["folder_snapshot_ids"][fs["folder_id"]] = folder_map[fs["id"]]
    for sid in source.get("scenario_snapshots", {}):
        run["scenario_snapshots"][sid] = state.next_id("scenario_snapshots")
    for ts in run_snapshots(state, source["id"]):
        copy = {k: v for k, v in ts.items() if k != "id"}
        copy.update(test_run_id=run["id"], folder_snapshot_id=folder_map.get(ts["folder_snapshot_id"]),
                    scenario_snapshot_id=run["scenario_snapshots"].get(ts["scenario_id"], ts["scenario_snapshot_id"]),
                    result_ids=[], definition_json=dict(ts["definition_json"]), spans=list(ts["spans"]),
                    created_at=at, updated_at=at, last_author=author)
        run["test_ids"].append(state.insert("test_snapshots", copy)["id"])
    return run


# -- reading ----------------------------------------------------------------------------------
def run_snapshots(state, run_id: int) -> list[dict]:
    run = state.get("test_runs", run_id)
    found = (state.get("test_snapshots", tid) for tid in (run or {}).get("test_ids", []))
    return [t for t in found if t is not None]


def delete_test(state, run: dict, test_id: int) -> None:
    state.delete("test_snapshots", test_id)
    run["test_ids"] = [t for t in run["test_ids"] if t != test_id]


def last_result(state, snap: dict) -> dict | None:
    ids = snap.get("result_ids") or []
    return state.get("test_results", ids[-1]) if ids else None


def current_status(state, snap: dict) -> str:
    result = last_result(state, snap)
    return result["status"] if result else "undefined"


def run_statuses(state, run: dict) -> dict:
    """The run's tests counted by the status of their last result (`undefined` without one).

    Every run of a listing counts all its tests on every request: each test and its last result is read by its key
    straight from the tables (`table[key]`: a dict's own lookup), not through State.get, run_snapshots and
    current_status per test."""
    counts = dict(_ZERO)
    tables = state.tables
    tests, results = tables.get("test_snapshots", _NONE), tables.get("test_results", _NONE)
    for tid in run.get("test_ids", ()):
        try:
            ids = tests[tid].get("result_ids")
        except KeyError:  # (gone: not counted, as run_snapshots skips it)
            continue
        status = "undefined"
        if ids:
            try:
                status = results[ids[-1]]["status"]
            except KeyError:
                pass
        counts[status] += 1
    return counts


def folder_statuses(state, folder_snap: dict) -> dict:
    """Counts over the folder snapshot's whole subtree, keyed `<status>_count` as documented."""
    ids = {folder_snap["id"]}
    children = state.where("folder_snapshots", "test_run_id", folder_snap["test_run_id"])
    grew = True
    while grew:
        more = {f["id"] for f in children if f["parent_id"] in ids} - ids
        grew = bool(more)
        ids |= more
    counts = {f"{s}_count": 0 for s in STATUSES}
    for snap in run_snapshots(state, folder_snap["test_run_id"]):
        if snap["folder_snapshot_id"] in ids:
            counts[f"{current_status(state, snap)}_count"] += 1
    return counts


def pass_rate(state, snap: dict) -> str:
    """Percentage of passed among the last ten passed/failed/blocked results; "" without any."""
    results = [state.get("test_results", rid) for rid in snap.get("result_ids") or []]
    usable = [r for r in results if r and r["status"] in ("passed", "failed", "blocked")][-PASS_RATE_WINDOW:]
    if not usable:
        return ""
    return str(round(100 * sum(r["status"] == "passed" for r in usable) / len(usable)))


def step_statuses(state, snap: dict) -> list[dict]:
    result = last_result(state, snap)
    statuses = result["step_statuses"] if result else []
    steps = snap["definition_json"]["steps"]
    return [{**step, "status": statuses[i] if i < len(statuses) else "undefined"} for i, step in enumerate(steps)]


# -- results and builds -----------------------------------------------------------------------
def expand_step_statuses(snap: dict, given) -> list[str]:
    """Match to test steps when long enough, else to scenario steps expanded over action-word calls."""
    given = [normalize_status(s) for s in given] if isinstance(given, list) else []
    total = len(snap["definition_json"]["steps"])
    if len(given) >= total:
        return given[:total]
    out: list[str] = []
    for i, span in enumerate(snap.get("spans") or []):
        out += [given[i] if i < len(given) else "undefined"] * span
    return (out + ["undefined"] * total)[:total]


def envs_of(state, run_id: int) -> list[dict]:
    return sorted(state.where("execution_environments", "test_run_id", run_id), key=lambda e: e["id"])


def builds_of(state, run_id: int, env_id: int | None = None) -> list[dict]:
    return sorted((b for b in state.where("builds", "test_run_id", run_id)
                   if env_id is None or b["execution_environment_id"] == env_id), key=lambda b: b["id"])


def current_build(state, run_id: int, env_id: int) -> dict | None:
    builds = builds_of(state, run_id, env_id)
    return builds[-1] if builds else None


def delete_environment(state, run: dict, env: dict) -> None:
    """The environment, its builds and their results: the run's statuses no longer count them."""
    gone: set[int] = set()
    for build in builds_of(state, run["id"], env["id"]):
        gone.update(build.get("result_ids", []))
        state.delete("builds", build["id"])
    # by index: a result's environment is the one it was pushed to, never changed
    gone.update(r["id"] for r in state.where("test_results", "execution_environment_id", env["id"]))
    for snap in run_snapshots(state, run["id"]):
        if gone.intersection(snap["result_ids"]):
            snap["result_ids"] = [rid for rid in snap["result_ids"] if rid not in gone]
    for rid in gone:
        if state.get("test_results", rid) is not None:
            state.delete("test_results", rid)
    state.delete("execution_environments", env["id"])


def new_build(state, run: dict, env: dict, name: str, at: str) -> dict:
    return state.insert("builds", {
        "test_run_id": run["id"], "execution_environment_id": env["id"], "name": name or "",
        "created_at": at, "closed_at": None, "result_ids": [],
    })


def add_result(state, run: dict, snap: dict, attrs: dict, build: dict | None, at: str, author: str,
               result_id: int | None = None) -> dict:
    result = state.insert("test_results", {
        "id": result_id, "test_run_id": run["id"], "test_snapshot_id": snap["id"],
        "build_id": build["id"] if build else None,
        "execution_environment_id": build["execution_environment_id"] if build else None,
        "status": normalize_status(attrs.get("status")),
        "status_author": attrs.get("status_author"), "description": attrs.get("description"),
        "step_statuses": expand_step_statuses(snap, attrs.get("step_statuses")),
        "created_at": attrs.get("created_at", at), "updated_at": attrs.get("updated_at", at),
        "last_author": attrs.get("last_author", author),
    })
    snap["result_ids"].append(result["id"])
    if build is not None:
        build.setdefault("result_ids", []).append(result["id"])
    run["updated_at"] = max(run["updated_at"], result["created_at"])
    return result


def build_values(state, run_id: int, build: dict) -> dict:
    """Per test, the last result inside this build (`undefined` when the build has none)."""
    latest: dict[int, str] = {}
    for rid in build.get("result_ids", []):
        r = state.get("test_results", rid)
        if r:
            latest[r["test_snapshot_id"]] = r["status"]
    counts = empty_counts()
    for snap in run_snapshots(state, run_id):
        counts[latest.get(snap["id"], "undefined")] += 1
    return {k: counts[k] for k in ("passed", "failed", "wip", "retest", "blocked", "skipped", "undefined")}


def build_history(state, run_id: int, limit: int) -> list[dict]:
    envs = {e["id"]: e["name"] for e in envs_of(state, run_id)}
    builds = sorted(builds_of(state, run_id), key=lambda b: (b["created_at"], b["id"]), reverse=True)[:limit]
    return [{"id": b["id"], "date": b["created_at"], "values": build_values(state, run_id, b),
             "platform": envs.get(b["execution_environment_id"], DEFAULT_ENV)} for b in builds]


# -- synchronisation --------------------------------------------------------------------------
def sync_details(state, run: dict) -> dict:
    snaps = run_snapshots(state, run["id"])
    gone_tests = [t["id"] for t in snaps if state.get("scenarios", t["scenario_id"]) is None
                  or (t["dataset_id"] is not None and state.get("datasets", t["dataset_id"]) is None)]
    gone_scen = sorted({t["scenario_snapshot_id"] for t in snaps if state.get("scenarios", t["scenario_id"]) is None})
    gone_folders = [f["id"] for f in state.where("folder_snapshots", "test_run_id", run["id"])
                    if state.get("folders", f["folder_id"]) is None]
    return {"deleted_folders_snapshots": sorted(gone_folders), "deleted_scenarios_snapshots": gone_scen,
            "deleted_tests_snapshots": gone_tests}


def synchronize(state, run: dict, at: str, author: str) -> None:
    """Bring every test to its scenario's current definition; drop tests of deleted scenarios."""
    details = sync_details(state, run)
    for tid in details["deleted_tests_snapshots"]:
        delete_test(state, run, tid)
    for fid in details["deleted_folders_snapshots"]:
        state.delete("folder_snapshots", fid)
    run["folder_snapshot_ids"] = {k: v for k, v in run["folder_snapshot_ids"].items()
                                  if v not in details["deleted_folders_snapshots"]}
    gone = {s for s in run["scenario_snapshots"] if state.get("scenarios", s) is None}
    run["scenario_snapshots"] = {k: v for k, v in run["scenario_snapshots"].items() if k not in gone}
    for snap in run_snapshots(state, run["id"]):
        scenario = state.get("scenarios", snap["scenario_id"])
        dataset = state.get("datasets", snap["dataset_id"]) if snap["dataset_id"] else None
        definition, spans = test_definition(state, scenario, dataset, snap["definition_json"]["index"])
        if definition != snap["definition_json"]:
            snap.update(definition_json=definition, spans=spans, updated_at=at, last_author=author,
                        name=scenario["name"] if dataset is None else f"{scenario['name']} ({dataset['name']})")
