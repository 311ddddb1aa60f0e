"""devise_token_auth-style credentials: sign-in issues header tokens; every call shows four headers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask.globals import _cv_app, _cv_request

from ...core import context
from ...core.credentials import any_password, mark
from . import errors

ACCEPT_MEDIA = "application/vnd.api+json"
TOKEN_LIFETIME = timedelta(days=365)
MAX_TOKENS = 10


def tenant_credential(environ) -> str | None:
    """The access-token header that names a tenant under --tenant-from-credentials (client and uid stay the
    fixtures' first token's)."""
    return environ.get("HTTP_ACCESS_TOKEN", "").strip() or None


def sign_in_credential(fields: dict) -> str | None:
    """The e-mail that names a sign-in's tenant (core/credentials.py), as the sign-in matches it."""
    email = fields.get("email")
    return email.strip().lower() if isinstance(email, str) else None


@lru_cache(maxsize=256)  # a client sends one Accept header on every request: read once
def _accepts(header: str) -> bool:
    """True when Accept names application/vnd.api+json with version=1 (parameters in any order)."""
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if media.lower() != ACCEPT_MEDIA:
            continue
        if any(p.replace(" ", "").lower() == "version=1" for p in params):
            return True
    return False


def _epoch() -> int:
    return int(context.now().timestamp())


def live_tokens(state, uid: str) -> list[dict]:
    """The user's live tokens that count against the ten (pinned fixture tokens do not)."""
    now = _epoch()
    return [t for t in state.extra["tokens"] if t["uid"] == uid and t["expiry"] > now and not t.get("pinned")]


def sign_in(email: str, password: str) -> tuple[dict, dict]:
    """(user, token) for good credentials; the eleventh live token retires the oldest."""
    state = context.state()
    wanted = email.strip().lower()
    # matched ignoring case, which no index holds: read without copying, and only the match fetched into the tenant
    key = next((key for key, u in state.peek("users") if u["email"].lower() == wanted), None)
    user = None if key is None else state.table("users")[key]
    if user is None or (user["password"] != password and not any_password(user["email"], password)):
        raise errors.bad_login()
    uid = user["email"]
    now = _epoch()
    # expired tokens are forgotten so they never count against the ten
    state.extra["tokens"] = [t for t in state.extra["tokens"] if t["expiry"] > now]
    token = {
        "uid": uid,
        "client": state.next_token("client", 22),
        "access_token": mark(state.next_token("access-token", 22)),  # (a credential's tenant follows)
        "expiry": int((context.now() + TOKEN_LIFETIME).timestamp()),
    }
    state.extra["tokens"].append(token)
    mine = live_tokens(state, uid)
    while len(mine) > MAX_TOKENS:
        oldest = mine.pop(0)
        state.extra["tokens"].remove(oldest)
    return user, token


def authenticate() -> dict:
    """The live token the four headers name; 406 for a wrong Accept, 401 for bad credentials."""
    environ = _cv_request.get().request.environ  # (the proxy's attribute lookup costs more than the object's)
    if not _accepts(environ.get("HTTP_ACCEPT", "")):
        raise errors.not_acceptable()
    token = environ.get("HTTP_ACCESS_TOKEN", "").strip()
    client = environ.get("HTTP_CLIENT", "").strip()
    uid = environ.get("HTTP_UID", "").strip()
    if not (token and client and uid):
        raise errors.unauthenticated()
    if context.permissive():
        found = {"uid": uid, "client": client, "access_token": token,
                 "expiry": int((context.now() + TOKEN_LIFETIME).timestamp())}
    else:
        now = _epoch()
        for found in context.state().extra["tokens"]:
            if found["uid"] == uid and found["client"] == client and found["access_token"] == token \
                    and found["expiry"] > now:
                break
        else:
            raise errors.unauthenticated()
        context.valid_until(_instant(found["expiry"]))  # the token holds till then
    _cv_app.get().g.__dict__["hiptest_token"] = found  # (g's own __setattr__ is a Python call)
    return found


@lru_cache(maxsize=256)  # every request of a token declares its expiry: one datetime per token, not per request
def _instant(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def current_author() -> str:
    token = _cv_app.get().g.__dict__.get("hiptest_token")
    return token["uid"] if token else "HiptestBot"
