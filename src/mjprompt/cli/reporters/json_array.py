"""``--format json``: one JSON array per run, one object per diagnostic (the form of
``Diagnostic.to_json``, with file positions).

The array is written element by element as findings arrive.
"""

from __future__ import annotations

import json
from typing import Any

from ..location import FileFinding
from .base import Reporter, Summary

__all__ = ["JsonReporter", "dumps"]


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """JSON text with non-ASCII kept readable, unless it holds a lone surrogate."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, indent=indent)
    return text


class JsonReporter(Reporter):
    _count = 0

    def start(self) -> None:
        self.out.write("[")

    def finding(self, finding: FileFinding) -> None:
        self.out.write(("\n  " if self._count == 0 else ",\n  ") + dumps(finding.to_json()))
        self._count += 1

    def finish(self, summary: Summary, mode: str) -> None:
        self.out.write("\n]\n" if self._count else "]\n")
