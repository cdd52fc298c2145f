"""Inputs: stdin, -p, directories, bad files, and exit codes (real console script)."""

from __future__ import annotations

import json
import os

import pytest


def test_stdin_is_read_as_a_prompt_file(cli):
    result = cli("check", "-", stdin="# comment\na cat –ar 16:9\n")
    assert result.lines[0].startswith("-:2:7: MJ101 ")
    assert result.code == 1


def test_stdin_filename_names_it_and_picks_the_kind(cli):
    stdin = '{"prompt": "a cat —ar 16:9"}\n'
    result = cli("check", "-", "--stdin-filename", "in.jsonl", "--format", "json", stdin=stdin)
    (d,) = json.loads(result.out)
    assert (d["path"], d["line"], d["column"], d["code"]) == ("in.jsonl", 1, 19, "MJ103")


def test_prompt_options_are_numbered_lines_of_no_file(cli_fast):
    result = cli_fast("check", "-p", "a cat --ar 16:9", "-p", "x --foo", "--format", "json")
    (d,) = json.loads(result.out)
    assert (d["path"], d["line"], d["column"], d["code"]) == (None, 2, 3, "MJ301")
    text = cli_fast("check", "-p", "a cat --ar 16:9", "-p", "x --foo")
    assert text.lines[0].startswith("<prompt>:2:3: MJ301 ")


def test_clean_input_exits_zero(cli):
    result = cli("check", "-p", "a cat --ar 16:9")
    assert result.code == 0
    assert "All checks passed" in result.out


