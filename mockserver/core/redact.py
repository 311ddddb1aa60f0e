"""Credentials shown as "***" in state dumps and the journal, unless the control token asks to see them.

State is redacted by key name, per vendor (Vendor.secret_keys: the fields its fixtures and state keep
credentials in). The journal is redacted by what any client sends: credential headers, and fields named
like a secret in query strings, form bodies and JSON bodies (found in the text, so a truncated body is
redacted too). Both run only when someone reads, never on a request's path.
"""

from __future__ import annotations

import re

MASK = "***"


def norm(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(".", "")


# field names that hold a credential whatever the vendor (compared lowercased, without _ - .)
SECRET_NAMES = frozenset(norm(n) for n in (
    "password", "passwd", "secret", "api_secret", "client_secret", "api_key", "apikey", "token", "tokens",
    "access_token", "refresh_token", "refresh_tokens", "id_token", "authorization", "proxy-authorization",
    "cookie", "set-cookie", "private_key",
))
_SUFFIXES = ("password", "secret", "token", "apikey")


def is_secret(name: str) -> bool:
    key = norm(name)
    return key in SECRET_NAMES or key.endswith(_SUFFIXES)


def redact_headers(headers: dict) -> dict:
    return {k: (MASK if is_secret(k) and v else v) for k, v in headers.items()}


_FORM_PAIR = re.compile(r"(^|&)([^=&]*)=([^&]*)")
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.){1,100})"(\s*:\s*)("(?:[^"\\]|\\.)*"?|\[[^\]]*\]?)')
_HINT = re.compile(r"pass|secret|token|key|auth|cookie", re.I)


def _form(match: re.Match) -> str:
    lead, key, value = match.groups()
    if value and is_secret(key.replace("%5F", "_").replace("+", "")):
        return f"{lead}{key}={MASK}"
    return match.group(0)


def redact_query(query: str) -> str:
    if not query or not _HINT.search(query):
        return query
    return _FORM_PAIR.sub(_form, query)


def _json(match: re.Match) -> str:
    key, colon, value = match.groups()
    if not is_secret(key) or value in ('""', "[]"):
        return match.group(0)
    if value.startswith("["):  # a list of credentials: each string masked
        return f'"{key}"{colon}' + re.sub(r'"(?:[^"\\]|\\.)*"?', f'"{MASK}"', value)
    return f'"{key}"{colon}"{MASK}"'


def redact_body(text: str) -> str:
    """A request or response body's text with credential fields masked (JSON or form encoded)."""
    if not text or not _HINT.search(text):
        return text
    if text.lstrip()[:1] in ("{", "["):
        return _JSON_PAIR.sub(_json, text)
    if "=" in text and "\n" not in text:
        return _FORM_PAIR.sub(_form, text)
    return text


def _masked(value, keys: frozenset):
    """The value of a credential field: strings masked, a map keyed by credentials gets masked keys."""
    if isinstance(value, str):
        return MASK if value else value
    if isinstance(value, dict):
        return {f"{MASK}{i}": redact_state(v, keys) for i, v in enumerate(value.values(), start=1)}
    if isinstance(value, list):
        return [_masked(v, keys) if isinstance(v, str) else redact_state(v, keys) for v in value]
    return value  # None, numbers: nothing to hide


def redact_state(data, keys: frozenset):
    """A copy of a state dump with every field named in `keys` (normalised names) masked."""
    if isinstance(data, dict):
        return {k: (_masked(v, keys) if isinstance(k, str) and norm(k) in keys else redact_state(v, keys))
                for k, v in data.items()}
    if isinstance(data, list):
        return [redact_state(v, keys) for v in data]
    return data
