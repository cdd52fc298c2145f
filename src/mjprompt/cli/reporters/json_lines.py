"""``--format json-lines``: one JSON object per finding, one per line (the ``json``
format's objects, without the array around them), for ``jq`` and log pipelines."""

from __future__ import annotations

from ..location import FileFinding
from .base import Reporter
from .json_array import dumps

__all__ = ["JsonLinesReporter"]


class JsonLinesReporter(Reporter):
    def finding(self, finding: FileFinding) -> None:
        self.out.write(dumps(finding.to_json()) + "\n")
