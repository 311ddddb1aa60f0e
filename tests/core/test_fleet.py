"""Three `mockserver serve` replicas behind Debian's nginx running deploy/nginx.conf's own map and hash (only
the upstream addresses, the listen port and where nginx writes replaced), and `mockserver fleet` over them."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests

from tests.balancer import NGINX, Balancer, nginx_binary, nginx_config
from tests.served import run_cli

BITBAR = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og==", "Accept": "application/json"}  # bitbar-demo-key:


def test_the_loopback_config_is_the_deploy_config_but_addresses_and_paths(tmp_path):
    text = nginx_config([1001, 1002, 1003], 2000, tmp_path)
    ours = [line for line in NGINX.splitlines() if "server mock" not in line and "listen" not in line
            and "access_log" not in line]
    theirs = [line for line in text.splitlines() if "server 127.0.0.1" not in line and "listen" not in line
              and "access_log" not in line and "_temp_path" not in line]
    assert ours == theirs
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log"), "-g", f"pid {tmp_path}/nginx.pid;"],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


@pytest.fixture
def balancer(tmp_path):
    made = []

    def start(replicas):
        made.append(Balancer(replicas, tmp_path))
        return made[-1]

    yield start
    for one in made:
        one.stop()


def fleet(*args) -> tuple[int, dict]:
    done = run_cli("fleet", *args)
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}) | {"stderr": done.stderr}


def owners(urls: list[str]) -> dict[str, str]:
    """tenant -> the replica id holding it, from each replica's GET /_mock/tenants; a tenant on two is an error."""
    held: dict[str, str] = {}
    for url in urls:
        answer = requests.get(f"{url}/_mock/tenants", timeout=10).json()
        for row in answer["tenants"]:
            if row["tenant"] == "default":
                continue
            assert row["tenant"] not in held, f"{row['tenant']} on {held.get(row['tenant'])} and {answer['replica']}"
            held[row["tenant"]] = answer["replica"]
    return held


