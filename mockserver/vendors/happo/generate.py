"""A seeded Faker fixture set: the demo account, projects, reports of component snapshots, flakes."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import cache

from ...core.generate import Draw

# fixed bounds: dates relative to "now" would make the output differ from run to run
START, END = datetime(2025, 1, 1), datetime(2026, 1, 1)

TARGETS = ("chrome", "firefox", "iphone 7")
VARIANTS = ("default", "disabled", "hover")
SNAPS_PER_REPORT = 8


@cache
def _digest(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def _image(seed: str, width: int, height: int) -> str:
    return f"/snapshots/{_digest(seed)}/{width}/{height}"


def generate(fake, scale: int, progress) -> dict:
    draw = Draw(fake)
    account = {"id": 1, "name": fake.company(), "apiKey": "happo-demo-key", "apiSecret": "happo-demo-secret"}
    projects = [{"id": 1, "accountId": 1, "name": "default", "isDefault": True}]
    projects += [{"id": i + 2, "accountId": 1, "name": f"{draw('word')}-{i}", "isDefault": False}
                 for i in range(max(scale // 10, 1))]
    # unique names: Faker's word list has ~1,000 words, so past the first 100 a number tells them apart
    components = [fake.unique.word().capitalize() if i < 100 else f"{draw('word').capitalize()}{i}"
                  for i in range(max(scale // 5, 2))]
    span = int((END - START).total_seconds())
    reports, flakes = [], []
    rand = draw.random.random
    for i in range(scale):
        project = projects[i % len(projects)]
        sha = draw.hex(40)
        created = (START + timedelta(seconds=draw.int(0, span))).isoformat() + "Z"
        snaps = []
        # a report shows a window of up to SNAPS_PER_REPORT components, so snapshots grow linearly with scale
        first = (i // SNAPS_PER_REPORT) * SNAPS_PER_REPORT % len(components)
        target, prefix = TARGETS[i % len(TARGETS)], sha[:8]
        for n, component in enumerate(components[first: first + 1 + i % SNAPS_PER_REPORT]):
            # draw.int and draw.choice inlined (450k snapshots at 100k): the same draws in the same order
            width, height = 200 + int(rand() * 1001), 100 + int(rand() * 801)
            snaps.append({"id": f"{prefix}{n:04d}", "url": _image(f"{component}{i % 3}", width, height),
                          "variant": VARIANTS[int(rand() * len(VARIANTS))], "target": target,
                          "component": component, "width": width, "height": height})
        reports.append({"projectId": project["id"], "sha": sha, "link": draw("url"), "message": draw("sentence"),
                        "createdAt": created, "completedAt": created, "snaps": snaps})
        if i % 4 == 0 and snaps:
            flakes.append({"id": len(flakes) + 1, "projectId": project["id"], "sha": sha,
                           "component": snaps[0]["component"], "variant": snaps[0]["variant"],
                           "target": snaps[0]["target"], "url": snaps[0]["url"], "createdAt": created})
        progress("reports", i + 1, scale)
    subscriptions = [{"accountId": 1, "component": c, "emailAddresses": [draw("email")], "unsubscribed": []}
                     for c in components[:3]]
    return {"accounts": [account], "projects": projects, "reports": reports, "ignoredDiffs": [],
            "subscriptions": subscriptions, "flakes": flakes}
