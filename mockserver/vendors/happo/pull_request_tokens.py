"""Pull-request tokens: a secret a PR's URL signs with in place of an API key."""

from __future__ import annotations

import re

from ...core.auth import public
from ...core.negotiation import json_response
from . import auth, errors
from .blueprint import blueprint, checked_body, current_world

PR_URL = re.compile(r"^https?://[^/\s]+/[^/\s]+/[^/\s]+/pull/[0-9]+/?$")


@blueprint.post("/api/pull-request-token")
@public
def pull_request_token():
    data = checked_body()
    if not PR_URL.match(data["prUrl"]):
        raise errors.not_a_pull_request_url()
    return json_response({"secret": auth.issue_pr_token(current_world().state, data["prUrl"])})
