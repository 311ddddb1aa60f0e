"""A tiny vendor used only by the core tests, so they do not depend on any real vendor's surface."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from flask import Blueprint
from marshmallow import RAISE, Schema, fields

from mockserver.core import context
from mockserver.core.auth import bearer_token, public
from mockserver.core.bodies import json_body, load
from mockserver.core.clock import iso, parse_iso
from mockserver.core.errors import VendorError
from mockserver.core.negotiation import empty, json_response, negotiated
from mockserver.core.vendor import Vendor

bp = Blueprint("demo", __name__)


class ItemSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.Integer()
    name = fields.String(required=True)
    size = fields.Integer(load_default=1)
    tags = fields.List(fields.String())


class FixtureSchema(Schema):
    class Meta:
        unknown = RAISE

    items = fields.List(fields.Nested(ItemSchema), load_default=list)
    tokens = fields.List(fields.String(), load_default=list)


def require_token() -> None:
    if context.state().extra.get("open"):
        return
    token = bearer_token()
    if token is None or (token not in context.state().extra["tokens"] and not context.permissive()):
        raise VendorError(401, "who are you?")


CALLS: Counter = Counter()  # how often each cacheable view really ran (the read cache's tests read it)


@bp.get("/about")
@public
def about():
    """Open to anyone: what the demo vendor is (shows `core.auth.public`)."""
    return json_response({"vendor": "demo", "items": len(context.state().table("items"))})


@bp.get("/calls")
def calls():
    context.now()  # a view that reads the clock is never served from the read cache
    return json_response(dict(CALLS))


@bp.get("/countdown")
def countdown():
    CALLS["countdown"] += 1
    now, deadline = context.now(), context.state().extra.get("deadline")
    deadline = parse_iso(deadline) if deadline else None
    before = deadline is not None and now < deadline
    context.valid_until(deadline if before else None)
    return json_response({"phase": "before" if before else "after"})


@bp.post("/guarded")
def guarded():
    CALLS["guarded"] += 1
    return json_response({"reason": json_body()["reason"]})


@bp.post("/upload")
def upload():
    from flask import g, request

    part = request.files["file"]
    return json_response({"name": part.filename, "size": len(part.read()), "fields": g.body})


@bp.get("/visits")
def visits():
    return json_response({"visits": context.state().extra.get("visits", 0)})


@bp.get("/visit")
def visit():
    """A read that notes something in the state (as reads that announce finished runs do)."""
    context.state().extra["visits"] = context.state().extra.get("visits", 0) + 1
    return json_response({"ok": True})


@bp.put("/deadline")
def set_deadline():
    context.state().extra["deadline"] = json_body()["at"]
    return empty()


@bp.get("/items")
def list_items():
    CALLS["items"] += 1
    return negotiated({"items": list(context.state().table("items").values())}, xml_root="items")


@bp.post("/items")
def create_item():
    data = load(ItemSchema(partial=("id",)), json_body())
    return json_response(context.state().insert("items", data), 201)


@bp.post("/items/batch")
def create_batch():
    """Inserts one by one and fails on the first bad item: the store must roll back."""
    state = context.state()
    created = []
    for raw in json_body(kind=list):
        created.append(state.insert("items", load(ItemSchema(partial=("id",)), raw)))
    return json_response(created, 201)


@bp.post("/items/slow")
def create_slowly():
    """Writes, waits `seconds`, writes again (reading the state anew), then fails when asked: what a
    reset of the tenant in the meantime must not be undone or mixed with."""
    import time

    body = json_body()
    context.state().insert("items", {"name": f"{body['name']}-before"})
    time.sleep(body.get("seconds", 0.5))
    context.state().insert("items", {"name": f"{body['name']}-after"})
    if body.get("fail"):
        raise VendorError(409, "failed after writing")
    return json_response({"ok": True}, 201)


def _names() -> list[str]:
    CALLS["names"] += 1
    return [item["name"] for item in context.state().table("items").values()]


@bp.get("/items/names")
def item_names():
    """The names, kept against the world (context.kept_work): `q` only keeps the read cache from answering."""
    return json_response({"names": context.kept_work("names", _names)})


@bp.get("/items/blob")
def item_blob():
    """A body of `size` bytes kept as bytes (context.kept_work counts them): `q` keeps the read cache out."""
    size = context.checked()[0]["size"]

    def make() -> bytes:
        CALLS["blob"] += 1
        return b'"' + b"x" * size + b'"'

    return json_response(context.kept_work(("blob", size), make))


@bp.post("/items/names")
def rename_and_list():
    """Renames an item in place, then lists the names as that request sees them; fails after when asked."""
    body = json_body()
    item = context.state().get("items", body["id"])
    if item is None:
        raise VendorError(404, f"no item {body['id']}")
    item["name"] = body["name"]
    names = context.kept_work("names", _names)
    if body.get("fail"):
        raise VendorError(409, "failed after renaming")
    return json_response({"names": names})


@bp.get("/items/<int:itemId>")
def get_item(itemId):
    item = context.state().get("items", itemId)
    if item is None:
        raise VendorError(404, f"no item {itemId}")
    return json_response(item)


@bp.patch("/items/<int:itemId>")
def change_item(itemId):
    """Changes the stored item in place (its name; a tag appended to its list), then fails when asked: what a
    tenant's copy-on-write world must keep to itself, and roll back."""
    item = context.state().get("items", itemId)
    if item is None:
        raise VendorError(404, f"no item {itemId}")
    body = json_body()
    if "name" in body:
        item["name"] = body["name"]
    if "tag" in body:
        item.setdefault("tags", []).append(body["tag"])
    if body.get("fail"):
        raise VendorError(409, "failed after changing")
    return json_response(item)


@bp.delete("/items/<int:itemId>")
def delete_item(itemId):
    if context.state().delete("items", itemId) is None:
        raise VendorError(404, f"no item {itemId}")
    return empty()


@bp.post("/notify")
def notify():
    body = json_body()
    context.record_outbound("email", {"to": body["to"]})
    if body.get("refuse"):
        raise VendorError(409, "refused after the e-mail was queued")
    return json_response({"queued": 1}, 202)


@bp.post("/form")
def echo_form():
    from flask import request

    return json_response(request.form.to_dict())


@bp.get("/now")
def now():
    return json_response({"now": iso(context.now()), "base": context.base_url()})


@bp.post("/boom")
def boom():
    context.state().insert("items", {"name": "half-written"})
    raise RuntimeError("kaboom")


class DemoVendor(Vendor):
    name = "demo"
    title = "Demo (the core's own tests)"
    blueprint = bp
    fixture_schema = FixtureSchema
    demo_headers = {"Authorization": "Bearer demo-token"}
    probe = "/items"

    def spec_path(self):
        return Path(__file__).resolve().parent / "demo_openapi.yaml"

    def authenticate(self):
        require_token()

    def build_state(self, fixtures):
        state = super().build_state({"items": fixtures["items"]})
        state.extra["tokens"] = fixtures["tokens"]
        return state

    def error_response(self, status, message, extra):
        body = {"demoError": message, "code": status}
        if "fields" in extra:
            body["fields"] = extra["fields"]
        return json_response(body, status)

    def generate_fixtures(self, fake, scale, progress):
        return {"items": [{"id": i + 1, "name": fake.word()} for i in range(scale)], "tokens": ["t"]}


DEMO = DemoVendor()
DEMO_FIXTURES = {
    "items": [{"id": 7, "name": "seven", "size": 7}, {"id": 3, "name": "three", "size": 3}],
    "tokens": ["demo-token"],
}
