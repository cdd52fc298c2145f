"""``--statistics``: how many findings of each code, instead of the findings themselves."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ..location import Finding
from .base import Reporter, Summary

__all__ = ["StatisticsReporter"]


class StatisticsReporter(Reporter):
    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool, quiet: bool) -> None:
        super().__init__(out, err, quiet=quiet)
        self.as_json = as_json
        self.counts: Counter[str] = Counter()
        self.names: dict[str, tuple[str, str]] = {}
        self.fixable: Counter[str] = Counter()

    def finding(self, finding: Finding) -> None:
        d = finding.diagnostic
        self.counts[d.code] += 1
        self.names[d.code] = (d.rule, d.severity.value)
        if d.fix is not None:
            self.fixable[d.code] += 1

    def _rows(self) -> list[tuple[str, int]]:
        # Most frequent first; ties by code so the order is stable.
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def finish(self, summary: Summary, mode: str) -> None:
        rows = self._rows()
        if self.as_json:
            from .json_array import dumps

            data = [
                {
                    "code": code,
                    "rule": self.names[code][0],
                    "severity": self.names[code][1],
                    "count": count,
                    "fixable": self.fixable[code],
                }
                for code, count in rows
            ]
            self.out.write(dumps(data, indent=2) + "\n")
            return
        width = max((len(str(count)) for _, count in rows), default=1)
        for code, count in rows:
            rule, severity = self.names[code]
            fix = " [fixable]" if self.fixable[code] == count else ""
            self.out.write(f"{count:>{width}}  {code}  {severity:<7}  {rule}{fix}\n")
        if not rows and not self.quiet:
            self.out.write("No findings.\n")
