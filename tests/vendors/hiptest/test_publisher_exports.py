"""The XML hiptest-publisher downloads and generates code from, fetched as its client.rb fetches it (the secret
token in the URL, no header credentials, `User-Agent: Ruby/hiptest-publisher`) and parsed with xmltodict;
each assertion names the element its xml_parser.rb reads (`project > testPlan > folder`, `> uid` …)."""

from __future__ import annotations

import pytest
import xmltodict

from tests.conftest import vendor_client
from tests.vendors.hiptest.conftest import CASH, SPRINT, doc, snapshots

TOKEN = "cash-secret-token"
UA = {"User-Agent": "Ruby/hiptest-publisher"}
LIST_TAGS = ("folder", "scenario", "actionword", "tag", "parameter", "dataset", "argument", "test", "call", "step",
             "folderSnapshot", "scenarioSnapshot", "actionwordSnapshot", "testSnapshot", "stringliteral")


def _listed(path, key, value) -> bool:
    """The parser's `> x` lists as lists; a call's one `> actionword` (its name) stays a value."""
    return key in LIST_TAGS and not (key == "actionword" and path and path[-1][0] == "call")


def parse(content: bytes) -> dict:
    # the step templates' literals keep their spaces ("Add " <var> " to the cart")
    return xmltodict.parse(content, force_list=_listed, strip_whitespace=False)["project"]


@pytest.fixture
def publisher(server, api):
    """hiptest-publisher's side: the same tenant as `api`, without any of the json:api's headers."""
    return vendor_client(server, "hiptest", api.tenant)


def fetch(client, path: str, token: str = TOKEN) -> dict:
    r = client.get(f"/publication/{token}/{path}", headers=UA)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert r.content.startswith(b"<?xml")
    return parse(r.content)


def text(template: dict) -> str:
    """A step's value as the parser builds it: the template's literals and `<var>`s in order."""
    parts = template["template"]
    return "".join(parts.get("stringliteral", [])) if "var" not in parts else parts


def steps_of(item: dict) -> list:
    """`> steps > *`: ("call", annotation, action word) or (kind, text) per step."""
    steps = item["steps"] or {}
    out = [("call", c.get("annotation"), c["actionword"]) for c in steps.get("call", [])]
    for step in steps.get("step", []):
        (kind, value), = step.items()
        out.append((kind, text(value)))
    return out


def test_project_export_holds_the_test_plan_scenarios_and_action_words(publisher):
    project = fetch(publisher, "project")
    assert project["name"] == "Testing CASH WITHDRAWAL (sample N°2)"
    assert project["description"] == "Sample project: withdrawing cash from an ATM"
    folders = {f["uid"]: f for f in project["testPlan"]["folder"]}
    assert set(folders) == {"390001", "390002", "390003"}
    assert folders["390001"]["parentUid"] is None and folders["390002"]["parentUid"] == "390001"
    assert [folders[u]["order_in_parent"] for u in ("390001", "390002", "390003")] == ["0", "0", "1"]
    assert folders["390002"]["tags"]["tag"] == [{"key": "component", "value": "cash"}]

    scenarios = {s["name"]: s for s in project["scenarios"]["scenario"]}
    assert len(scenarios) == 6
    credit = scenarios["Withdraw cash from an account in credit"]
    assert (credit["uid"], credit["folderUid"], credit["description"]) == ("710001", "390002", "The happy path")
    assert credit["tags"]["tag"] == [{"key": "priority", "value": "high"}]
    # calls keep their Gherkin keyword as the annotation, in the scenario's order
    assert [c["actionword"] for c in credit["steps"]["call"]] == [
        "the account is in credit", "the customer inserts a valid card", "the customer requests 100 euros",
        "the ATM should dispense the cash"]
    assert [c["annotation"] for c in credit["steps"]["call"]] == ["given", "and", "when", "then"]
    limit = scenarios["Withdraw more cash than the daily limit"]
    assert limit["steps"]["step"] == [{"action": {"template": {"stringliteral": ["The customer requests 2000 euros"]}}},
                                      {"result": {"template": {"stringliteral": ["The ATM refuses the withdrawal"]}}}]
    assert scenarios["Card is retained after three wrong PINs"]["tags"]["tag"] == [{"key": "smoke"}]

    words = {a["name"]: a for a in project["actionwords"]["actionword"]}
    assert len(words) == 7
    card = words["the customer inserts a valid card"]
    assert card["uid"] == "510001" and card["tags"]["tag"] == [{"key": "shared"}]
    assert steps_of(card) == [("action", "Insert the card"), ("action", "Enter the PIN"),
                              ("result", "The PIN is accepted")]


