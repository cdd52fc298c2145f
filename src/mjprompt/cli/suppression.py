"""Suppression comments of text prompt files, parsed by pure functions (the LSP reuses them).

A prompt line cannot hold a comment, so suppressions are whole comment lines::

    # mjprompt: disable-next-line MJ101,MJ304   (the next prompt line; no codes = all)
    # mjprompt: disable-file MJ210              (the whole file, wherever the line is)

Codes are rule codes or code prefixes (``MJ1``), separated by commas and/or spaces.
``disable-next-line`` applies to the next prompt line; only other comment lines may
come between (a blank line ends it). A suppression that silences nothing is reported
as :data:`UNUSED_CODE` (``unused-suppression``, like ruff's RUF100), with a safe fix
that removes the unused codes, or the whole line when none is used.

This module has no state and no I/O: :func:`parse_directive` reads one line,
:func:`directives_of` a whole text, :func:`applies` and :func:`suppressing` answer
"is this code silenced on that line", and :func:`removal` gives the text that replaces
a directive line once its unused codes are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .._record import Record

__all__ = [
    "NEXT_LINE",
    "UNUSED_CODE",
    "UNUSED_DOC",
    "UNUSED_NAME",
    "WHOLE_FILE",
    "Directive",
    "applies",
    "code_matches",
    "directives_of",
    "parse_directive",
    "removal",
    "suppressing",
]

NEXT_LINE = "disable-next-line"
WHOLE_FILE = "disable-file"
UNUSED_CODE = "MJ901"
UNUSED_NAME = "unused-suppression"
UNUSED_DOC = f"""\
A suppression comment that silences nothing.

A `# mjprompt: {NEXT_LINE}` or `# mjprompt: {WHOLE_FILE}` comment, or one of its codes,
that silences no finding: the mistake it was written for is gone, or the code is not a
rule code. A stale suppression would hide the next real mistake, so it is reported.

Example (the next line has no MJ101 finding):

    # mjprompt: {NEXT_LINE} MJ101
    a cat --ar 16:9

Fix (safe): remove the unused codes, or the whole comment line when none is used.
Ignore it with `--ignore {UNUSED_CODE}` or `extend-ignore = ["{UNUSED_CODE}"]`."""

# `#`, `mjprompt:`, the directive, then the codes; case-insensitive keyword, spaces free.
_DIRECTIVE = re.compile(
    r"^(?P<lead>\s*#\s*mjprompt\s*:\s*)(?P<kind>disable-next-line|disable-file)\b"
    r"(?P<codes>[^#]*?)\s*$",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+[0-9]*")


class Directive(Record):
    """One suppression comment: its 1-based line, kind, and codes (empty = every rule).

    ``target`` is the prompt line a ``disable-next-line`` covers (None when no prompt
    line follows it, and for ``disable-file``). ``codes_column`` is the 0-based column
    where the code list starts; ``text`` is the whole line (no line terminator).
    """

    __slots__ = ("line", "kind", "codes", "text", "codes_column", "target")  # noqa: RUF023 - field order
    line: int
    kind: str
    codes: tuple[str, ...]
    text: str
    codes_column: int
    target: int | None

    def __init__(
        self,
        line: int,
        kind: str,
        codes: tuple[str, ...],
        text: str,
        codes_column: int = 0,
        target: int | None = None,
    ) -> None:
        self._set_fields(line, kind, codes, text, codes_column, target)

    @property
    def whole_file(self) -> bool:
        return self.kind == WHOLE_FILE


def parse_directive(text: str, line: int = 1) -> Directive | None:
    """The directive on one line of a text prompt file, or None for any other line.

    Raises ValueError for a line that is a directive with a malformed code list (so a
    typo such as ``MJ-101`` is not silently read as "every rule").
    """
    found = _DIRECTIVE.match(text)
    if found is None:
        return None
    raw = found.group("codes")
    if raw and not raw[0].isspace():
        raise ValueError(f"unknown suppression `{found.group('kind')}{raw.split()[0]}`")
    pieces = [p for p in re.split(r"[\s,]+", raw.strip()) if p]
    bad = [p for p in pieces if not _CODE.fullmatch(p)]
    if bad:
        raise ValueError(f"`{bad[0]}` is not a rule code (write codes like MJ101, comma-separated)")
    column = found.start("codes") + (len(raw) - len(raw.lstrip()))
    return Directive(
        line, found.group("kind").lower(), tuple(p.upper() for p in pieces), text, column
    )


def directives_of(lines: Iterable[str]) -> tuple[list[Directive], list[tuple[int, str]]]:
    """The directives of a text prompt file (its lines, without terminators), in order,
    each next-line directive with its ``target``; and the malformed ones as
    ``(line, message)``.

    A line is a comment when it starts with ``#`` (after blanks), blank when empty or
    blanks only, and a prompt line otherwise: only the first character of a prompt line
    is looked at, so a caller may pass any non-blank placeholder for it.
    """
    out: list[Directive] = []
    errors: list[tuple[int, str]] = []
    pending: list[int] = []  # indexes in `out` of next-line directives awaiting a prompt
    for number, text in enumerate(lines, 1):
        stripped = text.lstrip()
        if not stripped:
            pending.clear()  # a blank line ends a next-line directive
            continue
        if not stripped.startswith("#"):
            for index in pending:
                out[index] = out[index].replace(target=number)
            pending.clear()
            continue
        try:
            directive = parse_directive(text, number)
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        if directive is not None:
            if not directive.whole_file:
                pending.append(len(out))
            out.append(directive)
    return out, errors


def code_matches(code: str, selector: str) -> bool:
    """A selector is a full code or a code prefix (``MJ1`` matches ``MJ101``)."""
    return code.startswith(selector.upper())


def applies(directive: Directive, code: str) -> bool:
    """True when ``directive`` silences ``code`` (a directive without codes silences all)."""
    return not directive.codes or any(code_matches(code, c) for c in directive.codes)


def suppressing(directives: Iterable[Directive], code: str, line: int) -> list[Directive]:
    """The directives that silence ``code`` on prompt line ``line``."""
    return [d for d in directives if (d.whole_file or d.target == line) and applies(d, code)]


def removal(directive: Directive, unused: Sequence[str]) -> str | None:
    """The line that replaces ``directive`` once its ``unused`` codes are dropped.

    None means "remove the whole line": every code is unused, or the directive has no
    codes (it silenced nothing).
    """
    kept = [c for c in directive.codes if c not in unused]
    if not directive.codes or not kept:
        return None
    return directive.text[: directive.codes_column] + ",".join(kept)
