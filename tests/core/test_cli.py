"""The console script as a real subprocess: serve (granian + vendor ports), routes, fixtures."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest
import requests

from mockserver.settings import vendor_names
from tests.harness import free_server_ports
from tests.served import ROOT, SCRIPT, run_cli, wait_health


def test_serve_answers_health_on_main_and_vendor_ports(served):
    port, proc = served()
    r = wait_health(f"http://127.0.0.1:{port}", proc)
    assert r.json()["vendors"] == ["hiptest", "qtest", "happo", "bitbar", "sipfront"]
    for offset, vendor in enumerate(["hiptest", "qtest", "happo", "bitbar", "sipfront"], start=1):
        wait_health(f"http://127.0.0.1:{port + offset}", proc)
        # one store behind both doors: a request on the vendor port shows up in the main journal
        requests.get(f"http://127.0.0.1:{port + offset}/no-such-path", timeout=5)
        last = requests.get(f"http://127.0.0.1:{port}/_mock/requests", params={"limit": 1}, timeout=5).json()[
            "requests"
        ][0]
        assert (last["vendor"], last["path"], last["status"]) == (vendor, "/no-such-path", 404)


def test_serve_prints_where_each_vendor_lives(served):
    port, proc = served("--vendors", "hiptest,bitbar", "--no-vendor-ports")
    wait_health(f"http://127.0.0.1:{port}", proc)
    proc.terminate()
    out = proc.communicate(timeout=15)[0]
    table = [line.split() for line in out.splitlines() if line.startswith("  ") and "http://" in line]
    assert table == [
        ["hiptest", f"http://127.0.0.1:{port}/hiptest", "-"],
        ["bitbar", f"http://127.0.0.1:{port}/bitbar", "-"],
    ]


def test_vendor_subset_and_no_vendor_ports(served):
    port, proc = served("--vendors", "hiptest,bitbar", "--no-vendor-ports")
    r = wait_health(f"http://127.0.0.1:{port}", proc)
    assert r.json()["vendors"] == ["hiptest", "bitbar"]
    gone = requests.get(f"http://127.0.0.1:{port}/sipfront/api/v2", timeout=5)
    assert gone.status_code == 404 and gone.json()["vendors"] == ["/hiptest", "/bitbar"]
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port + 1}/_mock/health", timeout=2)


def test_env_vendor_ports_off(tmp_path):
    port = free_server_ports()
    proc = subprocess.Popen(
        [SCRIPT, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MOCKSERVER_VENDOR_PORTS": "0"},
    )
    try:
        wait_health(f"http://127.0.0.1:{port}", proc)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port + 4}/_mock/health", timeout=2)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_invalid_fixtures_stop_the_server_with_exit_2_and_a_precise_message(tmp_path):
    (tmp_path / "bitbar.yaml").write_text("not_a_collection: []\n")
    result = run_cli("serve", "--fixtures", str(tmp_path), "--port", str(free_server_ports()))
    assert result.returncode == 2
    assert f"{tmp_path}/bitbar.yaml: not_a_collection: Unknown field." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_fixtures_check_reports_yaml_syntax_with_line(tmp_path):
    (tmp_path / "qtest.yaml").write_text("hosts:\n  - {a: 1\n")
    result = run_cli("fixtures", "check", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path}/qtest.yaml (line 3, column 1): not valid YAML" in result.stderr


def test_fixtures_check_passes_on_the_defaults():
    result = run_cli("fixtures", "check")
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "hiptest",
        "qtest",
        "happo",
        "bitbar",
        "sipfront",
    ]


def test_fixtures_generate_is_byte_identical_and_loads(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, "7"), (b, "7"), (c, "8")):
        result = run_cli("fixtures", "generate", "--vendor", "all", "--scale", "5", "--seed", seed, "--out", str(out))
        assert result.returncode == 0, result.stderr
    for vendor in ("hiptest", "qtest", "happo", "bitbar", "sipfront"):
        assert (a / f"{vendor}.yaml").read_bytes() == (b / f"{vendor}.yaml").read_bytes()
    check = run_cli("fixtures", "check", str(a))
    assert check.returncode == 0, check.stderr


def test_unknown_vendor_is_a_usage_error():
    result = run_cli("serve", "--vendors", "jira")
    assert result.returncode == 2
    assert "unknown vendor(s): jira" in result.stderr


def test_routes_command_prints_the_same_table_as_the_control_api(server):
    result = run_cli("routes")
    assert result.returncode == 0, result.stderr
    printed = [tuple(line.split()) for line in result.stdout.splitlines()]
    served = requests.get(f"{server.url}/_mock/routes", timeout=10).json()["routes"]
    assert printed == [(r["vendor"], r["method"], r["path"]) for r in served]


def test_fixtures_folder_per_vendor_names_the_file_in_error(tmp_path):
    folder = tmp_path / "sipfront"
    folder.mkdir()
    (folder / "a.yaml").write_text("{}\n")
    (folder / "b.yaml").write_text("bogus_key: 1\n")
    result = run_cli("fixtures", "check", str(tmp_path), "--vendor", "sipfront")
    assert result.returncode == 2
    assert f"{folder}/b.yaml: bogus_key: Unknown field." in result.stderr


def test_served_process_logs_one_line_per_request(served):
    port, proc = served("--vendors", "bitbar", "--no-vendor-ports")
    wait_health(f"http://127.0.0.1:{port}", proc)
    requests.get(f"http://127.0.0.1:{port}/bitbar/no/such/path", headers={"X-Mock-Tenant": "logged"}, timeout=5)
    time.sleep(0.5)  # access lines are written in batches every 0.1 s, off the request path
    proc.terminate()
    out = proc.communicate(timeout=15)[0]
    # the line as logging's formatter writes it: local time with milliseconds, level, logger, message
    line = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO mockserver\.access: "
                      r"GET /bitbar/no/such/path 404 \d+\.\dms vendor=bitbar tenant=logged")
    assert any(line.fullmatch(text) for text in out.splitlines()), out


def test_a_taken_vendor_port_is_named_and_exits_2():
    import socket

    port = free_server_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 4))
        taken.listen()
        result = run_cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot bind 127.0.0.1:{port + 4} (bitbar)" in result.stderr
    assert "Traceback" not in result.stderr


def test_vendor_options_from_flag_reach_the_vendor(served):
    port, proc = served("--vendors", "hiptest", "--no-vendor-ports", "--vendor-option", "hiptest.rate_limit=2")
    headers = {
        "access-token": "hiptest-demo-token",
        "client": "hiptest-demo-client",
        "uid": "demo@example.com",
        "Accept": "application/vnd.api+json; version=1",
        "X-Mock-Tenant": "opts",
    }
    codes = [
        requests.get(f"http://127.0.0.1:{port}/hiptest/api/projects", headers=headers, timeout=5).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_vendor_options_are_validated():
    from mockserver.settings import from_env

    assert from_env({"MOCKSERVER_VENDOR_OPTIONS": "happo.render_seconds=5 hiptest.rate_limit=9"}).vendor_options == {
        "happo": {"render_seconds": 5},
        "hiptest": {"rate_limit": 9},
    }
    result = run_cli("serve", "--vendor-option", "jira.x=1")
    assert result.returncode == 2 and "unknown vendor 'jira'" in result.stderr


@pytest.mark.parametrize(
    "option, message",
    [
        ("hiptest.rate_limt=5", "hiptest.rate_limt: Unknown field."),
        ("happo.render_seconds=-1", "happo.render_seconds: Must be greater than or equal to 0."),
        ("qtest.scope=[1]", "qtest.scope: Not a valid string."),
    ],
)
def test_a_mistyped_vendor_option_stops_the_server_before_it_binds(option, message):
    result = run_cli("serve", "--port", str(free_server_ports()), "--vendor-option", option)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "flags, message",
    [
        (("--port", "65531"), "port must be between 1 and 65530 (the vendor ports take the next 5), not 65531"),
        (("--port", "0"), "port must be between 1 and 65530"),
        (("--journal-size", "-1"), "journal-size must be at least 0, not -1"),
        (("--threads", "0"), "threads must be at least 1, not 0"),
        (("--max-upload-mb", "0"), "max-upload-mb must be at least 1, not 0"),
        (("--max-stored-mb", "0"), "max-stored-mb must be at least 1, not 0"),
    ],
)
def test_out_of_range_flags_stop_with_a_message_before_anything_starts(flags, message):
    result = run_cli("serve", *flags)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "flags, env, message",
    [
        (("--port", "70000"), {}, "mockserver: --port must be between 1 and 65530"),
        ((), {"PORT": "70000"}, "mockserver: PORT must be between 1 and 65530"),
        ((), {"PORT": "80a"}, "mockserver: PORT='80a': not a whole number"),
        (("--port", "9000"), {"PORT": "70000"}, None),  # the flag wins over the variable
        (("--vendor-option", "hiptest.rate_limt=5"), {},
         "mockserver: --vendor-option hiptest.rate_limt: Unknown field."),
        (("--vendor-option", "nodot"), {}, "mockserver: --vendor-option 'nodot': write VENDOR.OPTION=VALUE"),
        ((), {"MOCKSERVER_VENDOR_OPTIONS": "happo.render_secs=1"},
         "mockserver: MOCKSERVER_VENDOR_OPTIONS happo.render_secs: Unknown field."),
        ((), {"MOCKSERVER_BODY_TIMEOUT": "soon"}, "mockserver: MOCKSERVER_BODY_TIMEOUT='soon': not a number"),
    ],
)
def test_a_bad_setting_is_named_as_given_flag_or_variable(flags, env, message):
    if message is None:  # checked on the settings alone: no server is started
        from mockserver.settings import from_env

        assert from_env(env, port=int(flags[1])).port == int(flags[1])
        return
    result = run_cli("serve", *flags, env=env)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_port_near_the_top_is_fine_without_vendor_ports():
    from mockserver.settings import Settings

    assert Settings(port=65535, vendor_ports=False).port == 65535


def test_the_readme_vendor_table_is_the_registry():
    result = run_cli("vendors", "--markdown")
    assert result.returncode == 0, result.stderr
    table = result.stdout.strip()
    assert len(table.splitlines()) == 2 + len(vendor_names())
    assert table in (ROOT / "README.md").read_text(), (
        "README's vendor table is stale: paste `mockserver vendors --markdown`"
    )
