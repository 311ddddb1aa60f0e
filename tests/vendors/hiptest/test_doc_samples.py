"""Every request sample of the Hiptest API tutorial (../shared/vendor-docs/hiptest-api-tutorial.txt), replayed.

The tutorial shows each request three ways — raw HTTP, curl and PowerShell — plus the dashboard's Ruby job;
every one is read out of the doc and sent with the host changed and its placeholders (`your-access-token`,
`[project_id]` …) filled in with the demo credentials and the sample project. Each answer must be what the
doc shows: the sign-in's credential headers, the two sample projects, the two test runs with their statuses.
"""

from __future__ import annotations

import re

import pytest

from tests.vendors.doc_samples import Sample, curls, powershell, raw_http, replay, vendor_doc

DOC = vendor_doc("hiptest-api-tutorial.txt")
PLACEHOLDERS = {
    "your_email_address@example.com": "demo@example.com", "your-password": "demo-password",
    "your-access-token": "hiptest-demo-token", "your-client-id": "hiptest-demo-client",
    "you-client-id": "hiptest-demo-client",  # the PowerShell samples' spelling
    "your_uid": "demo@example.com", "your-uid": "demo@example.com", "[project_id]": "61344",
}


def _ruby_job(text: str) -> list[Sample]:
    """The dashboard job (jobs/hiptest.rb): PROJECT_URL and the request['…'] headers it sets."""
    url = re.search(r'PROJECT_URL = "([^"]+)"', text).group(1).replace("#{PROJECT_ID}", "[project_id]")
    consts = dict(re.findall(r"^(ACCESS_TOKEN|CLIENT_ID|UID) = '([^']*)'", text, re.M))
    headers = []
    for name, value in re.findall(r"request\['([\w-]+)'\] = (.+)", text):
        value = value.strip()
        headers.append((name, value.strip('"') if value.startswith('"') else consts[value]))
    return [Sample("code", "GET", url, headers, line=text[:text.index("PROJECT_URL =")].count("\n") + 1)]


def _body(sample: Sample) -> str | None:
    # the doc's text rendering dropped the raw sample's braces (its curl twin shows them): put them back
    if sample.kind == "http" and sample.body and not sample.body.startswith("{"):
        return "{" + sample.body + "}"
    return sample.body


SAMPLES = raw_http(DOC) + curls(DOC) + powershell(DOC) + _ruby_job(DOC)


def _documented_runs(text: str) -> dict[str, tuple[str, dict]]:
    """The test-run list's example answer: id → (name, statuses)."""
    start = text.index('"type": "test-runs"')
    example = text[start:text.index('"included": []', start)]
    runs = {}
    for block in example.split('"type": "test-runs"')[1:]:
        statuses = {k: int(v) for k, v in re.findall(r'"(\w+)": (\d+)', block)}
        runs[re.search(r'"id": "(\d+)"', block).group(1)] = (re.search(r'"name": "([^"]+)"', block).group(1),
                                                             statuses)
    return runs


DOCUMENTED_PROJECTS = dict(re.findall(r'"id": "(\d+)",\s*"attributes": \{\s*"name": "([^"]+)"', DOC))
DOCUMENTED_RUNS = _documented_runs(DOC)


def test_the_doc_has_its_samples():
    # sign-in, projects and test runs, each as raw HTTP, curl and PowerShell; and the Ruby job
    assert [(s.kind, s.method) for s in SAMPLES].count(("curl", "GET")) == 2
    assert len(SAMPLES) == 10
    assert DOCUMENTED_PROJECTS == {"61344": "Testing CASH WITHDRAWAL (sample N°2)",
                                   "46292": "Testing BOOKSTORE (sample N°1)"}
    assert set(DOCUMENTED_RUNS) == {"107423", "107422"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.id for s in SAMPLES])
def test_doc_sample_answers_as_documented(hiptest, sample):
    r = replay(hiptest, Sample(sample.kind, sample.method, sample.url, sample.headers, _body(sample)), PLACEHOLDERS)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    path = sample.url.split("hiptest.net", 1)[1]
    if path == "/api/auth/sign_in":
        # "An Access-Token, Client and UID will then be part of the HTTP response headers"
        assert r.headers["token-type"] == "Bearer" and r.headers["uid"] == "demo@example.com"
        assert r.headers["access-token"] and r.headers["client"] and r.headers["expiry"].isdigit()
        return
    assert r.headers["Content-Type"] == "application/vnd.api+json"
    data = r.json()["data"]
    if path == "/api/projects":
        assert {p["id"]: p["attributes"]["name"] for p in data} == DOCUMENTED_PROJECTS
        assert all(p["type"] == "projects" and p["links"] == {"self": f"/projects/{p['id']}"} for p in data)
    else:
        assert r.json()["included"] == []
        got = {run["id"]: (run["attributes"]["name"], run["attributes"]["statuses"]) for run in data}
        assert got == DOCUMENTED_RUNS
        assert all(run["links"] == {"self": f"/test-runs/{run['id']}"} and run["relationships"] == {"tags": {}}
                   for run in data)


def test_a_signed_in_sample_uses_the_credentials_the_sign_in_sample_returned(hiptest):
    """The tutorial's flow: sign in, then send the headers it answered with (no demo token)."""
    signed = replay(hiptest, next(s for s in SAMPLES if s.kind == "curl" and s.method == "POST"), PLACEHOLDERS)
    issued = {k: signed.headers[k] for k in ("access-token", "client", "uid")}
    projects = next(s for s in SAMPLES if s.kind == "http" and s.url.endswith("/api/projects"))
    r = replay(hiptest, projects, {"your-access-token": issued["access-token"], "your-client-id": issued["client"],
                                   "your_uid": issued["uid"]})
    assert r.status_code == 200 and len(r.json()["data"]) == 2
