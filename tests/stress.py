"""`make stress`: hostile and careless clients against the served process, one bounded scenario at a time.

For each scenario: how many requests it sent, how many answered 5xx (or were dropped), how long
`/_mock/health` took to answer while the attack ran (p50 and worst, polled every 100 ms; a poll that
gets no answer within 2 s counts as 2 s), and the server's RSS (every process of it) before and after.
Nothing is asserted: the figures are printed and written as JSON (stress.json). The goal (issue 19):
0 × 5xx, health within 100 ms during every scenario, RSS within the configured caps.
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench import _start, _stop, _tail, _wait_healthy
from tests.harness import free_server_ports

ROOT = Path(__file__).resolve().parents[1]
BITBAR_KEY = "Basic " + base64.b64encode(b"bitbar-demo-key:").decode()
HEALTH_TIMEOUT = 2.0


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0  # 5xx answers, dropped connections
    health_ms: list = field(default_factory=list)
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    note: str = ""

    def row(self) -> dict:
        health = sorted(self.health_ms) or [0.0]
        return {"scenario": self.name, "requests": self.requests, "5xx_or_dropped": self.errors,
                "health_p50_ms": round(statistics.median(health), 1), "health_max_ms": round(health[-1], 1),
                "rss_before_mb": round(self.rss_before_mb, 1), "rss_after_mb": round(self.rss_after_mb, 1),
                "note": self.note}


# -- the server ---------------------------------------------------------------------------------
def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (granian runs a worker process)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes = b"",
            timeout: float = 10.0) -> int:
    """One request on its own connection; the status, or 599 when the connection failed or dropped."""
    head = {"Host": f"127.0.0.1:{port}", "Connection": "close", **(headers or {})}
    if body or method in ("POST", "PUT", "PATCH"):
        head["Content-Length"] = str(len(body))
    raw = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(raw.encode("latin-1") + body)
            answer = b""
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    return 599
                answer += chunk
            return int(answer.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        return 599


class HealthWatch:
    """Polls /_mock/health every 100 ms on a fresh connection while a scenario runs."""

    def __init__(self, port: int):
        self.port, self.times, self._stop = port, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            started = time.perf_counter()
            status = request(self.port, "GET", "/_mock/health", timeout=HEALTH_TIMEOUT)
            took = time.perf_counter() - started
            self.times.append(HEALTH_TIMEOUT * 1000 if status != 200 else took * 1000)
            self._stop.wait(max(0.0, 0.1 - took))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=HEALTH_TIMEOUT + 1)


# -- the scenarios --------------------------------------------------------------------------------
def stalled_bodies(port: int, seconds: float, result: Result) -> None:
    """32 clients send the headers of a 100 KB POST and 1 KB of its body, then go quiet."""
    socks = []
    for _ in range(32):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /bitbar/api/v2/me/projects HTTP/1.1\r\nHost: x\r\nAuthorization: " + BITBAR_KEY.encode()
                         + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
                         + b"name=" + b"x" * 1000)
            socks.append(sock)
            result.requests += 1
        except OSError:
            result.errors += 1
    time.sleep(seconds)
    for sock in socks:
        sock.close()


def delayed_faults(port: int, seconds: float, result: Result) -> None:
    """One tenant's requests delayed 30 s by a fault rule, 32 at once; other tenants keep working."""
    tenant = f"stress-{uuid.uuid4().hex[:8]}"
    rule = json.dumps({"vendor": "bitbar", "path": "/api/v2/me", "delay_ms": 30_000, "tenant": tenant}).encode()
    status = request(port, "POST", "/_mock/faults", {"Content-Type": "application/json"}, rule)
    result.note = f"fault rule answered {status}"
    threads = [threading.Thread(target=request, args=(port, "GET", "/bitbar/api/v2/me",
                                                      {"Authorization": BITBAR_KEY, "X-Mock-Tenant": tenant}),
                                kwargs={"timeout": seconds}, daemon=True) for _ in range(32)]
    for t in threads:
        t.start()
    result.requests += len(threads)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = request(port, "GET", "/bitbar/api/v2/me", {"Authorization": BITBAR_KEY, "X-Mock-Tenant": "other"},
                         timeout=HEALTH_TIMEOUT)
        result.requests += 1
        result.errors += status >= 500
        time.sleep(0.1)
    request(port, "DELETE", "/_mock/faults")


