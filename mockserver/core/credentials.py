"""Tenants by credential (`--tenant-from-credentials`): each API key a client signs in with that the base
fixtures do not know is a tenant of its own, whose worlds start from the fixtures with that key in place
of the demo one (the first row of the vendor's `credential_field` table). A CI job sets its key to
`job-$CI_JOB_ID` and gets an isolated world through a client that can set nothing but a URL and a key.

The tenant is `key:<the key>` when the key is a plain name (at most 64 letters, digits or ._@+-), else
`key+<16 hex digits of its SHA-256>`, so /_mock/tenants never shows an odd or long key. Vendors of every
port share the name: the same key for Bitbar and Happo is one tenant with both worlds.

A user name a sign-in (qTest and Bitbar `/oauth/token`, Hiptest `/api/auth/sign_in`) names is a credential
too: `key:<the user>`, whose worlds have that user in place of the demo one (its name, `user_field`). Its
body is read for it once the front has it (`choose_sign_in`). Every token a credential's tenant issues ends
in `~` and its tenant's name (base64url): a later request carrying it lands in that tenant with no other
hint, with no table to keep, after an eviction too (then the token is unknown there: the vendor's 401).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
from io import BytesIO
from urllib.parse import parse_qsl

from . import context
from .store import DEFAULT_TENANT, TENANT_RE
from .tenancy import ENVIRON_KEY, FROM, PENDING, SIGN_IN

NAMED = "key:"
HASHED = "key+"
MARK = "~"  # a token's tenant follows it (`~` is in no tenant name, no base64url and no plain key)
MAX_SIGN_IN = 64 * 1024  # a larger body names no tenant (the vendor answers it as ever)
_PLAIN = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")


def basic_user(environ) -> str | None:
    """The user of `Authorization: Basic ...` read off the environ (None when absent or unreadable)."""
    header = environ.get("HTTP_AUTHORIZATION")
    return _basic_user(header) if header else None


@functools.lru_cache(maxsize=1024)  # a CI job sends the same header on every request: decoded once
def _basic_user(header: str) -> str | None:
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, colon, _ = decoded.partition(":")
    return user if colon else None


def sign_in_fields(environ, body: bytes) -> dict:
    """A sign-in's parameters: the query, then a form or JSON body over it (as the vendors read them);
    {} for what cannot be read (the vendor then answers its own 400)."""
    fields = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    try:
        kind = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        if body and kind == "application/x-www-form-urlencoded":
            fields.update(parse_qsl(body.decode("utf-8")))
        elif body and kind.endswith("json"):
            found = json.loads(body)
            fields.update(found if isinstance(found, dict) else {})
    except (UnicodeDecodeError, ValueError):
        return {}
    return fields


def mark(token: str) -> str:
    """A token the request's world issues, with its tenant's name when that is a credential's tenant."""
    if context.core().credentials is None:
        return token
    tenant = context.tenant()
    if not tenant.startswith((NAMED, HASHED)):
        return token
    return token + MARK + base64.urlsafe_b64encode(tenant.encode()).decode().rstrip("=")


@functools.lru_cache(maxsize=1024)  # a job sends its token on every request: read once
def marked_tenant(token: str) -> str | None:
    """The credential's tenant a token `mark` made names (None: no such token)."""
    tail = token.rpartition(MARK)[2]
    try:
        tenant = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return tenant if tenant.startswith((NAMED, HASHED)) and TENANT_RE.match(tenant) else None


def any_password(user: str, password) -> bool:
    """Whether `user` is the one this request's credential tenant is named for: it signs in with any
    password but an empty one (a CI job sets a user name, not a password the mock could know beforehand)."""
    found = context.core().credentials
    return found is not None and bool(password) and user == found.credential(context.tenant())


def bearer(environ) -> str | None:
    """The token of `Authorization: Bearer ...` (None when absent)."""
    header = environ.get("HTTP_AUTHORIZATION")
    if not header or header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None


