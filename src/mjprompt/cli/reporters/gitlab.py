"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with the fields GitLab reads: ``description``, ``check_name``,
``fingerprint`` (stable and unique per finding), ``severity`` (``info``, ``minor``,
``major``, ``critical``, ``blocker``) and ``location`` (``path`` and ``lines.begin``;
``positions`` with line and column as well). Errors are ``major``, warnings ``minor``,
info findings ``info``. Prompts given with ``-p`` have no file and are named ``<prompt>``.

GitLab publishes no JSON Schema for the report; the tests validate the output against
a schema written from GitLab's documented field list (``tests/cli/gitlab-codequality
.schema.json``).
"""

from __future__ import annotations

import hashlib
from collections import Counter

from ...diagnostics import Severity
from ..location import FileFinding
from .base import Reporter, Summary
from .json_array import dumps

__all__ = ["GitlabReporter"]

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


class GitlabReporter(Reporter):
    _count = 0

    def start(self) -> None:
        self.out.write("[")
        self._seen: Counter[str] = Counter()

    def finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        r = finding.region
        path = finding.path if finding.path is not None else "<prompt>"
        # The same finding text on the same line twice still gets two fingerprints.
        key = f"{path}\0{d.code}\0{r.line}\0{r.column}\0{d.message}"
        self._seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{self._seen[key]}".encode()).hexdigest()
        issue = {
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": digest,
            "severity": _SEVERITY[d.severity],
            "location": {
                "path": path,
                "lines": {"begin": r.line, "end": r.end_line},
                "positions": {
                    "begin": {"line": r.line, "column": r.column},
                    "end": {"line": r.end_line, "column": r.end_column},
                },
            },
        }
        self.out.write(("\n  " if self._count == 0 else ",\n  ") + dumps(issue))
        self._count += 1

    def finish(self, summary: Summary, mode: str) -> None:
        self.out.write("\n]\n" if self._count else "]\n")
