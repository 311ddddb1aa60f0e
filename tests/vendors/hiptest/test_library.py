"""Folders, scenarios, datasets, parameters, action words, find_by_tags and features."""

from __future__ import annotations

from .conftest import BOOKS, CASH, doc

P = f"/api/projects/{CASH}"


def test_folders_tree_children_scenarios_and_include(api):
    folders = api.get(P + "/folders").json()["data"]
    assert [f["attributes"]["name"] for f in folders] == ["Testing CASH WITHDRAWAL (sample N°2)", "Withdraw cash",
                                                          "Card handling"]
    root = folders[0]
    assert root["attributes"]["parent-id"] is None and root["attributes"]["definition"] == "folder do\nend\n"
    assert root["links"] == {"self": "/folders/390001"}
    children = api.get(P + "/folders/390001/children").json()["data"]
    assert [c["id"] for c in children] == ["390002", "390003"]
    cash = api.get(P + "/folders/390002?include=tags").json()
    assert cash["data"]["attributes"]["scenarios-count"] == 3
    assert cash["included"][0]["attributes"] == {"key": "component", "value": "cash"}
    scenarios = api.get(P + "/folders/390002/scenarios").json()["data"]
    assert [s["id"] for s in scenarios] == ["710001", "710002", "710003"]
    project = api.get(P + "?include=scenarios-folder").json()
    assert project["data"]["relationships"]["scenarios-folder"]["data"] == {"type": "folders", "id": "390001"}
    links = project["data"]["relationships"]["scenarios-folder"]["links"]
    assert links["related"] == f"/projects/{CASH}/scenarios-folder"
    assert project["included"][0]["attributes"]["name"] == "Testing CASH WITHDRAWAL (sample N°2)"


def test_folder_create_update_delete(api):
    r = api.post(P + "/folders", json=doc({"name": "Deposits"}))
    assert r.status_code == 201
    deposits = r.json()["data"]
    assert deposits["attributes"]["parent-id"] == 390001
    sub = api.post(P + "/folders", json=doc({"name": "Cheques", "parent-id": int(deposits["id"])})).json()["data"]
    scenario = api.post(P + "/scenarios", json=doc({"name": "Deposit a cheque", "folder-id": sub["id"]})).json()["data"]
    r = api.patch(P + f"/folders/{deposits['id']}",
                  json=doc({"description": "Money in"}, type_="folders", id_=deposits["id"]))
    assert r.status_code == 200 and r.json()["data"]["attributes"]["description"] == "Money in"
    # a folder cannot move under its own subtree
    assert api.patch(P + f"/folders/{deposits['id']}", json=doc({"parent-id": sub["id"]})).status_code == 422
    assert api.post(P + "/folders", json=doc({"name": "x", "parent-id": 390010})).status_code == 422
    assert api.post(P + "/folders", json=doc({"parent-id": 390001})).status_code == 422
    assert api.delete(P + "/folders/390001").status_code == 422
    assert api.delete(P + f"/folders/{deposits['id']}").json() == {"data": {}}
    assert api.get(P + f"/folders/{sub['id']}").status_code == 404
    assert api.get(P + f"/scenarios/{scenario['id']}").status_code == 404


def test_delete_folder_children_and_scenarios(api):
    assert api.delete(P + "/folders/390002/scenarios").json() == {"data": {}}
    assert api.get(P + "/folders/390002/scenarios").json()["data"] == []
    assert api.delete(P + "/folders/390001/children").json() == {"data": {}}
    assert [f["id"] for f in api.get(P + "/folders").json()["data"]] == ["390001"]
    assert [s["id"] for s in api.get(P + "/scenarios").json()["data"]] == []


def test_find_by_tags(api):
    r = api.get(P + "/scenarios/find_by_tags?key=priority")
    assert r.status_code == 200 and [s["id"] for s in r.json()["data"]] == ["710001", "710003"]
    assert r.json()["included"] == []
    assert [s["id"] for s in api.get(P + "/scenarios/find_by_tags?key=priority&value=low").json()["data"]] == []
    assert [s["id"] for s in api.get(P + "/scenarios/find_by_tags?key=smoke&value=").json()["data"]] == ["710004"]
    assert [f["id"] for f in api.get(P + "/folders/find_by_tags?key=component&value=cash").json()["data"]] == ["390002"]
    assert [a["id"] for a in api.get(P + "/actionwords/find_by_tags?key=shared").json()["data"]] == ["510001"]
    assert api.get(P + "/scenarios/find_by_tags").status_code == 400


