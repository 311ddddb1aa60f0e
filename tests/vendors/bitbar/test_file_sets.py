"""File sets: a user's named sets of files, their zip, and sharing them with an access group."""

from __future__ import annotations

import io
import zipfile

from .conftest import ME

SETS = f"{ME}/file-sets"


def test_file_set_lifecycle(bb):
    created = bb.post(SETS, data={"name": "regression inputs"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "regression inputs" and body["fileCount"] == 0 and body["userId"] == 31595291
    fid = body["id"]
    assert bb.get(SETS).json()["data"] == [body]
    assert bb.get(f"{SETS}/{fid}").json() == body
    renamed = bb.post(f"{SETS}/{fid}", params={"name": "nightly inputs"})
    assert renamed.status_code == 202 and renamed.json()["name"] == "nightly inputs"
    added = bb.post(f"{SETS}/{fid}/files", data={"fileId": 27170})
    assert added.status_code == 201 and added.json()["fileCount"] == 1
    bb.post(f"{SETS}/{fid}/files", params={"fileId": 27171})
    files = bb.get(f"{SETS}/{fid}/files").json()
    assert [f["name"] for f in files["data"]] == ["BitbarSampleApp.apk", "BitbarSampleAppTest.apk"]
    r = bb.get(f"{SETS}/{fid}/files.zip")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    assert r.headers["Content-Disposition"].startswith(f'attachment; filename="file-set-{fid}.zip"')
    zipped = zipfile.ZipFile(io.BytesIO(r.content))
    assert zipped.read("BitbarSampleApp.apk") == b"PK sample application bytes"
    assert bb.delete(f"{SETS}/{fid}/files/27171").status_code == 204
    assert bb.get(f"{SETS}/{fid}").json()["fileCount"] == 1
    assert bb.delete(f"{SETS}/{fid}").status_code == 204
    assert bb.get(f"{SETS}/{fid}").status_code == 404
    assert bb.get(f"{ME}/files/27170").status_code == 200  # the files themselves stay


def test_file_set_refusals_change_nothing(bb):
    fid = bb.post(SETS, data={"name": "s"}).json()["id"]
    bb.post(f"{SETS}/{fid}/files", data={"fileId": 27170})
    cases = [
        (bb.post(SETS, data={}), 400, "name: Missing data for required field."),
        (bb.post(SETS, data={"name": ""}), 400, None),
        (bb.post(f"{SETS}/{fid}/files", data={"fileId": 27170}), 409, "File 27170 is already in the file set"),
        (bb.post(f"{SETS}/{fid}/files", data={"fileId": 424242}), 404, "File with id 424242 not found"),
        (bb.post(f"{SETS}/{fid}/files", data={"fileId": "x"}), 400, None),
        (bb.delete(f"{SETS}/{fid}/files/27171"), 404, None),
        (bb.get(f"{SETS}/424242"), 404, "File set with id 424242 not found"),
        (bb.post(f"{SETS}/{fid}/share", data={"accessGroupId": 424242}), 404, None),
    ]
    for r, status, message in cases:
        assert r.status_code == status and set(r.json()) == {"statusCode", "message"}, r.text
        assert message is None or r.json()["message"] == message
    assert bb.get(f"{SETS}/{fid}").json()["fileCount"] == 1 and bb.get(SETS).json()["total"] == 1


def test_another_users_file_set_is_not_found(bb):
    fid = bb.post(SETS, data={"name": "mine"}).json()["id"]
    other = ("bitbar-shared-key", "")
    assert bb.get(f"{SETS}/{fid}", auth=other).status_code == 404
    assert bb.get(SETS, auth=other).json()["total"] == 0
    assert bb.delete(f"{SETS}/{fid}", auth=other).status_code == 404
    assert bb.get(f"{SETS}/{fid}").status_code == 200


def test_sharing_a_file_set_with_an_access_group(bb):
    fid = bb.post(SETS, data={"name": "shared"}).json()["id"]
    group = bb.post(f"{ME}/access-groups", data={"name": "qa"}).json()["id"]
    shared = bb.post(f"{SETS}/{fid}/share", data={"accessGroupId": group})
    assert shared.status_code == 201 and shared.json()["id"] == group
    resources = bb.get(f"{ME}/access-groups/{group}/resources").json()["data"]
    assert [(r["type"], r["resourceId"]) for r in resources] == [("FILE_SET", fid)]
    again = bb.post(f"{SETS}/{fid}/share", data={"accessGroupId": group})
    assert again.status_code == 409 and again.json()["statusCode"] == 409
    assert bb.delete(f"{SETS}/{fid}").status_code == 204
    assert bb.get(f"{ME}/access-groups/{group}/resources").json()["total"] == 0


def test_deleting_a_file_takes_it_out_of_its_sets(bb):
    fid = bb.post(SETS, data={"name": "s"}).json()["id"]
    up = bb.post(f"{ME}/files", files={"file": ("extra.zip", b"PK extra")}).json()["id"]
    bb.post(f"{SETS}/{fid}/files", data={"fileId": up})
    assert bb.delete(f"{ME}/files/{up}").status_code == 204
    assert bb.get(f"{SETS}/{fid}").json()["fileCount"] == 0 and bb.get(f"{SETS}/{fid}/files").json()["total"] == 0


def test_file_sets_under_every_account_prefix_and_as_xml(bb):
    fid = bb.post("/api/me/file-sets", data={"name": "x"}).json()["id"]
    assert bb.get(f"/api/v2/users/31595291/file-sets/{fid}").json()["name"] == "x"
    assert bb.get(f"/api/v2/users/278815/file-sets/{fid}").status_code == 404
    xml = bb.get(f"{SETS}/{fid}", headers={"Accept": "*/*"})
    assert xml.headers["Content-Type"].startswith("application/xml") and "<fileSet>" in xml.text
