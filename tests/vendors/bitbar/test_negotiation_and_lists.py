"""XML by default, JSON on request, from the same data; the list envelope with paging, sort, filter."""

from __future__ import annotations

import xmltodict

from .conftest import API_KEY, ME, PROJECT

ENVELOPE_KEYS = ["next", "previous", "data", "offset", "limit", "total", "search", "sort", "empty"]


def test_xml_is_the_default_and_carries_the_same_data(bitbar):
    bitbar.session.auth = (API_KEY, "")
    xml = bitbar.get(f"{ME}/projects/{PROJECT}")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/xml")
    parsed = xmltodict.parse(xml.text)["project"]
    js = bitbar.get(f"{ME}/projects/{PROJECT}", headers={"Accept": "application/json"}).json()
    assert parsed["id"] == str(js["id"]) and parsed["name"] == js["name"] == "Hello world"
    assert parsed["common"] == "false" and js["common"] is False


def test_xml_list_envelope(bitbar):
    r = bitbar.get("/api/v2/devices", params={"limit": 2})
    assert r.headers["Content-Type"].startswith("application/xml")
    envelope = xmltodict.parse(r.text)["list"]
    assert envelope["limit"] == "2" and envelope["empty"] == "false" and len(envelope["data"]) == 2


def test_json_error_for_unknown_id_and_xml_error_by_default(bb):
    r = bb.get(f"{ME}/projects/1")
    assert r.status_code == 404 and r.json() == {"statusCode": 404, "message": "Project with id 1 not found"}
    r = bb.get(f"{ME}/projects/1", headers={"Accept": "application/xml"})
    assert r.status_code == 404 and xmltodict.parse(r.text)["error"]["statusCode"] == "404"


def test_unknown_path_is_a_404_in_the_vendor_shape(bb):
    # not a route, so the spec cannot describe it
    r = bb.get("/api/v2/nothing-here", validate=False)
    assert r.status_code == 404 and r.json()["statusCode"] == 404


def test_wrong_method_is_a_405_in_the_vendor_shape(bb):
    # PUT is not an operation of this path, so the spec cannot describe it
    r = bb.put(f"{ME}/projects", validate=False)
    assert r.status_code == 405 and r.json() == {"statusCode": 405, "message": "Method Not Allowed"}


def test_envelope_defaults(bb):
    body = bb.get("/api/v2/devices").json()
    assert list(body) == ENVELOPE_KEYS
    assert body["offset"] == 0 and body["limit"] == 20 and body["search"] == "" and body["sort"] == ""
    assert body["next"] is None and body["previous"] is None and body["total"] == len(body["data"]) == 10


def test_limit_zero_means_everything(bb):
    body = bb.get("/api/v2/devices", params={"limit": 0}).json()
    assert body["limit"] == 0 and len(body["data"]) == body["total"] == 10 and body["next"] is None


def test_paging_links_followed_to_the_end(bb, server):
    seen, url, pages = [], "/api/v2/devices?limit=3&sort=id_a", 0
    while url:
        body = bb.get(url).json()
        seen += [d["id"] for d in body["data"]]
        pages += 1
        nxt = body["next"]
        if nxt:
            assert nxt.startswith(server.vendor_url("bitbar") + "/api/v2/devices?offset=")
            url = nxt[len(bb.base_url):]
        else:
            url = None
    assert pages == 4 and seen == sorted(seen) and len(seen) == 10
    last = bb.get("/api/v2/devices", params={"limit": 3, "offset": 9}).json()
    assert last["previous"].endswith("offset=6&limit=3&search=&sort=") and last["next"] is None


def test_search_sort_and_filter(bb):
    body = bb.get("/api/v2/devices", params={"search": "sony", "sort": "displayName_d"}).json()
    names = [d["displayName"] for d in body["data"]]
    assert body["search"] == "sony" and body["sort"] == "displayName_d"
    assert names == sorted(names, reverse=True) and len(names) == 3 and all("Sony" in n for n in names)
    ios = bb.get("/api/v2/devices", params={"filter": "osType_eq_IOS", "sort": "creditsPrice_d:id_a"}).json()
    assert [d["id"] for d in ios["data"]] == [400, 401, 402]
    typed = bb.get("/api/v2/devices", params={"filter": "s_osType_eq_IOS"}).json()
    assert typed["total"] == 3
    several = bb.get("/api/v2/devices", params={"filter": "osType_eq_ANDROID;creditsPrice_gt_1"}).json()
    assert [d["id"] for d in several["data"]] == [361]
    among = bb.get("/api/v2/devices", params={"filter": "id_in_304|400"}).json()
    assert sorted(d["id"] for d in among["data"]) == [304, 400]


def test_bad_list_queries_are_400_naming_the_problem(bb):
    for params, word in (({"sort": "colour_a"}, "colour"), ({"sort": "id_x"}, "id_x"),
                         ({"filter": "colour_eq_red"}, "colour"), ({"filter": "osType_resembles_IOS"}, "resembles"),
                         ({"limit": "many"}, "limit"), ({"offset": "-1"}, "offset")):
        r = bb.get("/api/v2/devices", params=params)
        assert r.status_code == 400 and word in r.json()["message"], params


def test_parameters_as_query_form_or_json(bb):
    by_query = bb.post(f"{ME}/projects", params={"name": "from query", "type": "ANDROID"})
    by_form = bb.post(f"{ME}/projects", data={"name": "from form", "type": "IOS"})
    by_json = bb.post(f"{ME}/projects", json={"name": "from json", "type": "CTS"})
    assert [r.status_code for r in (by_query, by_form, by_json)] == [201, 201, 201]
    assert [(r.json()["name"], r.json()["type"]) for r in (by_query, by_form, by_json)] == [
        ("from query", "ANDROID"), ("from form", "IOS"), ("from json", "CTS")]


def test_malformed_json_body_is_a_400(bb):
    r = bb.post(f"{ME}/projects", data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["statusCode"] == 400
