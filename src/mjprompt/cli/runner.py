"""One run of ``check``, ``fix`` or ``format`` over every input, start to exit code.

Inputs are turned into an item stream (:mod:`.sources`), processed in order
(:mod:`.engine`), and each result is reported (:mod:`.reporters`) and, for ``fix`` and
``format``, written back: files in place, standard input and ``-p`` prompts to standard
output (their findings then go to standard error, so the output stays the fixed text).

Exit codes: 2 if any input could not be read (every other input is still processed),
else 1 if a finding is at or above ``--fail-on``, or a file was (or would be) changed by
``fix`` / ``format --check`` / ``--diff``, else 0.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from typing import BinaryIO, TextIO

from ..diagnostics import Diagnostic, Severity
from .discovery import file_kind, walk
from .engine import LintJob, PromptResult, not_converged, process
from .jsonscan import rewrite_literal
from .location import Origin, locate
from .options import Settings
from .reporters import Reporter, Summary
from .sources import (
    DirectiveLine,
    FileEnd,
    FileStart,
    Item,
    Problem,
    PromptItem,
    Source,
    Suppressions,
    Verbatim,
    read_source,
)
from .suppression import UNUSED_CODE, removal
from .unused import Tracker, enabled_check, unused_diagnostic

__all__ = ["Runner", "iter_sources"]

_LINE_BREAKS = ("\n", "\r")


def iter_sources(
    paths: Sequence[str],
    prompts: Sequence[str],
    settings: Settings,
    stdin_filename: str | None = None,
) -> Iterator[Source | Problem]:
    """The inputs of a command line, in order: ``-p`` prompts first, then the paths."""
    for number, prompt in enumerate(prompts, 1):
        yield Source(None, "prompt", prompt=prompt, line=number)
    if not paths and not prompts:
        paths = ["."]
    seen: set[str] = set()
    for path in paths:
        if path == "-":
            name = stdin_filename or "-"
            if settings.force_exclude and stdin_filename and _force_excluded(name, settings):
                continue
            yield Source(name, file_kind(stdin_filename or ""), stdin=True)
            continue
        errors: list[OSError] = []
        outside: list[str] = []
        walked = os.path.isdir(path)
        if walked:
            found = walk(
                path,
                settings.include,
                settings.exclude,
                errors.append,
                outside.append,
                gitignore=settings.respect_gitignore,
            )
        elif os.path.lexists(path):
            if settings.force_exclude and _force_excluded(path, settings):
                continue  # pre-commit passes every staged file: honour `exclude`
            found = iter((path,))
        else:
            yield Problem(path, None, None, "no such file or directory")
            continue
        for file in found:
            yield from _walk_errors(errors, outside, path)
            key = os.path.realpath(file)
            if key in seen:
                continue
            seen.add(key)
            special = _special_kind(file) if walked else None
            if special is not None:
                # A named pipe would block the run until something writes to it, a
                # device may never end: only a file named on the command line is read.
                yield Problem(file, None, None, f"not a regular file ({special}); not read")
                continue
            yield Source(file, file_kind(file), root=path if walked else None)
        yield from _walk_errors(errors, outside, path)


def _force_excluded(path: str, settings: Settings) -> bool:
    """``--force-exclude``: a file named on the command line that ``exclude`` (or a
    ``.gitignore``) skips, matched relative to the working directory."""
    from .discovery import GitIgnore, excluded

    relative = os.path.relpath(os.path.abspath(path)).replace(os.sep, "/")
    parts = relative.split("/")
    # An excluded directory excludes what is inside it, as in a walk.
    for depth in range(1, len(parts) + 1):
        if excluded("/".join(parts[:depth]), settings.exclude, directory=depth < len(parts)):
            return True
    if not settings.respect_gitignore:
        return False
    ignore = GitIgnore()
    directory = os.path.dirname(os.path.abspath(path))
    ignore.add_parents(directory)
    ignore.add(directory)
    return ignore.ignored(path)


def _walk_errors(errors: list[OSError], outside: list[str], root: str) -> Iterator[Problem]:
    for error in errors:
        yield Problem(error.filename, None, None, f"cannot read directory: {error.strerror}")
    errors.clear()
    for link in outside:
        # Following it would read (and `fix` would write) a file out of the tree.
        yield Problem(link, None, None, f"symbolic link to a place outside {root}; not followed")
    outside.clear()


def _special_kind(path: str) -> str | None:
    """What a path found by a walk is, when it is not a regular file (None otherwise,
    or when it cannot be examined: reading it then reports why)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


class _File:
    """What a rewrite collects for one input."""

    __slots__ = ("changed", "delta", "directive_at", "line", "new", "old", "problems", "source")

    def __init__(self, source: Source) -> None:
        self.source = source
        self.old: list[str] = []
        self.new: list[str] = []
        self.changed = False
        self.problems = 0
        self.line = 0  # the file line of the last prompt, and how much the rewrite has
        self.delta = 0  # shifted columns on it (several JSON prompts can share one line)
        self.directive_at: dict[int, int] = {}  # line -> index in `new`


