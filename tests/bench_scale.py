"""`make bench` rows for fixture sets at scale.

`run`: per vendor, `fixtures generate --scale N` and loading that set. Each step is a fresh process, timed
from outside (interpreter start and imports included, as a user sees it), with its CPU seconds (children's rusage:
the steadier figure on a shared machine). The load step parses the files and
builds the default tenant's world from them (what the first request waits for), and reports the RSS then
(and its peak).

`served`: per vendor, 1k against N records per collection, each served by its own `mockserver serve
--fixtures`: p50 of the bench's list scenarios (rendered) and writes, a new tenant's first request, and the
memory 100 tenants changing one record add. Bounded by a time and a memory budget; a vendor whose world does
not build in time is reported as such. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mockserver.vendors import registry

TARGET_SECONDS, TARGET_RSS_MB = 10.0, 300.0

_LOAD = """
import json, resource, sys, time
from mockserver.app import load_vendors
from mockserver.core.fixtures import count, load_all
from mockserver.core.store import Store
vendors = load_vendors([sys.argv[2]])
started = time.perf_counter()
data = load_all(sys.argv[1], vendors)
seconds = time.perf_counter() - started
built = time.perf_counter()
store = Store(vendors, data)  # kept: the RSS below is of the loaded set *and* its world, as a server holds them
store.state("default", sys.argv[2])  # the world a first request waits for
build = time.perf_counter() - built
with open("/proc/self/statm") as statm:
    rss = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
print(json.dumps({"records": count(data[sys.argv[2]]), "load_only_s": round(seconds, 2),
                  "build_s": round(build, 2), "rss_mb": round(rss),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}), flush=True)
