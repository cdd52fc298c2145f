"""Suppression comments of text prompt files, as far as the language server needs them.

Two comment forms, each a whole line of a text prompt file (JSON files have no comments):

- ``# mjprompt: disable-next-line MJ101,MJ304``: no finding of those codes on the line
  right after the comment (no codes: no finding at all there);
- ``# mjprompt: disable-file MJ210``: no finding of those codes anywhere in the file.

A code may also be a prefix (``MJ3``), as in ``--ignore``. This is a minimal reader
behind :func:`read_directive`; the CLI has its own, and the two agree on this syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

__all__ = [
    "ALL",
    "NEXT_LINE",
    "WHOLE_FILE",
    "Directive",
    "FileSuppressions",
    "add_code",
    "covers",
    "next_line_comment",
    "read_directive",
]

NEXT_LINE = "disable-next-line"
WHOLE_FILE = "disable-file"
ALL: frozenset[str] = frozenset()  # no codes written: every code

_DIRECTIVE = re.compile(
    r"^\s*#\s*mjprompt:\s*(disable-next-line|disable-file)\b([^#]*)$", re.IGNORECASE
)
_CODE = re.compile(r"[A-Za-z]+\d*")


@attrs.frozen(slots=True)
class Directive:
    """One suppression comment: its kind and its codes (empty: all codes)."""

    kind: str
    codes: frozenset[str]


def read_directive(line: str) -> Directive | None:
    """The suppression comment on ``line``, or None when it is not one."""
    if "mjprompt" not in line:  # fast path: almost no line is a directive
        return None
    match = _DIRECTIVE.match(line)
    if match is None:
        return None
    codes = frozenset(c.upper() for c in _CODE.findall(match.group(2)))
    return Directive(match.group(1).lower(), codes)


def covers(codes: frozenset[str], code: str) -> bool:
    """True when a directive with ``codes`` suppresses ``code``."""
    return not codes or any(code.startswith(c) for c in codes)


class FileSuppressions:
    """The ``disable-file`` codes of a document; ``None`` when there is none."""

    __slots__ = ("codes",)

    def __init__(self, lines: Iterable[str]) -> None:
        found: set[str] | None = None
        every = False
        for line in lines:
            directive = read_directive(line)
            if directive is not None and directive.kind == WHOLE_FILE:
                found = found if found is not None else set()
                every = every or not directive.codes
                found |= directive.codes
        self.codes: frozenset[str] | None = (
            None if found is None else (ALL if every else frozenset(found))
        )

    def suppresses(self, code: str) -> bool:
        return self.codes is not None and covers(self.codes, code)


def next_line_comment(line: str) -> Directive | None:
    """The ``disable-next-line`` directive on ``line``, if it is one."""
    directive = read_directive(line)
    return directive if directive is not None and directive.kind == NEXT_LINE else None


def add_code(comment: str, code: str) -> str | None:
    """``comment`` (a ``disable-next-line`` line) with ``code`` added; None if covered."""
    directive = next_line_comment(comment)
    if directive is None or covers(directive.codes, code):
        return None
    return comment.rstrip() + ("," if directive.codes else " ") + code
