"""Media stats: dimensions and time series per session, aggregates per test, consistent with outcomes."""

from __future__ import annotations

import pytest

from tests.vendors.sipfront.helpers import API, AUTH, DOC_SESSION, T0, advance, set_clock

MEASURES = ["rtp_byte_per_sec", "rtp_jitter", "rtp_packet_loss", "mos"]
FAILED_SESSION = "c2e7a5d9-8b1f-4e63-b7d4-6a0c2e9f1d04"  # test 202, 30 s, failed


def get(client, path, **params):
    r = client.get(path, params=params, auth=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 200
    return r.json()


def test_run_dimensions_list_every_role_and_direction_per_measure(sipfront):
    dims = get(sipfront, f"{API}/runs/{DOC_SESSION}/stats")["stats_dimensions"]
    # the doc's example is the head of the list
    assert dims[:4] == [{"dir": "in", "role": "callee", "stats_measure": "rtp_byte_per_sec"},
                        {"dir": "out", "role": "callee", "stats_measure": "rtp_byte_per_sec"},
                        {"dir": "in", "role": "callee", "stats_measure": "rtp_jitter"},
                        {"dir": "out", "role": "callee", "stats_measure": "rtp_jitter"}]
    assert list(dict.fromkeys(d["stats_measure"] for d in dims)) == MEASURES
    assert len(dims) == 16 and all(d["dir"] in ("in", "out") and d["role"] in ("caller", "callee") for d in dims)
    assert get(sipfront, f"{API}/runs/12345/stats") == get(sipfront, f"{API}/runs/{DOC_SESSION}/stats")


def test_passed_run_series_are_healthy_over_the_whole_call(sipfront):
    series = get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/mos")["stats"]
    assert len(series) == 4
    for one in series:
        assert one["stats_measure"] == "mos"
        stamps = [p["ts"] for p in one["data"]]
        assert stamps[0] == "2024-02-09 08:20:18" and stamps[-1] == "2024-02-09 08:22:13" and len(stamps) == 24
        assert all(p["value"] >= 4.0 for p in one["data"])
    jitter = get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/rtp_jitter")["stats"]
    assert all(p["value"] < 5 for s in jitter for p in s["data"])
    # the same session always shows the same numbers
    assert get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/mos")["stats"] == series


def test_failed_run_series_degrade(sipfront):
    for one in get(sipfront, f"{API}/runs/{FAILED_SESSION}/stats/mos")["stats"]:
        values = [p["value"] for p in one["data"]]
        assert values[0] >= 4.0 and values[-1] < 2.7
    loss = get(sipfront, f"{API}/runs/{FAILED_SESSION}/stats/rtp_packet_loss")["stats"]
    assert all(s["data"][-1]["value"] >= 6 for s in loss)


def test_dir_and_role_narrow_the_series(sipfront):
    inward = get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/rtp_jitter", dir="in")["stats"]
    assert [(s["dir"], s["role"]) for s in inward] == [("in", "callee"), ("in", "caller")]
    one = get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/rtp_jitter", dir="out", role="caller")["stats"]
    assert [(s["dir"], s["role"]) for s in one] == [("out", "caller")]
    assert len(get(sipfront, f"{API}/runs/{DOC_SESSION}/stats/rtp_jitter", role="callee")["stats"]) == 2


@pytest.mark.parametrize("path", [f"{API}/runs/{DOC_SESSION}/stats/jitter", f"{API}/tests/123/stats/jitter"])
def test_unknown_measure_is_404_listing_the_valid_ones(sipfront, path):
    r = sipfront.get(path, auth=AUTH)
    assert r.status_code == 404
    body = r.json()
    assert body["status"] == 404 and "jitter" in body["error"]
    assert body["valid_measures"] == MEASURES and all(m in body["description"] for m in MEASURES)


@pytest.mark.parametrize("query, parameter", [("dir=up", "dir"), ("role=observer", "role")])
def test_bad_dimension_is_400(sipfront, query, parameter):
    for path in (f"{API}/runs/{DOC_SESSION}/stats/mos", f"{API}/tests/123/stats/mos"):
        r = sipfront.get(f"{path}?{query}", auth=AUTH)
        assert r.status_code == 400 and r.json()["parameter"] == parameter


@pytest.mark.parametrize("path", [f"{API}/runs/nope/stats", f"{API}/runs/%C2%B2/stats", f"{API}/runs/999/stats/mos",
                                  f"{API}/tests/999/stats", f"{API}/tests/999/stats/mos"])
def test_unknown_run_or_test_is_404(sipfront, path):
    r = sipfront.get(path, auth=AUTH)
    assert r.status_code == 404 and r.json()["status"] == 404


def test_running_session_has_the_data_recorded_so_far(sipfront, server, control):
    set_clock(server, control, T0)
    launched = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"test.name": "failing-call-test"})
    sid = launched.json()["data"]["session_id"]
    advance(server, control, 12)
    series = get(sipfront, f"{API}/runs/{sid}/stats/mos", dir="in", role="caller")["stats"][0]["data"]
    assert [p["ts"] for p in series] == ["2030-01-01 00:00:00", "2030-01-01 00:00:05", "2030-01-01 00:00:10"]
    advance(server, control, 60)
    finished = get(sipfront, f"{API}/runs/{sid}/stats/mos", dir="in", role="caller")["stats"][0]["data"]
    assert finished[:3] == series and len(finished) == 10 and finished[-1]["value"] < 2.7
    assert len(get(sipfront, f"{API}/runs/{sid}/stats")["stats_dimensions"]) == 16


