"""The user: OAuth tokens (the sign-in), the account (`me`) and the frameworks it may run."""

from __future__ import annotations

from ...core.auth import public
from . import auth
from . import schemas as s
from .blueprint import blueprint, dump, dump_list, given, me, me_route, state


@blueprint.route("/oauth/token", methods=["GET", "POST"])
@public
def oauth_token():
    return dump(s.TokenOut, auth.issue_token(given("client_id", "grant_type")), root="token")


@me_route("")
def get_me():
    user = me()
    return dump(s.UserOut, {**user, "name": f"{user['firstName']} {user['lastName']}".strip(),
                            "mainUser": True, "enabled": True}, root="user")


@me_route("/available-frameworks")
def list_frameworks():
    return dump_list(s.FrameworkOut, sorted(state().table("frameworks").values(), key=lambda f: f["id"]))
