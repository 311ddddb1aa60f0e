"""`mockserver fixtures generate`: a seeded Faker drives each vendor's generator; output is byte-stable."""

from __future__ import annotations

import sys
from pathlib import Path

from faker import Faker

from .fixtures import FORMATS, dump_yaml, validate, write_json
from .heap import no_gc


class Draw:
    """Realistic values, fast enough for 100k records. Faker's providers take 2–110 µs a call (an e-mail
    75, a URL 110), so each provider is called `pool` times once and its values are then picked with
    Faker's own seeded random.Random: a seed still fixes every byte."""

    def __init__(self, fake, pool: int = 1000):
        self.fake = fake
        self.random = fake.random
        self._random = fake.random.random
        self.pool = pool
        self._pools: dict = {}

    def __call__(self, provider: str, **kwargs):
        values = self._pools.get((provider, *sorted(kwargs.items())) if kwargs else provider)
        if values is None:
            make = getattr(self.fake, provider)
            key = (provider, *sorted(kwargs.items())) if kwargs else provider
            values = self._pools[key] = [make(**kwargs) for _ in range(self.pool)]
        return values[int(self._random() * self.pool)]  # (called a million times for a 100k set)

    def int(self, low: int, high: int) -> int:
        return low + int(self._random() * (high - low + 1))  # randint costs five times as much

    def choice(self, seq):
        return seq[int(self._random() * len(seq))]

    def chance(self, percent: float) -> bool:
        return self._random() * 100 < percent

    def hex(self, digits: int) -> str:
        return f"{self.random.getrandbits(4 * digits):0{digits}x}"

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


class Progress:
    """Prints a line every tenth of the way, for sets large enough to take a while."""

    def __init__(self, vendor: str, quiet_below: int = 1000):
        self.vendor = vendor
        self.quiet_below = quiet_below
        self._last: dict[str, int] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        if total < self.quiet_below:
            return
        tenth = done * 10 // max(total, 1)
        if tenth != self._last.get(what):
            self._last[what] = tenth
            print(f"  {self.vendor}: {what} {done}/{total}", file=sys.stderr, flush=True)


# `--format auto`: YAML (readable, diffable, what people write by hand) up to this scale, JSON above it:
# libyaml needs minutes for 100k records where JSON takes about a second.
YAML_UP_TO = 1000


def pick_format(fmt: str, scale: int) -> str:
    return fmt if fmt in FORMATS else ("yaml" if scale <= YAML_UP_TO else "json")


def generate(vendor_name: str, scale: int, seed: int, out: Path, fmt: str = "auto") -> Path:
    """Write out/<vendor>.yaml or .json, replacing the other form (both would be loaded, and merged)."""
    from ..app import load_vendors

    vendor = load_vendors([vendor_name])[vendor_name]
    fmt = pick_format(fmt, scale)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{vendor_name}.{fmt}"
    with no_gc():
        data = vendor.generate_fixtures(fake, scale, Progress(vendor_name))
        if scale <= YAML_UP_TO:
            # a generator that writes an invalid set is a bug: fail loudly. Bigger sets are checked when loaded,
            # which names the file and key path just the same; checking here too would double the time.
            validate(vendor, data, str(path))
        if fmt == "json":
            write_json(data, path)
        else:
            path.write_text(dump_yaml(data), encoding="utf-8")
    for other in (out / f"{vendor_name}.{ext}" for ext in ("yaml", "yml", "json")):
        if other != path and other.is_file():
            other.unlink()
    return path
