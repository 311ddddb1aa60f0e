"""Logs and metrics: `--log-format json` (one object per request, control calls included) from the served
process, and `GET /_mock/metrics` read with prometheus-client's own parser."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.served import run_cli, wait_health


def _scrape(url: str) -> dict:
    """(metric sample name, sorted labels) -> value, as a Prometheus server would read them."""
    r = requests.get(f"{url}/_mock/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version="), r.text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_vendor_and_status_with_latency_and_sizes(demo):
    url = demo.server.url
    before = _scrape(url)
    for _ in range(3):
        assert demo("GET", "/items").status_code == 200
    assert demo("GET", "/no/such/thing").status_code == 404
    after = _scrape(url)

    def delta(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("mockserver_requests_total", vendor="demo", status="200") == 3
    assert delta("mockserver_requests_total", vendor="demo", status="404") == 1
    assert delta("mockserver_request_duration_seconds_count", vendor="demo") == 4
    assert delta("mockserver_request_duration_seconds_bucket", vendor="demo", le="+Inf") == 4
    assert 0 < delta("mockserver_request_duration_seconds_sum", vendor="demo") < 4
    # the first scrape is a control call, counted as such (control calls are not journaled)
    assert _value(after, "mockserver_requests_total", vendor="_mock", status="200") >= 1
    listed = demo.mock("GET", "/tenants").json()
    assert _value(after, "mockserver_tenants") >= 1 and _value(after, "mockserver_tenants_max") == listed["max_tenants"]
    assert _value(after, "mockserver_journal_entries") == listed["journal"]["entries"]
    assert 0 < _value(after, "mockserver_journal_bytes") <= listed["journal"]["max_bytes"]


def test_the_latency_histogram_puts_each_request_in_its_bucket(demo):
    """A request delayed 60 ms counts in the buckets from 0.1 s up and in none below; every bucket counts all
    below it, and the count, the +Inf bucket and the requests counter agree (as prometheus-client's own would)."""
    from mockserver.core.metrics import BUCKETS

    url = demo.server.url
    rule = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "vendor": "demo", "delay_ms": 60, "times": 1})
    assert rule.status_code == 201, rule.text
    before = _scrape(url)
    assert demo("GET", "/items").status_code == 200
    after = _scrape(url)

    def delta(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    buckets = [delta("mockserver_request_duration_seconds_bucket", vendor="demo", le=str(bound)) for bound in BUCKETS]
    first = buckets.index(1)  # (a slow machine may push it past 0.1 s, never below 0.06 s)
    assert BUCKETS[first] >= 0.1 and buckets == [0] * first + [1] * (len(BUCKETS) - first), buckets
    assert delta("mockserver_request_duration_seconds_bucket", vendor="demo", le="+Inf") == 1
    assert delta("mockserver_request_duration_seconds_count", vendor="demo") == 1
    assert 0.06 <= delta("mockserver_request_duration_seconds_sum", vendor="demo") < 1.0
    counted = sum(v for (name, labels), v in after.items() if name == "mockserver_requests_total"
                  and ("vendor", "demo") in labels)
    assert counted == _value(after, "mockserver_request_duration_seconds_count", vendor="demo")
    created = _value(after, "mockserver_request_duration_seconds_created", vendor="demo")
    assert 0 < time.time() - created < 600


def test_metrics_gauges_follow_fault_rules_and_a_new_tenant(demo):
    url = demo.server.url
    before = _scrape(url)
    rule = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "vendor": "demo", "status": 503})
    assert rule.status_code == 201, rule.text
    assert demo("GET", "/items").status_code == 503
    after = _scrape(url)
    assert _value(after, "mockserver_fault_rules") == _value(before, "mockserver_fault_rules") + 1
    assert _value(after, "mockserver_tenants") == _value(before, "mockserver_tenants") + 1  # demo.tenant is new
    assert (_value(after, "mockserver_requests_total", vendor="demo", status="503")
            - _value(before, "mockserver_requests_total", vendor="demo", status="503")) == 1


