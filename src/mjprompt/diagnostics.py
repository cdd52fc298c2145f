"""The diagnostic model: what a rule reports, and its JSON form (PRODUCT.md §3).

Spans are 0-based code-point offsets into the prompt, end exclusive. Fixes are lists of
non-overlapping edits against the same prompt text; a fix is either safe (applied by
default) or unsafe (applied only when asked), as in ruff.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from ._immutable import Immutable, setters

__all__ = [
    "INFO",
    "Diagnostic",
    "E",
    "Edit",
    "Fix",
    "Severity",
    "Span",
    "W",
    "apply_edits",
    "line_col",
]


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: ``ERROR > WARNING > INFO``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

# The severities as the parameter table and the rule modules write them (once, here).
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class Span(Immutable):
    """A half-open range ``[start, end)`` of code-point offsets into the prompt.

    Immutable, hashable, ordered by ``(start, end)``; pickled as a constructor call.
    """

    __slots__ = ("start", "end")  # noqa: RUF023 - the fields' order
    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        _set_start(self, start)
        _set_end(self, end)

    def __len__(self) -> int:
        return self.end - self.start

    def __lt__(self, other: Span) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    def __le__(self, other: Span) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) <= (other.start, other.end)

    def __gt__(self, other: Span) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) > (other.start, other.end)

    def __ge__(self, other: Span) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) >= (other.start, other.end)

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


_set_start, _set_end = setters(Span, "start", "end")


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement`` (an insertion when start == end).

    Edits, fixes and diagnostics are named tuples: immutable, hashable, and cheap to
    build, which matters when a dataset's rules build one per finding.
    """

    start: int
    end: int
    replacement: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


class Fix(NamedTuple):
    """A set of edits that together repair one diagnostic."""

    edits: tuple[Edit, ...]
    safe: bool
    description: str

    def to_json(self) -> dict[str, Any]:
        return {
            "safe": self.safe,
            "edits": [e.to_json() for e in self.edits],
            "description": self.description,
        }


class Diagnostic(NamedTuple):
    """One finding: a stable code, the rule's kebab-case name, a severity and a span.

    A named tuple, like flake8's violations: immutable and hashable, and a linted
    dataset builds one per finding, which costs a fifth of an attrs frozen class.
    :meth:`replace` gives a copy with some fields changed.
    """

    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with the named fields changed (``attrs.evolve`` for the other models)."""
        return self._replace(**changes)

    def to_json(
        self,
        source: str,
        *,
        path: str | None = None,
        line_offset: int = 0,
        column_offset: int = 0,
    ) -> dict[str, Any]:
        """The JSON form of PRODUCT.md §3.

        ``line``/``column`` are 1-based and relative to the file; ``line_offset`` is the
        number of lines before the prompt in its file and ``column_offset`` the column
        (0-based) where the prompt starts on its first line. ``start``/``end`` stay
        relative to the prompt.
        """
        line, col = line_col(source, self.span.start)
        end_line, end_col = line_col(source, self.span.end)
        if line == 1:
            col += column_offset
        if end_line == 1:
            end_col += column_offset
        return {
            "path": path,
            "line": line + line_offset,
            "column": col,
            "end_line": end_line + line_offset,
            "end_column": end_col,
            "start": self.span.start,
            "end": self.span.end,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "fix": None if self.fix is None else self.fix.to_json(),
        }


_NEWLINE = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=16)
def _line_starts(text: str) -> tuple[int, ...]:
    # Cached per text: a CLI run asks for the line and column of every diagnostic of a
    # prompt, and a rescan per call would make a big prompt quadratic.
    return (0, *(m.end() for m in _NEWLINE.finditer(text)))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a code-point offset; ``\r\n``, ``\r`` and ``\n`` end lines."""
    offset = max(0, min(offset, len(text)))
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits in one pass (linear in the text and the edits).

    Edits are taken in source order; an insertion at the same offset as another edit
    goes first.
    """
    pieces: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:  # overlapping edits are a caller error; skip the later one
            continue
        pieces.append(text[pos : edit.start])
        pieces.append(edit.replacement)
        pos = edit.end
    pieces.append(text[pos:])
    return "".join(pieces)