def test_scenarios_show_include_and_errors(api):
    r = api.get(P + "/scenarios/710001?include=folder,tags,actionwords")
    body = r.json()
    attrs = body["data"]["attributes"]
    assert attrs["folder-id"] == 390002 and attrs["errors"] == []
    assert attrs["definition"].startswith("scenario 'Withdraw cash from an account in credit' do\n")
    rel = body["data"]["relationships"]
    assert rel["folder"] == {"data": {"type": "folders", "id": "390002"}}
    assert [a["id"] for a in rel["actionwords"]["data"]] == ["510001", "510002", "510004", "510005"]
    assert {i["type"] for i in body["included"]} == {"folders", "tags", "actionwords"}
    listing = api.get(P + "/scenarios?include=test-snapshots").json()
    first = listing["data"][0]
    assert len(first["relationships"]["test-snapshots"]["data"]) == 2  # one test in each fixture run
    assert api.get(P + "/scenarios/710001?include=test-snapshots").status_code == 400
    assert api.get(f"/api/projects/{BOOKS}/scenarios/710001").status_code == 404


def test_scenario_create_with_tags_patch_and_delete(api):
    r = api.post(P + "/scenarios", json=doc({"name": "Withdraw 50 euros", "folder-id": 390002},
                                            relationships={"tags": {"data": [{"type": "tag", "key": "priority",
                                                                              "value": "low"}]}}))
    assert r.status_code == 201
    created = r.json()["data"]
    sid = created["id"]
    assert created["attributes"]["definition"] == "scenario 'Withdraw 50 euros' do\nend\n"
    tags = api.get(P + f"/scenarios/{sid}/tags").json()["data"]
    assert [t["attributes"] for t in tags] == [{"key": "priority", "value": "low"}]
    path = P + f"/scenarios/{sid}"
    assert api.patch(path, json=doc({"name": "a", "definition": "scenario 'a' do\nend\n"})).status_code == 409
    renamed = api.patch(path, json=doc({"name": "Withdraw 60 euros"}, type_="scenarios", id_=sid))
    renamed = renamed.json()["data"]["attributes"]
    assert renamed["name"] == "Withdraw 60 euros"
    assert renamed["definition"].startswith("scenario 'Withdraw 60 euros' do")
    defined = api.patch(path, json=doc({"definition": "scenario 'Withdraw 70' do\n  oops\nend\n"}))
    defined = defined.json()["data"]["attributes"]
    assert defined["name"] == "Withdraw 70" and defined["errors"] == ["line 2: unexpected 'oops'"]
    moved = api.patch(path, json=doc({"folder_id": "390003"})).json()["data"]["attributes"]
    assert moved["folder-id"] == 390003
    assert api.patch(path, json=doc({"folder-id": 1})).status_code == 422
    r = api.post(P + "/scenarios", json=doc({"name": "x"}, relationships={"tags": {"data": [{"value": "v"}]}}))
    assert r.status_code == 422
    assert api.delete(path).json() == {"data": {}}
    assert api.get(path).status_code == 404


def test_datasets_datatable_and_parameters(api):
    base = f"/api/projects/{BOOKS}/scenarios/720001"
    datasets = api.get(base + "/datasets").json()["data"]
    assert [d["attributes"]["name"] for d in datasets] == ["Cheap book", "Expensive book"]
    assert api.get(base + "/datatable").json()["data"] == datasets
    r = api.post(base + "/datasets", json=doc({"name": "Free book", "data": {"title": "Free", "price": 0}}))
    assert r.status_code == 201 and r.json()["data"]["attributes"]["data"] == {"title": "Free", "price": "0"}
    did = r.json()["data"]["id"]
    patched = api.patch(base + f"/datasets/{did}", json=doc({"data": {"price": "0.00"}}, type_="datasets", id_=did))
    assert patched.json()["data"]["attributes"]["data"] == {"title": "Free", "price": "0.00"}
    assert api.get(base + f"/datasets/{did}").json()["data"]["attributes"]["name"] == "Free book"
    assert api.post(base + "/datasets", json=doc({"name": "x", "data": ["a"]})).status_code == 422
    assert api.delete(base + f"/datasets/{did}").json() == {"data": {}}
    assert api.get(base + f"/datasets/{did}").status_code == 404

    params = api.get(base + "/parameters").json()["data"]
    assert [p["attributes"]["name"] for p in params] == ["title", "price"]
    r = api.post(base + "/parameters", json=doc({"name": "Book Author"}))
    assert r.status_code == 201 and r.json()["data"]["attributes"]["name"] == "book_author"
    pid = r.json()["data"]["id"]
    assert api.post(base + "/parameters", json=doc({"name": "book author"})).status_code == 422
    assert api.post(base + "/parameters", json=doc({"name": "!!!"})).status_code == 422
    renamed = api.patch(base + f"/parameters/{pid}", json=doc({"name": "Writer"}, type_="parameters", id_=pid))
    assert renamed.json()["data"]["attributes"]["name"] == "writer"
    assert api.get(base + f"/parameters/{pid}").json()["data"]["attributes"]["name"] == "writer"
    assert api.delete(base + f"/parameters/{pid}").json() == {"data": {}}
    assert api.get(base + "/parameters/1").status_code == 404


