"""The pytest plugin as a user meets it: an outside suite, run by pytester, against a real server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.harness import start_server

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_python(heading: str) -> list[str]:
    """The ```python blocks of the README section under `heading`."""
    section = README.read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow  # each case runs a pytest that starts a server

SUITE = '''
import requests

def test_writes(mockserver, mock_tenant):
    r = requests.post(mockserver.base_url("bitbar") + "/api/v2/me/projects", data={"name": "plugin-made"},
                      headers={**mockserver.credentials("bitbar"), **mock_tenant.headers}, timeout=10)
    assert r.status_code == 201
    assert mock_tenant.count(method="POST", vendor="bitbar") == 1
    assert mock_tenant.name.startswith("pytest-")

def test_does_not_see_it_and_faults_are_its_own(mockserver, mock_tenant):
    me = mockserver.base_url("bitbar") + "/api/v2/me/projects"
    names = [p["name"] for p in requests.get(me, headers={**mockserver.credentials("bitbar"), **mock_tenant.headers},
                                             timeout=10).json()["data"]]
    assert "plugin-made" not in names
    assert mock_tenant.requests(vendor="bitbar")[0]["path"].endswith("/api/v2/me/projects")
    mock_tenant.fault(vendor="bitbar", path="/api/v2/me", status=503)
    mine = requests.get(mockserver.base_url("bitbar") + "/api/v2/me",
                        headers={**mockserver.credentials("bitbar"), **mock_tenant.headers}, timeout=10)
    other = mockserver.tenant("someone-else")
    theirs = requests.get(mockserver.base_url("bitbar") + "/api/v2/me",
                          headers={**mockserver.credentials("bitbar"), **other.headers}, timeout=10)
    assert (mine.status_code, theirs.status_code) == (503, 200)

def test_clock_and_snapshots(mock_tenant):
    before = mock_tenant.clock()["epoch"]
    assert mock_tenant.advance_clock(600)["epoch"] - before >= 600
    mock_tenant.snapshot("start")
    assert mock_tenant.restore("start")["restored"] is True
    assert mock_tenant.outbox() == []
'''


def test_an_outside_suite_gets_its_own_server_and_a_tenant_per_test(pytester):
    readme_test = readme_python("In a pytest suite, or any script")[0]  # the README's five lines, as written
    pytester.makepyfile(test_outside=SUITE, test_readme=readme_test)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_thread_mode_and_vendors_and_own_ports(pytester):
    pytester.makepyfile(test_outside=SUITE + '''
def test_only_bitbar_and_its_own_port(mockserver):
    assert mockserver.control.health()["vendors"] == ["bitbar"]
    r = requests.get(mockserver.port_url("bitbar") + "/api/v2/me", headers=mockserver.credentials("bitbar"), timeout=10)
    assert r.status_code == 200
''')
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "--mockserver-mode", "thread",
                                           "--mockserver-vendors", "bitbar")
    result.assert_outcomes(passed=4)


def test_against_an_already_running_server(pytester):
    running = start_server()
    try:
        pytester.makepyfile(test_outside=SUITE + f'''
def test_it_is_that_server(mockserver):
    assert mockserver.url == "{running.url}"
''')
        result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "--mockserver-url", running.url)
        result.assert_outcomes(passed=4)
        # the suite's tenants were reset when their tests ended: none holds fault rules or journal
        assert [r for r in running.core.faults.list() if r["tenant"].startswith("pytest-")] == []
        assert [t for t, n in running.core.journal.sizes().items() if t.startswith("pytest-") and n] == []
    finally:
        running.stop()


def test_a_broken_start_fails_with_the_servers_words(pytester, tmp_path):
    pytester.makepyfile(test_outside="def test_it(mockserver):\n    pass\n")
    result = pytester.runpytest("-q", "-p", "no:cacheprovider", "--mockserver-fixtures",
                                           str(tmp_path / "missing"))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockserver did not start*", "*fixtures*"])


def test_a_suite_that_does_not_ask_starts_nothing(pytester):
    pytester.makepyfile(test_outside="def test_it():\n    pass\n")
    result = pytester.runpytest("-q", "-p", "no:cacheprovider", "--mockserver-url",
                                           "http://127.0.0.1:9")  # nothing answers there, and nothing asks
    result.assert_outcomes(passed=1)
