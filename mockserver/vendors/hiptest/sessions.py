"""POST /api/auth/sign_in: e-mail and password in, credentials out in response headers."""

from __future__ import annotations

from flask import g, request

from ...core import context
from ...core.auth import public
from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import auth, errors
from .blueprint import blueprint
from .schemas import UserOut


@blueprint.post("/api/auth/sign_in")
@public
def sign_in():
    # the contract requires e-mail and password as strings in a JSON or url-encoded body (errors.refusal
    # answers 401 without them, as devise_token_auth does); it leaves multipart forms to the view
    body = context.checked()[1]
    if body is None:
        body = request.form.to_dict()
    email, password = body.get("email"), body.get("password")
    if not (isinstance(email, str) and isinstance(password, str)):
        raise errors.bad_login()
    user, token = auth.sign_in(email, password)
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