def test_parameters_datatable_and_variables(publisher):
    project = fetch(publisher, "project", "bookstore-secret-token")
    add = next(s for s in project["scenarios"]["scenario"] if s["name"] == "Add a book to the cart")
    assert [p["name"] for p in add["parameters"]["parameter"]] == ["title", "price"]
    # `<title>` in a step is the parameter: a variable between the template's literals
    assert add["steps"]["step"][0] == {"action": {"template": {"stringliteral": ["Add ", " to the cart"],
                                                                "var": "title"}}}
    datasets = add["datatable"]["dataset"]
    assert [(d["name"], d["uid"]) for d in datasets] == [("Cheap book", "910001"), ("Expensive book", "910002")]
    assert datasets[0]["arguments"]["argument"] == [{"name": "title", "value": {"stringliteral": ["Dune"]}},
                                                    {"name": "price", "value": {"stringliteral": ["9.99"]}}]


@pytest.mark.parametrize("query, expected", [
    ("filter_scenario_ids=710001,710004", ["710001", "710004"]),
    ("filter_folder_ids=390003", ["710004", "710005", "710006"]),
    ("filter_folder_ids=390001", ["710001", "710002", "710003", "710004", "710005", "710006"]),
    ("filter_folder_ids=390001&not_recursive=true", []),
    ("filter_folder_name=Withdraw%20cash", ["710001", "710002", "710003"]),
    ("filter_scenario_name=Expired%20card%20is%20rejected", ["710006"]),
    ("filter_tags=priority:high", ["710001", "710003"]),
    ("filter_tags=priority:high,smoke", []),
    ("filter_tags=smoke", ["710004"]),
    ("filter_scenario_ids=abc", []),
])
def test_project_export_filters(publisher, query, expected):
    project = fetch(publisher, f"project?{query}")
    scenarios = (project["scenarios"] or {}).get("scenario", [])
    assert [s["uid"] for s in scenarios] == expected
    assert len(project["testPlan"]["folder"]) == 3 and len(project["actionwords"]["actionword"]) == 7


def test_leafless_tests_expand_action_words_and_datasets(publisher):
    tests = {t["name"]: t for t in fetch(publisher, "leafless_tests")["tests"]["test"]}
    assert len(tests) == 6
    # a call is replaced by its action word's steps; a call to an empty one stays as its own step
    assert steps_of(tests["Withdraw cash from an account in credit"]) == [
        ("action", "Given the account is in credit"), ("action", "Insert the card"), ("action", "Enter the PIN"),
        ("result", "The PIN is accepted"), ("action", "When the customer requests 100 euros"),
        ("result", "Then the ATM should dispense the cash")]
    books = {t["name"]: t for t in fetch(publisher, "leafless_tests", "bookstore-secret-token")["tests"]["test"]}
    assert set(books) == {"Add a book to the cart (Cheap book)", "Add a book to the cart (Expensive book)",
                          "Remove a book from the cart"}
    assert ("action", "Add Dune to the cart") in steps_of(books["Add a book to the cart (Cheap book)"])


