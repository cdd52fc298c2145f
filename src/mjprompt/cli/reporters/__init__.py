"""Output formats of ``check``/``fix``: text, json, json-lines, sarif, github, gitlab,
junit, and ``--statistics``.

A reporter receives findings one at a time, in input order, and writes as it goes
(``json`` and ``sarif`` stream their arrays), so the output of a huge input never has to
be held in memory. Input problems (unreadable or malformed files) always go to standard
error as ``path:line:col: error: message``; the github and sarif formats also carry them
in their own form.
"""

from __future__ import annotations

import importlib
from typing import TextIO

from .base import Reporter, Summary

__all__ = ["FORMATS", "Reporter", "Summary", "make_reporter"]

# format name -> (module, class); imported only when chosen (cold start).
FORMATS: dict[str, tuple[str, str]] = {
    "text": (".text", "TextReporter"),
    "json": (".json_array", "JsonReporter"),
    "sarif": (".sarif", "SarifReporter"),
    "github": (".github", "GithubReporter"),
    "json-lines": (".json_lines", "JsonLinesReporter"),
    "gitlab": (".gitlab", "GitlabReporter"),
    "junit": (".junit", "JunitReporter"),
}


def make_reporter(
    name: str,
    out: TextIO,
    err: TextIO,
    *,
    profile: str = "evolink",
    color: bool = False,
    show_source: bool = False,
    quiet: bool = False,
    statistics: bool = False,
) -> Reporter:
    """The reporter for a ``--format`` name (``--statistics`` replaces it for text/json)."""
    if statistics:
        from .statistics import StatisticsReporter

        return StatisticsReporter(out, err, as_json=name == "json", quiet=quiet, profile=profile)
    module, cls = FORMATS[name]
    reporter_class = getattr(importlib.import_module(module, __name__), cls)
    reporter: Reporter = reporter_class(
        out, err, profile=profile, color=color, show_source=show_source, quiet=quiet
    )
    return reporter
