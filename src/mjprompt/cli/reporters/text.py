"""``path:line:col: CODE severity message``, like the linters people already use.

The severity is a word on every line (``error``, ``warning``, ``info``), so it is
visible without colour and a ``grep ' error '`` finds the errors.

Colour only when asked (``--color``; by default when standard output is a terminal);
``--show-source`` adds the file line and a caret under the span.
"""

from __future__ import annotations

from ...diagnostics import Severity
from ...findings_text import FindingLine
from ..location import FileFinding
from ..terminal import printable
from .base import Reporter, Summary

__all__ = ["TextReporter", "caret_excerpt", "display_width"]

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
}

# Longest source excerpt shown; longer lines are cut around the span.
_EXCERPT = 100
_CONTEXT = 40


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide East Asian characters count two)."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def caret_excerpt(line: str, column: int, end_column: int | None) -> tuple[str, str]:
    """The (possibly cut) source line and the caret line under columns [column, end).

    ``column`` is 1-based; ``end_column`` is exclusive, None when the span runs past the
    line. Tabs are kept in the padding so the caret lines up in a terminal.
    """
    start = max(column - 1, 0)
    end = len(line) if end_column is None else max(min(end_column - 1, len(line)), start)
    cut = 0
    prefix = suffix = ""
    if len(line) > _EXCERPT:
        cut = max(0, start - _CONTEXT)
        stop = max(cut + _EXCERPT, min(end, cut + 2 * _EXCERPT))
        prefix = "…" if cut else ""
        suffix = "…" if stop < len(line) else ""
        line = line[cut:stop]
        start, end = start - cut, min(end - cut, len(line))
    pad = "".join("\t" if c == "\t" else " " * display_width(c) for c in line[:start])
    width = max(1, display_width(line[start:end]))
    return prefix + line + suffix, " " * len(prefix) + pad + "^" * width


class TextReporter(Reporter):
    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        region = finding.region
        label = printable(finding.path) if finding.path is not None else "<prompt>"
        line = FindingLine(
            d.code, d.severity.value, printable(d.message), label, region.line, region.column
        )
        where, code, message = line.parts()
        where = self._paint(where, _BOLD)
        code = self._paint(code, _BOLD + _SEVERITY_COLOR[d.severity])
        self.out.write(f"{where} {code} {message}\n")
        if self.show_source:
            self._source(finding)

    def _source(self, finding: FileFinding) -> None:
        region = finding.region
        if region.line != finding.origin.line:
            return  # a prompt given with -p over several lines: no single source line
        end = region.end_column if region.end_line == region.line else None
        source = printable(finding.origin.source_line())  # one column per character kept
        line, carets = caret_excerpt(source, region.column, end)
        number = str(region.line)
        gutter = " " * len(number)
        self.out.write(self._paint(f" {number} | ", _DIM) + line + "\n")
        caret_color = _SEVERITY_COLOR[finding.diagnostic.severity]
        self.out.write(self._paint(f" {gutter} | ", _DIM) + self._paint(carets, caret_color))
        self.out.write("\n")

    def finish(self, summary: Summary, mode: str) -> None:
        if self.quiet or not (summary.files or summary.problems):
            return  # nothing was read: the runner said so on standard error
        where = f"{_plural(summary.prompts, 'prompt')} in {_plural(summary.files, 'input')}"
        parts = []
        if mode == "fix" and summary.fixed:
            fixed = f"Fixed {_plural(summary.fixed, 'problem')} in "
            fixed += _plural(summary.changed_files, "file")
            parts.append(fixed + ".")
        if summary.findings:
            counts = [
                _plural(n, word)
                for n, word in (
                    (summary.errors, "error"),
                    (summary.warnings, "warning"),
                    (summary.infos, "info"),
                )
                if n
            ]
            found = "Remaining" if mode == "fix" else "Found"
            parts.append(f"{found}: {', '.join(counts)} ({where}).")
            if summary.fixable:
                parts.append(f"{summary.fixable} fixable with `mjprompt fix`.")
            if summary.unsafe_fixable:
                parts.append(f"{summary.unsafe_fixable} more with `--unsafe-fixes`.")
        elif not summary.problems:
            parts.append(f"All checks passed ({where}).")
        if summary.problems:
            parts.append(f"{_plural(summary.problems, 'input error')}.")
        self.out.write(" ".join(parts) + "\n")
