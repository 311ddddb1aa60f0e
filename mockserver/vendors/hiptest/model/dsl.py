"""The Hiptest DSL as far as tests and features need it: steps, action-word calls, Gherkin text."""

from __future__ import annotations

import functools
import re

KEYWORDS = ("given", "when", "then", "and", "but")
_STEP = re.compile(r"""^step\s*\{\s*(action|result)\s*:\s*"((?:[^"\\]|\\.)*)"\s*\}$""")
_CALL = re.compile(r"""^call\s+(?:(given|when|then|and|but)\s+)?'((?:[^'\\]|\\.)*)'(?:\s*\(.*\))?$""")
_HEAD = re.compile(r"""^(scenario|actionword|folder)\b""")
_ESCAPED = re.compile(r"\\(.)")
MAX_DEPTH = 20


def quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def unquote(text: str) -> str:
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text  # most steps have no escape: skip the regex


def scenario_definition(name: str, body: str = "") -> str:
    return f"scenario '{quote(name)}' do\n{body}end\n"


def actionword_definition(name: str, body: str | None) -> str:
    """At creation the API takes the body only; the stored definition wraps it."""
    body = (body or "").strip("\n")
    inner = "".join(f"  {line.strip()}\n" for line in body.splitlines() if line.strip())
    return f"actionword '{quote(name)}' do\n{inner}end\n"


def parse(definition: str | None) -> tuple[list[tuple], list[str]]:
    """(items, errors): items are ("step", "action"|"result", text) or ("call", keyword, name)."""
    items, errors = _parsed(definition or "")
    return list(items), list(errors)


@functools.lru_cache(maxsize=4096)  # a run parses each scenario once per dataset, each action word per call
def _parsed(definition: str) -> tuple[tuple, tuple]:
    items: list[tuple] = []
    errors: list[str] = []
    for number, raw in enumerate((definition or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line == "end" or (_HEAD.match(line) and line.endswith("do")):
            continue
        step = _STEP.match(line)
        if step:
            items.append(("step", step.group(1), unquote(step.group(2))))
            continue
        call = _CALL.match(line)
        if call:
            items.append(("call", call.group(1), unquote(call.group(2))))
            continue
        errors.append(f"line {number}: unexpected '{line}'")
    return tuple(items), tuple(errors)


def expand(items: list[tuple], actionwords: dict[str, str], depth: int = 0) -> list[list[dict]]:
    """The test steps each scenario step becomes, action-word calls expanded (one list per item)."""
    out = []
    for item in items:
        if item[0] == "step":
            out.append([{item[1]: item[2]}])
            continue
        _, keyword, name = item
        body = actionwords.get(name)
        inner = parse(body)[0] if body and depth < MAX_DEPTH else []
        if inner:
            out.append([s for group in expand(inner, actionwords, depth + 1) for s in group])
        else:
            text = f"{keyword.capitalize()} {name}" if keyword else name
            out.append([{"result" if keyword == "then" else "action": text}])
    return out


# -- Gherkin ----------------------------------------------------------------------------------
def to_gherkin(folder_name: str, description: str, scenarios: list[dict]) -> str:
    lines = [f"Feature: {folder_name}"]
    for text in (description or "").splitlines():
        lines.append(f"  {text}" if text.strip() else "")
    for scenario in scenarios:
        lines += ["", f"  Scenario: {scenario['name']}"]
        items, _ = parse(scenario.get("definition"))
        for item in items:
            if item[0] == "call":
                lines.append(f"    {(item[1] or '*').capitalize()} {item[2]}")
            else:
                lines.append(f"    {'Then' if item[1] == 'result' else '*'} {item[2]}")
    return "\n".join(lines) + "\n"


class FeatureError(ValueError):
    pass


def from_gherkin(text: str) -> tuple[str, list[dict]]:
    """(feature name, [{"name", "definition"}]) from Gherkin text; FeatureError when unreadable."""
    feature = None
    scenarios: list[dict] = []
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("@"):
            continue
        head, sep, rest = line.partition(":")
        head_l = head.strip().lower()
        if sep and head_l == "feature":
            feature = rest.strip()
            continue
        if sep and head_l in ("scenario", "scenario outline", "example"):
            current = {"name": rest.strip(), "steps": []}
            scenarios.append(current)
            continue
        word, _, phrase = line.partition(" ")
        if current is not None and (word.lower() in KEYWORDS or word == "*") and phrase.strip():
            keyword = "" if word == "*" else f"{word.lower()} "
            current["steps"].append(f"  call {keyword}'{quote(phrase.strip())}'\n")
            continue
        if current is None and feature is not None:
            continue  # free text under the Feature line is its description
        raise FeatureError(f"line {number}: cannot read '{line}'")
    if feature is None:
        raise FeatureError("the text has no 'Feature:' line")
    out = [{"name": s["name"], "definition": scenario_definition(s["name"], "".join(s["steps"]))} for s in scenarios]
    return feature, out
