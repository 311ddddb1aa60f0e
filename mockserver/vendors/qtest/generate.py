"""A realistic qTest fixture set from a seeded Faker (`mockserver fixtures generate`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...core.generate import Draw
from .model import dates
from .schemas import FRAMEWORK_IDS

BASE = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
FRAMEWORKS = {"testNG-plugin": "testNG", "junit-plugin": "JUnit", "cucumber-plugin": "Cucumber"}


def _mac(digits: str) -> str:
    return ":".join(digits[k:k + 2] for k in range(0, 12, 2)).upper()


def generate(fake, scale: int, progress) -> dict:
    scale = max(scale, 1)
    draw = Draw(fake)
    projects = [{"id": 100 + i, "name": draw('catch_phrase')} for i in range(max(scale // 10, 1))]
    data = {
        "users": [{"username": "demo@example.com", "password": "demo-password"}],
        "tokens": [{"access_token": "qtest-demo-token", "username": "demo@example.com"}],
        "projects": projects,
        "hosts": [], "agents": [], "test_runs": [], "test_cycles": [], "schedules": [], "jobs": [],
    }
    for i in range(scale):
        project = projects[i % len(projects)]["id"]
        host_id, agent_id, run_id = 1000 + i, 2000 + i, 3000 + i
        framework = FRAMEWORK_IDS[i % len(FRAMEWORK_IDS)]
        start = dates.fmt(BASE + timedelta(hours=i))
        data["hosts"].append({
            "host_server_id": host_id, "host_name": f"Host server - {draw('ipv4_private')}",
            "ip_address": draw('ipv4_private'), "mac_address": _mac(draw.hex(12)),
            "host_guid": draw.uuid().upper(), "last_ping": None,
        })
        data["agents"].append({
            "agent_server_id": agent_id, "name": f"AGENT {i + 1}", "project_id": project, "host_id": host_id,
            "framework": FRAMEWORKS[framework], "framework_id": framework,
            "agent_client_id": str(draw.int(1, 999)), "active": draw.chance(75),
        })
        name = f"com.{draw('word')}.{draw('word').capitalize()}Test"
        data["test_runs"].append({
            "id": run_id, "project_id": project, "test_case_id": 4000 + i, "test_case_name": name,
            "test_case_version_id": 5000 + i, "automation_content": name,
        })
        data["test_cycles"].append({"id": 6000 + i, "project_id": project, "pid": f"CL-{i + 1}", "name": draw('bs')})
        data["schedules"].append({
            "id": 7000 + i, "name": draw('sentence', nb_words=3), "project_id": project, "agent_server_id": agent_id,
            "client_id": 2, "start_date": start, "test_run_ids": [run_id],
        })
        data["jobs"].append({
            "job_id": 8000 + i, "schedule_id": 7000 + i, "project_id": project, "agent_server_id": agent_id,
            "client_id": 2, "status": "PLANNED", "start_date": start, "test_run_ids": [run_id],
        })
        progress("objects", i + 1, scale)
    return data
