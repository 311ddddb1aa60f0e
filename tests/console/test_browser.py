"""The console at /_mock/ui in a real browser (headless Chromium) against `mockserver serve`: the journal,
the clock moving Bitbar runs, Hiptest tiles, Happo reviews, fault rules, tenants kept apart, the control token.
Screenshots of every view land in build/ui-screenshots/."""

from __future__ import annotations

import base64
import shlex
import subprocess
import uuid

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.console.browser import screenshot, start_browser, stop_browser
from tests.harness import free_server_ports
from tests.served import SCRIPT, wait_health

BITBAR = {"Authorization": "Basic " + base64.b64encode(b"bitbar-demo-key:").decode(), "Accept": "application/json"}
HAPPO = {"Authorization": "Basic " + base64.b64encode(b"happo-demo-key:happo-demo-secret").decode()}
HIPTEST = {"Accept": "application/vnd.api+json; version=1", "access-token": "hiptest-demo-token",
           "client": "hiptest-demo-client", "uid": "demo@example.com"}
PROJECT = "/api/v2/me/projects/31945182"
TOKEN = "console-test-token"


def _serve(*extra):
    for _ in range(5):
        port = free_server_ports()
        proc = subprocess.Popen([SCRIPT, "serve", "--port", str(port), *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            wait_health(f"http://127.0.0.1:{port}", proc)
        except AssertionError as exc:
            proc.kill()
            proc.wait()
            if "cannot bind" in str(exc):
                continue
            raise
        return f"http://127.0.0.1:{port}", proc
    raise AssertionError("no free block of ports")


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def base():
    url, proc = _serve()
    yield url
    _stop(proc)


@pytest.fixture(scope="module")
def browser():
    driver = start_browser()
    yield driver
    stop_browser(driver)


@pytest.fixture
def tenant():
    return f"ui-{uuid.uuid4().hex[:8]}"


class Console:
    def __init__(self, browser, base):
        self.browser, self.base = browser, base

    def open(self, view: str, tenant: str) -> None:
        self.browser.get("about:blank")  # a fresh page: another test's filters stay behind
        self.browser.get(f"{self.base}/_mock/ui#{view}?tenant={tenant}")
        self.wait(lambda: self.browser.find_element(By.TAG_NAME, "body").get_attribute("data-tenant") == tenant)
        self.wait(lambda: self.browser.find_element(By.TAG_NAME, "body").get_attribute("data-refreshed"))

    def wait(self, condition, timeout: float = 10, message: str = ""):
        def attempt(_):
            try:
                return condition()
            except StaleElementReferenceException:  # the page re-rendered under us: look again
                return False
        return WebDriverWait(self.browser, timeout, poll_frequency=0.1).until(attempt, message)

    def find(self, css: str):
        return self.browser.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str):
        return self.browser.find_elements(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        self.find(css).click()

    def journal_paths(self) -> list[str]:
        return [td.text for td in self.all("#request-rows td.path")]


@pytest.fixture
def console(browser, base):
    browser.delete_all_cookies()
    yield Console(browser, base)
    browser.execute_script("sessionStorage.clear()")


def _colour(element) -> str:
    return element.value_of_css_property("background-color")


def test_the_journal_shows_a_clients_requests_newest_first_and_opens_one(console, base, tenant):
    me = requests.get(f"{base}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": tenant}, timeout=10)
    assert me.status_code == 200
    console.open("requests", tenant)
    console.wait(lambda: console.journal_paths() == ["/bitbar/api/v2/me"], message="the client's request")
    made = requests.post(f"{base}/bitbar{PROJECT}/runs", params={"name": "From the journal"}, timeout=10,
                         headers={**BITBAR, "X-Mock-Tenant": tenant})
    assert made.status_code == 201
    # auto-refresh: the new request appears, on top, without a reload
    console.wait(lambda: console.journal_paths()[:1] == [f"/bitbar{PROJECT}/runs?name=From+the+journal"],
                 message="the newest request first")
    console.all("#request-rows tr")[0].click()
    console.wait(lambda: console.find("#request-detail").is_displayed())
    response = console.find("pre[data-body=response]").text
    assert '"displayName": "From the journal"' in response  # pretty-printed JSON, one key a line
    assert response.startswith("{\n  ")
    detail = console.find("#request-detail").text
    assert "X-Mock-Tenant" in detail and tenant in detail and "201" in detail
    screenshot(console.browser, "requests")

    # copy as curl: the command, with the redacted credential put back, gets the answer the client got
    curl = console.find("#curl-text").text
    assert curl.startswith("curl -X POST ") and f"X-Mock-Tenant: {tenant}" in curl
    command = shlex.split(curl.replace("Authorization: ***", "Authorization: " + BITBAR["Authorization"]))
    again = subprocess.run([*command, "-sS", "-o", "/dev/null", "-w", "%{http_code}"], capture_output=True, text=True,
                           timeout=30)
    assert again.stdout == "201", (curl, again.stderr)

    # filters: by vendor and by status
    requests.get(f"{base}/happo/api/flake", headers={**HAPPO, "X-Mock-Tenant": tenant}, timeout=10)
    console.wait(lambda: len(console.journal_paths()) == 4)
    Select(console.find("#f-vendor")).select_by_value("happo")
    console.wait(lambda: console.journal_paths() == ["/happo/api/flake"], message="vendor filter")
    Select(console.find("#f-vendor")).select_by_value("")
    console.find("#f-status").send_keys("201")
    console.wait(lambda: len(console.journal_paths()) == 2 and all("/runs?name=" in p for p in console.journal_paths()),
                 message="status filter")


def test_advancing_the_clock_finishes_a_bitbar_run_and_a_result_recolours_a_hiptest_tile(console, base, tenant):
    control = f"{base}/_mock/clock?tenant={tenant}"
    assert requests.post(control, json={"set": "2030-01-01T00:00:00Z"}, timeout=10).status_code == 200
    headers = {**BITBAR, "X-Mock-Tenant": tenant}
    assert requests.post(f"{base}/bitbar{PROJECT}/config", params={"usedDeviceGroupId": 4150}, headers=headers,
                         timeout=10).status_code == 201
    run = requests.post(f"{base}/bitbar{PROJECT}/runs", params={"name": "Nightly"}, headers=headers, timeout=10).json()
    requests.post(f"{base}/happo/api/reports/base-sha/compare/change-sha", json={},  # for the screenshot
                  headers={**HAPPO, "X-Mock-Tenant": tenant}, timeout=10)
    console.open("vendors", tenant)
    row = f"#card-bitbar tr[data-run='{run['id']}']"
    console.wait(lambda: console.find(row).get_attribute("data-state") == "WAITING", message="a waiting run")
    assert console.find("#clock-mode").text == "frozen"

    console.find("#advance-by").clear()
    console.find("#advance-by").send_keys("30")
    console.click("#advance")
    console.wait(lambda: console.find(row).get_attribute("data-state") == "RUNNING", message="running after 30 s")
    assert "2030-01-01 00:00:30 UTC" in console.find("#clock-now").text
    console.click("button[data-advance='600']")
    console.wait(lambda: console.find(row).get_attribute("data-state") == "FINISHED", message="finished after 10 min")
    outcomes = sorted(p.text.rsplit(": ", 1)[1] for p in console.all(f"{row} .devices .pill"))
    assert outcomes == ["FAILED", "SUCCEEDED", "WARNING"]
    assert requests.get(f"{base}/bitbar{PROJECT}/runs/{run['id']}", headers=headers, timeout=10).json()["state"] \
        == "FINISHED"

    # Hiptest: the tutorial's colours; a failed result turns "Continuous integration" from passed to failed
    tile = "#card-hiptest .tile[data-run='107422']"
    assert console.find(tile).get_attribute("data-status") == "passed"
    assert _colour(console.find(tile)) == "rgba(46, 204, 154, 1)"  # #2ECC9A
    assert console.find("#card-hiptest .tile[data-run='107423']").get_attribute("data-status") == "failed"
    hip = {**HIPTEST, "X-Mock-Tenant": tenant}
    runs = f"{base}/hiptest/api/projects/61344/test_runs/107422"
    test_id = requests.get(f"{runs}/test_snapshots", headers=hip, timeout=10).json()["data"][0]["id"]
    pushed = requests.post(f"{runs}/test_snapshots/{test_id}/test_results", headers=hip, timeout=10,
                           json={"data": {"type": "test-results", "attributes": {
                               "status": "failed", "status-author": "CI", "description": "Timeout"}}})
    assert pushed.status_code == 201, pushed.text
    console.wait(lambda: console.find(tile).get_attribute("data-status") == "failed", message="the tile turns failed")
    assert _colour(console.find(tile)) == "rgba(223, 24, 42, 1)"  # #DF182A
    assert "passed: 5 failed: 1" in console.find(tile).text
    screenshot(console.browser, "vendors", full_page=True)


def test_accepting_a_happo_comparison_is_what_the_vendor_api_then_reports(console, base, tenant):
    headers = {**HAPPO, "X-Mock-Tenant": tenant}
    compare = f"{base}/happo/api/reports/base-sha/compare/change-sha"
    assert requests.post(compare, json={}, headers=headers, timeout=10).status_code == 200
    assert requests.get(f"{compare}/status", headers=headers, timeout=10).json()["status"] == "awaiting review"
    console.open("vendors", tenant)
    card = "#card-happo .comparison[data-sha1='base-sha'][data-sha2='change-sha']"
    console.wait(lambda: console.find(card).get_attribute("data-status") == "awaiting review")
    # before/after images come from the tenant's world through the path form (an <img> sends no header)
    images = console.all(f"{card} img")
    assert len(images) == 4 and all(f"/happo/_tenant/{tenant}/snapshots/" in i.get_attribute("src") for i in images)
    console.wait(lambda: all(console.browser.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images),
                 message="the images load")
    screenshot(console.browser, "happo", full_page=True)

    console.click(f"{card} button.accept")
    console.wait(lambda: console.find(card).get_attribute("data-status") == "success", message="accepted")
    assert requests.get(f"{compare}/status", headers=headers, timeout=10).json()["status"] == "success"
    console.click(f"{card} button.reject")
    console.wait(lambda: console.find(card).get_attribute("data-status") == "failure", message="rejected")
    assert requests.get(f"{compare}/status", headers=headers, timeout=10).json()["status"] == "failure"


def test_a_fault_added_in_the_console_answers_the_next_vendor_request(console, base, tenant):
    console.open("faults", tenant)
    console.wait(lambda: console.find("#faults-empty").is_displayed())
    Select(console.find("#fault-vendor")).select_by_value("bitbar")
    console.find("#fault-path").send_keys("/api/v2/me")
    console.find("#fault-status").send_keys("503")
    console.find("#fault-times").send_keys("1")
    console.click("#fault-form button[type=submit]")
    console.wait(lambda: len(console.all("#fault-rows tr")) == 1, message="the rule listed")
    rules = requests.get(f"{base}/_mock/faults", params={"tenant": tenant}, timeout=10).json()["faults"]
    assert [(r["vendor"], r["path"], r["status"], r["times"]) for r in rules] == [("bitbar", "/api/v2/me", 503, 1)]
    screenshot(console.browser, "faults")

    headers = {**BITBAR, "X-Mock-Tenant": tenant}
    assert requests.get(f"{base}/bitbar/api/v2/me", headers=headers, timeout=10).status_code == 503
    assert requests.get(f"{base}/bitbar/api/v2/me", headers=headers, timeout=10).status_code == 200  # used up
    assert requests.get(f"{base}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": tenant + "-other"},
                        timeout=10).status_code == 200
    console.wait(lambda: not console.all("#fault-rows tr"), message="the used-up rule gone")

    # a rule the API refuses shows its words; a rule removed in the console is gone from the API
    Select(console.find("#fault-kind")).select_by_visible_text("connection_reset")  # the form keeps status 503
    console.click("#fault-form button[type=submit]")
    console.wait(lambda: "fault" in console.find("#fault-error").text, message="the refusal shown")
    assert requests.get(f"{base}/_mock/faults", params={"tenant": tenant}, timeout=10).json()["faults"] == []
    console.find("#fault-status").clear()
    Select(console.find("#fault-kind")).select_by_visible_text("none")
    console.find("#fault-delay").send_keys("250")
    console.click("#fault-form button[type=submit]")
    console.wait(lambda: "delay 250 ms" in console.find("#fault-rows").text, message="the delay rule listed")
    assert console.find("#fault-error").text == ""
    console.click("#fault-rows button.remove")
    console.wait(lambda: not console.all("#fault-rows tr"), message="removed")
    assert requests.get(f"{base}/_mock/faults", params={"tenant": tenant}, timeout=10).json()["faults"] == []


