"""qTest's wire date format and the lenient parsing its clients need."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from ....core.clock import iso

# The doc's format yyyy-mm-ddThh:mm:ss+zzzz, plus Z and +hh:mm; fraction of a second optional.
_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


def parse(text: str) -> datetime:
    """A qTest date string -> aware UTC datetime; ValueError when it is not one."""
    if not isinstance(text, str):
        raise ValueError(text)
    return _parsed(text)


@lru_cache(maxsize=4096)  # a token's expiry is read on every request it signs (a datetime is immutable)
def _parsed(text: str) -> datetime:
    match = _DATE.match(text.strip())
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = match.group(7)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    zone = match.group(8)
    if zone in (None, "Z"):
        # the doc's own request sample sends no offset: read it as UTC
        offset = timedelta(0)
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        value = datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone(offset))
        return value.astimezone(timezone.utc)
    except OverflowError:
        # 9999-12-31T23:59:59-0100 is a valid string but past datetime's last instant in UTC
        raise ValueError(text) from None


def fmt(value: datetime | None) -> str | None:
    """The format qTest emits, as in the doc's samples: 2015-04-08T03:01:48+00:00."""
    if value is None:
        return None
    v = value.astimezone(timezone.utc)
    if v.year < 1000:  # (strftime's %Y is not zero-padded there)
        return v.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    # written out: a third of strftime's cost, and a ping writes one
    return f"{v.year}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}+00:00"


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def stored(value: datetime) -> str:
    """How state keeps instants: exact to the microsecond, plain and readable in /_mock/state."""
    return iso(value)
