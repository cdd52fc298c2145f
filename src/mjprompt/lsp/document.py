"""An open prompt file: its lines, the prompts on them and their findings, kept current.

The file kind comes from the name, as for ``mjprompt check``: ``.json`` is one JSON
document (an array of prompts), ``.jsonl``/``.ndjson`` JSON Lines, anything else a text
prompt file (one prompt per line, ``#`` comments). Prompts are found by the CLI's own
reader (:func:`mjprompt.cli.sources.read_source`) and placed by
:func:`mjprompt.cli.location.locate`, so the editor and ``mjprompt check`` agree.

In a text or JSON Lines file every line stands alone, so an edit re-reads and re-lints
only the lines it touched (:attr:`Document.reads` counts them); a JSON document is read
again whole, with the lint results of unchanged prompts taken from a cache. Each line
keeps its findings serialised as JSON with a placeholder for the line number, so that
publishing the diagnostics of a 100,000-line file is one string join per line that has
findings, not a rebuild of every diagnostic.
"""

from __future__ import annotations

import functools
import io
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote, urlparse

import attrs

from ..cli.discovery import file_kind
from ..cli.location import FileFinding, Origin, Region, locate
from ..cli.sources import Problem, PromptItem, Source, read_source
from ..cli.suppression import Directive
from ..diagnostics import Diagnostic, Severity, Span
from ..lint import lint
from ..parsing import parse_lenient
from .lines import LineStore
from .positions import UTF16, to_units
from .related import related_spans
from .settings import Settings
from .suppress import FileSuppressions, covered_by, is_comment, next_line_directives

__all__ = [
    "DOCS",
    "Document",
    "LineEntry",
    "Located",
    "PromptAt",
    "path_of",
    "rule_href",
]

# Where each rule is documented: docs/rules.md has an anchor per code (#mj101).
DOCS = "https://github.com/mjprompt/mjprompt/blob/main/docs/rules.md"
SOURCE = "mjprompt"
# LSP DiagnosticSeverity: 1 error, 2 warning, 3 information.
_SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
# The line number inside a serialised diagnostic before it is published: a JSON string
# of one control character, which json.dumps writes as "\u0001". Any string in a
# diagnostic that holds this character is longer, so the marker only ever stands alone.
_LINE = "\x01"
_LINE_JSON = json.dumps(_LINE)
BOM = "\ufeff"
# Lines per block of the published array: a block's JSON text is kept until a line in
# it changes, or a line above it is added or removed (its line numbers move).
BLOCK = 512


def rule_href(code: str) -> str:
    """The documentation of a rule."""
    return f"{DOCS}#{code.lower()}"