import os
os._exit(0)  # the world is ready: freeing millions of objects on the way out is no part of loading
"""


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(argv: list[str], timeout: float) -> tuple[float, str, float]:
    """(wall seconds, stdout, CPU seconds): on a shared machine the CPU time is the steadier figure."""
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv[:4])}…: exit {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - started, done.stdout, _cpu() - cpu


def run(scale: int, timeout: float = 300.0) -> list[dict]:
    exe = str(Path(sys.executable).parent / "mockserver")
    header = (f"{'fixtures --scale ' + str(scale):<24} {'records':>9} {'generate s':>10} {'load+build s':>12} "
              f"{'total s':>8} {'CPU s':>6} {'RSS MB':>7} {'peak MB':>8}  target")
    print(f"\n{header}\n{'-' * len(header)}", flush=True)
    rows = []
    for name in registry():
        with tempfile.TemporaryDirectory() as out:
            try:
                gen_s, _, gen_cpu = _timed([exe, "fixtures", "generate", "--vendor", name, "--scale", str(scale),
                                            "--format", "json", "--out", out], timeout)
                load_s, printed, load_cpu = _timed([sys.executable, "-c", _LOAD, out, name], timeout)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{name:<24} failed: {exc}", flush=True)
                rows.append({"vendor": name, "scale": scale, "error": str(exc)[:500], "met": False})
                continue
        got = json.loads(printed.splitlines()[-1])
        total = gen_s + load_s
        met = total < TARGET_SECONDS and got["rss_mb"] < TARGET_RSS_MB
        rows.append({"vendor": name, "scale": scale, "generate_s": round(gen_s, 2), "load_s": round(load_s, 2),
                     "total_s": round(total, 2), "generate_cpu_s": round(gen_cpu, 2), "load_cpu_s": round(load_cpu, 2),
                     **got, "target_s": TARGET_SECONDS, "target_rss_mb": TARGET_RSS_MB, "met": met})
        print(f"{name:<24} {got['records']:>9} {gen_s:>10.1f} {load_s:>12.1f} {total:>8.1f} "
              f"{gen_cpu + load_cpu:>6.1f} {got['rss_mb']:>7} "
              f"{got['peak_mb']:>8}  < {TARGET_SECONDS:g} s, < {TARGET_RSS_MB:g} MB {'ok' if met else 'MISSED'}",
              flush=True)
    return rows


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)


# -- served at scale: 1k against N records, each vendor in its own `mockserver serve --fixtures` --------------
LIST_RATIO, CREATE_RATIO, NEW_TENANT_RATIO, TENANTS_MB, TENANTS = 1.5, 1.5, 2.0, 50.0, 100


def _fixture_ids(folder: Path) -> dict:
    """What the bench's scenarios name in a generated set (the default fixtures' ids are not in it)."""
    ids = dict(NO_IDS)

    def table(vendor, kind):
        path = folder / f"{vendor}.json"
        return (json.loads(path.read_text(encoding="utf-8")).get(kind) or []) if path.is_file() else []

    hip_runs, hip_scenarios = table("hiptest", "test_runs"), table("hiptest", "scenarios")
    if hip_scenarios:
        project = hip_runs[0]["project_id"] if hip_runs else hip_scenarios[0]["project_id"]
        ids.update(hiptest_project=project,
                   hiptest_scenario=next(s["id"] for s in hip_scenarios if s["project_id"] == project))
    if table("sipfront", "tests"):
        ids["sipfront_test"] = table("sipfront", "tests")[0]["name"]
    if table("qtest", "hosts"):
        host = table("qtest", "hosts")[0]
        ids.update(qtest_host=host["host_server_id"], qtest_guid=host["host_guid"])
    snaps = [snap["id"] for report in table("happo", "reports") for snap in report.get("snaps", [])][:2]
    if snaps:
        ids["happo_snaps"] = snaps
    return ids


NO_IDS = {"hiptest_project": 0, "hiptest_scenario": 0, "sipfront_test": "", "qtest_host": 0, "qtest_guid": "",
          "happo_snaps": ["", ""]}


def _served_scenarios(ids: dict) -> dict[str, list]:
    """vendor -> the bench's list scenarios (rendered: a new query each time) and writes, on a generated set."""
    from tests.bench import BITBAR, FORM, HAPPO, HIPTEST, JSON, QTEST, SIPFRONT, Scenario

    project, scenario = ids["hiptest_project"], ids["hiptest_scenario"]
    return {
        "bitbar": [Scenario("bitbar device list", "read", "GET", "/bitbar/api/v2/devices?limit=20", BITBAR,
                            rendered=True),
                   Scenario("bitbar create project", "write", "POST", "/bitbar/api/v2/me/projects",
                            {**BITBAR, **FORM}, "name=bench")],
        "sipfront": [Scenario("sipfront runs (page, sort, filter)", "read", "GET",
                              "/sipfront/api/v2/runs?start=0&count=10&orderby=id&orderdir=desc&filtername=has_passed"
                              "&filterval=1", SIPFRONT, rendered=True),
                     Scenario("sipfront launch a test", "write", "POST", "/sipfront/api/v2/tests/run",
                              {**SIPFRONT, **JSON}, json.dumps({"test.name": ids["sipfront_test"]}))],
        "hiptest": [Scenario("hiptest test runs (include)", "read", "GET",
                             f"/hiptest/api/projects/{project}/test_runs?include=tags", HIPTEST, rendered=True),
                    Scenario("hiptest tag a scenario", "write", "POST",
                             f"/hiptest/api/projects/{project}/scenarios/{scenario}/tags", {**HIPTEST, **JSON},
                             '{"data": {"attributes": {"key": "bench", "value": "x"}}}')],
        "qtest": [Scenario("qtest host ping", "write", "POST",
                           f"/qtest/api/v3/automation/hosts/{ids['qtest_host']}/ping", {**QTEST, **JSON},
                           json.dumps({"host_guid": ids["qtest_guid"]}))],
        "happo": [Scenario("happo ignore a diff", "write", "POST", "/happo/api/ignored-diffs", {**HAPPO, **JSON},
                           json.dumps({"snapshot1Id": ids["happo_snaps"][0], "snapshot2Id": ids["happo_snaps"][-1]}))],
    }


