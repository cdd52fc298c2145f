"""``--format github``: GitHub Actions workflow commands, shown as annotations on a PR.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message``; info
findings become ``notice``. Values are escaped as the runner expects (``%``, CR, LF,
and in properties also ``:`` and ``,``).
"""

from __future__ import annotations

from ...diagnostics import Severity
from ..location import FileFinding
from ..sources import Problem
from .base import Reporter

__all__ = ["GithubReporter", "escape_data", "escape_property"]

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties)
    return f"::{level} {props}::{escape_data(message)}\n"


class GithubReporter(Reporter):
    def finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        r = finding.region
        props: list[tuple[str, object]] = []
        if finding.path is not None:
            props += [
                ("file", finding.path),
                ("line", r.line),
                ("col", r.column),
                ("endLine", r.end_line),
                ("endColumn", r.end_column),
            ]
        props.append(("title", d.code))
        self.out.write(_command(_LEVEL[d.severity], props, d.message))

    def problem(self, problem: Problem) -> None:
        super().problem(problem)
        props: list[tuple[str, object]] = []
        if problem.path is not None:
            props.append(("file", problem.path))
            if problem.line is not None:
                props.append(("line", problem.line))
            if problem.column is not None:
                props.append(("col", problem.column))
        props.append(("title", "mjprompt input error"))
        self.out.write(_command("error", props, problem.message))
