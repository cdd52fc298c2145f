"""``--statistics``: how many findings of each code, instead of the findings themselves.

Counted per code *and severity*, as found in the run's profile: a rule whose findings
are sometimes a warning (MJ302 for list parameters) gets one row per severity, so the
table never says "error" for a warning.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..location import FileFinding
from .base import Reporter, Summary

__all__ = ["StatisticsReporter"]


class StatisticsReporter(Reporter):
    def __init__(
        self, out: TextIO, err: TextIO, *, as_json: bool, quiet: bool, profile: str = "evolink"
    ) -> None:
        super().__init__(out, err, quiet=quiet, profile=profile)
        self.as_json = as_json
        self.counts: Counter[tuple[str, str]] = Counter()  # (code, severity) -> count
        self.names: dict[str, str] = {}
        self.fixable: Counter[tuple[str, str]] = Counter()

    def finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        key = (d.code, d.severity.value)
        self.counts[key] += 1
        self.names[d.code] = d.rule
        if d.fix is not None:
            self.fixable[key] += 1

    def _rows(self) -> list[tuple[tuple[str, str], int]]:
        # Most frequent first; ties by code (then severity) so the order is stable.
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def finish(self, summary: Summary, mode: str) -> None:
        rows = self._rows()
        if self.as_json:
            from .json_array import dumps

            data = [
                {
                    "code": code,
                    "rule": self.names[code],
                    "severity": severity,
                    "profile": self.profile,
                    "count": count,
                    "fixable": self.fixable[(code, severity)],
                }
                for (code, severity), count in rows
            ]
            self.out.write(dumps(data, indent=2) + "\n")
            return
        width = max((len(str(count)) for _, count in rows), default=1)
        for (code, severity), count in rows:
            fix = " [fixable]" if self.fixable[(code, severity)] == count else ""
            self.out.write(f"{count:>{width}}  {code}  {severity:<7}  {self.names[code]}{fix}\n")
        if not rows and not self.quiet:
            self.out.write("No findings.\n")