def _request(port: int, method: str, path: str, headers: dict, body: str = "", tenant: str | None = None,
             timeout: float = 60.0) -> tuple[int, float]:
    """(status, ms) of one request on a new connection."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    conn.request(method, path, body=body.encode() or None, headers={**headers, **({"X-Mock-Tenant": tenant}
                                                                                 if tenant else {})})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000.0


def _p50(port: int, s, count: int, budget: float) -> dict:
    """Median of `count` sequential requests (fewer when `budget` seconds run out); a rendered read adds
    a new query parameter to each, so none is answered from the read cache."""
    import statistics

    from tests.bench import _busted

    times, bad, until = [], 0, time.monotonic() + budget
    for n in range(count):
        path = _busted(s.path, f"s{n}") if s.rendered else s.path
        status, ms = _request(port, s.method, path, s.headers, s.body, timeout=budget)
        times.append(ms)
        bad += status >= 400
        if time.monotonic() > until:
            break
    return {"p50_ms": round(statistics.median(times), 3), "requests": len(times), "non_2xx": bad}


def _serve_one(vendor: str, folder: Path, scenarios: list, probe, budget: float, mb_budget: float) -> dict:
    """One vendor served from `folder`: its world's first build, its scenarios, new tenants, 100 tenants' memory."""
    from tests.bench import _start, _stop, _tree_rss_mb, _wait_healthy
    from tests.harness import free_port_block

    port = free_port_block(1)
    exe = str(Path(sys.executable).parent / "mockserver")
    began = time.perf_counter()
    proc = _start([exe, "serve", "--no-vendor-ports", "--port", str(port), "--vendors", vendor, "--fixtures",
                   str(folder), "--log-level", "warning"])
    out: dict = {}
    try:
        _wait_healthy(proc, port, timeout=budget)
        out["healthy_s"] = round(time.perf_counter() - began, 2)
        try:  # the default tenant's world: built on its first request
            status, ms = _request(port, "GET", f"/{vendor}{probe.path}", probe.headers, timeout=budget)
        except OSError as exc:  # a timeout too
            out["error"] = f"the first request did not answer within {budget:.0f} s ({exc.__class__.__name__})"
            return out
        out["first_request_s"] = round(ms / 1000.0, 2)
        out["rss_mb"] = round(_tree_rss_mb(proc.pid))
        for s in scenarios:
            out[s.name] = _p50(port, s, 200, budget / 4)  # (25 gave a p50 that moved by a third between runs)
        firsts = []
        for n in range(3):
            firsts.append(_request(port, "GET", f"/{vendor}{probe.path}", probe.headers, tenant=f"bench-new-{n}",
                                   timeout=budget)[1])
        out["new_tenant_ms"] = round(sorted(firsts)[1], 2)
        out["tenants"] = _tenants(port, vendor, scenarios, probe, proc.pid, budget, mb_budget, _tree_rss_mb)
    except (OSError, RuntimeError) as exc:
        out["error"] = f"{exc.__class__.__name__}: {str(exc)[:300]}"
    finally:
        _stop(proc)
    return out


def _tenants(port: int, vendor: str, scenarios: list, probe, pid: int, budget: float, mb_budget: float,
             rss) -> dict:
    """Memory added by up to 100 new tenants that each change one record (the vendor's write scenario), within
    `budget` seconds and `mb_budget` MB: when either runs out, how many were made and what each added."""
    write = next(s for s in scenarios if s.kind == "write")
    before, until, made, bad = rss(pid), time.monotonic() + budget, 0, 0
    for n in range(TENANTS):
        status, _ = _request(port, write.method, write.path, write.headers, write.body, tenant=f"bench-t{n}",
                             timeout=budget)
        made, bad = made + 1, bad + (status >= 400)
        if time.monotonic() > until or rss(pid) - before > mb_budget:
            break
    added = rss(pid) - before
    return {"made": made, "added_mb": round(added, 1), "per_tenant_mb": round(added / made, 2), "non_2xx": bad,
            "for_100_mb": round(added / made * TENANTS, 1)}


def served(n: int, budget: float = 180.0, mb_budget: float = 1500.0, vendors: list[str] | None = None) -> list[dict]:
    """Per vendor, at 1,000 and at `n` records per collection: p50 of the bench's list scenarios (rendered) and
    write scenarios, the first request of a new tenant, and the memory 100 tenants that each change one record
    add, against `mockserver serve --fixtures` of a generated set. Bounded: `budget` seconds for a world to
    build (and for each step), `mb_budget` MB for the tenants; what does not fit is reported, not waited on."""
    from tests.bench import Scenario

    names = vendors or list(registry())
    found: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as root:
        for scale in (1000, n):
            folder = Path(root) / str(scale)
            gen_s, _, _ = _timed([str(Path(sys.executable).parent / "mockserver"), "fixtures", "generate", "--vendor",
                               ",".join(names), "--scale", str(scale), "--format", "json", "--out", str(folder)],
                              budget * 2)
            print(f"  generated --scale {scale} for {', '.join(names)} in {gen_s:.1f} s", flush=True)
            ids = _fixture_ids(folder)
            scenarios = _served_scenarios(ids)
            for vendor in names:
                path = registry()[vendor].probe
                if vendor == "hiptest":  # its probe lists every project (Hiptest never pages): one project instead
                    path = f"/api/projects/{ids['hiptest_project']}"
                probe = Scenario(f"{vendor} probe", "read", "GET", path, registry()[vendor].demo_headers)
                got = _serve_one(vendor, folder, scenarios.get(vendor, []), probe, budget, mb_budget)
                found.setdefault(vendor, {})[scale] = got
                print(f"  {vendor} at {scale}: " + (got.get("error") or f"healthy {got['healthy_s']} s, first "
                      f"request {got['first_request_s']} s, RSS {got['rss_mb']} MB"), flush=True)
    return _served_rows(found, n, _served_scenarios_names(names))


def _served_scenarios_names(names: list[str]) -> dict[str, list[tuple[str, str]]]:
    return {v: [(s.name, s.kind) for s in _served_scenarios(NO_IDS).get(v, [])] for v in names}


def _served_rows(found: dict, n: int, scenario_names: dict) -> list[dict]:
    rows = []

    def row(vendor, what, small, big, target, unit="ms", ratio=True, bad=0):
        item = {"vendor": vendor, "row": what, "at_1k": small, f"at_{n}": big, "unit": unit, "target": target,
                "non_2xx": bad}
        if small is not None and big is not None:
            value = big / small if ratio and small else big
            item["ratio" if ratio else "value"] = round(value, 2)
            item["met"] = value < target
        else:
            item["met"] = False
        rows.append(item)

    for vendor, by_scale in found.items():
        small, big = by_scale.get(1000, {}), by_scale.get(n, {})
        for label, got in (("1k", small), (str(n), big)):
            if "error" in got:
                rows.append({"vendor": vendor, "row": f"served at {label}", "error": got["error"], "met": False})
        for name, kind in scenario_names.get(vendor, []):
            got_small, got_big = small.get(name) or {}, big.get(name) or {}
            row(vendor, f"{name} p50", got_small.get("p50_ms"), got_big.get("p50_ms"),
                LIST_RATIO if kind == "read" else CREATE_RATIO,
                bad=got_small.get("non_2xx", 0) + got_big.get("non_2xx", 0))
        row(vendor, "first request of a new tenant", small.get("new_tenant_ms"), big.get("new_tenant_ms"),
            NEW_TENANT_RATIO)
        tenants, few = big.get("tenants") or {}, (small.get("tenants") or {}).get("made", 0)
        many = tenants.get("made", 0)
        made = f"{few}/{many} made" + (", scaled to 100" if min(few, many) < TENANTS else "")
        row(vendor, f"100 tenants changing one record ({made})",
            (small.get("tenants") or {}).get("for_100_mb"), tenants.get("for_100_mb"), TENANTS_MB, "MB", ratio=False,
            bad=tenants.get("non_2xx", 0))
    _print_served(rows, n)
    return rows


def _print_served(rows: list[dict], n: int) -> None:
    header = f"{'served at scale':<10} {'row':<52} {'1k':>9} {str(n):>9} {'ratio':>6}  target"
    print(f"\n{header}\n{'-' * len(header)}", flush=True)
    for r in rows:
        if "error" in r:
            print(f"{r['vendor']:<10} {r['row']:<52} {r['error']}", flush=True)
            continue

        def fig(x):
            return "-" if x is None else f"{x:.2f}" if r["unit"] == "ms" else f"{x:.0f} MB"

        if "value" in r or r["unit"] == "MB":
            goal, ratio = f"< {r['target']:g} MB at {n}", ""
        else:
            goal, ratio = f"< {r['target']:g}x", f"{r['ratio']:.2f}" if "ratio" in r else "-"
        print(f"{r['vendor']:<10} {r['row']:<52} {fig(r['at_1k']):>9} {fig(r[f'at_{n}']):>9} {ratio:>6}  {goal} "
              f"{'ok' if r['met'] else 'MISSED'}" + (f"  ({r['non_2xx']} non-2xx)" if r["non_2xx"] else ""), flush=True)
