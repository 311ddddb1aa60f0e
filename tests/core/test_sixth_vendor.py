"""A sixth vendor is one folder: dropped into the vendors' package path, it is served on the main port and
its own, listed by the CLI, documented in the README table, fuzzed and benched, with no other edit."""

from __future__ import annotations

import sys
import textwrap

import pytest
import requests

import mockserver.vendors
from mockserver.settings import Settings
from mockserver.vendors import registry

FILES = {
    "__init__.py": '''
        """Zeta Cloud v1, the throwaway vendor of tests/core/test_sixth_vendor.py."""
        from pathlib import Path

        from mockserver.core.negotiation import json_response
        from mockserver.core.vendor import Vendor

        from . import things
        from .auth import require_token
        from .blueprint import blueprint
        from .schemas import FixtureSchema


        class ZetaVendor(Vendor):
            name = "zeta"
            title = "Zeta Cloud v1"
            port_offset = 6
            blueprint = blueprint
            fixture_schema = FixtureSchema
            demo_headers = {"Authorization": "Bearer zeta-demo-token"}
            probe = "/v1/things"

            def spec_path(self):
                return Path(__file__).with_name("openapi.yaml")

            def authenticate(self):
                require_token()

            def error_response(self, status, message, extra):
                return json_response({"fault": message, "code": status}, status)


        VENDOR = ZetaVendor()
        assert things  # its routes are registered by importing it
    ''',
    "blueprint.py": '''
        from flask import Blueprint

        blueprint = Blueprint("zeta", __name__)
    ''',
    "auth.py": '''
        from mockserver.core import context
        from mockserver.core.auth import bearer_token

        from . import errors


        def require_token():
            if bearer_token() not in context.state().extra["access"]["tokens"]:
                raise errors.unknown_token()
    ''',
    "errors.py": '''
        from mockserver.core.errors import VendorError


        def unknown_token():
            return VendorError(401, "unknown token")


        def no_such_thing(thing_id):
            return VendorError(404, f"no thing {thing_id}")
    ''',
    "model.py": '''
        def label(thing):
            return thing["name"].upper()
    ''',
    "schemas.py": '''
        from marshmallow import Schema, fields


        class Thing(Schema):
            id = fields.Integer()
            name = fields.String(required=True)


        class FixtureSchema(Schema):
            things = fields.List(fields.Nested(Thing), load_default=lambda: [{"id": 1, "name": "first"}])
            access = fields.Dict(load_default=lambda: {"tokens": ["zeta-demo-token"]})
    ''',
    "generate.py": '''
        def generate(fake, scale, progress):
            return {"things": [{"id": i, "name": fake.word()} for i in range(1, scale + 1)]}
    ''',
    "things.py": '''
        from mockserver.core import context
        from mockserver.core.negotiation import json_response

        from . import errors, model
        from .blueprint import blueprint


        @blueprint.get("/v1/things")
        def list_things():
            things = context.state().table("things").values()
            return json_response([{"id": t["id"], "label": model.label(t)} for t in things])


        @blueprint.get("/v1/things/<int:thing_id>")
        def get_thing(thing_id):
            thing = context.state().get("things", thing_id)
            if thing is None:
                raise errors.no_such_thing(thing_id)
            return json_response({"id": thing["id"], "label": model.label(thing)})
    ''',
    "openapi.yaml": '''
        openapi: 3.1.0
        info: {title: Zeta Cloud, version: "1"}
        components:
          securitySchemes:
            token: {type: http, scheme: bearer}
          schemas:
            Thing:
              type: object
              required: [id, label]
              properties: {id: {type: integer}, label: {type: string}}
            Fault:
              type: object
              required: [fault, code]
              properties: {fault: {type: string}, code: {type: integer}}
        security: [{token: []}]
        paths:
          /v1/things:
            get:
              responses:
                "200":
                  description: every thing
                  content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}}}
                "401":
                  description: no or unknown token
                  content: {application/json: {schema: {$ref: "#/components/schemas/Fault"}}}
          /v1/things/{thing_id}:
            get:
              parameters:
                - {name: thing_id, in: path, required: true, schema: {type: integer}}
              responses:
                "200":
                  description: one thing
                  content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
                "400":
                  description: a thing_id that is not an integer
                  content: {application/json: {schema: {$ref: "#/components/schemas/Fault"}}}
                "401":
                  description: no or unknown token
                  content: {application/json: {schema: {$ref: "#/components/schemas/Fault"}}}
                "404":
                  description: no such thing
                  content: {application/json: {schema: {$ref: "#/components/schemas/Fault"}}}
    ''',
}


