"""Generated and hand-written fixture sets, loaded through the control API and read back over HTTP."""

from __future__ import annotations

import subprocess
import sys

import yaml


def _load(server, control, tenant, text):
    return control.post(f"{server.url}/_mock/fixtures", params={"vendor": "happo", "tenant": tenant},
                        data=text.encode(), headers={"Content-Type": "application/yaml"}, timeout=30)


def test_generated_fixtures_load_and_serve(api, server, control, tmp_path):
    subprocess.run([sys.executable, "-m", "mockserver.cli", "fixtures", "generate", "--vendor", "happo",
                    "--scale", "12", "--seed", "3", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=60)
    text = (tmp_path / "happo.yaml").read_text()
    data = yaml.safe_load(text)
    assert _load(server, control, api.tenant, text).status_code == 200
    default_reports = [r for r in data["reports"] if r["projectId"] == 1]
    first, second = default_reports[0], default_reports[1]
    snaps = api.get(f"/api/reports/{first['sha']}").json()
    assert [s["id"] for s in snaps] == [s["id"] for s in first["snaps"]]
    compared = api.post(f"/api/reports/{first['sha']}/compare/{second['sha']}", json={})
    assert compared.status_code == 200
    flakes = api.get("/api/flake", params={"limit": 100}).json()
    assert len(flakes) == len([f for f in data["flakes"] if f["projectId"] == 1])


def test_invalid_fixtures_name_the_problem(api, server, control):
    bad = "accounts: [{id: 1, name: A, apiKey: k, apiSecret: s}]\n" \
          "reports: [{projectId: 9, sha: x, createdAt: '2026-01-01T00:00:00Z'}]\n"
    r = _load(server, control, api.tenant, bad)
    assert r.status_code == 400
    assert "reports.0.projectId" in r.json()["error"] and "unknown projectId 9" in r.json()["error"]
    bad_date = "accounts: [{id: 1, name: A, apiKey: k, apiSecret: s}]\nprojects: [{id: 1, accountId: 1, name: d}]\n" \
               "reports: [{projectId: 1, sha: x, createdAt: yesterday}]\n"
    error = _load(server, control, api.tenant, bad_date).json()["error"]
    assert "reports.0.createdAt: not an ISO 8601 date-time" in error
    unknown_key = "accounts: []\nwidgets: []\n"
    assert "widgets" in _load(server, control, api.tenant, unknown_key).json()["error"]
    # the tenant's world is untouched by the rejected sets
    assert api.get("/api/reports/base-sha/status").status_code == 200
