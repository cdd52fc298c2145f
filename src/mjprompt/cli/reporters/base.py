"""The reporter interface and the run summary every format can print."""

from __future__ import annotations

from typing import TextIO

import attrs

from ...findings_text import position_text
from ..location import FileFinding
from ..sources import Problem
from ..terminal import printable

__all__ = ["Reporter", "Summary", "problem_text"]


@attrs.define
class Summary:
    """Counts over a whole run."""

    files: int = 0
    prompts: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    fixable: int = 0  # findings with a safe fix
    unsafe_fixable: int = 0  # findings with only an unsafe fix
    fixed: int = 0  # fixes applied (fix mode)
    changed_files: int = 0  # files rewritten, or that would be (fix/format)
    problems: int = 0  # input errors

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
