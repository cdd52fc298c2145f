"""CI options: --exit-zero, -o/--output-file, and the json-lines, gitlab and junit formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

HERE = Path(__file__).parent
GITLAB_SCHEMA = json.loads((HERE / "gitlab-codequality.schema.json").read_text("utf-8"))


def _rows(tree_findings):
    return [(p, line, col, code) for p, line, col, _, _, code, _ in tree_findings]


def test_json_lines_is_one_json_format_object_per_line(cli, tree, tree_findings):
    run = cli("check", "--format", "json-lines", ".", cwd=tree)
    assert run.code == 1
    objects = [json.loads(line) for line in run.lines]
    assert [(o["path"], o["line"], o["column"], o["code"]) for o in objects] == _rows(tree_findings)
    array = json.loads(cli("check", "--format", "json", ".", cwd=tree).out)
    assert objects == array
    assert cli("check", "--format", "json-lines", "-p", "fine --ar 1:1").out == ""


def test_gitlab_code_quality_report_follows_the_documented_format(cli, tree, tree_findings):
    run = cli("check", "--format", "gitlab", ".", "-p", "x –ar 1:1", "-p", "x –ar 1:1", cwd=tree)
    assert run.code == 1
    issues = json.loads(run.out)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    severities = {"error": "major", "warning": "minor", "info": "info"}
    expected = [("<prompt>", 1, "MJ101", "major"), ("<prompt>", 2, "MJ101", "major")] + [
        (p, line, code, severities[sev]) for p, line, _, _, _, code, sev in tree_findings
    ]
    got = [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"])
        for i in issues
    ]
    assert got == expected
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # unique, even for equal findings
    again = json.loads(cli("check", "--format", "gitlab", ".", cwd=tree).out)
    assert [i["fingerprint"] for i in again] == fingerprints[2:]  # stable across runs
    assert json.loads(cli("check", "--format", "gitlab", "-p", "fine").out) == []


def test_junit_report_has_one_suite_per_file_and_a_failure_per_finding(cli, tree, tree_findings):
    run = cli("check", "--format", "junit", ".", cwd=tree)
    assert run.code == 1
    root = ET.fromstring(run.out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("tests") == root.get("failures") == str(len(tree_findings))
    got = []
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert suite.get("tests") == suite.get("failures") == str(len(cases))
        assert suite.get("errors") == "0"
        for case in cases:
            assert case.get("classname") == suite.get("name")
            failure = case.find("failure")
            assert failure is not None and failure.get("message")
            got.append((suite.get("name"), failure.get("type")))
    assert got == [(p, code) for p, _, _, code in _rows(tree_findings)]
    clean = ET.fromstring(cli("check", "--format", "junit", "-p", "fine").out.encode())
    assert clean.get("failures") == "0"
    assert [c.get("name") for c in clean.iter("testcase")] == ["mjprompt"]


def test_exit_zero_and_output_file(cli, tree, tmp_path):
    report = tmp_path / "report.json"
    run = cli("check", "--exit-zero", "-o", str(report), "--format", "json", ".", cwd=tree)
    assert run.code == 0
    assert run.out == ""
    assert len(json.loads(report.read_text("utf-8"))) == 5
    # Input errors still fail the run.
    assert cli("check", "--exit-zero", "missing.prompt", cwd=tree).code == 2
    bad = cli("check", "-o", str(tmp_path / "no" / "dir" / "r.txt"), ".", cwd=tree)
    assert bad.code == 2
    assert "--output-file" in bad.err and "Traceback" not in bad.err