def slow_upload(port: int, seconds: float, result: Result) -> None:
    """A multipart upload that trickles in over the scenario while the same tenant keeps reading."""
    tenant = f"stress-{uuid.uuid4().hex[:8]}"
    boundary = "stressboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"app.apk\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n")
    body = head.encode() + b"x" * 50_000 + f"\r\n--{boundary}--\r\n".encode()

    def trickle():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=seconds + 5) as sock:
                sock.sendall((f"POST /bitbar/api/v2/me/files HTTP/1.1\r\nHost: x\r\nAuthorization: {BITBAR_KEY}\r\n"
                              f"X-Mock-Tenant: {tenant}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                              f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode())
                pieces = 50
                for i in range(pieces):
                    sock.sendall(body[i * len(body) // pieces:(i + 1) * len(body) // pieces])
                    time.sleep(seconds / pieces)
                answer = sock.recv(64)
                if not answer or int(answer.split(b" ", 2)[1]) >= 500:
                    result.errors += 1
        except (OSError, ValueError, IndexError):
            result.errors += 1

    uploader = threading.Thread(target=trickle, daemon=True)
    uploader.start()
    result.requests += 1
    slowest = 0.0
    while uploader.is_alive():
        started = time.perf_counter()
        status = request(port, "GET", "/bitbar/api/v2/me", {"Authorization": BITBAR_KEY, "X-Mock-Tenant": tenant},
                         timeout=seconds + 5)
        slowest = max(slowest, time.perf_counter() - started)
        result.requests += 1
        result.errors += status >= 500
        time.sleep(0.1)
    result.note = f"same-tenant read while uploading: worst {slowest * 1000:.0f} ms"


def many_tenants(port: int, seconds: float, result: Result, count: int = 10_000) -> None:
    """Distinct tenants, one read each, as fast as one connection at a time allows (bounded in time)."""
    deadline = time.monotonic() + seconds
    for i in range(count):
        if time.monotonic() > deadline:
            break
        status = request(port, "GET", "/bitbar/api/v2/me", {"Authorization": BITBAR_KEY, "X-Mock-Tenant": f"t{i}"})
        result.requests += 1
        result.errors += status >= 500
    result.note = f"{result.requests} of {count} tenants in {seconds:.0f} s"


def huge_headers(port: int, seconds: float, result: Result) -> None:
    """60 requests each carrying ~90 KB of headers (many headers of 1.5 KB)."""
    headers = {f"X-Pad-{i}": "p" * 1500 for i in range(60)}
    seen = set()
    for _ in range(60):
        status = request(port, "GET", "/bitbar/api/v2/me", {"Authorization": BITBAR_KEY, **headers})
        seen.add(status)
        result.requests += 1
        result.errors += status >= 500 or status == 599
    journal = request(port, "GET", "/_mock/requests?limit=1")
    result.note = f"answered {sorted(seen)} (over 64 KB: the vendor's 431), journal answered {journal}"


SCENARIOS = {
    "stalled request bodies": stalled_bodies,
    "delayed faults of one tenant": delayed_faults,
    "slow upload": slow_upload,
    "10,000 tenants": many_tenants,
    "huge headers": huge_headers,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=6.0, help="length of each scenario (default 6)")
    p.add_argument("--only", help="run only scenarios whose name contains this")
    p.add_argument("--json", default="stress.json")
    args = p.parse_args(argv)
    results = []
    for name, scenario in SCENARIOS.items():
        if args.only and args.only not in name:
            continue
        port = free_server_ports()
        proc = _start([str(Path(sys.executable).parent / "mockserver"), "serve", "--port", str(port),
                       "--log-level", "warning"])
        try:
            _wait_healthy(proc, port)
            result = Result(name, rss_before_mb=rss_mb(proc.pid))
            with HealthWatch(port) as watch:
                scenario(port, args.seconds, result)
            result.health_ms = watch.times
            result.rss_after_mb = rss_mb(proc.pid)
            if proc.poll() is not None:
                result.note += f" | server exited {proc.returncode}: {_tail(proc)[-300:]}"
            results.append(result.row())
            print(json.dumps(results[-1]), flush=True)
        finally:
            _stop(proc)
    keys = list(results[0]) if results else []
    print("\n| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for row in results:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