def path_of(uri: str) -> str | None:
    """The file system path of a ``file:`` URI, None for other schemes."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and path[2:3] == ":":  # pragma: no cover
        path = path[1:]
    return path


@attrs.frozen(slots=True)
class PromptAt:
    """A prompt on a line: its text, its columns there, the JSON literal if any."""

    text: str
    start: int
    end: int
    raw: str | None = None


@attrs.frozen(slots=True)
class Located:
    """A finding on one line, in code-point columns of that line.

    ``diagnostic`` is None for an input problem (invalid JSON, a NUL byte), which has no
    code. ``edits`` are the fix's edits, already escaped for a JSON literal; ``related``
    are second locations with their messages.
    """

    diagnostic: Diagnostic | None
    message: str
    start: int
    end: int
    edits: tuple[tuple[int, int, str], ...] = ()
    related: tuple[tuple[int, int, str], ...] = ()
    prompt: int = 0  # index in the line's prompts

    @property
    def code(self) -> str | None:
        return None if self.diagnostic is None else self.diagnostic.code


@attrs.frozen(slots=True)
class LineEntry:
    """What one line holds: its prompts and their findings (all of them, unsuppressed)."""

    prompts: tuple[PromptAt, ...] = ()
    located: tuple[Located, ...] = ()


_EMPTY = LineEntry()


@functools.lru_cache(maxsize=1 << 16)
def _lint(
    text: str, profile: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> tuple[Diagnostic, ...]:
    # Identical prompts are common in prompt files, and a JSON document is re-linted whole.
    return tuple(lint(text, profile=profile, select=select, ignore=ignore))


def _columns(region: Region, line: int, width: int) -> tuple[int, int]:
    """0-based code-point columns of a region on 1-based file line ``line``."""
    start = region.column - 1 if region.line == line else 0
    end = region.end_column - 1 if region.end_line == line else width
    return max(0, min(start, width)), max(0, min(end, width))


class Document:
    """One open document and its findings."""

    def __init__(
        self,
        uri: str,
        text: str,
        version: int,
        settings: Settings,
        *,
        encoding: str = UTF16,
    ) -> None:
        self.uri = uri
        self.path = path_of(uri)
        self.kind = file_kind(self.path or urlparse(uri).path)
        self.version = version
        self.settings = settings
        self.encoding = encoding
        self.store = LineStore(text)
        self.reads = 0  # lines read and linted since the document was opened
        self.entries: list[LineEntry] = []
        self.parts: list[tuple[str, ...]] = []
        self._blocks: list[bytes | None] = []
        self.file_suppressions = FileSuppressions(())
        self._uri_json = json.dumps(uri)
        self.reload()

    # --- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read and lint every line again (on open, and when the settings change)."""
        lines = self.store.lines
        if self.kind == "json":
            self.entries = self._read_document()
        else:
            self.entries = [self._read_line(i) for i in range(len(lines))]
        self.file_suppressions = self._file_suppressions()
        self.parts = [self._parts(i) for i in range(len(lines))]
        self._blocks = []

    def _file_suppressions(self) -> FileSuppressions:
        return FileSuppressions(self.store.lines if self.kind == "text" else ())

    def _source(self) -> Source:
        return Source(self.path, self.kind, stdin=True)

    def _read_line(self, index: int) -> LineEntry:
        line = self.store.lines[index]
        if not line or line.isspace() or (self.kind == "text" and line.lstrip()[:1] == "#"):
            return _EMPTY  # what the CLI's reader skips, without calling it
        self.reads += 1
        # The reader drops a byte order mark at the start of what it reads (here each
        # line is its first line): the mark keeps its column in the editor.
        shift = 1 if line.startswith(BOM) else 0
        data = io.BytesIO(line[shift:].encode("utf-8", "surrogatepass"))
        items = read_source(self._source(), key=self.settings.json_key, stdin=data)
        return self._entry(line, 1, list(items), shift)

    def _read_document(self) -> list[LineEntry]:
        text = self.store.text()
        self.reads += len(self.store.lines)
        data = io.BytesIO(text.encode("utf-8", "surrogatepass"))
        by_line: dict[int, list[Any]] = {}
        for item in read_source(self._source(), key=self.settings.json_key, stdin=data):
            if isinstance(item, PromptItem):
                by_line.setdefault(item.origin.line, []).append(item)
            elif isinstance(item, Problem):
                by_line.setdefault(item.line or 1, []).append(item)
        entries = [_EMPTY] * len(self.store.lines)
        bom = text.startswith(BOM)
        for lineno, items in by_line.items():
            index = min(lineno, len(entries)) - 1
            shift = 1 if bom and lineno == 1 else 0
            entries[index] = self._entry(self.store.lines[index], lineno, items, shift)
        return entries

    def _entry(self, line: str, lineno: int, items: Sequence[Any], shift: int = 0) -> LineEntry:
        """The prompts and findings of one line (``lineno``: its 1-based number there).

        ``shift``: columns to add to what the reader says (1 after a byte order mark).
        """
        s = self.settings
        prompts: list[PromptAt] = []
        located: list[Located] = []
        for item in items:
            if isinstance(item, Problem):
                column = max(0, min((item.column or 1) - 1 + shift, len(line)))
                located.append(Located(None, item.message, column, max(column + 1, len(line))))
                continue
            if not isinstance(item, PromptItem):
                continue
            origin: Origin = item.origin
            if shift:
                origin = attrs.evolve(origin, column=origin.column + shift)
            start = origin.column
            end = start + (len(origin.raw) if origin.raw is not None else len(item.text))
            prompts.append(PromptAt(item.text, start, end, origin.raw))
            found = _lint(item.text, s.profile, s.select, s.ignore)
            if found:
                located.extend(
                    self._place(origin, item.text, found, line, lineno, len(prompts) - 1)
                )
        return LineEntry(tuple(prompts), tuple(located))

    def _place(
        self,
        origin: Origin,
        text: str,
        found: tuple[Diagnostic, ...],
        line: str,
        lineno: int,
        index: int,
    ) -> Iterator[Located]:
        width = len(line)
        parsed = None
        for f in locate(origin, text, found):
            start, end = _columns(f.region, lineno, width)
            edits = tuple((*_columns(r, lineno, width), new) for r, new in f.edits)
            related: tuple[tuple[int, int, str], ...] = ()
            if f.diagnostic.code in ("MJ302", "MJ409", "MJ502"):
                parsed = parsed or parse_lenient(text)
                related = tuple(self._related(origin, text, f, parsed, lineno, width))
            yield Located(f.diagnostic, f.diagnostic.message, start, end, edits, related, index)

    @staticmethod
    def _related(
        origin: Origin, text: str, f: FileFinding, parsed: Any, lineno: int, width: int
    ) -> Iterator[tuple[int, int, str]]:
        d = f.diagnostic
        for span, message in related_spans(parsed, d):
            probe = d._replace(span=Span(span.start, span.end), fix=None)
            for placed in locate(origin, text, [probe]):
                yield (*_columns(placed.region, lineno, width), message)

    # --- editing ------------------------------------------------------------------------

    def change(self, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Apply one edit (code-point positions) and bring the findings up to date."""
        store = self.store
        first_old = max(0, min(start[0], end[0]) - 1)
        last_old = min(len(store) - 1, max(start[0], end[0]))
        old = store.lines[first_old : last_old + 1]
        change = store.replace(start, end, text)
        lo, hi = change.first, change.first + change.added
        if self.kind == "json":
            self.entries = self._read_document()
        else:
            new_entries = [self._read_line(i) for i in range(lo, hi)]
            self.entries[lo : lo + change.removed] = new_entries
        directive = any("disable-file" in line.lower() for line in (*old, *store.lines[lo:hi]))
        if directive and self.kind == "text":
            self.file_suppressions = self._file_suppressions()
        if self.kind == "json" or directive:
            self.parts = [self._parts(i) for i in range(len(store))]
            self._blocks = []
            return
        # The lines after the edit up to the next prompt line: a `disable-next-line`
        # comment covers the next prompt line across other comment lines, so an edit to
        # (or above) that run of comments may change what the prompt line shows.
        self.parts[lo : lo + change.removed] = [self._parts(i) for i in range(lo, hi)]
        after = hi
        while after < len(store):
            self.parts[after] = self._parts(after)
            if not is_comment(store.lines[after]):
                break
            after += 1
        # Blocks from the edit on are stale: up to the lines re-read after it when the
        # number of lines stayed the same, all the rest when the lines below moved.
        last = after if change.added == change.removed else len(self._blocks) * BLOCK
        del_from, del_to = lo // BLOCK, last // BLOCK + 1
        for block in range(del_from, min(del_to, len(self._blocks))):
            self._blocks[block] = None

    def replace_all(self, text: str) -> None:
        """A full-text change."""
        self.store = LineStore(text)
        self.reload()

    # --- what is shown ------------------------------------------------------------------

    def suppressed(self, index: int, code: str | None) -> bool:
        """True when a suppression comment hides ``code`` on line ``index``."""
        if code is None or self.kind != "text":
            return False
        return covered_by(self.directives_over(index), code)

    def directives_over(self, index: int) -> list[Directive]:
        """The suppression comments that apply to line ``index`` (text files only)."""
        if self.kind != "text":
            return []
        return [*self.file_suppressions.directives, *next_line_directives(self.store.line, index)]

    def visible(self, index: int) -> list[Located]:
        """The findings shown on line ``index``."""
        entry = self.entries[index]
        return [f for f in entry.located if not self.suppressed(index, f.code)]

    def lsp_range(self, index: int, start: int, end: int) -> dict[str, Any]:
        line = self.store.lines[index]
        return {
            "start": {"line": index, "character": to_units(line, start, self.encoding)},
            "end": {"line": index, "character": to_units(line, end, self.encoding)},
        }

    def lsp_diagnostic(self, index: int, f: Located, line_value: Any = None) -> dict[str, Any]:
        """The LSP ``Diagnostic`` of a finding, as JSON-ready data."""
        rng = self.lsp_range(index, f.start, f.end)
        if line_value is not None:
            for side in ("start", "end"):
                rng[side]["line"] = line_value
        out: dict[str, Any] = {"range": rng, "source": SOURCE, "message": f.message}
        d = f.diagnostic
        if d is None:
            out["severity"] = 1
        else:
            out["severity"] = _SEVERITY[d.severity]
            out["code"] = d.code
            out["codeDescription"] = {"href": rule_href(d.code)}
        if f.related:
            related = []
            for start, end, message in f.related:
                r = self.lsp_range(index, start, end)
                if line_value is not None:
                    for side in ("start", "end"):
                        r[side]["line"] = line_value
                related.append({"location": {"uri": self.uri, "range": r}, "message": message})
            out["relatedInformation"] = related
        return out

    def _parts(self, index: int) -> tuple[str, ...]:
        shown = self.visible(index)
        if not shown:
            return ()
        # Compact: a large file's diagnostics are sent again after every edit.
        body = ",".join(
            json.dumps(self.lsp_diagnostic(index, f, _LINE), separators=(",", ":")) for f in shown
        )
        return tuple(body.split(_LINE_JSON))

    def _block(self, block: int) -> bytes:
        parts = self.parts
        first = block * BLOCK
        pieces = [
            str(i).join(parts[i]) for i in range(first, min(first + BLOCK, len(parts))) if parts[i]
        ]
        # json.dumps writes ASCII only, so the text is its own UTF-8.
        return ",".join(pieces).encode("ascii")

    def diagnostics_chunks(self) -> list[bytes]:
        """The JSON of the diagnostics shown, in pieces to be joined with commas.

        The pieces are kept between calls: publishing after a one-line edit rebuilds one
        piece and sends the others as they are, without joining them into one string.
        """
        count = -(-len(self.parts) // BLOCK)
        blocks = self._blocks
        if len(blocks) != count:
            del blocks[count:]
            blocks.extend([None] * (count - len(blocks)))
        chunks = []
        for block in range(count):
            chunk = blocks[block]
            if chunk is None:
                chunk = blocks[block] = self._block(block)
            if chunk:
                chunks.append(chunk)
        return chunks

    def diagnostics_json(self) -> str:
        """The JSON array of every diagnostic shown, in line order."""
        return "[" + b",".join(self.diagnostics_chunks()).decode("ascii") + "]"

    def diagnostics(self) -> list[dict[str, Any]]:
        """Every diagnostic shown, as JSON data (the pull model's report)."""
        data: list[dict[str, Any]] = json.loads(self.diagnostics_json())
        return data

    def prompt_at(self, index: int, column: int) -> tuple[PromptAt, int] | None:
        """The prompt at a code-point position and the offset inside it, if any."""
        if not 0 <= index < len(self.entries):
            return None
        for prompt in self.entries[index].prompts:
            if prompt.start <= column <= prompt.end:
                return prompt, _prompt_offset(prompt, column - prompt.start)
        return None


def _prompt_offset(prompt: PromptAt, raw_offset: int) -> int:
    """The offset in the decoded prompt of an offset in its literal as written."""
    if prompt.raw is None or "\\" not in prompt.raw:
        return min(raw_offset, len(prompt.text))
    import bisect

    from ..cli.jsonscan import literal_offsets

    offsets = literal_offsets(prompt.raw) or []
    return max(0, bisect.bisect_right(offsets, raw_offset) - 1)
