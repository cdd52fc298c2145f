"""Read prompt files into a stream of items: prompts with their places, and the rest.

Every input becomes ``FileStart``, then ``PromptItem``/``Verbatim``/``Problem`` items in
file order, then ``FileEnd``. Concatenating the ``Verbatim`` texts and the prompts'
literals gives back the file exactly, byte for byte (line endings, BOM, comments, a
missing final newline), which is how ``--fix`` and ``format`` rewrite only prompts.
When nothing is rewritten (``keep=False``) no ``Verbatim`` is made at all.

Text and JSON Lines files are read line by line in fixed-size blocks, so memory does not
grow with the file. A ``.json`` file is one document and is read whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import BinaryIO

import attrs

from .jsonscan import JSONDecodeError, scan_array, scan_line
from .location import Origin

__all__ = [
    "FileEnd",
    "FileStart",
    "Item",
    "Problem",
    "PromptItem",
    "Source",
    "Verbatim",
    "read_source",
    "split_lines",
]

BOM = b"\xef\xbb\xbf"
BLOCK = 1 << 16


@attrs.frozen(slots=True)
class Source:
    """One input: a file path, ``-`` (stdin), or a prompt given with ``-p``.

    ``path`` is what is shown; ``kind`` is ``text``, ``jsonl``, ``json`` or ``prompt``.
    """

    path: str | None
    kind: str
    prompt: str = ""
    line: int = 1
    stdin: bool = False


@attrs.frozen(slots=True)
class FileStart:
    source: Source


@attrs.frozen(slots=True)
class FileEnd:
    source: Source


@attrs.frozen(slots=True)
class Verbatim:
    """File text that is not a prompt (kept as written)."""

    text: str


@attrs.frozen(slots=True)
class PromptItem:
    text: str
    origin: Origin


@attrs.frozen(slots=True)
class Problem:
    """An input error (exit code 2): unreadable file, invalid UTF-8 or JSON, a bad element."""

    path: str | None
    line: int | None
    column: int | None
    message: str


Item = FileStart | FileEnd | Verbatim | PromptItem | Problem


def _cut(piece: bytes) -> tuple[bytes, bytes]:
    if piece.endswith(b"\r\n"):
        return piece[:-2], b"\r\n"
    if piece.endswith((b"\n", b"\r")):
        return piece[:-1], piece[-1:]
    return piece, b""


def split_lines(stream: BinaryIO, block: int = BLOCK) -> Iterator[tuple[bytes, bytes]]:
    """(line, terminator) pairs; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line.

    The last piece of each block is carried into the next one: it may be a partial line
    or a ``\\r`` whose ``\\n`` has not been read yet.
    """
    carry = b""
    while True:
        data = stream.read(block)
        if not data:
            break
        pieces = (carry + data).splitlines(keepends=True)
        carry = pieces.pop()
        for piece in pieces:
            yield _cut(piece)
    for piece in carry.splitlines(keepends=True):
        yield _cut(piece)


def _bad_utf8(path: str | None, line: int, column: int, byte: int) -> Problem:
    return Problem(
        path,
        line,
        column,
        f"invalid UTF-8 (byte 0x{byte:02x}); the file must be UTF-8 and the rest of it is not read",
    )


def _read_lines(source: Source, stream: BinaryIO, key: str, keep: bool) -> Iterator[Item]:
    jsonl = source.kind == "jsonl"
    path = source.path
    for lineno, (raw, eol_bytes) in enumerate(split_lines(stream), 1):
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
            if keep:
                yield Verbatim("\ufeff")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
            yield _bad_utf8(path, lineno, column, raw[exc.start])
            return
        eol = eol_bytes.decode("ascii")
        stripped = line.strip()
        if not stripped or (not jsonl and stripped.startswith("#")):
            if keep:
                yield Verbatim(line + eol)
        elif not jsonl:
            yield PromptItem(line, Origin(path, lineno, 0, None, line, 0))
            if keep:
                yield Verbatim(eol)
        else:
            yield from _json_line(path, lineno, line, eol, key, keep)


def _json_message(exc: JSONDecodeError) -> str:
    # json's messages are written to be followed by "at line … column …" (which we
    # replace by the file position); some end in a dangling " at".
    return exc.msg.removesuffix(" at")


def _json_line(
    path: str | None, lineno: int, line: str, eol: str, key: str, keep: bool
) -> Iterator[Item]:
    try:
        element = scan_line(line, key)
    except JSONDecodeError as exc:
        yield Problem(path, lineno, exc.pos + 1, f"invalid JSON: {_json_message(exc)}")
        element = None
    if element is not None and element.value is None:
        yield Problem(path, lineno, element.start + 1, element.problem or "not a prompt")
    if element is None or element.value is None:
        if keep:
            yield Verbatim(line + eol)
        return
    if keep:
        yield Verbatim(line[: element.start])
    raw = line[element.start : element.end]
    yield PromptItem(element.value, Origin(path, lineno, element.start, raw, line, 0))
    if keep:
        yield Verbatim(line[element.end :] + eol)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _LineIndex:
    """Offsets of line starts in a document, for offset -> (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def line_of(self, offset: int) -> tuple[int, int]:
        """1-based line and the offset where that line starts."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, self.starts[index]


def _read_document(
    source: Source, data: bytes, key: str, keep: bool
) -> Iterator[Verbatim | PromptItem | Problem]:
    path = source.path
    if data.startswith(BOM):
        data = data[len(BOM) :]
        if keep:
            yield Verbatim("\ufeff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        yield _bad_utf8(path, line, column, data[exc.start])
        return
    index = _LineIndex(text)
    written = 0
    try:
        for element in scan_array(text, key):
            lineno, line_start = index.line_of(element.start)
            if element.value is None:
                yield Problem(path, lineno, element.start - line_start + 1, element.problem or "")
                continue
            if keep:
                yield Verbatim(text[written : element.start])
            raw = text[element.start : element.end]
            origin = Origin(path, lineno, element.start - line_start, raw, text, line_start)
            yield PromptItem(element.value, origin)
            written = element.end
    except JSONDecodeError as exc:
        lineno, line_start = index.line_of(exc.pos)
        yield Problem(path, lineno, exc.pos - line_start + 1, f"invalid JSON: {_json_message(exc)}")
    if keep:
        yield Verbatim(text[written:])


def read_source(
    source: Source, *, key: str = "prompt", keep: bool = False, stdin: BinaryIO | None = None
) -> Iterator[Item]:
    """The items of one input, framed by ``FileStart`` and ``FileEnd``."""
    yield FileStart(source)
    if source.kind == "prompt":
        yield PromptItem(source.prompt, Origin(None, source.line, 0, None, source.prompt, 0))
        yield FileEnd(source)
        return
    try:
        if source.stdin:
            assert stdin is not None
            yield from _read_stream(source, stdin, key, keep)
        else:
            assert source.path is not None
            with open(source.path, "rb") as stream:
                yield from _read_stream(source, stream, key, keep)
    except OSError as exc:
        yield Problem(source.path, None, None, f"cannot read: {exc.strerror or exc}")
    yield FileEnd(source)


def _read_stream(source: Source, stream: BinaryIO, key: str, keep: bool) -> Iterator[Item]:
    if source.kind == "json":
        yield from _read_document(source, stream.read(), key, keep)
    else:
        yield from _read_lines(source, stream, key, keep)
