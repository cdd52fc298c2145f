"""Columns in the units an LSP client counts: UTF-16 code units by default.

Python strings index code points; LSP positions count UTF-16 code units unless client
and server agreed on ``utf-8`` or ``utf-32`` at initialisation (``positionEncoding``).
An emoji such as 🐈 is one code point, two UTF-16 units and four UTF-8 bytes; CJK
characters are one code point, one UTF-16 unit and three UTF-8 bytes.

Each function has an ASCII fast path: most prompt lines are ASCII, and there every
encoding agrees with code points.
"""

from __future__ import annotations

__all__ = ["UTF8", "UTF16", "UTF32", "from_units", "to_units", "unit_length"]

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def _width(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == UTF16:
        return 2 if point > 0xFFFF else 1
    # UTF-8; a lone surrogate (possible in a str decoded from JSON) counts as 3 bytes,
    # as it would with "surrogatepass".
    if point < 0x80:
        return 1
    if point < 0x800:
        return 2
    return 3 if point <= 0xFFFF else 4


def unit_length(text: str, encoding: str = UTF16) -> int:
    """The length of ``text`` in ``encoding`` units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
    return sum(_width(c, encoding) for c in text)


def to_units(line: str, column: int, encoding: str = UTF16) -> int:
    """The client column of the code-point column ``column`` of ``line`` (clamped)."""
    column = max(0, min(column, len(line)))
    if encoding == UTF32:
        return column
    return unit_length(line[:column], encoding)


def from_units(line: str, units: int, encoding: str = UTF16) -> int:
    """The code-point column of client column ``units`` of ``line`` (clamped).

    A position inside a character (between the two halves of a surrogate pair) falls
    back to the start of that character, as the LSP specification asks.
    """
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        count += _width(char, encoding)
        if count > units:
            return index
        if count == units:
            return index + 1
    return len(line)