class CredentialTenants:
    """Chooses a request's tenant from its credential, and seeds that tenant's worlds with it."""

    def __init__(self, store, vendors: dict):
        self.store = store
        self.vendors = vendors
        self._known: dict[str, tuple] = {}  # vendor -> (the base fixtures read, the credentials they hold)
        self._hashed: dict[str, str] = {}  # tenant -> its key, for names that do not spell it
        store.seed = self.seed
        store.seed_fork = self.seed_fork
        store.on_evict.append(self._forget)

    def choose(self, environ, vendor: str, path: str | None = None) -> None:
        """Make the request's credential its tenant (the request named none by header or path). `path`: the
        vendor path, given by the front, which reads a sign-in's body later; without it (behind the front, or
        with no front) PATH_INFO is the vendor's and a sign-in's body is read here."""
        of = self.vendors[vendor]
        if of.sign_in_paths and (path or environ.get("PATH_INFO")) in of.sign_in_paths:
            if SIGN_IN in environ:
                return  # the front read it
            if path is not None and (environ.get("CONTENT_LENGTH") or "HTTP_TRANSFER_ENCODING" in environ):
                environ[SIGN_IN] = PENDING  # the front calls choose_sign_in once it has the body
            else:
                self.choose_sign_in(environ, vendor, b"" if path is not None else _wsgi_body(environ))
            return
        self._name(environ, vendor, of.tenant_credential(environ))

    def choose_sign_in(self, environ, vendor: str, body: bytes) -> None:
        """The tenant of a sign-in: the user name (or refresh token) it presents, as `choose` takes a key."""
        environ[SIGN_IN] = "read"
        of = self.vendors[vendor]
        self._name(environ, vendor, of.sign_in_credential(sign_in_fields(environ, body)))

    def _name(self, environ, vendor: str, found: str | None) -> None:
        """Make `found` the tenant, unless the base fixtures know it or the default tenant's world issued it
        (a sign-in's token): it stays there. A token a credential's tenant issued goes back to that tenant."""
        if not found:
            return
        if MARK in found:
            tenant = marked_tenant(found)
            if tenant is not None:
                environ[ENVIRON_KEY] = tenant
                environ[FROM] = "credential"
                return
        if found not in self.known(vendor):
            of = self.vendors[vendor]
            state = self.store.existing(DEFAULT_TENANT, vendor)
            if state is None or not of.issued(state, found):
                environ[ENVIRON_KEY] = self.tenant(found)
                environ[FROM] = "credential"

    def tenant(self, credential: str) -> str:
        if _PLAIN.match(credential):
            return NAMED + credential
        name = HASHED + hashlib.sha256(credential.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self._hashed[name] = credential
        return name

    def credential(self, tenant: str) -> str | None:
        """The key a tenant's worlds accept in place of the demo one (None: not a credential's tenant)."""
        if tenant.startswith(NAMED):
            return tenant[len(NAMED):]
        return self._hashed.get(tenant) if tenant.startswith(HASHED) else None

    def known(self, vendor: str) -> frozenset:
        data = self.store.base_fixtures(vendor)
        cached = self._known.get(vendor)
        if cached is None or cached[0] is not data:  # (new base fixtures: POST /_mock/fixtures)
            of = self.vendors[vendor]
            names = set()
            for field in (of.credential_field, of.user_field):
                names.update(row.get(field[1]) for row in (data.get(field[0], []) if field else []))
            cached = self._known[vendor] = (data, frozenset(names))
        return cached[1]

    def seed(self, tenant: str, vendor: str, data: dict) -> None:
        """Put the tenant's key in place of the demo one in `data` (a private copy of its fixtures), and
        its user name in place of the demo user's."""
        credential = self.credential(tenant)
        if credential is None:
            return
        of = self.vendors[vendor]
        for field in (of.credential_field, of.user_field):
            if field is not None and data.get(field[0]):
                data[field[0]][0][field[1]] = credential

    def seed_fork(self, tenant: str, vendor: str, state) -> bool:
        """The same touch on a fork of the base world (core/overlay.py): the demo row found as the record of
        its id, or as the first of an extra's list of rows. False when neither holds it: built in full then."""
        credential = self.credential(tenant)
        if credential is None:
            return True
        of = self.vendors[vendor]
        for field in (of.credential_field, of.user_field):
            rows = self.store.base_fixtures(vendor).get(field[0]) if field else None
            if rows and not _seed_row(state, field, rows[0], credential):
                return False
        return True

    def _forget(self, tenant: str) -> None:
        self._hashed.pop(tenant, None)


def _wsgi_body(environ) -> bytes:
    """A sign-in's body read off a WSGI server's input (no front: `--dev`, the test client), put back for
    the vendor's app; b"" when it is too large or has no length (the vendor answers it as ever)."""
    declared = environ.get("CONTENT_LENGTH")
    if not declared or not declared.isdigit() or int(declared) > MAX_SIGN_IN:
        return b""
    body = environ["wsgi.input"].read(int(declared))
    environ["wsgi.input"] = BytesIO(body)
    return body


def _seed_row(state, field: tuple, first: dict, credential: str) -> bool:
    """`credential` in place of `first`'s `field` in the fork `state` (whether that row was found there). A row
    keyed by that very field (qTest's tokens by `access_token`, users by `username`) moves to the new key, as
    a full build of the seeded fixtures would store it."""
    kind, name = field
    table = state.tables.get(kind)
    if table is not None:
        for key, keyed in ((first.get("id"), False), (first.get(name), True)):
            if key is None or key not in table:
                continue
            record = table[key]
            if record.get(name) != first.get(name) or (keyed and record.get(name) != key):
                continue
            if keyed and credential != key:
                state.delete(kind, key)
                record[name] = credential
                state.insert(kind, record, id_field=name)
            else:
                record[name] = credential
                state.insert(kind, record)  # stored again: a new version, so no index of `name` (a key's) is stale
            return True
    listed = state.extra.get(kind)
    if isinstance(listed, list) and listed and listed[0].get(name) == first.get(name):
        listed[0][name] = credential
        return True
    return False
