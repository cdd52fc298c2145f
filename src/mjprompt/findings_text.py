"""One way to print a finding: ``label:line:col: CODE severity message``.

The text reporter, the API commands' refusals, ``expand``, ``build_payload``'s error
message and the sandbox's 400 all print a finding through this module, so that a
position reads the same everywhere (the shape of flake8's and ruff's lines, which
editors and CI annotators already parse). It sits beside :mod:`.diagnostics` and imports
nothing above it, so the payload builder and the sandbox can use it without the CLI.

Nothing here escapes control characters: a caller printing to a terminal passes text
through ``cli.terminal.printable`` first.
"""

from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Diagnostic, line_col

__all__ = ["FindingLine", "diagnostic_text", "position_text"]


def position_text(label: str | None, line: int | None = None, column: int | None = None) -> str:
    """``label:line:col``; unknown parts are left out (a column needs its line)."""
    parts = [] if label is None else [label]
    if line is not None:
        parts.append(str(line))
        if column is not None:
            parts.append(str(column))
    return ":".join(parts)


class FindingLine(NamedTuple):
    """A finding as one line of text: ``label:line:col: CODE severity message``.

    Unknown parts of the position are left out; with no position at all the line is
    ``CODE severity message``.
    """

    code: str
    severity: str
    message: str
    label: str | None = None
    line: int | None = None
    column: int | None = None

    def parts(self) -> tuple[str, str, str]:
        """``label:line:col:`` (empty when nothing is known), ``CODE severity`` and the
        message: the three pieces a reporter colours one by one."""
        where = position_text(self.label, self.line, self.column)
        return (where + ":" if where else ""), f"{self.code} {self.severity}", self.message

    def text(self) -> str:
        return " ".join(part for part in self.parts() if part)


def diagnostic_text(
    diagnostic: Diagnostic,
    text: str,
    *,
    label: str | None = None,
    first_line: int = 1,
    column_offset: int = 0,
) -> str:
    """A diagnostic of the prompt ``text`` as one line, positioned in its input.

    ``first_line`` is the line of the input the prompt starts on and ``column_offset``
    the column (0-based) of its first character there, so that a prompt read from a
    file is positioned in the file; both leave the position in ``text`` unchanged by
    default.
    """
    line, column = line_col(text, diagnostic.span.start)
    if line == 1:
        column += column_offset
    return FindingLine(
        diagnostic.code,
        diagnostic.severity.value,
        diagnostic.message,
        label,
        first_line + line - 1,
        column,
    ).text()
