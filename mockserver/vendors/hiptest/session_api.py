"""POST /api/auth/sign_in: e-mail and password in, credentials out in response headers."""

from __future__ import annotations

from flask import g, request
from marshmallow import ValidationError

from ...core.bodies import json_body, schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import auth
from .routes import bp
from .schemas import SignInBody, UserOut


@bp.post("/api/auth/sign_in")
def sign_in():
    raw = json_body(required=False) if request.is_json else request.form.to_dict()
    try:
        body = schema_of(SignInBody).load(raw or {})
    except ValidationError:
        # devise_token_auth answers a sign-in without e-mail or password like a wrong one
        raise VendorError(401, auth.BAD_LOGIN) from None
    user, token = auth.sign_in(body["email"], body["password"])
    g.hiptest_token = token
    headers = {
        "access-token": token["access_token"],
        "token-type": "Bearer",
        "client": token["client"],
        "uid": token["uid"],
    }
    # the docs elide the body as {"data": [ {...} ]}: the signed-in user, devise_token_auth style
    data = schema_of(UserOut).dump({**user, "uid": user["email"], "provider": "email"})
    return json_response({"data": [data]}, 200, headers, content_type="application/json; charset=utf-8")
