"""`make bench-fleet`: what one process serves against three replicas behind nginx, on this machine, in one run.

Each row drives wrk (16 connections, 5 s) at one target with 50 tenants, a lua script choosing the
X-Mock-Tenant of every request in turn: one `mockserver serve` directly; the same behind nginx (the
balancer's own cost); three replicas behind nginx (deploy/nginx.conf's map and hash, tests/balancer.py).
Every tenant is used once before a row is timed, so no row pays for building the 50 worlds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from tests.balancer import Balancer
from tests.bench import BITBAR, FORM, _start, _stop, _wait_healthy
from tests.harness import free_port_block

TENANTS = 50
SCENARIOS = {  # name -> (method, path, extra headers, body)
    "bitbar device list": ("GET", "/bitbar/api/v2/devices?limit=20", {}, ""),
    "bitbar create project": ("POST", "/bitbar/api/v2/me/projects", FORM, "name=bench"),
}


def _script(method: str, path: str, headers: dict, body: str) -> str:
    # wrk.format's headers replace wrk.headers: every request gets a copy with its tenant set
    lines = [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in {**BITBAR, **headers}.items()]
    return "\n".join([*lines, "local n = 0", "local headers = {}", "for k, v in pairs(wrk.headers) do",
                      "  headers[k] = v", "end", "request = function()", f"  n = n % {TENANTS} + 1",
                      '  headers["X-Mock-Tenant"] = "bench-" .. n',
                      f"  return wrk.format({json.dumps(method)}, {json.dumps(path)}, headers, "
                      f"{json.dumps(body) if body else 'nil'})", "end", ""])


def _wrk(port: int, scenario: str, seconds: float, connections: int) -> dict:
    method, path, headers, body = SCENARIOS[scenario]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_script(method, path, headers, body))
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", script.name,
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    text = out.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return {"rps": float(rate.group(1)) if rate else 0.0, "non_2xx": int(bad.group(1)) if bad else 0,
            "p99_ms": float(p99.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)] if p99 else None}


def _warm(port: int) -> None:
    with requests.Session() as web:
        for n in range(1, TENANTS + 1):
            web.get(f"http://127.0.0.1:{port}/bitbar/api/v2/devices?limit=20",
                    headers={**BITBAR, "X-Mock-Tenant": f"bench-{n}"}, timeout=30).raise_for_status()


def _replicas(count: int, started: list) -> None:
    """Start `count` replicas into `started` (so the caller stops those that did start when one fails)."""
    exe = shutil.which("mockserver", path=str(Path(sys.executable).parent)) or "mockserver"
    for i in range(count):
        port = free_port_block(1)
        proc = _start([exe, "serve", "--port", str(port), "--no-vendor-ports", "--replica-id", f"mock{i + 1}",
                       "--log-level", "warning"])
        started.append((port, proc))
        _wait_healthy(proc, port)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.bench_fleet", description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--connections", type=int, default=16)
    args = p.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench_fleet: needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, count, balanced in (("one process, directly", 1, False), ("one process behind nginx", 1, True),
                                       ("three replicas behind nginx", 3, True)):
            started, balancer = [], None
            try:
                _replicas(count, started)
                if balanced:
                    balancer = Balancer([port for port, _ in started], Path(tmp) / label.replace(" ", "-"))
                target = balancer.port if balancer else started[0][0]
                _warm(target)
                for scenario in SCENARIOS:
                    got = _wrk(target, scenario, args.seconds, args.connections)
                    rows.append({"target": label, "scenario": scenario, **got})
                    print(f"{label:<30} {scenario:<24} {got['rps']:>9.0f} req/s  p99 {got['p99_ms']} ms  "
                          f"non-2xx {got['non_2xx']}", flush=True)
                held = [sum(row["tenant"].startswith("bench-") for row in requests.get(
                    f"http://127.0.0.1:{port}/_mock/tenants", timeout=30).json()["tenants"]) for port, _ in started]
                print(f"{label:<30} tenants per replica: {held}", flush=True)
            finally:
                if balancer:
                    balancer.stop()
                for _, proc in started:
                    _stop(proc)
    Path("bench-fleet.json").write_text(json.dumps({"cores": os.cpu_count(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
