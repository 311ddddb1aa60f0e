"""The Vendor interface: what each of the five packages fills in to plug into the core."""

from __future__ import annotations

import abc
import importlib
from pathlib import Path

from flask import Blueprint, Response
from marshmallow import RAISE, Schema, ValidationError

from ..settings import OPENAPI_DIR
from .errors import VendorError
from .redact import SECRET_NAMES
from .state import State


class NoOptions(Schema):
    class Meta:
        unknown = RAISE


class Vendor(abc.ABC):
    """Subclass per vendor; one instance is the package's `VENDOR`.

    name               url prefix and fixtures file name ("bitbar")
    title              the product's name, as the README and the CLI list it
    port_offset        its own port is the main port + this (built-ins 1..5; a new vendor takes the next)
    blueprint          every vendor route, paths as in the vendor's docs relative to its root
    fixture_schema     marshmallow schema of fixtures/<name>.yaml
    options_schema     marshmallow schema of its --vendor-option knobs (unknown ones refused)
    control_blueprint  optional vendor extras under /_mock/<name>/ (e.g. Happo reviews)
    secret_keys        names of the state fields holding credentials, shown as "***" in /_mock/state
    demo_headers       what a client sends to be the default fixtures' demo user
    probe              a cheap GET (path under the vendor root) that answers 200 to demo_headers
    credential_field   (fixture table, field) of the key `tenant_credential` reads; its first row is the demo
                       user, whose key a credential's tenant replaces with its own (core/credentials.py)
    user_field         (fixture table, field) of the user name a sign-in presents; its first row, the demo
                       user, is renamed to a credential's tenant's name
    sign_in_paths      the vendor paths whose request body names the user signing in (`sign_in_credential`)
    """

    name: str = ""
    title: str = ""
    port_offset: int = 0
    blueprint: Blueprint | None = None
    fixture_schema: type[Schema] = Schema
    options_schema: type[Schema] = NoOptions
    control_blueprint: Blueprint | None = None
    secret_keys: frozenset[str] = SECRET_NAMES  # (any field named like a credential, unless a vendor says)
    spec_guard: bool = True  # check requests against openapi/<name>.yaml before the view (core/contract.py)
    # serve a path with doubled slashes (/a//b) as /a/b, as a servlet container does, not werkzeug's 308 redirect
    merge_slashes: bool = False
    demo_headers: dict[str, str] = {}
    probe: str = "/"
    credential_field: tuple[str, str] | None = None
    user_field: tuple[str, str] | None = None
    sign_in_paths: frozenset[str] = frozenset()

    def tenant_credential(self, environ) -> str | None:
        """The key that names the request's tenant under --tenant-from-credentials, read off the raw
        WSGI environ (it runs on every request, before Flask); None: none given, or the vendor has none."""
        return None

    def sign_in_credential(self, fields: dict) -> str | None:
        """What names a sign-in's tenant (core/credentials.py) among its parameters (query and body): the
        user name of a password grant, the token of a refresh grant; None: nothing."""
        return None

    def issued(self, state: State, credential: str) -> bool:
        """Whether `credential` is one the mock handed out in `state` (a token a sign-in issued): such a
        key stays in the tenant that issued it rather than naming one of its own."""
        return False

    def authenticate(self) -> None:
        """Let the request in or raise the vendor's own 401/403; runs before every view not marked
        `core.auth.public`, after the tenant, fault and vendor hooks and before the contract check."""
        return None

    def load_options(self, given: dict | None) -> dict:
        """The vendor's options with defaults filled in; ValueError naming the option when one is wrong."""
        try:
            return self.options_schema().load(given or {})
        except ValidationError as err:
            problems = "; ".join(f"{self.name}.{key}: {' '.join(map(str, why)) if isinstance(why, list) else why}"
                                 for key, why in err.messages.items())
            raise ValueError(f"vendor option {problems}") from None

    def spec_path(self) -> Path:
        return OPENAPI_DIR / f"{self.name}.yaml"

    def build_state(self, fixtures: dict) -> State:
        """A world from validated fixture data. It may store the rows it is given but never change them: the
        base world every tenant forks is built of the loaded set itself (tests/core/test_base_world.py)."""
        state = State(self.name)
        for kind, rows in fixtures.items():
            if isinstance(rows, list):
                for row in rows:
                    state.insert(kind, row)
            else:
                state.extra[kind] = rows
        return state

    def contract_error(self, problem) -> VendorError:
        """The 400 for a request its contract forbids (core/contract.Problem), in the vendor's wording."""
        return VendorError(400, str(problem), spec_violations=[str(problem)])

    def dump_state(self, state: State) -> dict:
        return state.to_json()

    @abc.abstractmethod
    def error_response(self, status: int, message: str, extra: dict) -> Response:
        """Render an error in this vendor's own shape (every vendor declares one)."""

    def generate_fixtures(self, fake, scale: int, progress) -> dict:
        """A realistic fixture set of about `scale` objects per collection, from a seeded Faker: the
        package's generate.generate(fake, scale, progress), imported only when fixtures are generated."""
        package = type(self).__module__
        try:
            module = importlib.import_module(f"{package}.generate")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.generate":
                raise
            return {}
        return module.generate(fake, scale, progress)