def test_bad_files_are_reported_and_every_other_file_is_checked(cli, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", "a cat –ar 16:9\n")
    make_file(tmp_path / "utf8.prompt", b"fine --ar 1:1\nabc\xe9def --ar 1:1\nnever read\n")
    make_file(tmp_path / "bad.prompts.json", '[\n  "ok",\n  "unterminated\n]\n')
    make_file(tmp_path / "obj.prompts.json", '{"prompt": "x"}')
    make_file(tmp_path / "lines.jsonl", '"ok"\n{"text": "x"}\n[1]\n{"prompt": 5}\nnope\n')
    os.symlink(tmp_path / "gone", tmp_path / "dangling.prompt")
    make_file(tmp_path / "z.prompt", "b dog —ar 1:1\n")
    names = [
        "a.prompt",
        "missing.prompt",
        "utf8.prompt",
        "bad.prompts.json",
        "obj.prompts.json",
        "lines.jsonl",
        "dangling.prompt",
        "z.prompt",
    ]
    result = cli("check", *names)
    assert result.code == 2
    errors = result.err.splitlines()
    assert errors == [
        "missing.prompt: error: no such file or directory",
        "utf8.prompt:2:4: error: invalid UTF-8 (byte 0xe9); the file must be UTF-8 "
        "and the rest of it is not read",
        "bad.prompts.json:3:16: error: invalid JSON: Invalid control character",
        "obj.prompts.json:1:1: error: invalid JSON: Expecting a JSON array of prompts",
        'lines.jsonl:2:1: error: the object has no "prompt" field',
        'lines.jsonl:3:1: error: expected a string or an object with a "prompt" string field',
        'lines.jsonl:4:12: error: the "prompt" field is not a string',
        "lines.jsonl:5:1: error: invalid JSON: Expecting value",
        "dangling.prompt: error: cannot read: No such file or directory",
    ]
    # The files around the bad ones were still checked.
    assert result.lines[0].startswith("a.prompt:1:7: MJ101")
    assert result.lines[1].startswith("z.prompt:1:7: MJ103")
    assert "Traceback" not in result.err


def test_binary_garbage_is_an_input_error_not_a_traceback(cli, tmp_path, make_file):
    make_file(tmp_path / "bin.prompt", bytes(range(256)) * 4)
    make_file(tmp_path / "bin.prompts.json", b"\x00\x01[\xff")
    result = cli("check", "bin.prompt", "bin.prompts.json")
    assert result.code == 2
    assert "invalid UTF-8" in result.err
    assert "Traceback" not in result.err


def test_directories_are_walked_by_prompt_file_patterns(cli_fast, tmp_path, make_file):
    bad = "a cat –ar 16:9\n"
    for name in [
        "x.prompt",
        "x.prompts",
        "x.prompts.txt",
        "deep/prompts/y.txt",
        "deep/z.prompts.jsonl",
        "deep/w.prompts.json",
    ]:
        content = {"jsonl": '"a cat –ar 16:9"\n', "json": '["a cat –ar 16:9"]\n'}
        make_file(tmp_path / name, content.get(name.rsplit(".", 1)[1], bad))
    for name in ["readme.txt", "deep/other.txt", "node_modules/n.prompt", ".git/g.prompt"]:
        make_file(tmp_path / name, bad)
    result = cli_fast("check", ".", "--format", "json")
    paths = sorted({d["path"] for d in json.loads(result.out)})
    assert paths == [
        "deep/prompts/y.txt",
        "deep/w.prompts.json",
        "deep/z.prompts.jsonl",
        "x.prompt",
        "x.prompts",
        "x.prompts.txt",
    ]
    # A file named on the command line is checked whatever its name.
    named = cli_fast("check", "readme.txt")
    assert named.lines[0].startswith("readme.txt:1:7: MJ101")


def test_no_paths_means_the_current_directory(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", "a cat –ar 16:9\n")
    assert cli_fast("check").lines[0].startswith("a.prompt:1:7: MJ101")


@pytest.mark.parametrize(
    ("fail_on", "code"), [(None, 0), ("error", 0), ("warning", 1), ("info", 1)]
)
def test_fail_on_sets_the_lowest_failing_severity(cli_fast, tmp_path, make_file, fail_on, code):
    make_file(tmp_path / "w.prompt", "a cat --AR 16:9\n")  # one warning
    args = ["check", "w.prompt"] + (["--fail-on", fail_on] if fail_on else [])
    result = cli_fast(*args)
    assert result.code == code
    assert "MJ106" in result.out


def test_info_findings_fail_only_with_fail_on_info(cli_fast):
    assert cli_fast("check", "-p", "a cat —ar 16:9", "--fail-on", "warning").code == 0
    assert cli_fast("check", "-p", "a cat —ar 16:9", "--fail-on", "info").code == 1


def test_quiet_prints_findings_only(cli_fast):
    result = cli_fast("check", "-q", "-p", "a cat –ar 16:9", "-p", "fine")
    assert result.lines == [
        "<prompt>:1:7: MJ101 error `–ar` is written with an en dash `–`; "
        "a parameter starts with `--`"
    ]


def test_select_and_ignore_by_prefix_and_name(cli_fast):
    prompt = ["-p", "a cat –ar 16:9 --AR 1:1 —s 5"]
    codes = {line.split()[1] for line in cli_fast("check", "-q", *prompt).lines}
    assert {"MJ101", "MJ106", "MJ103"} <= codes
    only = {line.split()[1] for line in cli_fast("check", "-q", "--select", "MJ10", *prompt).lines}
    assert only and all(c.startswith("MJ10") for c in only)
    skipped = cli_fast("check", "-q", "--ignore", "MJ101,uppercase-name", *prompt).lines
    assert not any(" MJ101 " in x or " MJ106 " in x for x in skipped)


def test_usage_errors_exit_two_without_traceback(cli_fast):
    for args in (
        ["check", "--select", "XX9", "-p", "a"],
        ["check", "--profile", "nope", "-p", "a"],
        ["check", "--diff", "-p", "a"],
        ["check", "--jobs", "-3", "-p", "a"],
        ["explain", "MJ999"],
        ["nosuchcommand"],
    ):
        result = cli_fast(*args)
        assert result.code == 2, args
        assert "Traceback" not in result.err
        assert result.err.strip(), args


@pytest.mark.parametrize(
    ("value", "code"),
    [("9" * 5000, "MJ304"), ("-" + "9" * 5000, "MJ304"), ("1:" + "9" * 5000, "MJ307")],
)
def test_over_long_numbers_are_out_of_range_not_internal_errors(cli_fast, value, code):
    # Python refuses int() of more than 4300 digits; the reader saturates instead.
    name = "--ar" if ":" in value else "--seed"
    run = cli_fast("check", "-p", f"a cat {name} {value}")
    assert run.code == 1
    assert "internal error" not in run.err
    assert run.out.startswith(f"<prompt>:1:{8 + len(name)}: {code} error ")