def test_actionwords_create_patch_callers_and_delete(api):
    words = api.get(P + "/actionwords").json()["data"]
    assert words[0]["attributes"]["name"] == "the customer inserts a valid card"
    assert words[0]["attributes"]["is-shared"] is False and words[0]["attributes"]["errors"] == []
    r = api.post(P + "/actionwords", json=doc({"name": "the ATM is out of cash", "description": "edge",
                                               "definition": "step {result: \"An apology is shown\"}"}))
    assert r.status_code == 201
    word = r.json()["data"]
    assert word["attributes"]["definition"] == ("actionword 'the ATM is out of cash' do\n"
                                                "  step {result: \"An apology is shown\"}\nend\n")
    assert api.post(P + "/actionwords", json=doc({"name": "the ATM is out of cash"})).status_code == 422
    path = P + f"/actionwords/{word['id']}"
    full = "actionword 'the ATM is empty' do\n  step {result: \"Sorry\"}\nend\n"
    patched = api.patch(path, json=doc({"definition": full}, type_="actionwords", id_=word["id"]))
    patched = patched.json()["data"]["attributes"]
    assert patched["name"] == "the ATM is empty" and patched["definition"] == full
    assert api.patch(path, json=doc({"name": "n", "definition": full})).status_code == 409
    callers = api.get(P + "/actionwords/510006/callers").json()
    assert [(c["type"], c["id"]) for c in callers["data"]] == [("scenarios", "710002"), ("scenarios", "710005"),
                                                              ("scenarios", "710006")]
    assert api.get(P + "/actionwords/510001/tags").json()["data"][0]["attributes"] == {"key": "shared", "value": ""}
    assert api.get(P + "/actionwords/510001?include=tags").json()["included"][0]["type"] == "tags"
    assert api.delete(path).json() == {"data": {}}
    assert api.get(path).status_code == 404


def test_feature_export_and_import(api):
    r = api.get(P + "/folders/390003/feature")
    feature = r.json()["data"]["attributes"]["feature"]
    assert feature.startswith("Feature: Card handling\n")
    assert "  Scenario: Card is returned after the withdrawal\n    Given the customer inserts a valid card\n" in feature
    text = ("Feature: Deposits\n  Money goes in\n\n  Scenario: Deposit cash\n    Given the account is in credit\n"
            "    When the customer deposits 100 euros\n    Then the balance grows\n")
    r = api.post(P + "/folders/390003/create_from_feature", json=doc({"feature": text}))
    assert r.status_code == 200
    assert r.json()["data"]["attributes"]["running-feature-imports"] == ["deposits"]
    assert r.json()["data"]["attributes"]["feature-updated-at"]
    created = [s for s in api.get(P + "/folders/390003/scenarios").json()["data"]
               if s["attributes"]["name"] == "Deposit cash"]
    assert created[0]["attributes"]["definition"] == ("scenario 'Deposit cash' do\n"
                                                      "  call given 'the account is in credit'\n"
                                                      "  call when 'the customer deposits 100 euros'\n"
                                                      "  call then 'the balance grows'\nend\n")
    names = [a["attributes"]["name"] for a in api.get(P + "/actionwords").json()["data"]]
    assert "the customer deposits 100 euros" in names and "the balance grows" in names
    update = text.replace("Then the balance grows", "Then the balance is 100 euros higher")
    r = api.patch(P + "/folders/390003/update_from_feature", json=doc({"feature": update}))
    assert r.status_code == 200
    same = [s for s in api.get(P + "/folders/390003/scenarios").json()["data"]
            if s["attributes"]["name"] == "Deposit cash"]
    assert len(same) == 1 and "the balance is 100 euros higher" in same[0]["attributes"]["definition"]
    docs_example = "Feature: The Chamber of Secrets\n\nScenario: Shopping on Diagon Alley"
    r = api.post(P + "/folders/390003/create_from_feature", json=doc({"feature": docs_example}))
    assert r.json()["data"]["attributes"]["running-feature-imports"] == ["the_chamber_of_secrets"]
    assert "Shopping on Diagon Alley" in [s["attributes"]["name"] for s in api.get(P + "/scenarios").json()["data"]]
    r = api.post(P + "/folders/390003/create_from_feature", json=doc({"feature": "Scenario: no feature"}))
    assert r.status_code == 422
    assert api.post(P + "/folders/390003/create_from_feature", json=doc({})).status_code == 422


def test_included_resources_appear_once_however_often_they_are_related(api):
    body = api.get(P + "/scenarios?include=folder,tags").json()
    folders = [i for i in body["included"] if i["type"] == "folders"]
    assert sorted(f["id"] for f in folders) == ["390002", "390003"]
    keys = [(i["type"], i["id"]) for i in body["included"]]
    assert len(keys) == len(set(keys))
    # included objects show their relationships unexpanded
    assert all(v == {} for f in folders for v in f["relationships"].values())
    assert [s["relationships"]["folder"]["data"]["id"] for s in body["data"]] == ["390002"] * 3 + ["390003"] * 3
