"""hiptest-publisher's push and test-run lookup, replayed as its client sends them: a multipart POST whose
parts are named `file-<path>` (content type `text`), the project's secret token in the URL, no header
credentials, `User-Agent: Ruby/hiptest-publisher`; results land in the json:api's test runs."""

from __future__ import annotations

import json

import pytest

from tests.conftest import vendor_client
from tests.vendors.hiptest.conftest import DEMO_HEADERS, SPRINT, run_path, snapshots, statuses

TOKEN = "cash-secret-token"
UA = {"User-Agent": "Ruby/hiptest-publisher"}

JUNIT = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="Withdraw cash" tests="3" failures="1" skipped="1">
  <testcase classname="WithdrawCash" name="test_withdraw_cash_from_an_account_in_credit" time="0.01"/>
  <testcase classname="WithdrawCash" name="test_withdraw_cash_from_an_account_in_debit" time="0.02">
    <failure message="expected refusal">AssertionError</failure></testcase>
  <testcase classname="WithdrawCash" name="test_withdraw_more_cash_than_the_daily_limit"><skipped/></testcase>
  <testcase classname="Other" name="test_not_in_hiptest"/>
</testsuite></testsuites>"""

ROBOT = b"""<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 6.1"><suite name="Card handling">
 <test name="Card is retained after three wrong PINs"><kw name="Step"><status status="PASS"/></kw>
   <status status="FAIL">boom</status></test>
 <test name="Card is returned after the withdrawal"><status status="PASS"/></test>
</suite></robot>"""

NUNIT3 = b"""<?xml version="1.0" encoding="utf-8"?><test-run><test-suite type="TestFixture">
 <test-case name="ExpiredCardIsRejected" fullname="Cash.ExpiredCardIsRejected" result="Passed"/>
 <test-case name="CardIsReturnedAfterTheWithdrawal" result="Failed"/>
</test-suite></test-run>"""

NUNIT2 = b"""<?xml version="1.0"?><test-results><test-suite name="x"><results>
 <test-case name="Cash.Expired card is rejected" executed="True" result="Ignored"/>
