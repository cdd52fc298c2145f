"""Hover: a parameter's facts and the profile's verdict; a rule's explanation.

Everything shown about a parameter comes from the one parameter table
(:data:`mjprompt.params.PARAMS`); a rule's explanation is its docstring, the text of
``mjprompt explain`` and ``docs/rules.md`` (MJ901, the CLI's own check, included).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..cli.rules import all_rules
from ..params import Kind, ParamSpec, lookup
from ..parsing import parse_lenient
from .document import Document, rule_href
from .verdict import verdict

__all__ = ["hover", "param_markdown", "rule_markdown"]

_CODE = re.compile(r"MJ\d{3}", re.IGNORECASE)

_KIND = {
    Kind.FLAG: "a flag (no value)",
    Kind.INT: "a whole number",
    Kind.FLOAT: "a number",
    Kind.RATIO: "a ratio W:H",
    Kind.TEXT: "free text (comma-separated)",
    Kind.SREF: "style references: image URLs, numeric codes or `random`, each with an "
    "optional `::weight`",
    Kind.URL: "an image URL",
    Kind.CODES: "personalization or moodboard codes",
    Kind.VERSION: "a version number",
    Kind.WORD: "a word",
}


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _allowed(spec: ParamSpec) -> str | None:
    if spec.choices:
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.minimum is not None or spec.maximum is not None:
        return f"{_number(spec.minimum)}–{_number(spec.maximum)}"
    return None


def param_markdown(spec: ParamSpec, profile: str) -> str:
    """The hover text of a parameter."""
    lines = [f"**`--{spec.name}`** — {spec.status.value} parameter"]
    if spec.aliases:
        lines.append("Aliases: " + ", ".join(f"`--{a}`" for a in spec.aliases))
    if spec.display != spec.name:
        lines.append(f"Written as `--{spec.display}` by `mjprompt format`")
    lines.append(f"Value: {_KIND[spec.kind]}")
    allowed = _allowed(spec)
    if allowed:
        lines.append(f"Allowed: {allowed}")
    if spec.default is not None:
        lines.append(f"Default: `{spec.default}`")
    if spec.note:
        lines.append(f"Note: {spec.note}")
    if spec.cost:
        when = f" (for {', '.join(spec.cost_values)})" if spec.cost_values else ""
        lines.append(f"Cost{when}: {spec.cost}")
    v = verdict(spec, profile)
    mark = "accepted" if v.accepted else "refused"
    lines.append(f"Profile {profile}: **{mark}** — {v.text}")
    return "  \n".join(lines)


@functools.cache
def _rules() -> dict[str, Any]:
    # The registry and the CLI's own MJ901 (unused suppression), as `mjprompt explain`.
    return all_rules()


def rule_markdown(code: str, profile: str) -> str | None:
    """The hover text of a rule: its code, name, severity and documentation."""
    r = _rules().get(code.upper())
    if r is None:
        return None
    severity = r.severities.get(profile)
    level = severity.value if severity is not None else "not run"
    return (
        f"**{r.code}** `{r.name}` ({profile}: {level}; fix: {r.fix or 'none'})\n\n"
        f"{r.doc}\n\n[Documentation]({rule_href(r.code)})"
    )


def hover(doc: Document, index: int, column: int) -> dict[str, Any] | None:
    """The hover at a code-point position: markdown and the range it is about."""
    if not 0 <= index < len(doc.store):
        return None
    line = doc.store.lines[index]
    profile = doc.settings.profile
    parts: list[str] = []
    rng: dict[str, Any] | None = None
    for match in _CODE.finditer(line):
        if match.start() <= column <= match.end():
            text = rule_markdown(match.group(), profile)
            if text:
                parts.append(text)
                rng = doc.lsp_range(index, match.start(), match.end())
    found = doc.prompt_at(index, column)
    if found is not None:
        prompt, offset = found
        for p in parse_lenient(prompt.text).params:
            if p.span.start <= offset <= p.span.end and p.name:
                spec = p.spec or lookup(p.name)
                if spec is not None:
                    parts.append(param_markdown(spec, profile))
                break
    for f in doc.visible(index):
        if f.start <= column <= f.end and f.code is not None:
            text = rule_markdown(f.code, profile)
            if text and text not in parts:
                parts.append(f"{f.message}\n\n{text}")
    if not parts:
        return None
    result: dict[str, Any] = {"contents": {"kind": "markdown", "value": "\n\n---\n\n".join(parts)}}
    if rng is not None:
        result["range"] = rng
    return result
