"""Text edits on prompts: fixes, fix-all and formatting, as LSP ``TextEdit`` data.

A prompt's new text replaces the prompt where it is written: the whole line of a text
file, or the inside of its JSON string literal, re-encoded so that only what changed is
re-escaped (:func:`mjprompt.cli.jsonscan.rewrite_literal`, as ``mjprompt fix`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..cli.jsonscan import rewrite_literal
from ..lint import fix
from ..parsing import parse_lenient
from ..render import render
from .document import Document, PromptAt

__all__ = ["fix_all_edits", "format_edits", "line_removal", "text_edit"]


def text_edit(doc: Document, index: int, start: int, end: int, new: str) -> dict[str, Any]:
    """A ``TextEdit`` replacing code-point columns ``start..end`` of line ``index``."""
    return {"range": doc.lsp_range(index, start, end), "newText": new}


def line_removal(doc: Document, index: int) -> dict[str, Any]:
    """A ``TextEdit`` removing line ``index`` with its terminator (the last line: with
    the terminator before it)."""
    lines = doc.store.lines
    if index + 1 < len(lines):
        rng = doc.lsp_range(index, 0, 0)
        rng["end"] = {"line": index + 1, "character": 0}
    elif index > 0:
        rng = doc.lsp_range(index - 1, len(lines[index - 1]), len(lines[index - 1]))
        rng["end"] = doc.lsp_range(index, 0, len(lines[index]))["end"]
    else:
        rng = doc.lsp_range(index, 0, len(lines[index]))
    return {"range": rng, "newText": ""}


def _rewrite(
    doc: Document, first: int, last: int, change: Callable[[int, PromptAt], str | None]
) -> Iterator[dict[str, Any]]:
    """An edit for each prompt of lines ``first..last`` that ``change`` gives a new text."""
    for index in range(max(0, first), min(last, len(doc.entries) - 1) + 1):
        for prompt in doc.entries[index].prompts:
            new = change(index, prompt)
            if new is None or new == prompt.text:
                continue
            written = new if prompt.raw is None else rewrite_literal(prompt.raw, prompt.text, new)
            yield text_edit(doc, index, prompt.start, prompt.end, written)


def format_edits(doc: Document, first: int = 0, last: int | None = None) -> list[dict[str, Any]]:
    """The edits that put the prompts of lines ``first..last`` in the canonical form."""
    end = len(doc.entries) - 1 if last is None else last
    return list(_rewrite(doc, first, end, lambda _, p: render(parse_lenient(p.text))))


def _suppressed_codes(doc: Document, index: int) -> tuple[str, ...] | None:
    """Codes a comment hides on line ``index``: () none, None every code."""
    codes: set[str] = set()
    for directive in doc.directives_over(index):
        if not directive.codes:
            return None
        codes.update(directive.codes)
    return tuple(sorted(codes))


def fix_all_edits(doc: Document, *, unsafe: bool = False) -> list[dict[str, Any]]:
    """The edits of ``mjprompt fix`` on the whole document (suppressed codes left alone)."""
    s = doc.settings

    def fixed(index: int, prompt: PromptAt) -> str | None:
        located = doc.visible(index)
        if not any(
            f.diagnostic is not None
            and f.diagnostic.fix is not None
            and (unsafe or f.diagnostic.fix.safe)
            for f in located
        ):
            return None
        hidden = _suppressed_codes(doc, index)
        if hidden is None:
            return None
        ignore = (*(s.ignore or ()), *hidden) or None
        return fix(
            prompt.text, profile=s.profile, unsafe=unsafe, select=s.select, ignore=ignore
        ).text

    edits = list(_rewrite(doc, 0, len(doc.entries) - 1, fixed))
    # and, as `mjprompt fix` does, the unused suppression comments (MJ901) go
    for index in doc.suppression_lines():
        unused = doc.unused_at(index)
        if unused is None:
            continue
        if unused.whole_line:
            edits.append(line_removal(doc, index))
        else:
            edits.extend(text_edit(doc, index, *edit) for edit in unused.edits)
    return edits
