"""The whole automation-host loop, as the qTest Automation Host drives it, on the mock clock."""

from __future__ import annotations

from urllib.parse import quote

import pytest


@pytest.mark.parametrize("root", ["main", "port"])
def test_automation_host_loop(server, clock, mock_state, root, qtest):
    client = qtest
    client.base_url = server.vendor_url("qtest") if root == "main" else server.port_url("qtest")
    clock.set("2026-09-14T08:00:00Z")

    # log in like the host does
    token = client.post("/oauth/token", data={"grant_type": "password", "username": "demo@example.com",
                                              "password": "demo-password"}).json()
    client.session.headers["Authorization"] = f"Bearer {token['access_token']}"

    # register and ping
    host = client.post("/api/v3/automation/host", json={
        "host_name": "CI box", "ip_address": "10.1.2.3", "mac_address": "AA:BB:CC:DD:EE:FF",
        "host_guid": "6F9619FF-8B86-D011-B42D-00C04FC964FF"}).json()
    host_id = host["host_server_id"]
    pong = client.post(f"/api/v3/automation/hosts/{host_id}/ping", json={"host_guid": host["host_guid"]}).json()
    assert pong == {"received_time": "2026-09-14T08:00:00+00:00", "pong_message": "true"}

    # create an agent (inactive), then activate it
    agent = client.post(f"/api/v3/projects/356/automation/hosts/{host_id}/agents", json={
        "name": "TestNG agent", "framework": "testNG", "framework_id": "testNG-plugin",
        "agent_client_id": "3", "active": False}).json()
    agent_id = agent["agent_server_id"]
    assert client.post(f"/api/v3/projects/356/automation/hosts/{host_id}/agents/{agent_id}/activate").json()["active"]

    # someone schedules a run for ten minutes from now
    schedule = client.post("/api/v3/automation/jobs/schedule/create", json={
        "name": "loop", "agentId": agent_id, "projectId": 356, "startDate": "2026-09-14T10:10:00+0200",
        "testRunIds": [6691]})
    assert schedule.status_code == 201

    # the host polls with a window ending now: nothing yet
    def poll(end):
        r = client.get(f"/api/v3/automation/hosts/{host_id}/jobs?start_date=&end_date={quote(end, safe='')}")
        assert r.status_code == 200
        return r.json()

    assert poll("2026-09-14T10:00:00+0200") == []
    clock.advance(11 * 60)
    [job] = poll("2026-09-14T08:11:00+0000")
    assert job["status"] == "PLANNED" and job["agent_server_id"] == agent_id and job["agent_id"] == 3
    assert job["schedule_id"] == schedule.json() and job["host_server_id"] == host_id
    assert job["automation_materials"][0]["automation_content"] == "groovy.GebLogin"

    # run it
    status = f"/api/v3/projects/{job['project_id']}/automation/jobs/{job['job_id']}/status"
    assert client.put(status, json={"status": "RUNNING"}).json()["status"] == "RUNNING"
    assert poll("2026-09-14T08:11:00+0000") == []
    clock.advance(5 * 60)
    client.post(f"/api/v3/automation/hosts/{host_id}/ping", json={"host_guid": host["host_guid"]})
    assert client.put(status, json={"status": "COMPLETED"}).json()["status"] == "COMPLETED"

    # upload the results and poll the queue to SUCCESS
    queued = client.post("/api/v3.1/projects/356/test-runs/0/auto-test-logs", params={"type": "automation"}, json={
        "test_cycle": "CL-1", "test_logs": [{
            "name": "GebLogin", "status": "PASSED", "automation_content": "groovy.GebLogin",
            "exe_start_date": "2026-09-14T08:11:00+0000", "exe_end_date": "2026-09-14T08:16:00+0000"}]})
    assert queued.status_code == 201
    queue_id = queued.json()["id"]
    seen = []
    for _ in range(10):
        state = client.get(f"/api/v3/projects/queue-processing/{queue_id}").json()["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in ("SUCCESS", "FAILED"):
            break
        clock.advance(1)
    assert seen == ["IN_WAITING", "IN_PROCESSING", "SUCCESS"]

    world = mock_state()["tables"]
    assert next(h for h in world["hosts"] if h["host_server_id"] == host_id)["status"] is True
    assert next(j for j in world["jobs"] if j["job_id"] == job["job_id"])["status"] == "COMPLETED"
    [batch] = world["queue_processing"]
    assert batch["state"] == "SUCCESS" and batch["test_logs"][0]["name"] == "GebLogin"
