"""Each output format on a multi-file tree with known problems (real console script)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")

JSON_KEYS = {
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "start",
    "end",
    "code",
    "rule",
    "severity",
    "message",
    "fix",
}


def test_text_format_lists_every_finding_at_file_positions(cli, tree, tree_findings):
    result = cli("check", ".", cwd=tree)
    assert result.code == 1
    found = [line for line in result.lines if re.match(r"^[\w./]+:\d+:\d+: MJ\d{3} ", line)]
    # Every line names the severity as a word (visible without colour, grep-friendly).
    expected = [
        f"{p}:{line}:{col}: {code} {sev}" for p, line, col, _, _, code, sev in tree_findings
    ]
    assert [" ".join(f.split(" ", 3)[:3]) for f in found] == expected
    # The summary counts by severity; nothing is coloured when not on a terminal.
    assert "Found: 3 errors, 1 warning, 1 info" in result.out
    assert "\033[" not in result.out
    # Files that are not prompt files by name, and hidden directories, are not read.
    assert "notes.txt" not in result.out
    assert ".hidden" not in result.out


def test_text_colour_only_when_asked(cli, tree):
    plain = cli("check", "a.prompt", cwd=tree)
    coloured = cli("check", "a.prompt", "--color", "always", cwd=tree)
    assert "\033[" not in plain.out
    assert "\033[31m" in coloured.out  # errors in red
    assert re.sub(r"\033\[[0-9;]*m", "", coloured.out) == plain.out


def test_show_source_puts_a_caret_under_the_span(cli, tree):
    result = cli("check", "--show-source", "a.prompt", "d.prompts.json", cwd=tree)
    lines = result.lines
    i = lines.index(next(x for x in lines if x.startswith("a.prompt:1:7: MJ101")))
    assert lines[i + 1] == " 1 | a cat –ar 16:9"
    assert lines[i + 2] == "   |       ^^^"
    j = lines.index(next(x for x in lines if x.startswith("d.prompts.json:3:17: MJ301")))
    assert lines[j + 1] == ' 3 |   {"prompt": "x --foo 1"}'
    assert lines[j + 2] == "   |                 ^^^^^"


def test_json_format_is_one_array_of_product_objects(cli, tree, tree_findings):
    result = cli("check", "--format", "json", ".", cwd=tree)
    assert result.code == 1
    data = json.loads(result.out)
    assert isinstance(data, list)
    assert all(set(d) == JSON_KEYS for d in data)
    keys = ("path", "line", "column", "end_line", "end_column", "code", "severity")
    got = [tuple(d[k] for k in keys) for d in data]
    assert got == tree_findings
    # start/end stay relative to the prompt: `—ar` is code points 5-8 of "café —ar 2:3".
    em = next(d for d in data if d["code"] == "MJ103")
    assert (em["start"], em["end"]) == (5, 8)
    assert em["fix"]["safe"] is True
    assert em["fix"]["edits"] == [{"start": 5, "end": 6, "replacement": "--"}]
    assert em["rule"] == "em-dash-marker"


def test_json_format_empty_run_is_an_empty_array(cli, tmp_path, make_file):
    make_file(tmp_path / "ok.prompt", "a cat --ar 16:9\n")
    result = cli("check", "--format", "json", "ok.prompt")
    assert result.code == 0
    assert json.loads(result.out) == []


def test_sarif_is_valid_and_carries_rules_and_fixes(cli, tree, tree_findings):
    result = cli("check", "--format", "sarif", ".", cwd=tree)
    assert result.code == 1
    log = json.loads(result.out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text("utf-8")))
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    # Every result's ruleIndex points at its own rule, which carries documentation.
    for res in run["results"]:
        rule = rules[res["ruleIndex"]]
        assert rule["id"] == res["ruleId"]
        assert rule["fullDescription"]["text"]
    got = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["locations"][0]["physicalLocation"]["region"]["endLine"],
            r["locations"][0]["physicalLocation"]["region"]["endColumn"],
            r["ruleId"],
            {"error": "error", "warning": "warning", "note": "info"}[r["level"]],
        )
        for r in run["results"]
    ]
    assert got == tree_findings
    # The fix of the en dash: replace column 7 (one code point) of a.prompt by `--`.
    dash = next(r for r in run["results"] if r["ruleId"] == "MJ101")
    (change,) = dash["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {
        "startLine": 1,
        "startColumn": 7,
        "endLine": 1,
        "endColumn": 8,
    }
    assert replacement["insertedContent"]["text"] == "--"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_reports_input_errors_as_notifications(cli, tmp_path, make_file):
    make_file(tmp_path / "bad.prompts.json", '["a", ')
    result = cli("check", "--format", "sarif", "bad.prompts.json")
    assert result.code == 2
    log = json.loads(result.out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text("utf-8")))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert "invalid JSON" in note["message"]["text"]


def test_github_annotations(cli, tree, tree_findings):
    result = cli("check", "--format", "github", ".", cwd=tree)
    assert result.code == 1
    pattern = re.compile(
        r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),"
        r"endLine=(\d+),endColumn=(\d+),title=(MJ\d{3})::(.+)$"
    )
    got = []
    for line in result.lines:
        m = pattern.match(line)
        assert m, line
        level, path, l1, c1, l2, c2, code, _ = m.groups()
        severity = {"error": "error", "warning": "warning", "notice": "info"}[level]
        got.append((path, int(l1), int(c1), int(l2), int(c2), code, severity))
    assert got == tree_findings


def test_github_escapes_messages_and_properties(cli, tmp_path, make_file):
    make_file(tmp_path / "odd, name:1.prompt", "a cat –ar 16:9\n")
    result = cli("check", "--format", "github", "odd, name:1.prompt")
    assert result.out.startswith("::error file=odd%2C name%3A1.prompt,line=1,col=7,")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_statistics_counts_per_code(cli, tree, fmt):
    result = cli("check", "--statistics", "--format", fmt, ".", cwd=tree)
    assert result.code == 1
    if fmt == "json":
        rows = {r["code"]: r["count"] for r in json.loads(result.out)}
    else:
        rows = {line.split()[1]: int(line.split()[0]) for line in result.lines}
    assert rows == {"MJ101": 1, "MJ103": 1, "MJ106": 1, "MJ108": 1, "MJ301": 1}


def test_statistics_counts_each_severity_of_a_code_apart(cli_fast, tmp_path, make_file):
    # MJ302 is a warning for repeated list parameters and an error otherwise.
    make_file(tmp_path / "c.prompt", "a --sref 1 --sref 2\na --ar 1:1 --ar 2:3\n")
    text = cli_fast("check", "--statistics", "c.prompt")
    assert [line.split()[:3] for line in text.lines] == [
        ["1", "MJ302", "error"],
        ["1", "MJ302", "warning"],
    ]
    rows = json.loads(
        cli_fast(
            "check", "--statistics", "--format", "json", "--profile", "midjourney", "c.prompt"
        ).out
    )
    assert [(r["severity"], r["profile"]) for r in rows] == [
        ("error", "midjourney"),
        ("warning", "midjourney"),
    ]


def test_statistics_refuses_sarif(cli, tree):
    result = cli("check", "--statistics", "--format", "sarif", ".", cwd=tree)
    assert result.code == 2
    assert "--statistics" in result.err
    assert "Traceback" not in result.err