class Runner:
    """Drives one run; :meth:`run` returns the exit code."""

    def __init__(
        self,
        mode: str,
        settings: Settings,
        reporter: Reporter,
        *,
        out: TextIO,
        err: TextIO,
        stdin: BinaryIO | None = None,
        write: bool = True,
        diff: bool = False,
    ) -> None:
        self.mode = mode
        self.settings = settings
        self.reporter = reporter
        self.out = out
        self.err = err
        self.stdin = stdin
        # check: nothing is rewritten. fix/format: files are written unless `write` is
        # False (--diff, format --check), when a diff or a notice is printed instead.
        self.rewrite = mode != "check"
        self.write = write
        self.diff = diff
        self.summary = Summary()
        self.failed = False
        self._file: _File | None = None
        self._tracker: Tracker | None = None
        self._prompts_only = True  # every input so far is a -p prompt
        self._codes: dict[Source, frozenset[str]] = {}  # files with their own rule choice

    # -- the item stream -------------------------------------------------------------

    def _items(self, inputs: Iterator[Source | Problem]) -> Iterator[Item]:
        s = self.settings
        for entry in inputs:
            if isinstance(entry, Problem):
                yield entry
                continue
            tracker: Tracker | None = None
            job = self._job_for(entry)
            for item in read_source(entry, key=s.json_key, keep=self.rewrite, stdin=self.stdin):
                if isinstance(item, Suppressions):
                    tracker = Tracker(item.directives)
                elif isinstance(item, PromptItem) and (tracker is not None or job is not None):
                    codes = tracker.codes_for(item.origin.line) if tracker is not None else ()
                    item = item.replace(suppress=codes, job=job)
                yield item

    def _job_for(self, source: Source) -> LintJob | None:
        """The file's own rule choice (nearest configuration, per-file-ignores), or None
        when it is the run's."""
        s = self.settings
        if s.choices is None or source.path is None or source.kind == "prompt":
            return None
        choice = s.choices.choice(source.path)
        codes = choice.codes(source.path)
        if choice.profile == s.profile and codes == s.select:
            return None
        self._codes[source] = frozenset(codes)
        return LintJob(self.mode, choice.profile, codes, None, s.unsafe_fixes)

    def run(self, inputs: Iterator[Source | Problem]) -> int:
        s = self.settings
        job = LintJob(self.mode, s.profile, s.select, s.ignore, s.unsafe_fixes)
        self.reporter.start()
        for item, outcome in process(job, self._items(inputs), s.jobs):
            if isinstance(item, PromptItem):
                assert outcome is not None
                self._prompt(item, outcome)
            elif isinstance(item, (Verbatim, DirectiveLine)):
                if self._file is not None:
                    if isinstance(item, DirectiveLine):
                        self._file.directive_at[item.line] = len(self._file.new)
                    self._file.old.append(item.text)
                    self._file.new.append(item.text)
            elif isinstance(item, Suppressions):
                if self.mode != "format":
                    self._tracker = Tracker(item.directives)
            elif isinstance(item, Problem):
                self._problem(item)
            elif isinstance(item, FileStart):
                self.summary.files += 1
                self._prompts_only &= item.source.kind == "prompt"
                self._file = _File(item.source) if self.rewrite else None
            elif isinstance(item, FileEnd):
                self._unused(item.source)
                self._end(item.source)
        if not self.summary.files and not self.summary.problems:
            self._nothing_found()
        self.reporter.finish(self.summary, self.mode)
        self._format_summary()
        return self._exit_code()

    def _nothing_found(self) -> None:
        # Never "All checks passed (0 prompts)": a walk that found nothing is usually a
        # wrong directory or an `include` that misses the project's file names.
        names = ", ".join(self.settings.include)
        self.err.write(
            f"mjprompt: warning: no prompt files found (a directory walk picks {names}; "
            "set `include` in the configuration for other names)\n"
        )

    # -- per item ----------------------------------------------------------------------

    def _problem(self, problem: Problem) -> None:
        self.summary.problems += 1
        if self._file is not None:
            self._file.problems += 1
        self.reporter.problem(problem)

    def _prompt(self, item: PromptItem, outcome: PromptResult) -> None:
        self.summary.prompts += 1
        origin, text = item.origin, item.text
        state = self._file
        if state is not None:
            origin, text = self._rewrite(state, item, outcome)
        if not outcome.converged:
            self.err.write(not_converged(f"{item.origin.path or '<prompt>'}:{item.origin.line}"))
        diagnostics = outcome.diagnostics
        if self._tracker is not None and diagnostics:
            diagnostics = tuple(self._tracker.keep(item.origin.line, diagnostics))
        if self.rewrite and not self.write:
            return  # --diff / --check: the findings are of text that is not written
        self._report(origin, text, diagnostics)

    def _report(self, origin: Origin, text: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        for finding in locate(origin, text, diagnostics):
            d = finding.diagnostic
            self._count(d.severity)
            if d.fix is not None:
                if d.fix.safe:
                    self.summary.fixable += 1
                else:
                    self.summary.unsafe_fixable += 1
            self.reporter.finding(finding)

    def _unused(self, source: Source) -> None:
        """Report (check) or remove (fix) the suppressions of the file that silenced nothing."""
        tracker, self._tracker = self._tracker, None
        running = self._codes.pop(source, None)
        if running is None:
            running = frozenset(self.settings.select or ())
        if tracker is None or UNUSED_CODE not in running:
            return
        state = self._file
        for directive, codes in tracker.unused(enabled_check(running)):
            diagnostic = unused_diagnostic(directive, codes)
            if state is not None and directive.line in state.directive_at:
                index = state.directive_at[directive.line]
                kept = removal(directive, codes)
                old = state.new[index]
                eol = old[len(old.rstrip("\r\n")) :]
                state.new[index] = "" if kept is None else kept + eol
                state.changed = True
                self.summary.fixed += 1
                continue
            origin = Origin(source.path, directive.line, 0, None, directive.text, 0)
            self._report(origin, directive.text, (diagnostic,))

    def _count(self, severity: Severity) -> None:
        if severity is Severity.ERROR:
            self.summary.errors += 1
        elif severity is Severity.WARNING:
            self.summary.warnings += 1
        else:
            self.summary.infos += 1
        if severity.rank >= self.settings.fail_on.rank:
            self.failed = True

    def _rewrite(self, state: _File, item: PromptItem, outcome: PromptResult) -> tuple[Origin, str]:
        """Record the new text of a prompt; returns its place and text in the new file."""
        origin, old = item.origin, item.text
        new = outcome.text if outcome.text is not None else old
        if origin.raw is None and any(c in new for c in _LINE_BREAKS) and origin.path:
            new = old  # a line break would split the prompt line in two: leave it
        if new != old:
            self.summary.fixed += outcome.applied
        if origin.raw is None:
            old_literal, new_literal = old, new
        else:
            old_literal, new_literal = origin.raw, rewrite_literal(origin.raw, old, new)
        state.old.append(old_literal)
        state.new.append(new_literal)
        state.changed |= new_literal != old_literal
        if origin.line != state.line:
            state.line, state.delta = origin.line, 0
        column = origin.column + state.delta
        state.delta += len(new_literal) - len(old_literal)
        raw = new_literal if origin.raw is not None else None
        if new == old and column == origin.column:
            return origin, new
        if origin.raw is None:
            return Origin(origin.path, origin.line, column, None, new, 0), new
        text, start = origin.text, origin.line_start
        if start == 0 and not any(c in text for c in _LINE_BREAKS):
            # A JSON Lines line: show the rewritten line under --show-source.
            at = origin.column
            text = text[:at] + new_literal + text[at + len(old_literal) :]
        return Origin(origin.path, origin.line, column, raw, text, start), new

    def _end(self, source: Source) -> None:
        state, self._file = self._file, None
        if state is None:
            return
        new_text = "".join(state.new)
        to_stdout = source.stdin or source.kind == "prompt"
        if to_stdout and self.write:
            # The fixed text is the output; a -p prompt gets its own line.
            self.out.write(new_text + ("\n" if source.kind == "prompt" else ""))
        if not state.changed:
            return
        if state.problems:
            self.err.write(f"{source.path}: not rewritten because of the input errors above\n")
            return
        self.summary.changed_files += 1
        path = source.path if source.path is not None else f"<prompt {source.line}>"
        if self.diff:
            from .rewrite import unified_diff

            self.out.write(unified_diff(path, "".join(state.old), new_text))
        elif not self.write:
            self.out.write(f"Would reformat: {path}\n")
        elif not to_stdout:
            self._save(path, new_text, source.root)

    def _save(self, path: str, text: str, root: str | None = None) -> None:
        from .discovery import inside
        from .rewrite import write_atomic

        if root is not None and not inside(path, root):
            # The link was swapped after the walk: never write out of the tree.
            self._problem(Problem(path, None, None, f"now leads outside {root}; not written"))
            return
        try:
            write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            self._problem(Problem(path, None, None, f"cannot write: {exc.strerror or exc}"))
            return
        if self.mode == "format" and not self.settings.quiet:
            self.err.write(f"Reformatted: {path}\n")

    # -- the end -----------------------------------------------------------------------

    def _format_summary(self) -> None:
        if self.mode == "check" or self.settings.quiet or not self.summary.files:
            return
        if self.mode == "fix" and self.write:
            return  # the reporter's summary covers it
        n = self.summary.changed_files
        # A -p prompt is not a file: "1 prompt reformatted".
        noun = "prompt" if self._prompts_only else "file"
        files = f"{n} {noun}" + ("" if n == 1 else "s")
        if self.mode == "fix":
            self.err.write(f"Would fix {files}.\n" if n else "Nothing to fix.\n")
        elif self.write:
            self.err.write(f"{files} reformatted.\n" if n else "Nothing to reformat.\n")
        else:
            self.err.write(f"{files} would be reformatted.\n" if n else "Already formatted.\n")

    def _exit_code(self) -> int:
        if self.summary.problems:
            return 2
        if self.settings.exit_zero:
            return 0
        if self.failed:
            return 1
        if self.summary.changed_files and (self.mode == "fix" or not self.write):
            return 1
        return 0