</results></test-suite></test-results>"""

TAP = b"""TAP version 13
1..3
ok 1 - Withdraw cash from an account in credit
not ok 2 - Withdraw cash from an account in debit
ok 3 - Expired card is rejected # SKIP no card reader
"""

CUCUMBER = json.dumps([{"name": "Withdraw cash", "elements": [
    {"type": "background", "name": "", "steps": [{"result": {"status": "passed"}}]},
    {"type": "scenario", "name": "Withdraw cash from an account in credit",
     "steps": [{"result": {"status": "passed"}}, {"result": {"status": "failed"}},
               {"result": {"status": "skipped"}}]},
]}]).encode()


@pytest.fixture
def publisher(server, api):
    """hiptest-publisher's side: the same tenant as `api`, without any of the json:api's headers."""
    return vendor_client(server, "hiptest", api.tenant)


def push(client, fmt, files: dict, query="", token=TOKEN):
    # the multipart part hiptest-publisher builds: field "file-<path>", the file name, content type "text"
    parts = {f"file-{name}": (name, body, "text") for name, body in files.items()}
    return client.post(f"/import_test_results/{token}/{fmt}{query}", files=parts, headers=UA)


def by_name(api, run=SPRINT):
    return {t["attributes"]["name"]: t for t in snapshots(api, run)}


def last_status(api, test_id, run=SPRINT):
    r = api.get(run_path(run) + f"/test_snapshots/{test_id}?include=last-result")
    assert r.status_code == 200
    return next(i for i in r.json()["included"] if i["type"] == "test-results")["attributes"]


def test_junit_push_without_header_credentials_lands_in_the_newest_run(publisher, api):
    r = push(publisher, "junit", {"build/reports/TEST-cash.xml": JUNIT})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"test_import": [
        {"name": "Withdraw cash from an account in credit", "status": "passed"},
        {"name": "Withdraw cash from an account in debit", "status": "failed"},
        {"name": "Withdraw more cash than the daily limit", "status": "skipped"},
    ]}
    tests = by_name(api)
    assert last_status(api, tests["Withdraw cash from an account in debit"]["id"])["status"] == "failed"
    # the results count in the run's statuses as any pushed result does
    assert statuses(api)["failed"] >= 1


def test_several_report_files_in_one_push(publisher, api):
    r = push(publisher, "junit", {"a.xml": JUNIT, "b.xml": JUNIT.replace(b"_in_credit", b"_in_credit_x")})
    assert r.status_code == 200
    assert len(r.json()["test_import"]) == 5


def test_uid_in_the_name_picks_that_test_even_in_an_older_run(publisher, api):
    ci_test = snapshots(api, 107422)[0]
    report = f'<testsuite><testcase name="whatever_uid{ci_test["id"]}"><error/></testcase></testsuite>'
    r = push(publisher, "junit", {"r.xml": report.encode()})
    assert r.status_code == 200
    assert r.json()["test_import"] == [{"name": ci_test["attributes"]["name"], "status": "failed"}]
    assert last_status(api, ci_test["id"], 107422)["status"] == "failed"


def test_execution_environment_and_build_name_from_the_query(publisher, api):
    r = push(publisher, "junit", {"r.xml": JUNIT}, "?execution_environment=Firefox%2050&build_name=nightly%2012")
    assert r.status_code == 200
    envs = api.get(run_path() + "/execution_environments").json()["data"]
    firefox = next(e for e in envs if e["attributes"]["name"] == "Firefox 50")
    builds = api.get(run_path() + f"/execution_environments/{firefox['id']}/builds").json()["data"]
    assert [b["attributes"]["name"] for b in builds] == ["nightly 12"]
    # a second push under the same build name fills the same build
    assert push(publisher, "junit", {"r.xml": JUNIT}, "?execution_environment=Firefox%2050&build_name=nightly%2012"
                ).status_code == 200
    assert len(api.get(run_path() + f"/execution_environments/{firefox['id']}/builds").json()["data"]) == 1


def test_unknown_build_id_refuses_before_writing(publisher, api):
    before = statuses(api)
    r = push(publisher, "junit", {"r.xml": JUNIT}, "?build_id=999999")
    assert r.status_code == 404
    assert statuses(api) == before


@pytest.mark.parametrize(("fmt", "body", "expected"), [
    ("robot", ROBOT, [("Card is retained after three wrong PINs", "failed"),
                      ("Card is returned after the withdrawal", "passed")]),
    ("nunit", NUNIT3, [("Expired card is rejected", "passed"), ("Card is returned after the withdrawal", "failed")]),
    ("nunit", NUNIT2, [("Expired card is rejected", "skipped")]),
    ("tap", TAP, [("Withdraw cash from an account in credit", "passed"),
                  ("Withdraw cash from an account in debit", "failed"), ("Expired card is rejected", "skipped")]),
    ("cucumber-json", CUCUMBER, [("Withdraw cash from an account in credit", "failed")]),
])
def test_every_documented_push_format(publisher, api, fmt, body, expected):
    r = push(publisher, fmt, {f"report.{fmt}": body})
    assert r.status_code == 200, r.text
    assert [(t["name"], t["status"]) for t in r.json()["test_import"]] == expected


def test_cucumber_json_step_statuses_are_kept(publisher, api):
    assert push(publisher, "cucumber-json", {"c.json": CUCUMBER}).status_code == 200
    test = by_name(api)["Withdraw cash from an account in credit"]
    steps = last_status(api, test["id"])["step-statuses"]
    # three statuses for a test of more steps: matched to its scenario's steps, spread over action words
    assert steps[0] == "passed" and "failed" in steps and steps[-1] == "undefined"


@pytest.mark.parametrize(("fmt", "body"), [("junit", b"<testsuite><testcase"), ("cucumber-json", b"{not json"),
                                          ("tap", b"nothing here"), ("junit", b'<!DOCTYPE x [<!ENTITY a "b">]><x/>')])
def test_an_unreadable_report_is_refused_and_nothing_is_written(publisher, api, fmt, body):
    before = statuses(api)
    files = {"good.xml": JUNIT, "bad": body} if fmt == "junit" else {"bad": body}
    r = push(publisher, fmt, files)
    assert r.status_code == 422
    assert r.json()["errors"][0].startswith("Unable to read bad: ")
    assert statuses(api) == before


def test_wrong_token_unknown_format_and_no_file(publisher):
    assert push(publisher, "junit", {"r.xml": JUNIT}, token="nope").status_code == 404
    assert push(publisher, "xunit", {"r.xml": JUNIT}).status_code == 404
    r = publisher.post(f"/import_test_results/{TOKEN}/junit", data={"x": "1"}, headers=UA)
    assert r.status_code in (400, 422)
    assert "errors" in r.json()


def test_test_runs_list_for_test_run_name_lookup(publisher):
    r = publisher.get(f"/publication/{TOKEN}/test_runs", headers=UA)
    assert r.status_code == 200
    runs = {t["name"]: t["id"] for t in r.json()["test_runs"]}
    assert runs == {"Continuous integration": "107422", "Sprint 1": "107423"}
    books = publisher.get("/publication/bookstore-secret-token/test_runs").json()["test_runs"]
    assert [t["name"] for t in books] == ["Release 1.0"]
    assert publisher.get("/publication/wrong/test_runs").status_code == 404


def test_global_failure_fails_every_test_of_the_run(publisher, api):
    r = publisher.post(f"/report_global_failure/{TOKEN}/{SPRINT}/", headers=UA)
    assert r.status_code == 200
    total = len(snapshots(api))
    assert len(r.json()["test_import"]) == total
    assert statuses(api)["failed"] == total
    assert publisher.post(f"/report_global_failure/{TOKEN}/107400/", headers=UA).status_code == 404


def test_the_json_api_headers_are_not_needed_but_do_no_harm(api):
    assert api.session.headers["access-token"] == DEMO_HEADERS["access-token"]
    assert push(api, "junit", {"r.xml": JUNIT}).status_code == 200
