"""Tenants by credential (`--tenant-from-credentials`): each API key a client signs in with that the base
fixtures do not know is a tenant of its own, whose worlds start from the fixtures with that key in place
of the demo one (the first row of the vendor's `credential_field` table). A CI job sets its key to
`job-$CI_JOB_ID` and gets an isolated world through a client that can set nothing but a URL and a key.

The tenant is `key:<the key>` when the key is a plain name (at most 64 letters, digits or ._@+-), else
`key+<16 hex digits of its SHA-256>`, so /_mock/tenants never shows an odd or long key. Vendors of every
port share the name: the same key for Bitbar and Happo is one tenant with both worlds.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re

from .store import DEFAULT_TENANT
from .tenancy import ENVIRON_KEY, FROM

NAMED = "key:"
HASHED = "key+"
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

    def choose(self, environ, vendor: str) -> None:
        """Make the request's credential its tenant (the request named none by header or path), unless the
        base fixtures know it or the default tenant's world issued it (a sign-in's token): it stays there."""
        of = self.vendors[vendor]
        found = of.tenant_credential(environ)
        if found and found not in self.known(vendor):
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
            field = self.vendors[vendor].credential_field
            rows = data.get(field[0], []) if field else []
            cached = self._known[vendor] = (data, frozenset(row.get(field[1]) for row in rows))
        return cached[1]

    def seed(self, tenant: str, vendor: str, data: dict) -> None:
        """Put the tenant's key in place of the demo one in `data` (a private copy of its fixtures)."""
        field = self.vendors[vendor].credential_field
        if field is None or not data.get(field[0]):
            return
        credential = self.credential(tenant)
        if credential is not None:
            data[field[0]][0][field[1]] = credential

    def seed_fork(self, tenant: str, vendor: str, state) -> bool:
        """The same touch on a fork of the base world (core/overlay.py): the demo row found as the record of
        its id, or as the first of an extra's list of rows. False when neither holds it: built in full then."""
        field = self.vendors[vendor].credential_field
        credential = self.credential(tenant)
        rows = self.store.base_fixtures(vendor).get(field[0]) if field else None
        if credential is None or not rows:
            return True
        first, (kind, name) = rows[0], field
        table = state.tables.get(kind)
        if table is not None and first.get("id") is not None and first["id"] in table:
            record = table[first["id"]]
            if record.get(name) == first.get(name):
                record[name] = credential
                return True
        listed = state.extra.get(kind)
        if isinstance(listed, list) and listed and listed[0].get(name) == first.get(name):
            listed[0][name] = credential
            return True
        return False

    def _forget(self, tenant: str) -> None:
        self._hashed.pop(tenant, None)