def test_three_replicas_behind_nginx_keep_each_tenant_on_one_and_move_only_a_stopped_ones(served, balancer):
    started = [served("--no-vendor-ports", "--replica-id", f"mock{i}") for i in (1, 2, 3)]
    urls = [f"http://127.0.0.1:{port}" for port, _ in started]
    replica_of_port = {f"127.0.0.1:{port}": f"mock{i}" for i, (port, _) in enumerate(started, 1)}
    nginx = balancer([port for port, _ in started])
    tenants = [f"fleet-{n:02d}" for n in range(50)]
    web = requests.Session()

    projects = {}
    for tenant in tenants:
        head = {**BITBAR, "X-Mock-Tenant": tenant}
        made = web.post(f"{nginx.url}/bitbar/api/v2/me/projects", data={"name": f"p-{tenant}"}, headers=head,
                        timeout=10)
        assert made.status_code == 201, made.text
        projects[tenant] = made.json()["id"]
        for _ in range(2):
            assert web.get(f"{nginx.url}/bitbar/api/v2/me/projects/{projects[tenant]}", headers=head,
                           timeout=10).status_code == 200
        # the path form: nginx hashes its segment (the mock serving it is another change; any answer will do)
        web.get(f"{nginx.url}/_t/{tenant}/bitbar/api/v2/me", headers=BITBAR, timeout=10)
        # a control call naming the tenant in its query reaches the tenant's replica
        clock = web.get(f"{nginx.url}/_mock/clock", params={"tenant": tenant}, timeout=10)
        assert clock.status_code == 200

    # every request of a tenant landed on one replica: the replicas' own journals ...
    held = owners(urls)
    assert sorted(held) == tenants
    for url in urls:
        mine = requests.get(f"{url}/_mock/health", timeout=10).json()["replica"]
        for tenant in (t for t, r in held.items() if r == mine):
            count = requests.post(f"{url}/_mock/requests/count", json={"tenant": tenant, "path": "/bitbar/*"},
                                  timeout=10).json()["count"]
            assert count >= 3, (tenant, mine, count)
    # ... and nginx's log, the path form and the control calls included
    routed = nginx.routed()
    for tenant in tenants:
        assert {replica_of_port[a] for a in routed[tenant]} == {held[tenant]}, tenant
    spread = {r: sum(1 for t in tenants if held[t] == r) for r in ("mock1", "mock2", "mock3")}
    assert min(spread.values()) >= 5, spread  # consistent hashing shares them out, roughly evenly

    code, merged = fleet("tenants", "--urls", ",".join(urls))
    assert code == 0 and merged["failed"] == [], merged["stderr"]
    assert sorted(r["replica"] for r in merged["replicas"]) == ["mock1", "mock2", "mock3"]
    assert {row["tenant"]: row["replica"] for row in merged["tenants"] if row["tenant"] != "default"} == held
    assert merged["on_several_replicas"] == []

    # one replica stops: only its tenants move, the others keep their state
    gone = max(spread, key=spread.get)
    port, proc = started[["mock1", "mock2", "mock3"].index(gone)]
    proc.terminate()
    proc.wait(timeout=15)
    live = [u for u in urls if u != f"http://127.0.0.1:{port}"]
    for tenant in tenants:
        head = {**BITBAR, "X-Mock-Tenant": tenant}
        answer = web.get(f"{nginx.url}/bitbar/api/v2/me/projects/{projects[tenant]}", headers=head, timeout=10)
        # a moved tenant starts from the fixtures on its new replica: its project is not there
        assert answer.status_code == (404 if held[tenant] == gone else 200), (tenant, answer.status_code)
    after = owners(live)
    for tenant in tenants:
        if held[tenant] != gone:
            assert after[tenant] == held[tenant], tenant
        else:
            assert after[tenant] != gone
    assert {after[t] for t in tenants if held[t] == gone} <= {"mock1", "mock2", "mock3"} - {gone}

    code, merged = fleet("tenants", "--urls", ",".join(urls))
    assert code == 1 and [f["url"] for f in merged["failed"]] == [f"http://127.0.0.1:{port}"]
    assert f"replica http://127.0.0.1:{port} did not answer" in merged["stderr"]
    assert len(merged["replicas"]) == 2

    code, merged = fleet("reset", "--urls", ",".join(live))
    assert code == 0 and sorted(r["replica"] for r in merged["replicas"]) == sorted(set(spread) - {gone})
    kept = next(t for t in tenants if held[t] != gone)
    assert web.get(f"{nginx.url}/bitbar/api/v2/me/projects/{projects[kept]}", timeout=10,
                   headers={**BITBAR, "X-Mock-Tenant": kept}).status_code == 404  # reset back to the fixtures


def test_fleet_carries_the_control_token_and_the_reset_scope(served):
    env = {"MOCKSERVER_CONTROL_TOKEN": "fleet-secret"}
    urls = ",".join(f"http://127.0.0.1:{port}" for port, _ in (
        served("--no-vendor-ports", "--replica-id", name, env=env) for name in ("r1", "r2")))
    code, merged = fleet("tenants", "--urls", urls)
    assert code == 1 and [f["error"][:3] for f in merged["failed"]] == ["401", "401"] and merged["replicas"] == []
    code, merged = fleet("tenants", "--urls", urls, "--control-token", "fleet-secret")
    assert code == 0 and sorted(r["replica"] for r in merged["replicas"]) == ["r1", "r2"]
    done = run_cli("fleet", "reset", "--urls", urls, "--tenant", "ci-9", "--vendor", "bitbar", "--keep", "journal",
                   env=env)  # the token from the environment, as `serve` reads it
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)["replicas"]
    assert [(a["replica"], a["tenant"], a["vendor"], a["kept"]) for a in answers] == [
        ("r1", "ci-9", "bitbar", ["clock", "journal"]), ("r2", "ci-9", "bitbar", ["clock", "journal"])]