def test_two_tenants_show_their_own_data(console, base, tenant):
    other = tenant + "-b"
    requests.get(f"{base}/bitbar/api/v2/devices", headers={**BITBAR, "X-Mock-Tenant": tenant}, timeout=10)
    requests.get(f"{base}/sipfront/api/v2/", headers={"X-Mock-Tenant": other}, timeout=10)  # a 401, journaled
    requests.post(f"{base}/happo/api/reports/base-sha/compare/change-sha", json={},
                  headers={**HAPPO, "X-Mock-Tenant": tenant}, timeout=10)
    console.open("requests", tenant)
    console.wait(lambda: "/bitbar/api/v2/devices" in console.journal_paths())
    assert "/sipfront/api/v2/" not in console.journal_paths()

    # the picker: type the other tenant's name; the journal, the URL and the header follow
    field = console.find("#tenant")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(other, Keys.ENTER)
    console.wait(lambda: console.journal_paths() == ["/sipfront/api/v2/"], message="the other tenant's journal")
    assert console.browser.current_url.endswith(f"#requests?tenant={other}")
    options = [o.get_attribute("value") for o in console.all("#tenant-list option")]
    assert tenant in options and "default" in options

    console.click("#tabs a[data-view=vendors]")
    console.wait(lambda: "No comparisons yet" in console.find("#card-happo").text)
    console.open("vendors", tenant)
    console.wait(lambda: console.all("#card-happo .comparison"))


