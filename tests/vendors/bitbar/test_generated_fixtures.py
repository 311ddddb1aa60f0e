"""`mockserver fixtures generate` for Bitbar: byte-stable output that the server loads and serves."""

from __future__ import annotations

from mockserver.core.generate import generate


def test_generated_world_is_stable_and_served(bb, server, control, tmp_path):
    first = generate("bitbar", 12, 7, tmp_path / "a").read_text()
    assert first == generate("bitbar", 12, 7, tmp_path / "b").read_text()
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "bitbar", "tenant": bb.tenant},
                     data=first.encode(), headers={"Content-Type": "application/yaml"}, timeout=10)
    assert r.status_code == 200, r.text
    devices = bb.get("/api/v2/devices", params={"limit": 0}).json()
    assert devices["total"] == 12
    me = bb.get("/api/v2/me").json()
    assert me["email"] == "demo@example.com"
    groups = bb.get("/api/v2/me/device-groups", params={"withPublic": "true", "limit": 0}).json()
    assert {g["displayName"] for g in groups["data"]} >= {"Free Android devices", "Free iOS devices"}
    projects = bb.get("/api/v2/me/projects", params={"limit": 0}).json()
    assert projects["total"] >= 1