def test_test_run_export_carries_each_tests_uid_and_status(publisher, api):
    run = fetch(publisher, f"test_run/{SPRINT}")
    test_run = run["testRuns"]["testRun"]
    assert test_run["name"] == "Sprint 1"
    tests = {t["id"]: t["attributes"]["status"] for t in snapshots(api)}
    exported = {t["uid"]: t["status"] for s in test_run["scenarioSnapshots"]["scenarioSnapshot"]
                for t in s["testSnapshots"]["testSnapshot"]}
    assert exported == tests
    folder_uids = {f["uid"] for f in test_run["folderSnapshots"]["folderSnapshot"]}
    assert {s["folderUid"] for s in test_run["scenarioSnapshots"]["scenarioSnapshot"]} <= folder_uids
    assert len(test_run["actionwordSnapshots"]["actionwordSnapshot"]) == 7
    assert all("actionwordUid" in a for a in test_run["actionwordSnapshots"]["actionwordSnapshot"])

    failed = fetch(publisher, f"test_run/{SPRINT}?filter_status=failed")["testRuns"]["testRun"]
    only = [t["status"] for s in failed["scenarioSnapshots"]["scenarioSnapshot"]
            for t in s["testSnapshots"]["testSnapshot"]]
    assert only == ["failed"]


def test_code_generated_from_an_export_pushes_back_to_its_tests(publisher, api):
    """The publisher's loop: export, generate tests named with the uids, push their JUnit report."""
    run = fetch(publisher, f"test_run/{SPRINT}")["testRuns"]["testRun"]
    uid = run["scenarioSnapshots"]["scenarioSnapshot"][0]["testSnapshots"]["testSnapshot"][0]["uid"]
    scenario_uid = fetch(publisher, "project")["scenarios"]["scenario"][5]["uid"]  # Expired card is rejected
    report = (f'<testsuite><testcase name="test_first_uid{uid}"><failure/></testcase>'
              f'<testcase name="test_expired_card_uid{scenario_uid}"/></testsuite>').encode()
    r = publisher.post(f"/import_test_results/{TOKEN}/junit", files={"file-r.xml": ("r.xml", report, "text")},
                       headers=UA)
    assert r.status_code == 200
    statuses = {t["id"]: t["attributes"]["status"] for t in snapshots(api)}
    assert statuses[uid] == "failed"
    assert [i["status"] for i in r.json()["test_import"]] == ["failed", "passed"]
    expired = next(t for t in snapshots(api) if t["attributes"]["name"] == "Expired card is rejected")
    assert statuses[expired["id"]] == "passed"


def test_async_export_then_its_poll(publisher, api):
    r = publisher.post(f"/publication/{TOKEN}/async_project?filter_tags=smoke", headers=UA)
    assert r.status_code == 202
    export_id = r.json()["publication_export_id"]
    # made when asked for: a scenario added afterwards is not in it, but is in the next export
    assert api.post(f"/api/projects/{CASH}/scenarios", json=doc({"name": "Later", "folder-id": 390003})
                    ).status_code == 201
    polled = publisher.get(f"/publication/{TOKEN}/async_project/{export_id}", headers=UA)
    assert polled.status_code == 200 and polled.headers["Content-Type"] == "application/xml; charset=utf-8"
    scenarios = parse(polled.content)["scenarios"]["scenario"]
    assert [s["name"] for s in scenarios] == ["Card is retained after three wrong PINs"]
    assert "Later" in [s["name"] for s in fetch(publisher, "project")["scenarios"]["scenario"]]


@pytest.mark.parametrize("method, path", [
    ("GET", "/publication/no-such-token/project"), ("GET", "/publication/no-such-token/leafless_tests"),
    ("GET", f"/publication/no-such-token/test_run/{SPRINT}"), ("POST", "/publication/no-such-token/async_project"),
    ("GET", f"/publication/{TOKEN}/async_project/999"),
    ("GET", f"/publication/bookstore-secret-token/test_run/{SPRINT}"),  # another project's run
    ("GET", f"/publication/{TOKEN}/test_run/1"),
])
def test_unknown_token_run_or_export_is_a_404(publisher, method, path):
    # hiptest-publisher reads a 404 as "project not found" (and on async_project: no async export, fall back)
    r = publisher.request(method, path, headers=UA)
    assert r.status_code == 404
    assert r.json() == {"errors": ["Record not found"]}


def test_exports_of_two_projects_stay_apart(publisher):
    assert fetch(publisher, "project")["name"] != fetch(publisher, "project", "bookstore-secret-token")["name"]
    assert {s["uid"] for s in fetch(publisher, "project", "bookstore-secret-token")["scenarios"]["scenario"]} == {
        "720001", "720002"}