def test_clock_freeze_snapshots_and_reset_from_the_header(console, base, tenant):
    requests.get(f"{base}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": tenant}, timeout=10)
    console.open("requests", tenant)
    console.wait(lambda: console.find("#clock-mode").text == "real")
    console.click("#freeze")
    console.wait(lambda: console.find("#clock-mode").text == "frozen")
    clock = requests.get(f"{base}/_mock/clock", params={"tenant": tenant}, timeout=10).json()
    assert clock["mode"] == "frozen" and clock["source"] == "tenant"

    console.click("#snapshots-toggle")
    console.find("#snapshot-name").send_keys("seeded")
    console.click("#snapshot-form button[type=submit]")
    console.wait(lambda: console.all("#snapshot-rows tr[data-snapshot=seeded]"))
    listed = requests.get(f"{base}/_mock/snapshots", params={"tenant": tenant}, timeout=10).json()["snapshots"]
    assert [s["name"] for s in listed] == ["seeded"]

    console.wait(lambda: console.journal_paths() == ["/bitbar/api/v2/me"])
    console.click("#reset")  # the first click only arms it
    assert requests.get(f"{base}/_mock/requests", params={"tenant": tenant}, timeout=10).json()["count"] == 1
    console.click("#reset")
    console.wait(lambda: console.journal_paths() == [] and console.find("#clock-mode").text == "real")
    assert requests.get(f"{base}/_mock/requests", params={"tenant": tenant}, timeout=10).json()["count"] == 0


