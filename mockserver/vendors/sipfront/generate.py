"""A seeded Faker fixture set: projects of call tests, their past sessions and a few app images."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ...core.generate import Draw
from .model import format_time

_POOLS = ("eu-central-1", "us-east-1", "ap-southeast-2")
_CASES = ("Media analysis for Audio Call", "SIP Registration", "Call Transfer", "Conference Call", "Voicemail Deposit")
_TAGS = ("media", "prod", "staging", "validation", "regression", "smoke")
_REASONS = ("Call to {dest} was not answered within 30 seconds", "MOS below threshold on callee leg",
            "Registration failed: 403 Forbidden", "No RTP received from {dest}")


_HISTORY_MINUTES = 2 * 365 * 24 * 60  # 2024 and 2025


def generate(fake, scale: int, progress) -> dict:
    scale = max(scale, 1)
    draw = Draw(fake)
    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    projects = [{
        "id": i + 1,
        "name": f"{draw('slug')}-{i + 1}",
        "description": draw('sentence'),
        "created_at": format_time(epoch + timedelta(days=i)),
    } for i in range(max(1, scale // 10))]
    tests = []
    for i in range(scale):
        dest = f"43999{draw.int(0, 9999):04d}"
        failing = draw.int(0, 4) == 0
        tests.append({
            "id": 100 + i,
            "name": f"{draw('slug')}-test-{i + 1}",  # unique, as the API keeps them
            "project_id": projects[i % len(projects)]["id"],
            "testcase_name": draw.choice(_CASES),
            "tags": sorted(set(draw.random.choices(_TAGS, k=2))),
            "agentpool_name": draw.choice(_POOLS),
            "duration_seconds": draw.int(30, 300),
            "outcome": "failed" if failing else "passed",
            "result_description": draw.choice(_REASONS).format(dest=dest) if failing else "",
            "parameters": {"step.0.0.regexpire": "3600", "step.1.0.dial_destination": dest},
        })
        progress("tests", i + 1, scale)
    runs = []
    # a history: every session starts before 2026 (37 minutes apart, closer in a set too big for that), so a
    # generated set has no session waiting to start whatever the day it is served
    step = min(37.0, _HISTORY_MINUTES / scale)
    for i in range(scale):
        test = tests[draw.int(0, len(tests) - 1)]
        failed = draw.int(0, 4) == 0
        runs.append({
            "id": 10000 + i,
            "session_id": draw.uuid(),
            "test_id": test["id"],
            "started_at": format_time(epoch + timedelta(minutes=37 * i if step == 37.0 else int(step * i))),
            "duration_seconds": draw.int(30, 300),
            "outcome": "failed" if failed else "passed",
            "result_description": draw.choice(_REASONS).format(dest="439990000") if failed else "",
        })
        progress("runs", i + 1, scale)
    appimages = [{
        "id": i + 1,
        "name": f"{draw('word')} app",
        "filename": f"{draw('word')}-{draw.int(0, 9)}.{draw.int(0, 9)}.{draw.int(0, 9)}.{('apk', 'ipa')[i % 2]}",
        "platform": "android" if i % 2 == 0 else "ios",
        "size": draw.int(1_000_000, 90_000_000),
        "sha256": draw.hex(64),
        "created_at": format_time(epoch + timedelta(hours=i)),
    } for i in range(max(1, scale // 20))]
    return {
        "credentials": [{"public_key": "sipfront-demo-public", "secret": "sipfront-demo-secret"}],
        "projects": projects,
        "tests": tests,
        "runs": runs,
        "project_runs": [],
        "appimages": appimages,
    }
