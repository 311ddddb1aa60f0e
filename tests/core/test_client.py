"""mockserver.client.MockControl against a served app: every helper changes or reads what the API says."""

from __future__ import annotations

import pytest
import requests

from mockserver.client import MockControl, MockControlError
from mockserver.vendors import registry
from tests.harness import new_tenant

BITBAR = registry()["bitbar"].demo_headers
HAPPO = registry()["happo"].demo_headers


@pytest.fixture
def mock(server):
    return MockControl(server.url, tenant=new_tenant("client"))


def bitbar(mock, method, path, **kw):
    return requests.request(method, mock.base_url("bitbar") + path, headers={**BITBAR, **mock.headers},
                            timeout=10, **kw)


def projects(mock):
    return {p["name"] for p in bitbar(mock, "GET", "/api/v2/me/projects").json()["data"]}


def test_health_headers_and_base_url(server, mock):
    assert mock.health()["status"] == "ok" and "bitbar" in mock.health()["vendors"]
    assert mock.headers == {"X-Mock-Tenant": mock.tenant}
    assert MockControl(server.url).headers == {}
    assert mock.base_url("bitbar") == f"{server.url}/bitbar"


def test_writes_are_the_tenants_and_reset_and_snapshots_bring_data_back(server, mock):
    other = mock.for_tenant(new_tenant("other"))
    assert bitbar(mock, "POST", "/api/v2/me/projects", data={"name": "mine"}).status_code == 201
    assert "mine" in projects(mock) and "mine" not in projects(other)
    assert any(p["name"] == "mine" for p in mock.state("bitbar")["tables"]["projects"])
    taken = mock.snapshot("seeded")
    assert taken["name"] == "seeded"
    bitbar(mock, "POST", "/api/v2/me/projects", data={"name": "later"})
    assert mock.restore("seeded")["restored"] is True
    assert "mine" in projects(mock) and "later" not in projects(mock)
    done = mock.reset(keep=["journal"])
    assert done["tenant"] == mock.tenant and "journal" in done["kept"]
    assert "mine" not in projects(mock)
    assert mock.count(method="POST", vendor="bitbar") == 2  # the journal was kept


def test_fault_applies_to_its_tenant_and_clears(mock):
    other = mock.for_tenant(new_tenant("other"))
    rule = mock.fault(vendor="bitbar", path="/api/v2/me", status=503, times=1)
    assert rule["id"] and rule["tenant"] == mock.tenant and rule["status"] == 503
    assert [r["id"] for r in mock.faults()] == [rule["id"]]
    assert bitbar(other, "GET", "/api/v2/me").status_code == 200
    assert bitbar(mock, "GET", "/api/v2/me").status_code == 503
    assert bitbar(mock, "GET", "/api/v2/me").status_code == 200  # times=1 used up
    again = mock.fault(vendor="bitbar", status=500)
    mock.delete_fault(again["id"])
    mock.fault(vendor="bitbar", status=500)
    mock.clear_faults()
    assert mock.faults() == [] and bitbar(mock, "GET", "/api/v2/me").status_code == 200


def test_journal_filters_and_count(mock):
    bitbar(mock, "GET", "/api/v2/me")
    requests.get(mock.base_url("bitbar") + "/api/v2/me", headers=mock.headers, timeout=10)  # no credentials
    seen = mock.requests(vendor="bitbar")
    assert [e["response"]["status"] for e in seen] == [200, 401]
    assert len(mock.requests(status=401)) == 1 and len(mock.requests(limit=1)) == 1
    assert mock.count(method="GET", path="/bitbar/*") == 2 and mock.count(status=401) == 1
    mock.clear_requests()
    assert mock.requests() == [] and mock.count() == 0


def test_clock_advances_freezes_and_runs(mock):
    before = mock.clock()
    assert before["source"] == "server"
    moved = mock.advance_clock(3600)
    assert moved["source"] == "tenant" and moved["epoch"] - before["epoch"] >= 3600
    frozen = mock.freeze("2030-01-01T00:00:00Z")
    assert frozen["mode"] == "frozen" and frozen["now"].startswith("2030-01-01T00:00:00")
    assert mock.clock()["now"] == frozen["now"]
    assert mock.unfreeze()["mode"] == "real"
    assert mock.freeze()["mode"] == "frozen"


def test_outbox_holds_what_the_vendor_sent(mock):
    r = requests.post(mock.base_url("happo") + "/api/reports/base-sha/compare/change-sha",
                      json={"notify": "lead@example.com"}, headers={**HAPPO, **mock.headers}, timeout=10)
    assert r.status_code == 200
    emails = mock.outbox(vendor="happo", kind="email")
    assert "lead@example.com" in [e["payload"]["to"] for e in emails]
    mock.clear_outbox()
    assert mock.outbox() == []


def test_refusals_raise_with_status_and_the_apis_message(mock):
    with pytest.raises(MockControlError) as err:
        mock.fault(vendor="bitbar", status=700)
    assert err.value.status == 400 and "status" in err.value.message
    with pytest.raises(MockControlError) as err:
        mock.restore("never-taken")
    assert err.value.status == 404 and "never-taken" in str(err.value)
    with pytest.raises(MockControlError) as err:
        mock.state("nope")
    assert err.value.status == 404 and "unknown or disabled vendor 'nope'" in err.value.message


def test_the_control_token_is_sent():
    from mockserver.settings import Settings
    from tests.harness import start_server

    running = start_server(Settings(control_token="s3cret", vendors=("bitbar",), vendor_ports=False))
    try:
        with pytest.raises(MockControlError) as err:
            MockControl(running.url).faults()
        assert err.value.status == 401
        mock = MockControl(running.url, tenant="t-token", token="s3cret")
        assert mock.faults() == []
        assert mock.state("bitbar")["tables"]["users"][0]["apiKey"] == "***"
        assert mock.state("bitbar", reveal=True)["tables"]["users"][0]["apiKey"] == "bitbar-demo-key"
    finally:
        running.stop()


def test_the_readme_script_runs_as_written(server, capsys):
    from tests.core.test_pytest_plugin import readme_python

    script = readme_python("In a pytest suite, or any script")[1]
    exec(compile(script.replace("http://127.0.0.1:8080", server.url), "README", "exec"), {})
    mock = MockControl(server.url, tenant="ci-42")
    assert mock.faults() == [] and mock.clock()["source"] == "server"  # the script's reset() put all back
    assert "'reset': ['data', 'clock', 'faults', 'journal', 'outbox']" in capsys.readouterr().out
