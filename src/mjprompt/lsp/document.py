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
findings, not a rebuild of every diagnostic. When a file has more findings than the
settings' ``max_diagnostics``, only the blocks of lines around the last edit (or the
cursor) are shown (:meth:`Document.window`): sending them all again after each
keystroke would cost more than the 20 ms an edit may take, in moving megabytes alone.

Suppression comments are checked as ``mjprompt check`` checks them: a malformed one is
an input problem on its line, an unused one MJ901 (:mod:`.unused`); an edit refreshes
the comments right above it, and a change in the set of codes found refreshes the
``disable-file`` comments.
"""

from __future__ import annotations

import functools
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote, urlparse

import attrs

from ..cli.discovery import file_kind
from ..cli.location import FileFinding, Origin, Region, locate
from ..cli.sources import Problem, PromptItem, Source, read_source
from ..cli.suppression import Directive, parse_directive
from ..diagnostics import Diagnostic, Severity, Span
from ..lint import lint
from ..parsing import parse_lenient
from .lines import LineStore
from .positions import UTF16, to_units
from .related import related_spans
from .settings import Settings
from .suppress import (
    FileSuppressions,
    covered_by,
    directive_of,
    is_comment,
    next_line_directives,
)
from .unused import UNUSED_CODE, enabled_for, reports_unused, unused_finding

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
    whole_line: bool = False  # the fix removes the line, terminator included

    @property
    def code(self) -> str | None:
        return None if self.diagnostic is None else self.diagnostic.code


@attrs.frozen(slots=True)
class LineEntry:
    """What one line holds: its prompts and their findings (all of them, unsuppressed)."""

    prompts: tuple[PromptAt, ...] = ()
    located: tuple[Located, ...] = ()


_EMPTY = LineEntry()
_NONE: tuple[int, tuple[str, ...]] = (0, ())


def _safe_fixes(entries: Iterable[LineEntry]) -> int:
    """How many findings of ``entries`` have a safe fix."""
    return sum(
        1
        for e in entries
        for f in e.located
        if f.diagnostic is not None and f.diagnostic.fix is not None and f.diagnostic.fix.safe
    )


def _codes(entries: Iterable[LineEntry]) -> list[str]:
    """The codes of the findings of ``entries`` (input problems have none)."""
    return [f.diagnostic.code for e in entries for f in e.located if f.diagnostic is not None]


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
        # Per line: how many diagnostics it shows, and their JSON cut at the line number.
        self.parts: list[tuple[int, tuple[str, ...]]] = []
        # Per block of BLOCK lines: its JSON text and number of diagnostics (None: stale).
        self._blocks: list[tuple[bytes, int] | None] = []
        self.focus = (
            0  # the line last edited (or looked at): a capped publish shows the lines around it
        )
        self.moves = 0  # times the focus moved without an edit (it changes what is shown)
        self.file_suppressions = FileSuppressions(())
        self.found = Counter[str]()  # the codes found in the file (before suppressions)
        self.safe_fixes = 0  # findings with a safe fix (before suppressions)
        self._unused = False  # MJ901 runs here (set by reload)
        self._enabled: Callable[[str], bool] | None = None
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
        self.found = Counter(_codes(self.entries))
        self.safe_fixes = _safe_fixes(self.entries)
        self._unused = self.kind == "text" and reports_unused(self.settings)
        self._enabled = enabled_for(self.settings) if self._unused else None
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
                origin = origin.replace(column=origin.column + shift)
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
        self.focus = lo
        present = set(self.found)
        if self.kind == "json":
            self.entries = self._read_document()
            self.found = Counter(_codes(self.entries))
            self.safe_fixes = _safe_fixes(self.entries)
        else:
            new_entries = [self._read_line(i) for i in range(lo, hi)]
            self.found.subtract(_codes(self.entries[lo : lo + change.removed]))
            self.found.update(_codes(new_entries))
            self.found = +self.found  # drop the codes no longer found
            self.safe_fixes += _safe_fixes(new_entries)
            self.safe_fixes -= _safe_fixes(self.entries[lo : lo + change.removed])
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
        # The comment lines right above the edit: whether their `disable-next-line`
        # directives are used (MJ901) depends on the prompt line below them.
        first = lo
        while self._unused and first > 0 and is_comment(store.lines[first - 1]):
            first -= 1
            self.parts[first] = self._parts(first)
        # Blocks from the edit on are stale: up to the lines re-read after it when the
        # number of lines stayed the same, all the rest when the lines below moved.
        last = after if change.added == change.removed else len(self._blocks) * BLOCK
        self._stale(first, last)
        if self._unused and self.file_suppressions.directives and set(self.found) != present:
            # A code came or went: the `disable-file` comments may be used or unused now.
            for index in self._file_directive_lines():
                self.parts[index] = self._parts(index)
                self._stale(index, index)

    def _stale(self, first: int, last: int) -> None:
        """Forget the published blocks of lines ``first..last``."""
        for block in range(first // BLOCK, min(last // BLOCK + 1, len(self._blocks))):
            self._blocks[block] = None

    def suppression_lines(self) -> list[int]:
        """The indexes of the lines that may hold a suppression comment (text files)."""
        if self.kind != "text":
            return []
        return [i for i, line in enumerate(self.store.lines) if "mjprompt" in line]

    def _file_directive_lines(self) -> list[int]:
        """The indexes of the lines with a ``disable-file`` comment."""
        return [
            i
            for i, line in enumerate(self.store.lines)
            if "mjprompt" in line and (d := directive_of(line)) is not None and d.whole_file
        ]

    def replace_all(self, text: str) -> None:
        """A full-text change."""
        self.store = LineStore(text)
        self.reload()

    # --- what is shown ------------------------------------------------------------------

    def suppressed(self, index: int, code: str | None) -> bool:
        """True when a suppression comment hides ``code`` on line ``index``."""
        if code is None or code == UNUSED_CODE or self.kind != "text":
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
        shown = [f for f in entry.located if not self.suppressed(index, f.code)]
        if self.kind == "text" and not entry.located and "mjprompt" in self.store.lines[index]:
            note = self._comment_note(index)
            if note is not None:
                shown.append(note)
        return shown

    def _comment_note(self, index: int) -> Located | None:
        """What ``mjprompt check`` says of a suppression comment: a malformed one is an
        input error (it silences nothing), an unused one MJ901."""
        line = self.store.lines[index]
        if not is_comment(line):
            return None
        try:
            parse_directive(line, index + 1)
        except ValueError as exc:
            message = f"malformed suppression comment: {exc}"
            return Located(None, message, 0, max(1, len(line)))
        return self.unused_at(index)

    def unused_at(self, index: int) -> Located | None:
        """The MJ901 finding of line ``index`` when it is an unused suppression comment.

        It is never suppressed itself, as in ``mjprompt check`` (which reports it after
        the file's other findings have been silenced).
        """
        line = self.store.lines[index]
        if not self._unused or self._enabled is None or "mjprompt" not in line:
            return None
        directive = directive_of(line, index + 1)
        if directive is None:
            return None
        if directive.whole_file:
            found: Collection[str] = self.found.keys()
        else:
            target = index + 1
            while target < len(self.store) and is_comment(self.store.lines[target]):
                target += 1
            covered = target < len(self.store) and not self.store.lines[target].isspace()
            covered = covered and bool(self.store.lines[target])
            found = _codes(self.entries[target : target + 1]) if covered else []
        result = unused_finding(directive, found, self._enabled)
        if result is None:
            return None
        d, whole_line = result
        assert d.fix is not None
        edits = tuple((e.start, e.end, e.replacement) for e in d.fix.edits)
        return Located(d, d.message, d.span.start, d.span.end, edits, whole_line=whole_line)

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

    def _parts(self, index: int) -> tuple[int, tuple[str, ...]]:
        shown = self.visible(index)
        if not shown:
            return _NONE
        # Compact: a large file's diagnostics are sent again after every edit.
        body = ",".join(
            json.dumps(self.lsp_diagnostic(index, f, _LINE), separators=(",", ":")) for f in shown
        )
        return len(shown), tuple(body.split(_LINE_JSON))

    def _block(self, block: int) -> tuple[bytes, int]:
        parts = self.parts[block * BLOCK : (block + 1) * BLOCK]
        first = block * BLOCK
        pieces = [str(first + i).join(p[1]) for i, p in enumerate(parts) if p[0]]
        # json.dumps writes ASCII only, so the text is its own UTF-8.
        return ",".join(pieces).encode("ascii"), sum(p[0] for p in parts)

    def _all_blocks(self) -> list[tuple[bytes, int]]:
        count = -(-len(self.parts) // BLOCK)
        blocks = self._blocks
        if len(blocks) != count:
            del blocks[count:]
            blocks.extend([None] * (count - len(blocks)))
        out = []
        for block in range(count):
            built = blocks[block]
            if built is None:
                built = blocks[block] = self._block(block)
            out.append(built)
        return out

    def window(self) -> tuple[int, int, int, int]:
        """``(first line, end line, diagnostics there, diagnostics in all)`` of what is
        shown: every line, or when the file has more findings than the settings'
        ``max_diagnostics``, the whole blocks of lines around the focus that hold no
        more than that (at least the edited line's block)."""
        blocks = self._all_blocks()
        total = sum(n for _, n in blocks)
        limit = self.settings.max_diagnostics
        if not limit or total <= limit:
            return 0, len(self.parts), total, total
        lo = min(self.focus // BLOCK, len(blocks) - 1)
        hi = lo + 1
        shown = blocks[lo][1]
        grew = True
        while grew:  # widen by a block below, then above, while the limit allows
            grew = False
            if hi < len(blocks) and shown + blocks[hi][1] <= limit:
                shown += blocks[hi][1]
                hi += 1
                grew = True
            if lo > 0 and shown + blocks[lo - 1][1] <= limit:
                lo -= 1
                shown += blocks[lo][1]
                grew = True
        return lo * BLOCK, min(hi * BLOCK, len(self.parts)), shown, total

    def look_at(self, index: int) -> bool:
        """Move the focus to line ``index`` when it is outside the lines shown; True when
        that changes what is shown (the diagnostics must then be sent again)."""
        first, end, shown, total = self.window()
        if shown == total or first <= index < end:
            return False
        self.focus = index
        self.moves += 1
        return True

    def diagnostics_chunks(self) -> list[bytes]:
        """The JSON of the diagnostics shown, in pieces to be joined with commas.

        The pieces are kept between calls: publishing after a one-line edit rebuilds one
        piece and sends the others as they are, without joining them into one string.
        When the window leaves findings out, a last piece says how many and where.
        """
        blocks = self._all_blocks()
        first, end, shown, total = self.window()
        chunks = [chunk for chunk, n in blocks[first // BLOCK : -(-end // BLOCK)] if n]
        if shown < total:
            chunks.append(self._left_out(first, end, shown, total))
        return chunks

    def _left_out(self, first: int, end: int, shown: int, total: int) -> bytes:
        """An information diagnostic on the first line: which findings are left out."""
        message = (
            f"{total:,} findings in this file: the {shown:,} on lines {first + 1:,}-{end:,} "
            f"(around the last edit or the cursor) are shown; `mjprompt check` lists them "
            f"all, and the editor option maxDiagnostics (now "
            f"{self.settings.max_diagnostics:,}; 0: no limit) shows more."
        )
        data = {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "severity": 3,
            "source": SOURCE,
            "message": message,
        }
        return json.dumps(data, separators=(",", ":")).encode("ascii")

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
