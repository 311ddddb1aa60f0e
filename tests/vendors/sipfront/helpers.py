"""Shared pieces of the Sipfront tests: demo credentials, the mock clock, and a poller that talks to the
mock the way Sipfront's official GitHub Action (sipfront/action-call-test) talks to the real API."""

from __future__ import annotations

import requests

PUBLIC_KEY = "sipfront-demo-public"
SECRET = "sipfront-demo-secret"
AUTH = (PUBLIC_KEY, SECRET)
API = "/api/v2"
DOC_SESSION = "bae59eae-c123-45ee-6789-6cb5e9a2b1c2"
T0 = "2030-01-01T00:00:00Z"


def set_clock(server, control, when: str = T0) -> None:
    r = control.post(f"{server.url}/_mock/clock", json={"set": when}, timeout=10)
    assert r.status_code == 200


def advance(server, control, seconds: float) -> None:
    r = control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)
    assert r.status_code == 200


class ActionFailed(Exception):
    """What the Action reports through core.setFailed."""


class ActionLikeRunner:
    """The Action's HTTP conversation: postJson with flat dotted keys, then getJson on status_url until
    run[<field>] is no longer 'running'. Waiting between polls advances the mock clock instead of sleeping."""

    def __init__(self, client, server, control, poll_interval: int = 3, timeout: int = 1800):
        self.client = client
        self.server = server
        self.control = control
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.polls = 0
        self.headers = {"User-Agent": "sipfront-gh-client", "Accept": "application/json"}

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        response = self.client.session.request(method, url, auth=AUTH, headers=self.headers, timeout=30, **kwargs)
        if self.client.validator is not None:
            self.client.validator.check(response)
        return response

    @staticmethod
    def _assert_ok(response: requests.Response, what: str) -> dict:
        body = response.json()
        if not 200 <= response.status_code < 300:
            raise ActionFailed(body.get("error") or body.get("description") or f"{what} (HTTP {response.status_code})")
        return body

    def _launch(self, path: str, data: dict, what: str) -> dict:
        body = self._assert_ok(self._send("POST", self.client.url(API + path), json=data), what)
        if not body.get("data", {}).get("status_url"):
            raise ActionFailed("Unexpected response from Sipfront API: missing status URL")
        return body

    def _poll(self, status_url: str, field: str) -> dict:
        waited = 0
        while True:
            if waited >= self.timeout:
                raise ActionFailed(f"Timed out after {self.timeout}s waiting for the run to finish")
            body = self._assert_ok(self._send("GET", status_url), "Failed to fetch status")
            self.polls += 1
            if "run" not in body:
                raise ActionFailed("Unexpected response from Sipfront API: missing run status")
            run = body["run"]
            if run.get(field) != "running":
                return run
            advance(self.server, self.control, self.poll_interval)
            waited += self.poll_interval

    def run_call_test(self, name: str, destination: str = "", report_mode: str = "") -> dict:
        data = {"test.name": name}
        if destination:
            data["step.1.0.dial_destination"] = destination
        if report_mode:
            data["report.mode"] = report_mode
        body = self._launch("/tests/run", data, "Failed to trigger test run")
        run = self._poll(body["data"]["status_url"], "session_status")
        outputs = {
            "session_id": run.get("session_id"),
            "status": run.get("status") or run.get("session_status"),
            "result_description": run.get("result_description") or "",
            "report_url": body["data"].get("report_url") or "",
            "test_name": run.get("test_name"),
            "started_at": run.get("started_at"),
            "stopped_at": run.get("stopped_at"),
            "tags": run.get("tags"),
        }
        outputs["failed"] = run.get("session_status") == "failed"
        return outputs

    def run_project(self, project_id=None, project_name: str = "", test_ids=(), report_mode: str = "") -> dict:
        data: dict = {}
        if project_id is not None:
            data["id"] = int(project_id)
        elif project_name:
            data["project.name"] = project_name
        if report_mode:
            data["report.mode"] = report_mode
        if test_ids:
            data["test_ids"] = list(test_ids)
        body = self._launch("/projects/run", data, "Failed to trigger project run")
        run = self._poll(body["data"]["status_url"], "run_status")
        outputs = {
            "project_run_id": body["data"].get("project_run_id"),
            "project_run_uuid": body["data"].get("project_run_uuid"),
            "status": run.get("run_status"),
            "report_url": body["data"].get("report_url") or "",
            "project_id": run.get("project_id"),
            "total_tests": run.get("total_tests"),
            "tests_started": run.get("tests_started"),
            "started_at": run.get("created_at"),
            "stopped_at": run.get("stopped_at"),
        }
        outputs["failed"] = run.get("run_status") in ("failed", "stopped")
        return outputs
