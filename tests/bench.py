"""`make bench`: the served mock against a bare Flask app on the same server setup, in the same run.

Figures are printed and written as JSON, never asserted (these machines are noisy: read the ratios).
For every scenario the bare app answers the very bytes the mock answered, so the ratio is the cost of
the mock's own work. Load comes from wrk when it is installed, otherwise from a Python generator.
Bounded: a fixed duration per run, loopback only.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.vendors import registry
from tests.harness import free_port_block

ROOT = Path(__file__).resolve().parents[1]


DEMO = {name: vendor.demo_headers for name, vendor in registry().items()}
BITBAR, SIPFRONT, HIPTEST, QTEST, HAPPO = (DEMO[n] for n in ("bitbar", "sipfront", "hiptest", "qtest", "happo"))
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Scenario:
    name: str
    kind: str  # read | write
    method: str
    path: str
    headers: dict
    body: str = ""
    rendered: bool = False  # a new query parameter on every request: no answer can come from the read cache
    result: dict = field(default_factory=dict)


SCENARIOS = [
    Scenario("bitbar device list", "read", "GET", "/bitbar/api/v2/devices?limit=20", BITBAR),
    Scenario("sipfront runs (page, sort, filter)", "read", "GET",
             "/sipfront/api/v2/runs?start=0&count=10&orderby=id&orderdir=desc&filtername=has_passed&filterval=1",
             SIPFRONT),
    Scenario("hiptest test runs (json:api, include)", "read", "GET",
             "/hiptest/api/projects/61344/test_runs?include=tags", HIPTEST),
    Scenario("bitbar device list, rendered", "read", "GET", "/bitbar/api/v2/devices?limit=20", BITBAR, rendered=True),
    Scenario("sipfront runs, rendered", "read", "GET",
             "/sipfront/api/v2/runs?start=0&count=10&orderby=id&orderdir=desc&filtername=has_passed&filterval=1",
             SIPFRONT, rendered=True),
    Scenario("hiptest test runs, rendered", "read", "GET",
             "/hiptest/api/projects/61344/test_runs?include=tags", HIPTEST, rendered=True),
    Scenario("bitbar create project", "write", "POST", "/bitbar/api/v2/me/projects", {**BITBAR, **FORM}, "name=bench"),
    Scenario("sipfront launch a test", "write", "POST", "/sipfront/api/v2/tests/run", {**SIPFRONT, **JSON},
             '{"test.name": "your-test-name"}'),
    Scenario("hiptest tag a scenario", "write", "POST", "/hiptest/api/projects/61344/scenarios/710002/tags",
             {**HIPTEST, **JSON}, '{"data": {"attributes": {"key": "bench", "value": "x"}}}'),
    Scenario("qtest host ping", "write", "POST", "/qtest/api/v3/automation/hosts/48/ping", {**QTEST, **JSON},
             '{"host_guid": "9CA1C201-EE4D-421B-88B6-8D5E6416C23E"}'),
    Scenario("happo ignore a diff", "write", "POST", "/happo/api/ignored-diffs", {**HAPPO, **JSON},
             '{"snapshot1Id": "snap-b2", "snapshot2Id": "snap-c2"}'),
]
TARGET = {"read": 0.70, "write": 0.50}


# -- servers ----------------------------------------------------------------------------------
def _wait_healthy(proc: subprocess.Popen, port: int, path: str = "/_mock/health", timeout: float = 60.0,
                  poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(proc.args[:3])} exited with {proc.returncode}:\n{_tail(proc)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(poll)
    raise RuntimeError(f"nothing answered on port {port} within {timeout:.0f} s")


def _start(argv: list[str], env: dict | None = None) -> subprocess.Popen:
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log)
    proc.log = log
    return proc


def _tail(proc: subprocess.Popen) -> str:
    proc.log.seek(0)
    return proc.log.read().decode("utf-8", errors="replace")[-2000:]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _once(port: int, s: Scenario) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(s.method, s.path, body=s.body.encode() or None, headers=s.headers)
    r = conn.getresponse()
    return r.status, r.getheader("Content-Type", ""), r.read().decode("utf-8", errors="replace")


# -- load -------------------------------------------------------------------------------------
def _busted(path: str, n) -> str:
    return f"{path}{'&' if '?' in path else '?'}bench={n}"


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


_RUNS = itertools.count(1)  # a number per wrk run of a rendered scenario: no run repeats another's paths


def _wrk(port: int, s: Scenario, seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"wrk.method = {json.dumps(s.method)}\n")
        if s.body:
            script.write(f"wrk.body = {json.dumps(s.body)}\n")
        for key, value in s.headers.items():
            script.write(f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}\n")
        if s.rendered:
            # every request of every run unlike any other: each wrk thread counts on its own, so its number is
            # part of the path (with one count, the threads' twin requests were answered from the read cache)
            script.write(f"local threads = 0\nsetup = function(thread)\n  threads = threads + 1\n"
                         f"  thread:set('tid', threads)\nend\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
                         f"  return wrk.format(nil, {json.dumps(_busted(s.path, next(_RUNS)))}"
                         " .. '-' .. tid .. '-' .. n)\nend\n")
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", script.name,
                              f"http://127.0.0.1:{port}{s.path}"], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    text = out.stdout
    if out.returncode != 0 or "Requests/sec" not in text:  # (a figure of 0 would read as a very slow server)
        raise RuntimeError(f"wrk failed ({out.returncode}): {(out.stderr or text).strip()[:500]}")

    def latency(pct: str) -> float | None:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return float(m.group(1)) * _UNIT[m.group(2)] if m else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    return {"rps": float(rate.group(1)) if rate else 0.0, "p50_ms": latency("50"), "p99_ms": latency("99"),
            "requests": int(total.group(1)) if total else 0, "non_2xx": int(bad.group(1)) if bad else 0}


def _python_load(port: int, s: Scenario, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    run = next(_RUNS)
    numbers = itertools.count()  # shared, so no two requests of a rendered scenario are alike
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, wrong = [], 0
        body = s.body.encode() or None
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            path = _busted(s.path, f"{run}-{next(numbers)}") if s.rendered else s.path
            conn.request(s.method, path, body=body, headers=s.headers)
            r = conn.getresponse()
            r.read()
            mine.append((time.perf_counter() - started) * 1000.0)
            wrong += not 200 <= r.status < 400
        with lock:
            latencies.extend(mine)
            bad[0] += wrong

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"rps": len(latencies) / elapsed, "p50_ms": cuts[49], "p99_ms": cuts[98],
            "requests": len(latencies), "non_2xx": bad[0]}


HALVES = 2  # the bare app and the mock take turns, each for this share of the run's seconds (rounded up) at a time


def _alternated(load, bare_port: int, port: int, s: Scenario, seconds: float, connections: int) -> tuple[dict, dict]:
    """The bare app and the mock driven in turns (bare, mock, bare, mock): a shift in the machine's speed during a
    scenario (a neighbour's load) falls on both rather than on whichever ran then. Rates are averaged over the
    turns, p50 too, and p99 is the worse turn's."""
    turns: dict[int, list[dict]] = {bare_port: [], port: []}
    each = max(math.ceil(seconds / HALVES), 1)  # (wrk counts whole seconds)
    for _ in range(HALVES):
        for target in (bare_port, port):
            turns[target].append(load(target, s, each, connections))
    return _combined(turns[bare_port]), _combined(turns[port])


def _combined(runs: list[dict]) -> dict:
    p50s = [r["p50_ms"] for r in runs if r["p50_ms"] is not None]
    p99s = [r["p99_ms"] for r in runs if r["p99_ms"] is not None]
    return {"rps": statistics.fmean(r["rps"] for r in runs), "p50_ms": statistics.fmean(p50s) if p50s else None,
            "p99_ms": max(p99s) if p99s else None, "requests": sum(r["requests"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs)}


def all_scenarios() -> list[Scenario]:
    """The scenarios above, then each registered vendor's probe (its cheapest authenticated read)."""
    probes = [Scenario(f"{name} probe", "read", "GET", f"/{name}{vendor.probe}", vendor.demo_headers)
              for name, vendor in registry().items()]
    return SCENARIOS + probes


# -- start, memory, own ports ----------------------------------------------------------------
START_TARGET_S = 0.5
RSS_TARGET_MB = 80.0
OWN_PORT_TARGET = 0.70


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (a server that forks counts whole)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo += [int(child) for child in handle.read().split()]
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue  # gone meanwhile
    return total / 1024


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system): what a start costs whatever else the machine runs."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_rows(exe: str, runs: int = 5) -> list[dict]:
    """Spawn `mockserver serve` (default fixtures) `runs` times: seconds to the first 200 on /_mock/health
    (median), and the idle memory of all its processes a second later (median)."""
    import compileall

    # what any start but the very first finds (PYTHONDONTWRITEBYTECODE would otherwise recompile each time)
    compileall.compile_dir(str(ROOT / "mockserver"), quiet=1)
    starts, rss, cpu = [], [], []
    attempts = 0
    while len(starts) < runs:
        port = free_port_block(1 + max(v.port_offset for v in registry().values()))
        began = time.perf_counter()
        proc = _start([exe, "serve", "--port", str(port)])
        try:
            _wait_healthy(proc, port, poll=0.005)
            starts.append(time.perf_counter() - began)
            cpu.append(_cpu_seconds(proc.pid))
            time.sleep(1.0)
            rss.append(_tree_rss_mb(proc.pid))
        except RuntimeError as exc:  # another program took a port of the block meanwhile: another block
            attempts += 1
            if "cannot bind" not in str(exc) or attempts > 5:
                raise
        finally:
            _stop(proc)
    start, memory = statistics.median(starts), statistics.median(rss)
    return [
        {"scenario": f"start to healthy (median of {runs})", "seconds": round(start, 3),
         "runs": [round(x, 3) for x in starts], "cpu_seconds": statistics.median(cpu),
         "target": START_TARGET_S, "met": start < START_TARGET_S},
        {"scenario": "idle RSS, all processes (MB)", "mb": round(memory, 1), "runs": [round(x, 1) for x in rss],
         "target": RSS_TARGET_MB, "met": memory < RSS_TARGET_MB},
    ]


def _own_port_row(port: int, load, seconds: float, connections: int) -> dict:
    """The Bitbar device list through Bitbar's own port against the main port, in the same run."""
    offset = registry()["bitbar"].port_offset
    main = Scenario("bitbar device list, main port", "read", "GET", "/bitbar/api/v2/devices?limit=20", BITBAR)
    own = Scenario("bitbar device list, own port", "read", "GET", "/api/v2/devices?limit=20", BITBAR)
    load(port, main, 1.0, connections)
    load(port + offset, own, 1.0, connections)
    base = load(port, main, seconds, connections)
    got = load(port + offset, own, seconds, connections)
    ratio = got["rps"] / base["rps"] if base["rps"] else 0.0
    return {"scenario": "bitbar device list, own port vs main port", **got, "main_rps": base["rps"],
            "ratio": round(ratio, 3), "target": OWN_PORT_TARGET, "met": ratio >= OWN_PORT_TARGET}


def _print_server_rows(rows: list[dict]) -> None:
    for row in rows:
        if "seconds" in row:
            figure = f"{row['seconds']:.3f} s, {row['cpu_seconds']:.2f} s of CPU  (runs {row['runs']})"
            goal = f"< {row['target']} s"
        elif "mb" in row:
            figure, goal = f"{row['mb']:.1f} MB  (runs {row['runs']})", f"< {row['target']:.0f} MB"
        else:
            figure = f"{row['rps']:.0f} req/s vs {row['main_rps']:.0f} on the main port, ratio {row['ratio']:.2f}"
            goal = f">= {row['target']:.2f}"
        print(f"{row['scenario']:<44} {figure}  {goal} {'ok' if row['met'] else 'MISSED'}", flush=True)


# -- the run ----------------------------------------------------------------------------------
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=5.0, help="load per run (default 5)")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--json", default="bench.json", help="where to write the figures (default bench.json)")
    p.add_argument("--only", help="run only scenarios whose name contains this")
    p.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is there")
    p.add_argument("--scale-rows", type=int, default=100_000, metavar="N",
                   help="also generate and load a --scale N fixture set per vendor, and serve it against a 1k set "
                        "(default 100000; 0: skip)")
    p.add_argument("--scale-budget", type=float, default=180.0, metavar="S",
                   help="seconds a served vendor's world may take to build at scale, and each step after (default 180)")
    args = p.parse_args(argv)
    scenarios = [s for s in all_scenarios() if not args.only or args.only in s.name]
    load = _python_load if args.python_load or not shutil.which("wrk") else _wrk
    tool = "python" if load is _python_load else "wrk"

    span = 1 + max(v.port_offset for v in registry().values())  # the main port and every vendor's own
    exe = str(Path(sys.executable).parent / "mockserver")
    server_rows = _start_rows(exe) if not args.only or args.only in "start to healthy, idle RSS" else []
    for attempt in range(6):
        port = free_port_block(span + 1)
        bare_port = port + span
        mock = _start([exe, "serve", "--port", str(port)])
        try:
            _wait_healthy(mock, port)
            break
        except RuntimeError as exc:  # another program took a port of the block meanwhile: another block
            _stop(mock)
            if "cannot bind" not in str(exc) or attempt == 5:
                raise
    canned_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    bare = None
    try:
        canned = {}
        for s in scenarios:
            status, ctype, body = _once(port, s)
            if status >= 400:
                raise RuntimeError(f"{s.name}: the mock answered {status}: {body[:300]}")
            canned[f"{s.method} {s.path.split('?')[0]}"] = [status, ctype, body]
        json.dump(canned, canned_file)
        canned_file.close()
        # the mock's own server setup: granian, one WSGI worker, its default blocking threads
        bare = _start([sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "1",
                       "--blocking-threads", "16", "--host", "127.0.0.1", "--port", str(bare_port),
                       "--log-level", "warning", "tests.bench_bare:app"], env={"BENCH_BARE_FILE": canned_file.name})
        _wait_healthy(bare, bare_port, "/")
        print(f"mockserver bench: {tool}, {args.connections} connections, {args.seconds:g} s per run, "
              f"{os.cpu_count()} cores", flush=True)
        header = f"{'scenario':<40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'bare req/s':>10} {'ratio':>6}  target"
        print(header)
        print("-" * len(header))
        for s in scenarios:
            load(bare_port, s, 1.0, args.connections)   # warm both up before measuring
            load(port, s, 1.0, args.connections)
            base, got = _alternated(load, bare_port, port, s, args.seconds, args.connections)
            ratio = got["rps"] / base["rps"] if base["rps"] else 0.0
            s.result = {"scenario": s.name, "kind": s.kind, "method": s.method, "path": s.path, **got,
                        "bare_rps": base["rps"], "ratio": round(ratio, 3), "target": TARGET[s.kind],
                        "met": ratio >= TARGET[s.kind]}
            mark = "ok" if s.result["met"] else "MISSED"
            print(f"{s.name:<40} {got['rps']:>8.0f} {got['p50_ms'] or 0:>7.2f} {got['p99_ms'] or 0:>7.2f} "
                  f"{base['rps']:>10.0f} {ratio:>6.2f}  >= {TARGET[s.kind]:.2f} {mark}"
                  + (f"  ({got['non_2xx']} non-2xx)" if got["non_2xx"] else ""), flush=True)
        if not args.only or args.only in "bitbar device list, own port":
            server_rows.append(_own_port_row(port, load, args.seconds, args.connections))
        print()
        _print_server_rows(server_rows)
    finally:
        _stop(mock)
        if bare is not None:
            _stop(bare)
        os.unlink(canned_file.name)
    report = {"date": datetime.date.today().isoformat(), "cores": os.cpu_count(), "load": tool,
              "connections": args.connections, "seconds": args.seconds,
              "scenarios": [s.result for s in scenarios], "server": server_rows}
    if args.scale_rows:
        from tests import bench_scale

        report["fixtures_at_scale"] = bench_scale.run(args.scale_rows)
        report["served_at_scale"] = bench_scale.served(args.scale_rows, budget=args.scale_budget)
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