def test_outbox_lists_what_the_vendors_sent(console, base, tenant):
    requests.post(f"{base}/happo/api/reports/base-sha/compare/change-sha", json={"notify": "qa@example.com"},
                  headers={**HAPPO, "X-Mock-Tenant": tenant}, timeout=10)
    sent = requests.get(f"{base}/_mock/outbox", params={"tenant": tenant}, timeout=10).json()["outbox"]
    console.open("outbox", tenant)
    console.wait(lambda: len(console.all("#outbox-rows .message")) == len(sent) > 0)
    assert "qa@example.com" in console.find("#outbox-rows").text
    screenshot(console.browser, "outbox")


def test_with_a_control_token_the_page_loads_and_asks_for_it(browser, tenant):
    url, proc = _serve("--control-token", TOKEN)
    try:
        assert requests.get(f"{url}/_mock/ui", timeout=10).status_code == 200
        assert requests.get(f"{url}/_mock/vendors", timeout=10).status_code == 401
        requests.get(f"{url}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": tenant}, timeout=10)
        console = Console(browser, url)
        browser.get(f"{url}/_mock/ui#requests?tenant={tenant}")
        console.wait(lambda: "control token" in console.find("#notice").text, message="asks for the token")
        console.find("#token").send_keys(TOKEN, Keys.ENTER)
        console.wait(lambda: console.journal_paths() == ["/bitbar/api/v2/me"], message="works with the token")
        assert browser.execute_script("return sessionStorage.getItem('mockserver-console-token')") == TOKEN
        assert console.find("#notice").get_attribute("hidden") is not None
    finally:
        browser.execute_script("sessionStorage.clear()")
        _stop(proc)


def test_no_script_error_on_any_view(console, tenant):
    console.browser.get_log("browser")  # what earlier tests provoked on purpose (a refused rule, 401s)
    for view in ("requests", "vendors", "faults", "outbox"):
        console.open(view, tenant)
    errors = [e for e in console.browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_xml_and_form_bodies_are_pretty_printed(console, base, tenant):
    xml = requests.get(f"{base}/bitbar/api/v2/me", headers={"Authorization": BITBAR["Authorization"],
                                                          "X-Mock-Tenant": tenant}, timeout=10)
    assert xml.status_code == 200 and xml.text.lstrip().startswith("<")
    form = requests.post(f"{base}/qtest/oauth/token", headers={"X-Mock-Tenant": tenant}, timeout=10,
                         data={"grant_type": "password", "username": "demo@example.com", "password": "demo-password"})
    assert form.status_code == 200
    console.open("requests", tenant)
    console.wait(lambda: console.journal_paths() == ["/qtest/oauth/token", "/bitbar/api/v2/me"])
    console.all("#request-rows tr")[0].click()
    console.wait(lambda: "grant_type = password" in console.find("pre[data-body=request]").text)
    assert "username = demo@example.com" in console.find("pre[data-body=request]").text
    console.all("#request-rows tr")[1].click()
    console.wait(lambda: console.find("#request-detail").get_attribute("data-id") != "")
    body = console.wait(lambda: console.find("pre[data-body=response]").text if "\n  <" in
                        console.find("pre[data-body=response]").text else None, message="indented XML")
    assert "<email>demo@example.com</email>" in body
