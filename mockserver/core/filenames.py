"""File names clients send: reduced to a safe base name before a vendor stores or echoes one, and written
into `Content-Disposition` as RFC 6266 asks (an ASCII `filename` plus the exact UTF-8 `filename*`).

werkzeug's `secure_filename` is not used: it keeps ASCII only (and turns spaces into `_`), so it would
change the echo of ordinary names such as `résumé 日本.pdf` or `My App.apk`; only dangerous names change here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote

MAX_BYTES = 255  # the longest name (UTF-8 bytes) common file systems store
MAX_SUFFIX = 16  # an extension longer than this is not kept whole when a long name is cut

# C0/C1 controls (NUL, CR, LF, …), bidi overrides that make a name read backwards, line/paragraph
# separators and lone surrogates; other format characters (ZWJ, ZWNJ) are kept, scripts need them
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_PATH = re.compile(r"[/\\]")
# what may stand in a quoted `filename=` as is: printable ASCII but the quote, the backslash (clients
# disagree on escapes) and `%` (some clients percent-decode the plain parameter)
_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7F)) - {'"', "\\", "%"}
# RFC 5987 attr-char beyond the letters, digits and `_.-~` quote() always keeps
_ATTR_CHARS = "!#$&+^`|"


def safe_name(raw: str | None) -> str:
    """The last path part of `raw` without control characters, trimmed of surrounding spaces and cut to
    MAX_BYTES (the extension kept); "" when nothing usable remains (empty, `.`, `..`): the vendor then
    answers its own refusal or its own default name. An ordinary name comes back unchanged."""
    if not raw:
        return ""
    name = _PATH.split(_UNSAFE.sub("", raw))[-1].strip()
    if not name.strip("."):
        return ""
    if len(name) * 4 > MAX_BYTES and len(name.encode("utf-8")) > MAX_BYTES:
        name = _shortened(name)
    return name


def _shortened(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX:
        stem, suffix = name, ""
    else:
        suffix = "." + suffix
    room = MAX_BYTES - len(suffix.encode("utf-8"))
    # a cut through a multi-byte character drops that character's leftover bytes
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip()
    return stem + suffix


def zip_entry(*folders: str, name: str) -> str:
    """A zip entry path: `folders` (a separator inside one becomes `_`), then the safe base name of the
    file's `name` (as its download would carry it), so no entry can climb out of where it is unpacked."""
    parts = [safe_name(_PATH.sub("_", folder)) or "_" for folder in folders]
    return "/".join(parts + [safe_name(name) or "file"])


@functools.lru_cache(maxsize=1024)
def content_disposition(name: str | None, disposition: str = "attachment", default: str = "download") -> str:
    """`attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` for `name` (made safe
    first, `default` when nothing is left): pure ASCII, one line, whatever the name held."""
    name = safe_name(name) or default
    return f"{disposition}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def _ascii_fallback(name: str) -> str:
    if name.isascii() and _PLAIN.issuperset(name):
        return name
    # accents fall away (é → e); every other character a plain client cannot show becomes `_`
    plain = "".join(ch if ch in _PLAIN else "_" for ch in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(ch))
    return plain
