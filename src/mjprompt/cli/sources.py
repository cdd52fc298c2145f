"""Read prompt files into a stream of items: prompts with their places, and the rest.

Every input becomes ``FileStart``, then ``PromptItem``/``Verbatim``/``Problem`` items in
file order, then ``FileEnd``. Concatenating the ``Verbatim`` texts and the prompts'
literals gives back the file exactly, byte for byte (line endings, BOM, comments, a
missing final newline), which is how ``--fix`` and ``format`` rewrite only prompts.
When nothing is rewritten (``keep=False``) no ``Verbatim`` is made at all.

Text and JSON Lines files are read line by line in fixed-size blocks, so memory does not
grow with the file; a line longer than :data:`MAX_LINE_BYTES` is reported and skipped
without being held. A ``.json`` file is one document and is read whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from .._record import Record, setters
from ..evolink import MAX_PROMPT_LENGTH
from .decoding import BOM, InvalidUtf8, decode_utf8
from .jsonscan import JSONDecodeError, scan_array, scan_line
from .location import Origin
from .suppression import Directive, directives_of

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "DirectiveLine",
    "FileEnd",
    "FileStart",
    "Item",
    "Problem",
    "PromptItem",
    "Source",
    "Suppressions",
    "Verbatim",
    "read_source",
    "split_lines",
]

BLOCK = 1 << 16
# A prompt has at most 8192 characters (32 KiB of UTF-8); a line 32 times that is not a
# prompt but a pasted blob, and linting it would take seconds and hundreds of MB. It is
# reported (with its length) and skipped, so reading stays in constant memory.
MAX_LINE_BYTES = 1 << 20
# A .json document is parsed whole; past this size JSON Lines is the format to use.
MAX_DOCUMENT_BYTES = 256 << 20


class Source(Record):
    """One input: a file path, ``-`` (stdin), or a prompt given with ``-p``.

    ``path`` is what is shown; ``kind`` is ``text``, ``jsonl``, ``json`` or ``prompt``;
    ``root`` is the directory whose walk found the file (a rewrite must stay inside it).
    """

    __slots__ = ("path", "kind", "prompt", "line", "stdin", "root")  # noqa: RUF023 - field order
    path: str | None
    kind: str
    prompt: str
    line: int
    stdin: bool
    root: str | None

    def __init__(
        self,
        path: str | None,
        kind: str,
        prompt: str = "",
        line: int = 1,
        stdin: bool = False,
        root: str | None = None,
    ) -> None:
        self._set_fields(path, kind, prompt, line, stdin, root)


class FileStart(Record):
    __slots__ = ("source",)
    source: Source

    def __init__(self, source: Source) -> None:
        self._set_fields(source)


class FileEnd(Record):
    __slots__ = ("source",)
    source: Source

    def __init__(self, source: Source) -> None:
        self._set_fields(source)


class Verbatim(Record):
    """File text that is not a prompt (kept as written)."""

    __slots__ = ("text",)
    text: str

    def __init__(self, text: str) -> None:
        _set_verbatim_text(self, text)


(_set_verbatim_text,) = setters(Verbatim, "text")


class Suppressions(Record):
    """The suppression comments of a text file (read before its prompts, so that a
    ``disable-file`` line anywhere applies to every prompt)."""

    __slots__ = ("directives",)
    directives: tuple[Directive, ...]

    def __init__(self, directives: tuple[Directive, ...]) -> None:
        self._set_fields(directives)


class DirectiveLine(Record):
    """The text of a suppression comment line, kept so that ``fix`` can remove it."""

    __slots__ = ("text", "line")  # noqa: RUF023 - field order
    text: str
    line: int

    def __init__(self, text: str, line: int) -> None:
        self._set_fields(text, line)


class PromptItem(Record):
    """A prompt, its place, and what silences findings on it.

    ``suppress`` holds the codes its suppression comments silence (``ALL`` for every
    rule); ``job`` is the file's own rule choice when its configuration differs from the
    run's (see :mod:`.engine`).
    """

    __slots__ = ("text", "origin", "suppress", "job")  # noqa: RUF023 - field order
    text: str
    origin: Origin
    suppress: tuple[str, ...]
    job: Any

    def __init__(
        self, text: str, origin: Origin, suppress: tuple[str, ...] = (), job: Any = None
    ) -> None:
        _set_item_text(self, text)
        _set_item_origin(self, origin)
        _set_item_suppress(self, suppress)
        _set_item_job(self, job)


_set_item_text, _set_item_origin, _set_item_suppress, _set_item_job = setters(
    PromptItem, *PromptItem.__slots__
)


class Problem(Record):
    """An input error (exit code 2): unreadable file, invalid UTF-8 or JSON, a bad element."""

    __slots__ = ("path", "line", "column", "message")  # noqa: RUF023 - field order
    path: str | None
    line: int | None
    column: int | None
    message: str

    def __init__(
        self, path: str | None, line: int | None, column: int | None, message: str
    ) -> None:
        self._set_fields(path, line, column, message)


Item = FileStart | FileEnd | Verbatim | PromptItem | Problem | Suppressions | DirectiveLine


def _cut(piece: bytes) -> tuple[bytes, bytes]:
    if piece.endswith(b"\r\n"):
        return piece[:-2], b"\r\n"
    if piece.endswith((b"\n", b"\r")):
        return piece[:-1], piece[-1:]
    return piece, b""


def split_lines(stream: BinaryIO, block: int = BLOCK) -> Iterator[tuple[bytes, bytes]]:
    """(line, terminator) pairs; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line."""
    for line, eol in _lines(stream, block, None):
        assert isinstance(line, bytes)
        yield line, eol


def _lines(stream: BinaryIO, block: int, limit: int | None) -> Iterator[tuple[bytes | int, bytes]]:
    """(line, terminator) pairs; a line longer than ``limit`` bytes comes as its length.

    The unfinished line at the end of a block is kept as a list of pieces and joined once
    its end arrives, so a long line costs linear time; past ``limit`` its bytes are only
    counted. A ``\\r`` ending a block waits for the next one, which may start with ``\\n``.
    """
    parts: list[bytes] = []  # the unfinished line, unless it is already over the limit
    size = 0  # its length in bytes
    over = False
    cr = False  # it ends with `\r` (the last byte of the previous block)

    def line_of(content: bytes | None, length: int, eol: bytes) -> tuple[bytes | int, bytes]:
        if content is None or (limit is not None and length > limit):
            return length, eol
        return content, eol

    while True:
        data = stream.read(block)
        if not data:
            break
        if cr:
            eol = b"\r\n" if data.startswith(b"\n") else b"\r"
            data = data[len(eol) - 1 :]
            content = None if over else b"".join(parts)[:-1]
            yield line_of(content, size - 1, eol)
            parts, size, over, cr = [], 0, False, False
        pieces = data.splitlines(keepends=True)
        tail = pieces.pop() if pieces and not pieces[-1].endswith(b"\n") else None
        for piece in pieces:
            text, eol = _cut(piece)
            if size:
                yield line_of(None if over else b"".join(parts) + text, size + len(text), eol)
                parts, size, over = [], 0, False
            else:
                yield line_of(text, len(text), eol)
        if tail is not None:
            size += len(tail)
            cr = tail.endswith(b"\r")
            if not over:
                parts.append(tail)
                if limit is not None and size - cr > limit:  # a final `\r` is not content
                    parts, over = [], True
    if cr:
        yield line_of(None if over else b"".join(parts)[:-1], size - 1, b"\r")
    elif size:
        yield line_of(None if over else b"".join(parts), size, b"")


def _bad_utf8(path: str | None, error: InvalidUtf8) -> Problem:
    if error.utf16:
        message = f"{error} (it is not read)"
    else:
        message = f"{error}; the file must be UTF-8 and the rest of it is not read"
    return Problem(path, error.line, error.column, message)


def _nul(path: str | None, line: int, column: int) -> Problem:
    # Reported once per file; the file is still read (its lines are text around the NUL).
    return Problem(
        path,
        line,
        column,
        "NUL byte: is this a binary or UTF-16 file? Prompt files must be UTF-8 text",
    )


def _overlong(path: str | None, line: int, length: int) -> Problem:
    return Problem(
        path,
        line,
        1,
        f"line of {length} bytes skipped: longer than {MAX_LINE_BYTES} bytes, so not a "
        f"prompt (a prompt has at most {MAX_PROMPT_LENGTH} characters)",
    )


def _skim(raw: bytes | int) -> str:
    # What `directives_of` needs of a line: comments in full, the rest as a placeholder.
    if isinstance(raw, int):
        return "p"
    stripped = raw.removeprefix(BOM).lstrip()
    if not stripped:
        return ""
    if stripped.startswith(b"#"):
        return raw.removeprefix(BOM).decode("utf-8", "replace")
    return "p"


def _scan_directives(source: Source, stream: BinaryIO) -> tuple[Iterator[Item], BinaryIO]:
    """The suppression items of a text file read ahead, and the stream to read it from.

    The file is read twice, block by block (the second pass from the start), so that the
    first pass holds nothing but the directives; standard input cannot be rewound and is
    copied to a spooled temporary file (in memory while small, on disk past 1 MiB).
    """
    if not stream.seekable():
        import shutil
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - closed by GC
        shutil.copyfileobj(stream, spool, BLOCK)
        spool.seek(0)
        stream = spool  # type: ignore[assignment]
    start = stream.tell()
    skimmed = (_skim(raw) for raw, _ in _lines(stream, BLOCK, MAX_LINE_BYTES))
    directives, errors = directives_of(skimmed)
    stream.seek(start)
    items: list[Item] = [
        Problem(source.path, line, 1, f"malformed suppression comment: {message}")
        for line, message in errors
    ]
    if directives:
        items.append(Suppressions(tuple(directives)))
    return iter(items), stream


def _read_lines(source: Source, stream: BinaryIO, key: str, keep: bool) -> Iterator[Item]:
    jsonl = source.kind == "jsonl"
    path = source.path
    nul_seen = False
    directive_lines: set[int] = set()
    if not jsonl:
        found, stream = _scan_directives(source, stream)
        for item in found:
            if isinstance(item, Suppressions):
                directive_lines = {d.line for d in item.directives}
            yield item
    for lineno, (raw, eol_bytes) in enumerate(_lines(stream, BLOCK, MAX_LINE_BYTES), 1):
        if isinstance(raw, int):
            yield _overlong(path, lineno, raw)
            continue
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
            if keep:
                yield Verbatim("\ufeff")
        try:
            line = decode_utf8(raw, first_line=lineno)
        except InvalidUtf8 as exc:
            yield _bad_utf8(path, exc)
            return
        if not nul_seen and "\x00" in line:
            nul_seen = True
            yield _nul(path, lineno, line.index("\x00") + 1)
        eol = eol_bytes.decode("ascii")
        stripped = line.strip()
        if lineno in directive_lines:
            if keep:
                yield DirectiveLine(line + eol, lineno)
        elif not stripped or (not jsonl and stripped.startswith("#")):
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
        text = decode_utf8(data)
    except InvalidUtf8 as exc:
        yield _bad_utf8(path, exc)
        return
    index = _LineIndex(text)
    written = 0
    try:
        for element in scan_array(text, key):
            lineno, line_start = index.line_of(element.start)
            if element.value is None:
                yield Problem(path, lineno, element.start - line_start + 1, element.problem or "")
                continue
            if len(element.value) > MAX_LINE_BYTES:
                yield Problem(
                    path,
                    lineno,
                    element.start - line_start + 1,
                    f"prompt of {len(element.value)} characters skipped: longer than "
                    f"{MAX_LINE_BYTES}, so not a prompt (a prompt has at most "
                    f"{MAX_PROMPT_LENGTH} characters)",
                )
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
        from ..surrogates import surrogate_problem

        # A byte of the argument that was not UTF-8 arrives as a lone surrogate: not
        # text, so not a prompt to lint (and one that could never be sent).
        bad = surrogate_problem(source.prompt)
        if bad is not None:
            yield Problem(source.path, source.line, bad[0] + 1, f"the prompt contains {bad[1]}")
        else:
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
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            yield Problem(
                source.path,
                None,
                None,
                f"larger than {MAX_DOCUMENT_BYTES >> 20} MiB: a .json file is read whole; "
                "use JSON Lines (.jsonl), which is read line by line",
            )
            return
        yield from _read_document(source, data, key, keep)
    else:
        yield from _read_lines(source, stream, key, keep)
