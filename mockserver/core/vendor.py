"""The Vendor interface: what each of the five packages fills in to plug into the core."""

from __future__ import annotations

import abc
from pathlib import Path

from flask import Blueprint, Response
from marshmallow import Schema

from ..settings import OPENAPI_DIR
from .errors import VendorError
from .state import State


class Vendor(abc.ABC):
    """Subclass per vendor; one instance is the package's `VENDOR`.

    name               url prefix and fixtures file name ("bitbar")
    blueprint          every vendor route, paths as in the vendor's docs relative to its root
    fixture_schema     marshmallow schema of fixtures/<name>.yaml
    control_blueprint  optional vendor extras under /_mock/<name>/ (e.g. Happo reviews)
    """

    name: str = ""
    title: str = ""
    blueprint: Blueprint | None = None
    fixture_schema: type[Schema] = Schema
    control_blueprint: Blueprint | None = None
    spec_guard: bool = False  # check requests against openapi/<name>.yaml before the view (core/contract.py)

    def spec_path(self) -> Path:
        return OPENAPI_DIR / f"{self.name}.yaml"

    def build_state(self, fixtures: dict) -> State:
        """A fresh world for one tenant from validated fixture data (already a private copy)."""
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
        """A realistic fixture set of about `scale` objects per collection, from a seeded Faker."""
        return {}
