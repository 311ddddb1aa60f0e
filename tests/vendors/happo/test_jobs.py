"""Jobs: create/reuse, orchestration, cancel/fail and 409, statuses sent to GitHub."""

from __future__ import annotations

import pytest


def test_create_job_gives_a_numeric_id_and_a_page_url(api, outbox):
    r = api.post("/api/jobs/base-sha/change-sha",
                 json={"link": "https://github.com/happo/demo/pull/3", "message": "PR"})
    assert r.status_code == 200
    job = r.json()
    assert isinstance(job["id"], int) and job["url"] == f"{api.page_base}/a/1/jobs/{job['id']}"
    assert api.get(job["url"][len(api.base_url):]).status_code == 200
    again = api.post("/api/jobs/base-sha/change-sha", json={}).json()
    assert again == job
    other_project = api.post("/api/jobs/base-sha/change-sha", json={"project": "storybook"}).json()
    assert other_project["id"] != job["id"]
    assert [e["payload"]["state"] for e in outbox(api, "github_status")] == ["pending", "pending"]


def test_orchestration_job_is_reused_by_its_projects(api, outbox):
    r = api.post("/api/jobs/base-sha/change-sha/orchestrate", json={"projects": ["default", "storybook"]})
    assert r.status_code == 200
    orchestrated = r.json()
    assert api.post("/api/jobs/base-sha/change-sha", json={}).json() == orchestrated
    assert api.post("/api/jobs/base-sha/change-sha", json={"project": "storybook"}).json() == orchestrated
    again = api.post("/api/jobs/base-sha/change-sha/orchestrate", json={"projects": ["default", "storybook"]})
    assert again.json() == orchestrated
    # one project compared: the combined status waits for the other
    api.post("/api/reports/base-sha/compare/change-sha", json={})
    assert [e["payload"]["context"] for e in outbox(api, "github_status")] == ["Happo"]
    api.post("/api/reports/base-sha", json={"snaps": [], "project": "storybook"})
    api.post("/api/reports/change-sha", json={"snaps": [], "project": "storybook"})
    api.post("/api/reports/base-sha/compare/change-sha", json={"project": "storybook"})
    combined = outbox(api, "github_status")[-1]["payload"]
    assert (combined["context"], combined["state"], combined["sha"]) == ("Happo", "failure", "change-sha")
    r = api.post("/api/jobs/base-sha/change-sha/cancel", json={})
    assert r.status_code == 409


@pytest.mark.parametrize("body", [{}, {"projects": []}, {"projects": "default"}])
def test_orchestrate_needs_projects(api, body):
    assert api.post("/api/jobs/a/b/orchestrate", json=body).status_code == 400


def test_orchestrate_with_an_unknown_project_is_404(api):
    r = api.post("/api/jobs/a/b/orchestrate", json={"projects": ["default", "ghost"]})
    assert r.status_code == 404
    assert api.post("/api/jobs/a/b/cancel", json={}).status_code == 404


@pytest.mark.parametrize("action", ["cancel", "fail"])
def test_cancel_then_409(api, outbox, action):
    job = api.post("/api/jobs/s1/s2", json={}).json()
    r = api.post(f"/api/jobs/s1/s2/{action}", json={"message": "Cancelled in CI"})
    assert r.status_code == 200 and r.json() == job
    status = outbox(api, "github_status")[-1]["payload"]
    assert (status["state"], status["description"]) == ("failure", "Cancelled in CI")
    again = api.post(f"/api/jobs/s1/s2/{action}", json={})
    assert again.status_code == 409
    assert "already finished" in again.json()["error"]


def test_cancel_with_success_status(api, outbox):
    api.post("/api/jobs/s1/s2", json={})
    assert api.post("/api/jobs/s1/s2/cancel", json={"status": "success"}).status_code == 200
    assert outbox(api, "github_status")[-1]["payload"]["state"] == "success"
    assert api.post("/api/jobs/s3/s4", json={}).status_code == 200
    assert api.post("/api/jobs/s3/s4/cancel", json={"status": "meh"}).status_code == 400


def test_cancel_without_a_job_is_404_naming_it(api):
    r = api.post("/api/jobs/x1/x2/cancel", json={})
    assert r.status_code == 404
    assert "No job found" in r.json()["error"]


def test_a_finished_comparison_finishes_its_job(api):
    api.post("/api/jobs/base-sha/same-sha", json={})
    api.post("/api/reports/base-sha/compare/same-sha", json={})
    assert api.post("/api/jobs/base-sha/same-sha/cancel", json={}).status_code == 409
    fresh = api.post("/api/jobs/base-sha/same-sha", json={})
    assert fresh.status_code == 200
    assert api.post("/api/jobs/base-sha/same-sha/cancel", json={}).status_code == 200
