"""Suppression comments as the language server needs them, read by the CLI's parser.

The syntax and its meaning have one home, :mod:`mjprompt.cli.suppression`:

- ``# mjprompt: disable-next-line MJ101,MJ304`` silences those codes (no codes: all) on
  the **next prompt line**; other comment lines may come between, a blank line ends it;
- ``# mjprompt: disable-file MJ210`` silences them anywhere in the file.

This module only adapts that parser to a document kept line by line: which directives
cover one line (:func:`next_line_directives`), the file-wide ones
(:class:`FileSuppressions`), and adding a code to an existing comment (:func:`add_code`).
A line whose code list is malformed is no directive here (it silences nothing, exactly
as in ``mjprompt check``, where it is an input error).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..cli.suppression import NEXT_LINE, WHOLE_FILE, Directive, applies, parse_directive

__all__ = [
    "NEXT_LINE",
    "WHOLE_FILE",
    "FileSuppressions",
    "add_code",
    "covered_by",
    "directive_of",
    "is_comment",
    "next_line_comment",
    "next_line_directives",
]


def directive_of(line: str, number: int = 1) -> Directive | None:
    """The well-formed directive on ``line`` (1-based ``number``), or None."""
    if "mjprompt" not in line:  # fast path: almost no line is a directive
        return None
    try:
        return parse_directive(line, number)
    except ValueError:
        return None


def is_comment(line: str) -> bool:
    """A comment line of a text prompt file (what may stand between a directive and its
    prompt line)."""
    return line.lstrip().startswith("#")


def covered_by(directives: Iterable[Directive], code: str) -> bool:
    """True when one of ``directives`` silences ``code``."""
    return any(applies(d, code) for d in directives)


class FileSuppressions:
    """The ``disable-file`` directives of a document."""

    __slots__ = ("directives",)

    def __init__(self, lines: Iterable[str]) -> None:
        found = (directive_of(line, n) for n, line in enumerate(lines, 1))
        self.directives: tuple[Directive, ...] = tuple(
            d for d in found if d is not None and d.whole_file
        )

    def suppresses(self, code: str) -> bool:
        return covered_by(self.directives, code)


def next_line_directives(line_at: Callable[[int], str], index: int) -> list[Directive]:
    """The ``disable-next-line`` directives that cover prompt line ``index`` (0-based):
    those in the run of comment lines right above it."""
    out: list[Directive] = []
    above = index - 1
    while above >= 0:
        line = line_at(above)
        if not is_comment(line):
            break  # a blank line or a prompt line ends the run
        directive = directive_of(line, above + 1)
        if directive is not None and not directive.whole_file:
            out.append(directive)
        above -= 1
    return out


def next_line_comment(line: str) -> Directive | None:
    """The ``disable-next-line`` directive on ``line``, if it is one."""
    directive = directive_of(line)
    return directive if directive is not None and not directive.whole_file else None


def add_code(comment: str, code: str) -> str | None:
    """``comment`` (a ``disable-next-line`` line) with ``code`` added; None if covered."""
    directive = next_line_comment(comment)
    if directive is None or applies(directive, code):
        return None
    return comment.rstrip() + ("," if directive.codes else " ") + code
