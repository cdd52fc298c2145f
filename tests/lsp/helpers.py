"""Helpers for the language server tests: documents, and applying LSP edits to text."""

from __future__ import annotations

import re
from typing import Any

from mjprompt.lsp.document import Document
from mjprompt.lsp.positions import UTF16, from_units
from mjprompt.lsp.settings import Settings


def doc(text: str, name: str = "x.prompts", **settings: Any) -> Document:
    return Document(f"file:///tmp/{name}", text, 1, Settings(**settings))


def _offset(text: str, position: dict[str, int], encoding: str = UTF16) -> int:
    """The string offset of an LSP position (dict form) in ``text``."""
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    ends = [*(m.start() for m in re.finditer(r"\r\n|\r|\n", text)), len(text)]
    line = position["line"]
    if line >= len(starts):
        return len(text)
    content = text[starts[line] : ends[line]]
    return starts[line] + from_units(content, position["character"], encoding)


def apply_text_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """``text`` with LSP ``TextEdit`` data applied (UTF-16 positions), as a client would."""
    spans = sorted(
        (
            (_offset(text, e["range"]["start"]), _offset(text, e["range"]["end"]), e["newText"])
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def text_at(text: str, rng: dict[str, Any]) -> str:
    """The text an LSP range (dict form, UTF-16) covers."""
    return text[_offset(text, rng["start"]) : _offset(text, rng["end"])]