@pytest.fixture(scope="module")
def zeta(tmp_path_factory):
    """The zeta folder on the vendors' package path, for this module only."""
    root = tmp_path_factory.mktemp("more_vendors")
    folder = root / "zeta"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    mockserver.vendors.__path__.append(str(root))
    registry.cache_clear()
    try:
        yield registry()["zeta"]
    finally:
        mockserver.vendors.__path__.remove(str(root))
        registry.cache_clear()
        for module in [m for m in sys.modules if m.startswith("mockserver.vendors.zeta")]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def served(zeta):
    from tests.harness import start_server

    running = start_server(Settings())
    yield running
    running.stop()


def test_it_is_registered_after_the_built_in_five(zeta):
    assert list(registry())[-1] == "zeta" and len(registry()) == 6
    assert Settings().vendors[-1] == "zeta"


def test_it_is_served_on_the_main_port_and_its_own(served, zeta):
    for base in (served.vendor_url("zeta"), served.port_url("zeta")):
        answer = requests.get(base + zeta.probe, headers=zeta.demo_headers, timeout=10)
        assert answer.status_code == 200 and answer.json() == [{"id": 1, "label": "FIRST"}]
    assert served.settings.vendor_port("zeta") == served.settings.port + 6


def test_the_core_gives_it_auth_contract_and_errors(served, zeta):
    base = served.vendor_url("zeta")
    assert requests.get(base + "/v1/things/1", timeout=10).json() == {"fault": "unknown token", "code": 401}
    missing = requests.get(base + "/v1/things/9", headers=zeta.demo_headers, timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"fault": "no thing 9", "code": 404})
    # the contract (its own openapi.yaml) refuses what the spec forbids, in the vendor's shape
    wrong = requests.get(base + "/v1/things/abc", headers=zeta.demo_headers, timeout=10)
    assert wrong.status_code in (400, 404) and set(wrong.json()) == {"fault", "code"}
    docs = requests.get(f"{served.url}/_mock/docs", timeout=10).text
    assert '"url": "/_mock/openapi/zeta.yaml"' in docs
    spec = requests.get(f"{served.url}/_mock/openapi/zeta.yaml", timeout=10)
    assert spec.status_code == 200 and "Zeta Cloud" in spec.text


def test_it_is_listed_and_documented(zeta, capsys):
    from mockserver.cli import main

    assert main(["vendors", "--markdown"]) == 0
    table = capsys.readouterr().out
    assert "| zeta     | Zeta Cloud v1 " in table and "`http://127.0.0.1:8086`" in table
    assert main(["vendors"]) == 0
    assert "http://127.0.0.1:8080/zeta" in capsys.readouterr().out


def test_it_is_fuzzed_and_benched(served, zeta):
    from tests.bench import all_scenarios
    from tests.contract.fuzz import fuzz_targets, run_fuzz

    target = fuzz_targets()["zeta"]
    result = run_fuzz("zeta", target.spec, served.vendor_url("zeta"), target.headers, max_examples=5, seed=1,
                      phases="examples,coverage,fuzzing", max_time=25)
    assert result.cases > 0 and (result.failures, result.errors) == (0, 0), result.output
    assert any(s.name == "zeta probe" and s.path == "/zeta/v1/things" for s in all_scenarios())
