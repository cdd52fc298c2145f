"""The prompts the API commands send: from an argument, standard input or a file.

Each prompt comes as a :class:`PromptEntry` that knows where it was read, so that a
refusal (a lint error, a byte that is not text) points at the file, line and column
the way ``mjprompt check`` does (:mod:`mjprompt.findings_text`).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from ..evolink import MAX_PROMPT_LENGTH
from ..findings_text import diagnostic_text, position_text
from ..payload import PayloadError
from .errors import UsageError

__all__ = ["PromptEntry", "print_refusal", "prompt_arg", "read_prompts"]


class PromptEntry(NamedTuple):
    """A prompt to send and its place.

    ``label`` names the job (``<prompt>``, or ``file:line`` for a prompt of a file);
    ``path`` is the file's label when the prompt comes from one, ``line`` its line there
    and ``column_offset`` the 0-based column of the prompt's first character.
    """

    label: str
    text: str
    path: str | None = None
    line: int = 1
    column_offset: int = 0

    def where(self) -> tuple[str, int]:
        """The label of positions in the prompt and the line it starts on."""
        return (self.label, 1) if self.path is None else (self.path, self.line)


def prompt_arg(text: str) -> str:
    """The prompt of a ``PROMPT`` argument (``-``: standard input), checked to be text."""
    if text == "-":
        return _read_stdin_prompt()
    _check_text(PromptEntry("<prompt>", text))
    return text


def _check_text(entry: PromptEntry) -> None:
    """A usage error (exit 2) with the position for a prompt that is not text: a byte
    that was not UTF-8 in the argument, or a lone surrogate from a JSON escape."""
    from ..diagnostics import line_col
    from ..surrogates import surrogate_problem

    bad = surrogate_problem(entry.text)
    if bad is not None:
        index, why = bad
        line, column = line_col(entry.text, index)
        if line == 1:
            column += entry.column_offset
        label, first_line = entry.where()
        where = position_text(label, first_line + line - 1, column)
        raise UsageError(f"{where}: the prompt contains {why}; nothing was submitted")


def _read_stdin_prompt() -> str:
    """The prompt on standard input (one final line break dropped), decoded strictly:
    invalid UTF-8, a NUL byte or a megabyte of text is an input error, not a prompt."""
    from .decoding import InvalidUtf8, decode_utf8
    from .sources import MAX_LINE_BYTES

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream put in place of stdin (tests, embedding)
        data = sys.stdin.read(MAX_LINE_BYTES + 1).encode("utf-8", "surrogateescape")
    else:
        data = buffer.read(MAX_LINE_BYTES + 1)
    if len(data) > MAX_LINE_BYTES:
        raise UsageError(
            f"<stdin>: longer than {MAX_LINE_BYTES} bytes; "
            f"a prompt has at most {MAX_PROMPT_LENGTH} characters"
        )
    try:
        prompt = decode_utf8(data, strip_bom=True)
    except InvalidUtf8 as exc:
        raise UsageError(f"{position_text('<stdin>', exc.line, exc.column)}: {exc}") from None
    if "\x00" in prompt:
        from ..diagnostics import line_col

        line, column = line_col(prompt, prompt.index("\x00"))
        where = position_text("<stdin>", line, column)
        raise UsageError(f"{where}: NUL byte; a prompt is text")
    for end in ("\r\n", "\n"):
        if prompt.endswith(end):
            return prompt[: -len(end)]
    return prompt


def read_prompts(path: str) -> list[PromptEntry]:
    """The prompts of a file ('-': stdin), each labelled ``file:line``.

    Read as ``mjprompt check`` reads it (:mod:`.sources`): the kind from the extension
    (text, ``.jsonl``/``.ndjson``, ``.json``), any line ending, an optional BOM; invalid
    UTF-8, NUL bytes, over-long lines and bad JSON are input errors, each with its
    position, and then nothing is submitted.
    """
    import os

    from .discovery import file_kind
    from .reporters.base import problem_text
    from .sources import Problem, PromptItem, Source, read_source

    label = "<stdin>" if path == "-" else path
    if path != "-":
        if not os.path.lexists(path):
            raise UsageError(f"{label}: no such file")
        if os.path.isdir(path):
            raise UsageError(f"{label}: is a directory; --file takes a file of prompts")
    source = Source(label, file_kind(path), stdin=path == "-")
    stdin = sys.stdin.buffer if path == "-" else None
    problems: list[Problem] = []
    out: list[PromptEntry] = []
    for item in read_source(source, stdin=stdin):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, PromptItem):
            origin, text = item.origin, item.text
            where = f"{label}:{origin.line}"
            if origin.raw is None:  # a line of a text file: trimmed
                offset = len(text) - len(text.lstrip())
                out.append(PromptEntry(where, text.strip(), label, origin.line, offset))
            else:  # a JSON string: its column in the line when written without escapes
                offset = origin.column if origin.raw == text else 0
                out.append(PromptEntry(where, text, label, origin.line, offset))
    if problems:
        for problem in problems:
            sys.stderr.write(problem_text(problem) + "\n")
        noun = "input error" if len(problems) == 1 else "input errors"
        raise UsageError(f"{label}: {len(problems)} {noun}; nothing was submitted")
    if not out:
        raise UsageError(f"{label}: no prompts found")
    for entry in out:
        _check_text(entry)
    return out


def print_refusal(entry: PromptEntry, err: PayloadError) -> None:
    """Why a prompt is not sent, one finding per line on standard error (its errors, or
    every finding when none is an error)."""
    from ..diagnostics import Severity
    from .terminal import printable

    shown = [d for d in err.diagnostics if d.severity is Severity.ERROR] or list(err.diagnostics)
    if not shown:
        sys.stderr.write(f"{printable(entry.label)}: {printable(str(err))}\n")
        return
    label, first_line = entry.where()
    for d in shown:
        text = diagnostic_text(
            d, entry.text, label=label, first_line=first_line, column_offset=entry.column_offset
        )
        sys.stderr.write(printable(text) + "\n")
