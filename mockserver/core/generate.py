"""`mockserver fixtures generate`: a seeded Faker drives each vendor's generator; output is byte-stable."""

from __future__ import annotations

import sys
from pathlib import Path

from faker import Faker

from .fixtures import dump_yaml, validate


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


def generate(vendor_name: str, scale: int, seed: int, out: Path) -> Path:
    from ..app import load_vendors

    vendor = load_vendors([vendor_name])[vendor_name]
    fake = Faker("en_US")
    fake.seed_instance(seed)
    data = vendor.generate_fixtures(fake, scale, Progress(vendor_name))
    text = dump_yaml(data)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{vendor_name}.yaml"
    validate(vendor, data, str(path))  # a generator that writes an invalid set is a bug: fail loudly
    path.write_text(text, encoding="utf-8")
    return path
