"""Where a prompt sits in its file, and diagnostics placed at file lines and columns.

A diagnostic's span is in code points of the prompt. The CLI reports it in the file's
own coordinates: 1-based lines and 1-based code-point columns. A prompt of a text file
is a whole line, so the two agree but for the line number. A prompt inside a JSON string
literal is reported at the characters of the literal as they are written in the file,
escapes included: ``\\u00e9`` is six columns wide.
"""

from __future__ import annotations

from typing import Any

from .._record import Record, setters
from ..diagnostics import Diagnostic, Edit, line_col
from .jsonscan import encode_fragment, literal_offsets

__all__ = ["FileFinding", "Origin", "locate"]

_EOL = ("\n", "\r")
_LINE_WINDOW = 1 << 16


class Origin(Record):
    """The place of one prompt.

    ``path`` is the path as shown (None for ``-p`` prompts). ``line`` is the 1-based file
    line where the prompt starts and ``column`` the 0-based code-point column there.
    ``raw`` is the JSON literal as written when the prompt comes from a JSON string, and
    None when the prompt is the file text itself. ``text``/``line_start`` hold the file
    line for ``--show-source``: the line begins at ``text[line_start]`` (for a JSON
    document ``text`` is the whole document, shared by all its prompts).
    """

    __slots__ = ("path", "line", "column", "raw", "text", "line_start")  # noqa: RUF023 - field order
    path: str | None
    line: int
    column: int
    raw: str | None
    text: str
    line_start: int

    def __init__(
        self,
        path: str | None,
        line: int,
        column: int,
        raw: str | None = None,
        text: str = "",
        line_start: int = 0,
    ) -> None:
        _set_origin_path(self, path)
        _set_origin_line(self, line)
        _set_origin_column(self, column)
        _set_origin_raw(self, raw)
        _set_origin_text(self, text)
        _set_origin_line_start(self, line_start)

    def source_line(self) -> str:
        """The text of the file line where the prompt starts (no line terminator)."""
        # Bounded search: a minified JSON document can be one enormous line.
        end = min(len(self.text), self.line_start + _LINE_WINDOW)
        for eol in _EOL:
            found = self.text.find(eol, self.line_start, end)
            if found != -1:
                end = found
        return self.text[self.line_start : end]

    def encode(self, replacement: str) -> str:
        """How ``replacement`` is written in the file at this prompt (JSON-escaped or not)."""
        return replacement if self.raw is None else encode_fragment(replacement)


(
    _set_origin_path,
    _set_origin_line,
    _set_origin_column,
    _set_origin_raw,
    _set_origin_text,
    _set_origin_line_start,
) = setters(Origin, *Origin.__slots__)


class _Mapper:
    """Maps prompt offsets to file (line, column) for one prompt."""

    __slots__ = ("offsets", "one_line", "origin", "prompt")

    def __init__(self, origin: Origin, prompt: str) -> None:
        self.origin = origin
        self.prompt = prompt
        self.offsets = literal_offsets(origin.raw) if origin.raw is not None else None
        # The common case (a line of a text file): columns are offsets, no scanning.
        self.one_line = origin.raw is None and "\n" not in prompt and "\r" not in prompt

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.prompt)))
        origin = self.origin
        if self.one_line:
            return origin.line, origin.column + offset + 1
        if origin.raw is not None:
            # A JSON literal lies on one file line: control characters must be escaped.
            raw = offset if self.offsets is None else self.offsets[offset]
            return origin.line, origin.column + raw + 1
        line, col = line_col(self.prompt, offset)
        if line == 1:
            col += origin.column
        return origin.line + line - 1, col


class Region(Record):
    """A file region: 1-based start and exclusive end positions."""

    __slots__ = ("line", "column", "end_line", "end_column")  # noqa: RUF023 - field order
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        _set_region_line(self, line)
        _set_region_column(self, column)
        _set_region_end_line(self, end_line)
        _set_region_end_column(self, end_column)


_set_region_line, _set_region_column, _set_region_end_line, _set_region_end_column = setters(
    Region, *Region.__slots__
)


class FileFinding(Record):
    """A diagnostic placed in its file."""

    __slots__ = ("diagnostic", "origin", "prompt", "region", "edits")  # noqa: RUF023 - field order
    diagnostic: Diagnostic
    origin: Origin
    prompt: str
    region: Region
    # Each fix edit as a file region and the text to write there (already escaped).
    edits: tuple[tuple[Region, str], ...]

    def __init__(
        self,
        diagnostic: Diagnostic,
        origin: Origin,
        prompt: str,
        region: Region,
        edits: tuple[tuple[Region, str], ...],
    ) -> None:
        _set_finding_diagnostic(self, diagnostic)
        _set_finding_origin(self, origin)
        _set_finding_prompt(self, prompt)
        _set_finding_region(self, region)
        _set_finding_edits(self, edits)

    @property
    def path(self) -> str | None:
        return self.origin.path

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ``Diagnostic.to_json``, with line and column in the file."""
        data = self.diagnostic.to_json(self.prompt, path=self.origin.path)
        data["line"] = self.region.line
        data["column"] = self.region.column
        data["end_line"] = self.region.end_line
        data["end_column"] = self.region.end_column
        return data


(
    _set_finding_diagnostic,
    _set_finding_origin,
    _set_finding_prompt,
    _set_finding_region,
    _set_finding_edits,
) = setters(FileFinding, *FileFinding.__slots__)


def _region(mapper: _Mapper, start: int, end: int) -> Region:
    line, col = mapper.position(start)
    end_line, end_col = mapper.position(end)
    return Region(line, col, end_line, end_col)


def _edit(mapper: _Mapper, edit: Edit) -> tuple[Region, str]:
    return _region(mapper, edit.start, edit.end), mapper.origin.encode(edit.replacement)


def locate(
    origin: Origin, prompt: str, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]
) -> list[FileFinding]:
    """Place each diagnostic of ``prompt`` in the file."""
    if not diagnostics:
        return []
    mapper = _Mapper(origin, prompt)
    out = []
    for d in diagnostics:
        edits = () if d.fix is None else tuple(_edit(mapper, e) for e in d.fix.edits)
        out.append(FileFinding(d, origin, prompt, _region(mapper, d.span.start, d.span.end), edits))
    return out
