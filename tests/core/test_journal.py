"""The journal answers questions: each request with its answer, counted by a matcher, misses findable."""

from __future__ import annotations

import requests


def _last(demo, **params):
    return demo.mock("GET", "/requests", params={"tenant": demo.tenant, "limit": 1, **params}).json()["requests"][0]


def test_each_entry_holds_the_response_too(demo):
    created = demo("POST", "/items", json={"name": "answered"})
    assert created.status_code == 201
    entry = _last(demo)
    answer = entry["response"]
    assert answer["status"] == 201 == entry["status"]
    assert answer["headers"]["Content-Type"] == created.headers["Content-Type"]
    assert answer["body"] == created.text and answer["body_size"] == len(created.content)
    assert answer["body_truncated"] is False
    assert entry["unmatched"] is False


def test_a_long_answer_is_kept_truncated_and_a_kept_read_is_journaled_with_its_answer(demo):
    item = demo("POST", "/items", json={"name": "n" * 6000}).json()
    first = demo("GET", f"/items/{item['id']}")
    entry = _last(demo)
    assert entry["response"]["body_truncated"] is True and len(entry["response"]["body"]) == 4096
    assert entry["response"]["body_size"] == len(first.content) > 6000
    listed = demo("GET", "/items")
    again = demo("GET", "/items")  # the second is answered from memory (core/readcache.py)
    assert again.content == listed.content
    entry = _last(demo)
    assert entry["response"]["body"] == again.text[:4096] and entry["response"]["body_size"] == len(again.content)
    assert entry["response"]["status"] == 200 and entry["response"]["headers"]["Content-Type"] == "application/json"


def test_count_answers_how_many_requests_matched(demo):
    for name in ("alpha", "beta", "alpha-2"):
        demo("POST", "/items", json={"name": name})
    demo("GET", "/items")
    demo("GET", "/items/424242")

    def count(**matcher):
        r = demo.mock("POST", "/requests/count", json={"tenant": demo.tenant, **matcher})
        assert r.status_code == 200, r.text
        return r.json()["count"]

    assert count() == 5
    assert count(method="post") == 3
    assert count(method="POST", body_contains="alpha") == 2
    assert count(path="/items/*") == 1 and count(path="/demo/items*") == 5
    assert count(status=404) == 1 and count(vendor="demo", status=201) == 3
    assert count(vendor="other") == 0
    # the query's tenant works as the body's; another tenant sees none of these
    assert demo.mock("POST", "/requests/count", params={"tenant": demo.tenant}, json={}).json()["count"] == 5
    assert demo.mock("POST", "/requests/count", json={"tenant": demo.tenant + "-other"}).json()["count"] == 0
    # curl -d sends a form content type: read as JSON all the same
    form = demo.mock("POST", "/requests/count", data=f'{{"tenant": "{demo.tenant}", "method": "GET"}}',
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.json() == {"count": 2}


def test_count_refuses_a_matcher_it_does_not_understand_naming_the_key(demo):
    for body, key in (({"metod": "GET"}, "metod"), ({"status": "404"}, "status"), ({"status": 42}, "status"),
                      ({"unmatched": "yes"}, "unmatched"), ({"path": 3}, "path")):
        r = demo.mock("POST", "/requests/count", json=body)
        assert r.status_code == 400 and r.json()["error"].startswith(f"{key}:"), (body, r.text)
    clash = demo.mock("POST", "/requests/count", params={"tenant": "a"}, json={"tenant": "b"})
    assert clash.status_code == 400 and clash.json()["error"].startswith("tenant:")


def test_requests_that_matched_no_route_are_findable(demo, demo_server):
    demo("GET", "/items")
    miss = demo("GET", "/no/such/route")
    wrong = demo("DELETE", "/items")  # a path the vendor has, not with this method
    assert (miss.status_code, wrong.status_code) == (404, 405)
    # a wrong base URL (no vendor prefix) never reaches a vendor: still journaled, as unmatched
    outside = requests.get(f"{demo_server.url}/api/v2/me", headers={"X-Mock-Tenant": demo.tenant}, timeout=10)
    assert outside.status_code == 404
    found = demo.mock("GET", "/requests", params={"tenant": demo.tenant, "unmatched": "true"}).json()["requests"]
    assert [(e["method"], e["path"], e["vendor"]) for e in found] == [
        ("GET", "/demo/no/such/route", "demo"), ("DELETE", "/demo/items", "demo"), ("GET", "/api/v2/me", None)]
    assert found[-1]["response"]["body"] == outside.text
    matched = demo.mock("GET", "/requests", params={"tenant": demo.tenant, "unmatched": "false"}).json()
    assert [e["path"] for e in matched["requests"]] == ["/demo/items"]
    assert demo.mock("POST", "/requests/count", json={"tenant": demo.tenant, "unmatched": True}).json()["count"] == 3
    assert demo.mock("GET", "/requests", params={"unmatched": "maybe"}).status_code == 400


def test_the_journal_redacts_credentials(demo):
    demo("POST", "/items", params={"apiKey": "k-123", "page": "1"},
         json={"name": "x", "password": "p-123", "nested": {"client_secret": "s-123", "tokens": ["t-1", "t-2"]}},
         headers={"Cookie": "session=c-123", "Access-Token": "a-123"})
    entry = _last(demo)
    text = str(entry)
    for secret in ("demo-token", "k-123", "p-123", "s-123", "t-1", "t-2", "c-123", "a-123"):
        assert secret not in text, secret
    assert entry["headers"]["Authorization"] == "***" and entry["headers"]["Cookie"] == "***"
    assert entry["query"] == "apiKey=***&page=1"
    assert '"password": "***"' in entry["body"] and '"tokens": ["***", "***"]' in entry["body"]
    assert '"name": "x"' in entry["body"]  # the rest as sent
    form = demo("POST", "/form", data={"username": "u", "password": "p-456"})
    assert "p-456" not in _last(demo)["body"] and "username=u" in _last(demo)["body"], form.text
    refused = demo.mock("GET", "/requests", params={"reveal": "true"})
    assert refused.status_code == 403 and "--control-token" in refused.json()["error"]


def test_state_redacts_credentials_unless_revealed_with_the_token(demo):
    state = demo.mock("GET", "/state", params={"vendor": "demo", "tenant": demo.tenant}).json()
    assert state["redacted"] is True and state["state"]["extra"]["tokens"] == ["***"]
    assert "demo-token" not in str(state)
    refused = demo.mock("GET", "/state", params={"vendor": "demo", "tenant": demo.tenant, "reveal": "true"})
    assert refused.status_code == 403 and "--control-token" in refused.json()["error"]


def test_a_chunked_body_is_journaled_whole_with_its_size(demo):
    # a chunked body declares no length: the entry still holds it and its size (served, the front's read of it)
    sent = b'{"name": "in chunks"}'
    created = demo("POST", "/items", data=iter([sent[:9], sent[9:]]), headers={"Content-Type": "application/json"})
    assert created.status_code == 201 and created.json()["name"] == "in chunks"
    entry = _last(demo)
    assert entry["headers"].get("Transfer-Encoding") == "chunked"
    assert entry["body"] == sent.decode() and entry["body_size"] == len(sent)