def test_test_stats_aggregate_its_runs(sipfront):
    dims = get(sipfront, f"{API}/tests/125/stats")["stats_dimensions"]
    assert len(dims) == 16
    series = get(sipfront, f"{API}/tests/125/stats/mos", dir="in", role="callee")["stats"]
    assert len(series) == 1
    rows = series[0]["data"]
    assert [r["session_id"] for r in rows] == ["7a9e4b21-0c6d-4f38-8b15-3e2f9d7c6b02",
                                               "91b3d6f2-4e8a-4c17-9d25-7f6b0a3c8e05"]
    first = rows[0]["session_id"]
    per_run = get(sipfront, f"{API}/runs/{first}/stats/mos", dir="in", role="callee")["stats"][0]["data"]
    values = [p["value"] for p in per_run]
    assert (rows[0]["samples"], rows[0]["min"], rows[0]["max"]) == (len(values), min(values), max(values))
    assert rows[0]["avg"] == round(sum(values) / len(values), 3) and rows[0]["has_passed"] == 1


def test_test_stats_of_launched_runs_follow_their_outcome(sipfront, server, control):
    set_clock(server, control, T0)
    sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 202})
    advance(server, control, 30)
    rows = get(sipfront, f"{API}/tests/202/stats/mos", dir="out", role="caller")["stats"][0]["data"]
    assert [r["has_passed"] for r in rows] == [0, 0, 0] and all(r["min"] < 2.7 for r in rows)
    assert rows[-1]["started_at"] == "2030-01-01 00:00:00"


def test_test_without_runs_has_no_stats(sipfront, server, control):
    fixtures = {"credentials": [{"public_key": "sipfront-demo-public", "secret": "sipfront-demo-secret"}],
                "projects": [{"id": 1, "name": "p", "created_at": "2024-01-01 00:00:00"}],
                "tests": [{"id": 5, "name": "t", "project_id": 1, "testcase_name": "SIP Call"}]}
    control.post(f"{server.url}/_mock/fixtures", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                 json=fixtures, timeout=10)
    assert get(sipfront, f"{API}/tests/5/stats")["stats_dimensions"] == []
    assert all(s["data"] == [] for s in get(sipfront, f"{API}/tests/5/stats/mos")["stats"])


def test_stats_of_a_project_run_session(sipfront, server, control):
    set_clock(server, control, T0)
    sipfront.post(f"{API}/projects/run", auth=AUTH, json={"id": 2})
    advance(server, control, 120)
    sessions = get(sipfront, f"{API}/runs", startdate=1893456000)["runs"]
    assert [(r["test_id"], r["session_status"]) for r in sessions] == [(201, "passed"), (202, "failed")]
    good = get(sipfront, f"{API}/runs/{sessions[0]['session_id']}/stats/rtp_byte_per_sec")["stats"]
    bad = get(sipfront, f"{API}/runs/{sessions[1]['session_id']}/stats/rtp_byte_per_sec")["stats"]
    assert all(p["value"] > 7000 for s in good for p in s["data"])
    assert all(s["data"][-1]["value"] < 5000 for s in bad)
