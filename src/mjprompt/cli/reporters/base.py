"""The reporter interface and the run summary every format can print."""

from __future__ import annotations

from typing import TextIO

from ...findings_text import position_text
from ..location import FileFinding
from ..sources import Problem
from ..terminal import printable

__all__ = ["Reporter", "Summary", "problem_text"]


class Summary:
    """Counts over a whole run (each starts at 0; the runner adds to them)."""

    __slots__ = (  # noqa: RUF023 - field order
        "files",
        "prompts",
        "errors",
        "warnings",
        "infos",
        "fixable",
        "unsafe_fixable",
        "fixed",
        "changed_files",
        "problems",
    )

    def __init__(self) -> None:
        self.files = 0
        self.prompts = 0
        self.errors = 0
        self.warnings = 0
        self.infos = 0
        self.fixable = 0  # findings with a safe fix
        self.unsafe_fixable = 0  # findings with only an unsafe fix
        self.fixed = 0  # fixes applied (fix mode)
        self.changed_files = 0  # files rewritten, or that would be (fix/format)
        self.problems = 0  # input errors

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"Summary({counts})"

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos


def problem_text(problem: Problem) -> str:
    """``path:line:col: error: message`` (position parts left out when unknown)."""
    label = printable(problem.path) if problem.path is not None else "<prompt>"
    where = position_text(label, problem.line, problem.column)
    return f"{where}: error: {printable(problem.message)}"


class Reporter:
    """Base reporter: subclasses override what they need."""

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        profile: str = "evolink",
        color: bool = False,
        show_source: bool = False,
        quiet: bool = False,
    ) -> None:
        self.out = out
        self.err = err
        self.profile = profile
        self.color = color
        self.show_source = show_source
        self.quiet = quiet

    def start(self) -> None:
        """Called once before anything else."""

    def finding(self, finding: FileFinding) -> None:
        """One diagnostic, in input order."""

    def problem(self, problem: Problem) -> None:
        """An input error."""
        self.err.write(problem_text(problem) + "\n")

    def finish(self, summary: Summary, mode: str) -> None:
        """Called once at the end with the run's counts; ``mode`` is check, fix or format."""
