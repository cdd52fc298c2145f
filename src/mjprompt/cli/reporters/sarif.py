"""``--format sarif``: a SARIF 2.1.0 log (GitHub code scanning, IDE viewers).

One run; ``tool.driver.rules`` holds every registered rule (id, name, descriptions, help,
default level in the chosen profile), each result points at its rule by ``ruleIndex``,
and a result whose diagnostic has a fix carries it as a SARIF ``fix`` (its replacements
in file coordinates, text already escaped for JSON files). Columns are counted in code
points (``columnKind: unicodeCodePoints``), as everywhere in mjprompt. Prompts given with
``-p`` have no file, so their results have no location. Input errors become tool
execution notifications and mark the invocation unsuccessful.

Results are streamed: the log is written around them, never held whole.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ... import __version__
from ...diagnostics import Severity
from ...rules import Rule
from ..location import FileFinding, Region
from ..rules import all_rules
from ..sources import Problem
from .base import Reporter, Summary
from .json_array import dumps

__all__ = ["SCHEMA_URI", "SarifReporter", "artifact_location"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mjprompt/mjprompt"
SRCROOT = "%SRCROOT%"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str) -> dict[str, str]:
    """A relative path against ``%SRCROOT%`` (the working directory), else a file URI."""
    if path == "-":
        return {"uri": "stdin"}
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def _region(region: Region) -> dict[str, int]:
    return {
        "startLine": region.line,
        "startColumn": region.column,
        "endLine": region.end_line,
        "endColumn": region.end_column,
    }


def _rule(rule: Rule, profile: str) -> dict[str, Any]:
    severity = rule.severities.get(profile)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.doc or rule.name},
        "help": {"text": rule.doc or rule.name, "markdown": rule.doc or rule.name},
        "defaultConfiguration": {
            "enabled": severity is not None,
            "level": _LEVEL[severity] if severity is not None else "none",
        },
        "properties": {
            "severities": {p: s.value for p, s in rule.severities.items()},
            "fix": rule.fix,
        },
    }


class SarifReporter(Reporter):
    def start(self) -> None:
        rules = all_rules()  # the registry and MJ901 (unused suppression)
        self._codes = sorted(rules)
        self._index = {code: i for i, code in enumerate(self._codes)}
        self._count = 0
        self._notifications: list[dict[str, Any]] = []
        driver = {
            "name": "mjprompt",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_rule(rules[code], self.profile) for code in self._codes],
        }
        root = Path.cwd().as_uri().rstrip("/") + "/"
        head = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
        }
        self.out.write(dumps(head)[:-1] + ', "runs": [{')
        self.out.write(f'"tool": {dumps({"driver": driver})}, ')
        self.out.write(f'"originalUriBaseIds": {dumps({SRCROOT: {"uri": root}})}, ')
        self.out.write('"columnKind": "unicodeCodePoints", "results": [')

    def finding(self, finding: FileFinding) -> None:
        d = finding.diagnostic
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "properties": {
                "rule": d.rule,
                "severity": d.severity.value,
                "promptStart": d.span.start,
                "promptEnd": d.span.end,
            },
        }
        if d.code in self._index:
            result["ruleIndex"] = self._index[d.code]
        if finding.path is not None:
            location = artifact_location(finding.path)
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": _region(finding.region),
                    }
                }
            ]
            if d.fix is not None and finding.edits:
                result["fixes"] = [
                    {
                        "description": {"text": d.fix.description},
                        "artifactChanges": [
                            {
                                "artifactLocation": location,
                                "replacements": [
                                    {
                                        "deletedRegion": _region(region),
                                        "insertedContent": {"text": text},
                                    }
                                    for region, text in finding.edits
                                ],
                            }
                        ],
                        "properties": {"safe": d.fix.safe},
                    }
                ]
        self.out.write(("\n" if self._count == 0 else ",\n") + dumps(result))
        self._count += 1

    def problem(self, problem: Problem) -> None:
        super().problem(problem)
        note: dict[str, Any] = {"level": "error", "message": {"text": problem.message}}
        if problem.path is not None:
            physical: dict[str, Any] = {"artifactLocation": artifact_location(problem.path)}
            if problem.line is not None:
                physical["region"] = {"startLine": problem.line}
                if problem.column is not None:
                    physical["region"]["startColumn"] = problem.column
            note["locations"] = [{"physicalLocation": physical}]
        self._notifications.append(note)

    def finish(self, summary: Summary, mode: str) -> None:
        invocation: dict[str, Any] = {"executionSuccessful": not summary.problems}
        if self._notifications:
            invocation["toolExecutionNotifications"] = self._notifications
        self.out.write(f'\n], "invocations": [{dumps(invocation)}]}}]}}\n')