def test_json_log_has_one_object_per_request_control_calls_included(served):
    port, proc = served("--vendors", "bitbar", "--no-vendor-ports", env={"MOCKSERVER_LOG_FORMAT": "json"})
    base = f"http://127.0.0.1:{port}"
    me = f"{base}/bitbar/api/v2/me"
    rule = requests.post(f"{base}/_mock/faults?tenant=logs", json={"vendor": "bitbar", "path": "/api/v2/me",
                                                                   "status": 503, "times": 1}, timeout=5).json()
    assert requests.get(me, headers={"X-Mock-Tenant": "logs"}, timeout=5).status_code == 503
    assert requests.get(me, auth=("bitbar-demo-key", ""), headers={"X-Mock-Tenant": "logs"},
                        timeout=5).status_code == 200
    time.sleep(0.5)  # lines are written in batches every 0.1 s, off the request path
    proc.terminate()
    out = proc.communicate(timeout=15)[0]
    lines = [json.loads(line) for line in out.splitlines()]  # every line is JSON, the start-up table too
    requests_logged = [obj for obj in lines if "method" in obj]
    assert {"method": "GET", "path": "/bitbar/api/v2/me", "status": 503, "vendor": "bitbar", "tenant": "logs",
            "tenant_from": "header", "fault": rule["id"]}.items() <= requests_logged[-2].items()
    assert {"method": "GET", "path": "/bitbar/api/v2/me", "status": 200, "vendor": "bitbar", "tenant": "logs",
            "fault": None}.items() <= requests_logged[-1].items()
    assert all(isinstance(obj["ms"], float) and obj["ms"] >= 0 for obj in requests_logged)
    control = [obj for obj in requests_logged if obj["path"] == "/_mock/faults"]
    assert control == [{**control[0], "method": "POST", "status": 201, "vendor": "_mock", "tenant": "logs",
                        "tenant_from": "query"}]
    assert any(obj.get("logger") == "mockserver" and f"{base}/bitbar" in obj["message"] for obj in lines)


def test_text_log_names_control_calls_too(served):
    port, proc = served("--vendors", "bitbar", "--no-vendor-ports", "--log-format", "text")
    requests.post(f"http://127.0.0.1:{port}/_mock/reset?tenant=t1", timeout=5)
    time.sleep(0.5)
    proc.terminate()
    out = proc.communicate(timeout=15)[0]
    assert any("POST /_mock/reset 200 " in line and line.endswith("vendor=_mock tenant=t1")
               for line in out.splitlines()), out


@pytest.mark.parametrize("args, env, named", [
    (("--log-format", "yaml"), {}, "--log-format"),
    ((), {"MOCKSERVER_LOG_FORMAT": "yaml"}, "MOCKSERVER_LOG_FORMAT must be text or json, not 'yaml'"),
])
def test_an_unknown_log_format_is_refused_naming_it(args, env, named):
    result = run_cli("serve", *args, env=env)
    assert result.returncode == 2 and named in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_served_metrics_answer_on_the_main_port(served):
    port, proc = served("--vendors", "bitbar", "--no-vendor-ports")
    url = f"http://127.0.0.1:{port}"
    wait_health(url, proc)
    requests.get(f"{url}/bitbar/api/v2/me", auth=("bitbar-demo-key", ""), timeout=5)
    samples = _scrape(url)
    assert _value(samples, "mockserver_requests_total", vendor="bitbar", status="200") == 1
    assert _value(samples, "process_resident_memory_bytes") > 0


def test_the_served_process_keeps_fixtures_and_base_worlds_out_of_the_collectors_walks(served):
    """The loaded set at start, and each vendor's base world once built, are frozen out of the garbage collector's
    full collections (else each walks them all again: a pause of 100 ms and more every few thousand writes)."""
    port, proc = served("--vendors", "bitbar,sipfront", "--no-vendor-ports")
    url = f"http://127.0.0.1:{port}"
    wait_health(url, proc)
    at_start = _value(_scrape(url), "mockserver_heap_settled_objects")
    assert at_start > 10_000  # the interpreter, the app, the loaded fixtures
    requests.get(f"{url}/bitbar/api/v2/me", auth=("bitbar-demo-key", ""), timeout=5)
    after_bitbar = _value(_scrape(url), "mockserver_heap_settled_objects")
    assert after_bitbar > at_start  # Bitbar's base world, built on its first request
    requests.get(f"{url}/sipfront/api/v2/tests", auth=("sipfront-demo-public", "sipfront-demo-secret"), timeout=5)
    assert _value(_scrape(url), "mockserver_heap_settled_objects") > after_bitbar


def test_what_outlives_a_full_collection_in_the_served_process_is_settled_too():
    """What requests store (a launch's run, a created project) outlives full collections: it is moved out of sight
    after the first it outlives, so a full collection walks only what is new since (its pause does not grow with the
    store). The served process's own setting, in a process of its own."""
    script = (
        "import gc\n"
        "from mockserver.core import heap\n"
        "heap.settle_after_builds()\n"
        "before = gc.get_freeze_count()\n"
        "kept = [[n] for n in range(5000)]\n"
        "gc.collect(1)\n"
        "assert gc.get_freeze_count() == before, 'a younger collection settles nothing'\n"
        "gc.collect()\n"
        "assert gc.get_freeze_count() >= before + 5000, (before, gc.get_freeze_count())\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_process_that_is_not_serving_freezes_nothing(demo):
    """In-process servers (tests, the pytest plugin's thread mode) leave the collector alone: a freeze there would
    keep whatever cyclic garbage their apps leave for the life of the test process."""
    samples = _scrape(demo.server.url)
    assert samples[("mockserver_heap_settled_objects", ())] == 0
