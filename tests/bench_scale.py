"""`make bench` rows for fixture sets at scale: per vendor, `fixtures generate --scale N` and loading that set.

Each step is a fresh process, timed from outside (interpreter start and imports included, as a user sees
it). The load step parses the files and builds the default tenant's world from them (what the first
request waits for), and reports the RSS then (and its peak). Figures are printed, never asserted.
"""

from __future__ import annotations

import json
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
Store(vendors, data).state("default", sys.argv[2])  # the world a first request waits for
build = time.perf_counter() - built
with open("/proc/self/statm") as statm:
    rss = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
print(json.dumps({"records": count(data[sys.argv[2]]), "load_only_s": round(seconds, 2),
                  "build_s": round(build, 2), "rss_mb": round(rss),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def _timed(argv: list[str], timeout: float) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv[:4])}…: exit {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - started, done.stdout


def run(scale: int, timeout: float = 300.0) -> list[dict]:
    exe = str(Path(sys.executable).parent / "mockserver")
    header = (f"{'fixtures --scale ' + str(scale):<24} {'records':>9} {'generate s':>10} {'load+build s':>12} "
              f"{'total s':>8} {'RSS MB':>7} {'peak MB':>8}  target")
    print(f"\n{header}\n{'-' * len(header)}", flush=True)
    rows = []
    for name in registry():
        with tempfile.TemporaryDirectory() as out:
            try:
                gen_s, _ = _timed([exe, "fixtures", "generate", "--vendor", name, "--scale", str(scale),
                                   "--format", "json", "--out", out], timeout)
                load_s, printed = _timed([sys.executable, "-c", _LOAD, out, name], timeout)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{name:<24} failed: {exc}", flush=True)
                rows.append({"vendor": name, "scale": scale, "error": str(exc)[:500], "met": False})
                continue
        got = json.loads(printed.splitlines()[-1])
        total = gen_s + load_s
        met = total < TARGET_SECONDS and got["rss_mb"] < TARGET_RSS_MB
        rows.append({"vendor": name, "scale": scale, "generate_s": round(gen_s, 2), "load_s": round(load_s, 2),
                     "total_s": round(total, 2), **got, "target_s": TARGET_SECONDS, "target_rss_mb": TARGET_RSS_MB,
                     "met": met})
        print(f"{name:<24} {got['records']:>9} {gen_s:>10.1f} {load_s:>12.1f} {total:>8.1f} {got['rss_mb']:>7} "
              f"{got['peak_mb']:>8}  < {TARGET_SECONDS:g} s, < {TARGET_RSS_MB:g} MB {'ok' if met else 'MISSED'}",
              flush=True)
    return rows


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
