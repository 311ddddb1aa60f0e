"""qTest: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema

from ...core.negotiation import json_response
from ...core.vendor import Vendor

blueprint = Blueprint("qtest", __name__)


class FixtureSchema(Schema):
    pass


class QtestVendor(Vendor):
    name = "qtest"
    title = "qTest"
    blueprint = blueprint
    fixture_schema = FixtureSchema

    def error_response(self, status, message, extra):
        return json_response({"message": message}, status)


VENDOR = QtestVendor()
