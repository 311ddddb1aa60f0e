"""`make bench`: throughput of the served process (granian + vendor ports), printed, never asserted.

Bounded: a fixed number of requests per target, loopback only.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.contract.fuzz import AUTH_HEADERS
from tests.harness import free_port_block

ROOT = Path(__file__).resolve().parents[1]

TARGETS = [
    ("control", "main", "/_mock/health", {}),
    ("hiptest", "main", "/hiptest/api/projects", AUTH_HEADERS["hiptest"]),
    ("bitbar", "main", "/bitbar/api/v2/devices", {"Accept": "application/json"}),
    ("bitbar", "port", "/api/v2/devices", {"Accept": "application/json"}),
    ("sipfront", "main", "/sipfront/api/v2/runs", AUTH_HEADERS["sipfront"]),
]


def hammer(url: str, headers: dict, total: int, threads: int) -> tuple[float, dict]:
    per = total // threads
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker():
        s = requests.Session()
        local: dict[int, int] = {}
        for _ in range(per):
            code = s.get(url, headers=headers, timeout=30).status_code
            local[code] = local.get(code, 0) + 1
        with lock:
            for k, v in local.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return per * threads / (time.perf_counter() - started), statuses


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args(argv)
    port = free_port_block(6)
    exe = shutil.which("mockserver", path=str(Path(sys.executable).parent)) or "mockserver"
    proc = subprocess.Popen([exe, "serve", "--port", str(port), "--log-level", "warning"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        print(f"{'target':<40} {'req/s':>8}  statuses   ({args.requests} requests, {args.threads} client threads)")
        for vendor, door, path, headers in TARGETS:
            base = f"http://127.0.0.1:{port}" if door == "main" else f"http://127.0.0.1:{port + 4}"
            rate, statuses = hammer(base + path, headers, args.requests, args.threads)
            print(f"{door + ' ' + path:<40} {rate:>8.0f}  {statuses}")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
