"""A seeded Faker fixture set: the demo account, projects, reports of component snapshots, flakes."""

from __future__ import annotations

import hashlib
from datetime import datetime

# fixed bounds: dates relative to "now" would make the output differ from run to run
START, END = datetime(2025, 1, 1), datetime(2026, 1, 1)

TARGETS = ("chrome", "firefox", "iphone 7")


def _image(seed: str, width: int, height: int) -> str:
    return f"/snapshots/{hashlib.sha256(seed.encode()).hexdigest()[:32]}/{width}/{height}"


def generate(fake, scale: int, progress) -> dict:
    account = {"id": 1, "name": fake.company(), "apiKey": "happo-demo-key", "apiSecret": "happo-demo-secret"}
    projects = [{"id": 1, "accountId": 1, "name": "default", "isDefault": True}]
    projects += [{"id": i + 2, "accountId": 1, "name": f"{fake.unique.word()}-{i}", "isDefault": False}
                 for i in range(max(scale // 10, 1))]
    components = [fake.unique.word().capitalize() for _ in range(max(scale // 5, 2))]
    reports, flakes = [], []
    for i in range(scale):
        project = projects[i % len(projects)]
        sha = fake.sha1()
        created = fake.date_time_between(START, END).replace(microsecond=0).isoformat() + "Z"
        snaps = []
        for component in components[: 1 + i % len(components)]:
            target = TARGETS[i % len(TARGETS)]
            width, height = fake.random_int(200, 1200), fake.random_int(100, 900)
            snaps.append({"id": f"{sha[:8]}{len(snaps):04d}", "url": _image(f"{component}{i % 3}", width, height),
                          "variant": fake.random_element(("default", "disabled", "hover")), "target": target,
                          "component": component, "width": width, "height": height})
        reports.append({"projectId": project["id"], "sha": sha, "link": fake.url(), "message": fake.sentence(),
                        "createdAt": created, "completedAt": created, "snaps": snaps})
        if i % 4 == 0 and snaps:
            flakes.append({"id": len(flakes) + 1, "projectId": project["id"], "sha": sha,
                           "component": snaps[0]["component"], "variant": snaps[0]["variant"],
                           "target": snaps[0]["target"], "url": snaps[0]["url"], "createdAt": created})
        progress("reports", i + 1, scale)
    subscriptions = [{"accountId": 1, "component": c, "emailAddresses": [fake.email()], "unsubscribed": []}
                     for c in components[:3]]
    return {"accounts": [account], "projects": projects, "reports": reports, "ignoredDiffs": [],
            "subscriptions": subscriptions, "flakes": flakes}
