"""The Faker fixture generator: deterministic, valid, and served as a working world."""

from __future__ import annotations

import subprocess
import sys

import yaml

from .conftest import DEMO_HEADERS


def _generate(tmp_path, name, scale=30, seed=7):
    out = tmp_path / name
    subprocess.run([sys.executable, "-m", "mockserver.cli", "fixtures", "generate", "--vendor", "hiptest",
                    "--scale", str(scale), "--seed", str(seed), "--out", str(out)], check=True, capture_output=True)
    return (out / "hiptest.yaml").read_text(encoding="utf-8")


def test_same_seed_same_bytes(tmp_path):
    assert _generate(tmp_path, "a") == _generate(tmp_path, "b")
    assert _generate(tmp_path, "c", seed=8) != _generate(tmp_path, "a")


def test_generated_set_serves_runs_backed_by_results(tmp_path, hiptest, control, server):
    text = _generate(tmp_path, "g")
    data = yaml.safe_load(text)
    # as `--scale` documents: N scenarios with a tag each; per 10 scenarios a project and a test run (testing five),
    # per 5 a leaf folder (under the project's root folder), per 2 an action word
    assert [len(data[k]) for k in ("scenarios", "tags", "projects", "test_runs", "folders", "actionwords")] == [
        30, 30, 3, 3, 3 + 6, 15]
    assert all(len(run["scenario_ids"]) == 5 for run in data["test_runs"])
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "hiptest", "tenant": hiptest.tenant},
                     data=text.encode(), headers={"Content-Type": "application/yaml"}, timeout=30)
    assert r.status_code == 200, r.text
    hiptest.session.headers.update(DEMO_HEADERS)
    projects = hiptest.get("/api/projects").json()["data"]
    assert len(projects) == 3
    runs = hiptest.get(f"/api/projects/{projects[0]['id']}/test_runs").json()["data"]
    assert runs
    totals = [sum(run["attributes"]["statuses"].values()) for run in runs]
    assert all(total >= 5 for total in totals)  # five scenarios, some with two datasets
    # the fixture results: at most one per scenario of the run, each deciding one test's status
    results_of = {run["id"]: 0 for run in data["test_runs"]}
    for result in data["test_results"]:
        results_of[result["test_run_id"]] += 1
    decided = [total - run["attributes"]["statuses"]["undefined"] for run, total in zip(runs, totals)]
    assert decided == [results_of[int(run["id"])] for run in runs] and 0 < sum(decided)
    tests = hiptest.get(f"/api/projects/{projects[0]['id']}/test_runs/{runs[0]['id']}/test_snapshots").json()["data"]
    assert len(tests) == totals[0] and all(t["attributes"]["definition-json"]["steps"] for t in tests)
