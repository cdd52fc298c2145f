"""Suppression comments: the pure parser (shared with the editor server) and the CLI."""

from __future__ import annotations

import pytest

from mjprompt.cli.suppression import (
    UNUSED_CODE,
    Directive,
    directives_of,
    parse_directive,
    removal,
    suppressing,
)

EN_DASH = "a cat –ar 16:9"  # MJ101 at column 7


def test_parse_directive_reads_kind_codes_and_column():
    d = parse_directive("# mjprompt: disable-next-line MJ101, mj304", 4)
    assert d == Directive(
        4,
        "disable-next-line",
        ("MJ101", "MJ304"),
        "# mjprompt: disable-next-line MJ101, mj304",
        30,
    )
    assert parse_directive("#mjprompt:disable-file").codes == ()  # type: ignore[union-attr]
    assert parse_directive("# a plain comment") is None
    assert parse_directive("a prompt # mjprompt: disable-file") is None


@pytest.mark.parametrize(
    "line", ["# mjprompt: disable-file MJ-101", "# mjprompt: disable-file-of MJ101"]
)
def test_a_malformed_directive_is_an_error_not_a_silence_everything(line):
    with pytest.raises(ValueError, match=r"not a rule code|unknown suppression"):
        parse_directive(line)


def test_next_line_targets_the_next_prompt_line_across_comments_not_blanks():
    lines = [
        "# mjprompt: disable-next-line MJ101",
        "# mjprompt: disable-next-line MJ304",
        "# another comment",
        "a prompt",
        "# mjprompt: disable-next-line",
        "",
        "another prompt",
        "# mjprompt: disable-file MJ2",
    ]
    found, errors = directives_of(lines)
    assert errors == []
    assert [(d.line, d.target) for d in found] == [(1, 4), (2, 4), (5, None), (8, None)]
    assert [d.line for d in suppressing(found, "MJ101", 4)] == [1]
    assert [d.line for d in suppressing(found, "MJ210", 7)] == [8]  # prefix, whole file
    assert suppressing(found, "MJ101", 7) == []


def test_removal_keeps_the_used_codes_or_drops_the_line():
    d = parse_directive("  # mjprompt: disable-next-line MJ101, MJ304")
    assert d is not None
    assert removal(d, ("MJ304",)) == "  # mjprompt: disable-next-line MJ101"
    assert removal(d, ("MJ101", "MJ304")) is None
    bare = parse_directive("# mjprompt: disable-file")
    assert bare is not None and removal(bare, ()) is None


def test_check_silences_next_line_and_file_directives(cli, tmp_path, make_file):
    make_file(
        tmp_path / "a.prompt",
        f"# mjprompt: disable-next-line MJ101\n{EN_DASH}\n{EN_DASH}\n"
        "a dog --ar 1:1 --ar 1:1\n# mjprompt: disable-file MJ302\n",
    )
    run = cli("check", "a.prompt", "--no-show-source")
    assert run.lines == [
        "a.prompt:3:7: MJ101 error `–ar` is written with an en dash `–`; "
        "a parameter starts with `--`",
        "Found: 1 error (3 prompts in 1 input). 1 fixable with `mjprompt fix`.",
    ], run.out + run.err
    assert run.code == 1


def test_unused_suppressions_are_reported_and_fix_removes_them(cli, tmp_path, make_file):
    text = (
        "# mjprompt: disable-next-line MJ101,MJ304\n"
        f"{EN_DASH}\n"
        "# mjprompt: disable-next-line\n"
        "a fine prompt --ar 1:1\n"
        "# mjprompt: disable-file MJ999\n"
    )
    make_file(tmp_path / "a.prompt", text)
    run = cli("check", "a.prompt")
    assert run.lines[:3] == [
        f"a.prompt:1:37: {UNUSED_CODE} warning unused codes in suppression: MJ304",
        f"a.prompt:3:1: {UNUSED_CODE} warning unused suppression: `disable-next-line` "
        "without codes silences nothing here",
        f"a.prompt:5:1: {UNUSED_CODE} warning unused suppression: nothing to silence for MJ999",
    ], run.out
    assert run.code == 0  # warnings only; --fail-on error
    assert cli("check", "a.prompt", "--ignore", UNUSED_CODE).lines == [
        "All checks passed (2 prompts in 1 input)."
    ]

    fixed = cli("fix", "a.prompt")
    assert fixed.code == 1, fixed.out + fixed.err
    assert (tmp_path / "a.prompt").read_text() == (
        f"# mjprompt: disable-next-line MJ101\n{EN_DASH}\na fine prompt --ar 1:1\n"
    )
    assert cli("check", "a.prompt").code == 0


def test_fix_does_not_fix_what_a_comment_suppresses(cli, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", f"# mjprompt: disable-next-line MJ101\n{EN_DASH}\n{EN_DASH}\n")
    cli("fix", "a.prompt")
    assert (tmp_path / "a.prompt").read_text() == (
        f"# mjprompt: disable-next-line MJ101\n{EN_DASH}\na cat --ar 16:9\n"
    )


def test_a_malformed_directive_is_an_input_error_with_its_line(cli, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", "a cat\n# mjprompt: disable-file MJ-1\n")
    run = cli("check", "a.prompt")
    assert run.code == 2
    assert "a.prompt:2:1: error: malformed suppression comment: `MJ-1` is not a rule" in run.err


def test_explain_and_rules_know_the_unused_suppression_code(cli_fast):
    explained = cli_fast("explain", UNUSED_CODE)
    assert explained.out.startswith(f"{UNUSED_CODE} unused-suppression\n")
    assert "Severity: evolink: warning, midjourney: warning" in explained.out
    assert any(line.startswith(UNUSED_CODE) for line in cli_fast("rules").lines)


def test_explain_suggests_the_code_a_lookalike_letter_stands_for(cli_fast):
    run = cli_fast("explain", "MJ1O1")
    assert run.code == 2
    assert "did you mean MJ101" in run.err


def test_unused_suppressions_in_sarif_point_at_their_rule(cli, tmp_path, make_file):
    import json
    from pathlib import Path

    import jsonschema

    make_file(tmp_path / "a.prompt", "# mjprompt: disable-next-line MJ101\na fine cat\n")
    run = cli("check", "--format", "sarif", "a.prompt")
    log = json.loads(run.out)
    schema = Path(__file__).with_name("sarif-schema-2.1.0.json")
    jsonschema.validate(log, json.loads(schema.read_text("utf-8")))
    (result,) = log["runs"][0]["results"]
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (rule["id"], rule["name"], result["level"]) == (
        UNUSED_CODE,
        "unused-suppression",
        "warning",
    )
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] == ""


def test_codes_of_rules_that_do_not_run_are_not_called_unused(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", "# mjprompt: disable-next-line MJ101\na fine cat\n")
    assert cli_fast("check", "a.prompt", "--select", "MJ3,MJ9").lines == [
        "All checks passed (1 prompt in 1 input)."
    ]
    assert cli_fast("check", "a.prompt").lines[0] == (
        "a.prompt:1:1: MJ901 warning unused suppression: nothing to silence for MJ101"
    )
