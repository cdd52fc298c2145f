"""The one UTF-8 decoder of the command line's inputs (files, standard input).

Prompt files, ``payload -``/``generate -`` and ``expand -`` all decode with
:func:`decode_utf8`: strictly (a byte that is not UTF-8 is an input error, never a
replacement character) and with the same message, which names the line, the column
(in characters) and the bad byte, so it can be found in an editor.
"""

from __future__ import annotations

__all__ = ["BOM", "InvalidUtf8", "decode_utf8"]

BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class InvalidUtf8(ValueError):
    """Bytes that are not UTF-8: where (1-based ``line`` and ``column``) and which byte."""

    def __init__(self, line: int, column: int, byte: int, *, utf16: bool = False) -> None:
        self.line = line
        self.column = column
        self.byte = byte
        # A UTF-16 file fails on its first byte: say what it is rather than "0xff".
        self.utf16 = utf16
        if utf16:
            message = "the file starts with a UTF-16 byte order mark; save it as UTF-8"
        else:
            message = f"invalid UTF-8 (byte 0x{byte:02x})"
        super().__init__(message)


def decode_utf8(data: bytes, *, first_line: int = 1, strip_bom: bool = False) -> str:
    """``data`` decoded as UTF-8, or :class:`InvalidUtf8` at the first bad byte.

    ``first_line`` is the line number of the first byte (a reader decoding a file line
    by line passes the line's number); ``strip_bom`` drops a UTF-8 byte order mark at
    the start. ``\\r\\n``, ``\\r`` and ``\\n`` each end a line.
    """
    if strip_bom and data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        breaks = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")
        line_start = max(head.rfind(b"\n"), head.rfind(b"\r")) + 1
        column = len(head[line_start:].decode("utf-8")) + 1
        utf16 = exc.start == 0 and first_line == 1 and data.startswith(_UTF16_BOMS)
        raise InvalidUtf8(first_line + breaks, column, data[exc.start], utf16=utf16) from None
