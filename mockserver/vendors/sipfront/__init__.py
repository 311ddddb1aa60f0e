"""Sipfront v2: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema

from ...core.negotiation import json_response
from ...core.vendor import Vendor

blueprint = Blueprint("sipfront", __name__)


class FixtureSchema(Schema):
    pass


class SipfrontVendor(Vendor):
    name = "sipfront"
    title = "Sipfront v2"
    blueprint = blueprint
    fixture_schema = FixtureSchema

    def error_response(self, status, message, extra):
        return json_response({"message": message}, status)


VENDOR = SipfrontVendor()
