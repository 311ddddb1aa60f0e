"""A seeded Faker fixture set: projects with folder trees, scenarios, action words, runs and results."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...core.generate import Draw
from .model.dsl import quote
from .schemas import STATUSES

EPOCH = datetime(2017, 1, 1)
SPAN_DAYS = 3 * 365
KEYWORDS = ("given", "when", "then")
# --scale N: N scenarios, each with a tag; what scenarios share or belong to is bounded per scenario, as in a
# real project: a project per 10 scenarios, a leaf folder per FOLDER_EVERY (a folder holds several), an action
# word per WORD_EVERY (steps are reused: that is what action words are for), parameters and two datasets for one
# scenario in 5, a test run per RUN_EVERY scenarios. Built, that is about 0.6 N tests, 0.3 N folder snapshots and
# 0.4 N results: about 5 N records in all (a run, a folder and an action word per scenario made 15.5 N).
FOLDER_EVERY, WORD_EVERY, RUN_EVERY = 5, 2, 10


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def generate(fake, scale: int, progress) -> dict:
    scale = max(int(scale), 1)
    draw = Draw(fake)
    n_projects = max(1, scale // 10)

    def when(after: datetime | None = None) -> datetime:
        start = after or EPOCH
        return start + timedelta(seconds=draw.int(0, 86400 * 30), milliseconds=draw.int(0, 999))

    data: dict = {
        "users": [{"id": 1, "email": "demo@example.com", "password": "demo-password", "name": "Demo User"}],
        "tokens": [{"uid": "demo@example.com", "client": "hiptest-demo-client", "access_token": "hiptest-demo-token",
                    "expiry": 4102444800, "pinned": True}],
        "projects": [], "folders": [], "scenarios": [], "actionwords": [], "tags": [], "datasets": [],
        "parameters": [], "test_runs": [], "test_results": [],
    }
    roots, leaves, words, scenarios_of = {}, {}, {}, {}
    for p in range(1, n_projects + 1):
        created = EPOCH + timedelta(days=draw.int(0, SPAN_DAYS))
        name = f"Testing {draw('catch_phrase')}"
        data["projects"].append({"id": p, "name": name, "description": draw('sentence'), "bdd_mode": draw.chance(50),
                                 "created_at": _stamp(created), "updated_at": _stamp(when(created)),
                                 "last_author": "demo@example.com"})
        roots[p] = len(data["folders"]) + 1
        data["folders"].append({"id": roots[p], "project_id": p, "parent_id": None, "name": name})
        leaves[p], words[p], scenarios_of[p] = [], [], []
        progress("projects", p, n_projects)

    n_folders, n_words = max(n_projects, scale // FOLDER_EVERY), max(n_projects, scale // WORD_EVERY)
    for i in range(n_folders):
        p = i % n_projects + 1
        fid = len(data["folders"]) + 1
        data["folders"].append({"id": fid, "project_id": p, "parent_id": roots[p], "name": draw('bs').capitalize(),
                                "description": draw('sentence')})
        leaves[p].append(fid)
        progress("folders", i + 1, n_folders)
    for i in range(n_words):
        p = i % n_projects + 1
        wid = i + 1
        word = f"{draw('word')} {draw('word')} {draw('word')}"
        body = "" if i % 3 else (f"  step {{action: \"{draw('sentence')}\"}}\n"
                                 f"  step {{result: \"{draw('sentence')}\"}}\n")
        data["actionwords"].append({"id": wid, "project_id": p, "name": word, "description": "",
                                    "definition": f"actionword '{word}' do\n{body}end\n"})
        words[p].append(word)
        progress("action words", i + 1, n_words)

    for i in range(scale):
        p = i % n_projects + 1
        sid = i + 1
        name = draw('sentence', nb_words=5).rstrip(".")
        calls = "".join(f"  call {KEYWORDS[k]} '{draw.choice(words[p])}'\n" for k in range(3))
        data["scenarios"].append({"id": sid, "project_id": p, "folder_id": draw.choice(leaves[p]), "name": name,
                                  "description": draw('sentence'),
                                  "definition": f"scenario '{quote(name)}' do\n{calls}end\n"})
        scenarios_of[p].append(sid)
        data["tags"].append({"id": sid, "owner_type": "scenarios", "owner_id": sid,
                             "key": draw.choice(("priority", "component", "smoke")), "value": draw('word')})
        if i % 5 == 0:
            data["parameters"].append({"id": len(data["parameters"]) + 1, "scenario_id": sid, "name": "value"})
            for d in range(2):
                data["datasets"].append({"id": len(data["datasets"]) + 1, "scenario_id": sid, "name": draw('word'),
                                         "data": {"value": str(draw.int(0, 999))}})
        progress("scenarios", i + 1, scale)

    # a run tests five of its project's scenarios (a test per dataset: about six tests), and most of its
    # tests have a result; with a run per RUN_EVERY scenarios, runs' records stay below the scenarios' count
    n_runs = max(1, scale // RUN_EVERY)
    for i in range(n_runs):
        p = i % n_projects + 1
        rid = i + 1
        created = when(EPOCH + timedelta(days=draw.int(0, SPAN_DAYS)))
        chosen = sorted(draw.random.sample(scenarios_of[p], min(5, len(scenarios_of[p]))))
        data["test_runs"].append({"id": rid, "project_id": p, "name": f"Sprint {draw.int(1, 99)}",
                                  "description": draw('sentence'), "created_at": _stamp(created),
                                  "updated_at": _stamp(created), "last_author": "demo@example.com",
                                  "archived": i % 7 == 6, "scenario_ids": chosen})
        for sid in chosen:
            if not draw.chance(80):
                continue  # not run yet: that test stays undefined
            stamped = when(created)
            data["test_results"].append({"id": len(data["test_results"]) + 1, "test_run_id": rid, "scenario_id": sid,
                                         "status": draw.choice(STATUSES), "status_author": draw('first_name'),
                                         "description": draw('sentence'), "created_at": _stamp(stamped),
                                         "updated_at": _stamp(stamped)})
        progress("test runs", i + 1, n_runs)
    return data
