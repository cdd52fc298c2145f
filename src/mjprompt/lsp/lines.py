"""The text of an open document as a list of lines, edited in place.

Lines end with ``\\r\\n``, ``\\r`` or ``\\n`` (the LSP definition, and the one the CLI's
readers use); ``str.splitlines`` is not used because it also splits on form feeds and
U+2028, which are ordinary characters inside a prompt. The last line has no terminator
(it is empty when the text ends with one).

:meth:`LineStore.replace` applies one change and says which lines it touched, which is
what lets the server re-lint only those lines of a large file.
"""

from __future__ import annotations

import re

import attrs

__all__ = ["Change", "LineStore", "split_lines"]

_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """(lines, terminators) of ``text``; the last terminator is always empty."""
    lines: list[str] = []
    eols: list[str] = []
    pos = 0
    for match in _BREAK.finditer(text):
        lines.append(text[pos : match.start()])
        eols.append(match.group())
        pos = match.end()
    lines.append(text[pos:])
    eols.append("")
    return lines, eols


@attrs.frozen(slots=True)
class Change:
    """Lines ``first .. first + removed`` were replaced by ``added`` new lines."""

    first: int
    removed: int
    added: int


class LineStore:
    """Lines and their terminators; positions are (line, code-point column)."""

    __slots__ = ("eols", "lines")

    def __init__(self, text: str = "") -> None:
        self.lines, self.eols = split_lines(text)

    def __len__(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        """The whole document."""
        return "".join(line + eol for line, eol in zip(self.lines, self.eols, strict=False))

    def line(self, index: int) -> str:
        """Line ``index`` without its terminator ("" past the end)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def clamp(self, line: int, column: int) -> tuple[int, int]:
        """A position moved inside the document."""
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return line, max(0, min(column, len(self.lines[line])))

    def replace(self, start: tuple[int, int], end: tuple[int, int], new: str) -> Change:
        """Replace the text between two positions with ``new``."""
        (sl, sc), (el, ec) = self.clamp(*start), self.clamp(*end)
        if (el, ec) < (sl, sc):
            (sl, sc), (el, ec) = (el, ec), (sl, sc)
        first = sl
        # A `\r` ending the line before may join a `\n` the edit puts first: take that
        # line into the region re-split, so `\r` + `\n` becomes one break as it should.
        if first > 0 and self.eols[first - 1] == "\r":
            first -= 1
        head = "".join(self.lines[i] + self.eols[i] for i in range(first, sl))
        chunk = head + self.lines[sl][:sc] + new + self.lines[el][ec:] + self.eols[el]
        lines, eols = split_lines(chunk)
        if self.eols[el]:
            # The chunk ended with the terminator of line `el`, so the split made an
            # empty last piece that is really the start of the next line: drop it.
            lines.pop()
            eols.pop()
        self.lines[first : el + 1] = lines
        self.eols[first : el + 1] = eols
        return Change(first, el + 1 - first, len(lines))
