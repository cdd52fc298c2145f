"""Completion: parameter names after ``--``, and a parameter's values after its name.

Every name of the parameter table is offered with its aliases. A parameter the profile
refuses is still offered (the user may be reading an old prompt) but says so: its
detail names the verdict, it is tagged deprecated (editors strike it through) and it
sorts after the accepted ones.
"""

from __future__ import annotations

import re
from typing import Any

from ..params import PARAMS, Kind, ParamSpec, lookup
from .document import Document
from .verdict import verdict

__all__ = ["COMMON_RATIOS", "complete"]

# Aspect ratios people use most (Midjourney's presets); any W:H up to 14:1 is valid.
COMMON_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4", "21:9", "9:21")

_NAME = re.compile(r"(?:^|\s)(?:--|[\u2014\u2013])([A-Za-z]*)$")
_VALUE = re.compile(r"(?:^|\s)(?:--|[\u2014\u2013])([A-Za-z]+)\s+(\S*)$")
# LSP CompletionItemKind / CompletionItemTag
_PROPERTY, _ENUM_MEMBER, _DEPRECATED = 10, 20, 1


def _values(spec: ParamSpec) -> tuple[str, ...]:
    if spec.kind is Kind.FLAG:
        return ()
    if spec.choices:
        return spec.choices
    if spec.kind is Kind.RATIO:
        return COMMON_RATIOS
    if spec.name == "sref":
        return ("random",)
    lo, hi = spec.minimum, spec.maximum
    if spec.kind is Kind.INT and lo is not None and hi is not None and hi - lo <= 10:
        return tuple(str(n) for n in range(int(lo), int(hi) + 1))
    return ()


def _name_items(profile: str, typed: str) -> list[dict[str, Any]]:
    items = []
    for order, spec in enumerate(PARAMS):
        v = verdict(spec, profile)
        for name in spec.names:
            if not name.lower().startswith(typed.lower()):
                continue
            alias = "" if name == spec.name else f"alias of --{spec.name}; "
            item: dict[str, Any] = {
                "label": name,
                "kind": _PROPERTY,
                "detail": f"{alias}{'' if v.accepted else 'refused: '}{v.text}",
                "labelDetails": {"description": "" if v.accepted else f"refused in {profile}"},
                "sortText": f"{0 if v.accepted else 1}{order:03d}{name}",
                "filterText": name,
            }
            if not v.accepted:
                item["tags"] = [_DEPRECATED]
            items.append(item)
    return items


def _value_items(spec: ParamSpec, profile: str) -> list[dict[str, Any]]:
    v = verdict(spec, profile)
    note = "" if v.accepted else f" (--{spec.name} is refused: {v.text})"
    return [
        {
            "label": value,
            "kind": _ENUM_MEMBER,
            "detail": f"--{spec.name} {value}"
            + (" (default)" if value == spec.default else "")
            + note,
            "sortText": f"{i:03d}",
        }
        for i, value in enumerate(_values(spec))
    ]


def _with_edits(
    doc: Document, index: int, column: int, typed: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    # Say exactly what an item replaces (the part of the word typed so far): editors
    # differ on whether `-` belongs to a word, and must not eat the `--`.
    rng = doc.lsp_range(index, column - len(typed), column)
    for item in items:
        item["textEdit"] = {"range": rng, "newText": item["label"]}
    return items


def complete(doc: Document, index: int, column: int) -> list[dict[str, Any]]:
    """The completion items at a code-point position."""
    found = doc.prompt_at(index, column)
    if found is None:
        return []
    prompt, offset = found
    before = prompt.text[:offset]
    profile = doc.settings.profile
    # In a JSON literal with escapes, the typed word may be written longer than it reads.
    plain = prompt.raw is None or "\\" not in prompt.raw
    value = _VALUE.search(before)
    if value is not None:
        spec = lookup(value.group(1))
        items = [] if spec is None else _value_items(spec, profile)
        typed = value.group(2)
    else:
        name = _NAME.search(before)
        if name is None:
            return []
        items = _name_items(profile, name.group(1))
        typed = name.group(1)
    return _with_edits(doc, index, column, typed, items) if plain else items
