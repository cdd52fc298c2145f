"""``--fix`` / ``mjprompt fix``: prompts rewritten in place, every other byte kept."""

from __future__ import annotations

import importlib
import json
import os
import stat

import pytest

BOM = b"\xef\xbb\xbf"

# Mixed line endings (LF, CRLF, CR), a BOM, comments with fixable-looking text, a blank
# line, a line that is already clean, and no newline at the end.
MIXED = (
    BOM
    + "a cat –ar 16:9\n".encode()
    + b"# keep this comment \xe2\x80\x94ar 2:3\r\n"
    + b"\r\n"
    + "a dog —ar 2:3 --S 50\r".encode()
    + b"clean prompt --ar 1:1\r\n"
    + b"last --s 50,"
)
MIXED_FIXED = (
    BOM
    + b"a cat --ar 16:9\n"
    + b"# keep this comment \xe2\x80\x94ar 2:3\r\n"
    + b"\r\n"
    + b"a dog --ar 2:3 --s 50\r"
    + b"clean prompt --ar 1:1\r\n"
    + b"last --s 50"
)


def test_fix_round_trip_keeps_line_endings_bom_and_comments(cli, tmp_path, make_file):
    path = make_file(tmp_path / "mixed.prompt", MIXED)
    result = cli("fix", "mixed.prompt")
    assert result.code == 1  # files changed
    written = path.read_bytes()
    assert written == MIXED_FIXED
    assert written.startswith(BOM)
    assert written.count(b"\r\n") == MIXED.count(b"\r\n")
    assert written.endswith(b"last --s 50")
    # A second run has nothing left to do: the file is not touched again.
    before = os.stat(path).st_mtime_ns
    again = cli("fix", "mixed.prompt")
    assert os.stat(path).st_mtime_ns == before
    assert path.read_bytes() == written
    assert "Fixed" not in again.out


def test_check_fix_is_fix_and_reports_what_remains(cli_fast, tmp_path, make_file):
    path = make_file(tmp_path / "p.prompt", "a cat –ar 16:9 --foo\n")
    result = cli_fast("check", "--fix", "--format", "json", "p.prompt")
    assert path.read_bytes() == b"a cat --ar 16:9 --foo\n"
    remaining = json.loads(result.out)
    assert [(d["code"], d["line"], d["column"]) for d in remaining] == [("MJ301", 1, 17)]
    assert result.code == 1


def test_unsafe_fixes_only_when_asked(cli_fast, tmp_path, make_file):
    # A `}` with no `{` has an unsafe fix (MJ112): `--fix` leaves it, --unsafe-fixes applies.
    path = make_file(tmp_path / "u.prompt", "a cat } --ar 16:9\n")
    cli_fast("fix", "u.prompt")
    assert path.read_bytes() == b"a cat } --ar 16:9\n"
    result = cli_fast("fix", "--unsafe-fixes", "u.prompt")
    assert b"}" not in path.read_bytes()
    assert result.code == 1


def test_diff_prints_changes_and_writes_nothing(cli, tmp_path, make_file):
    path = make_file(tmp_path / "d.prompt", "a cat –ar 16:9\r\n# c\r\nok --ar 1:1\r\n")
    before = path.read_bytes()
    result = cli("fix", "--diff", "d.prompt")
    assert path.read_bytes() == before
    assert result.code == 1
    assert result.out.splitlines()[:2] == ["--- d.prompt", "+++ d.prompt"]
    assert "-a cat –ar 16:9" in result.out
    assert "+a cat --ar 16:9" in result.out
    clean = cli("fix", "--diff", "d.prompt", "--select", "MJ3")
    assert clean.code == 0
    assert clean.out == ""


def test_json_fix_rewrites_only_the_string_and_keeps_escapes(cli, tmp_path, make_file):
    text = (
        '[\n  {"id": "caf\\u00e9", "prompt": "caf\\u00e9 \\"x\\" \\u2014ar 2:3", "n": 1},\n'
        '  "plain \\/ —ar 1:1"\n]'
    )
    path = make_file(tmp_path / "p.prompts.json", text)
    result = cli("fix", "p.prompts.json")
    fixed = path.read_text("utf-8")
    assert fixed == text.replace("\\u2014ar", "--ar").replace("—ar", "--ar")
    assert json.loads(fixed)[0]["prompt"] == 'café "x" --ar 2:3'
    assert result.code == 1


def test_jsonl_fix_and_remaining_positions_follow_the_new_text(cli_fast, tmp_path, make_file):
    text = '{"prompt": "a \\u2014ar 2:3 --foo"}\n\n{"prompt": "ok --ar 1:1"}\n'
    path = make_file(tmp_path / "p.jsonl", text)
    result = cli_fast("fix", "--format", "json", "p.jsonl")
    expected = '{"prompt": "a --ar 2:3 --foo"}\n\n{"prompt": "ok --ar 1:1"}\n'
    assert path.read_text("utf-8") == expected
    (left,) = json.loads(result.out)
    # `--foo` is at column 24 of the rewritten line: {"prompt": "a --ar 2:3 --foo"}
    assert (left["code"], left["line"], left["column"]) == ("MJ301", 1, 24)
    path.write_text(text, "utf-8")
    shown = cli_fast("fix", "--show-source", "p.jsonl").lines
    assert shown[1:3] == [
        ' 1 | {"prompt": "a --ar 2:3 --foo"}',
        "   |                        ^^^^^",
    ]


def test_fix_keeps_the_file_mode(cli_fast, tmp_path, make_file):
    path = make_file(tmp_path / "m.prompt", "a cat –ar 16:9\n")
    path.chmod(0o640)
    cli_fast("fix", "m.prompt")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == b"a cat --ar 16:9\n"


def test_fix_on_stdin_prints_the_fixed_text(cli):
    result = cli("fix", "-", stdin="a cat –ar 16:9\n# c –ar\nx --foo\n")
    assert result.out == "a cat --ar 16:9\n# c –ar\nx --foo\n"
    assert "MJ301" in result.err  # what remains goes to standard error
    assert result.code == 1


def test_fix_prompt_option_prints_each_fixed_prompt(cli_fast):
    result = cli_fast("fix", "-p", "a cat –ar 16:9", "-p", "b —ar 1:1")
    assert result.out == "a cat --ar 16:9\nb --ar 1:1\n"


@pytest.mark.parametrize("bad", [b"ok\n\xff\xfe bad\n", b'["a", '])
def test_file_with_input_errors_is_not_rewritten(cli, tmp_path, make_file, bad):
    name = "bad.prompt" if bad.startswith(b"ok") else "bad.prompts.json"
    path = make_file(tmp_path / name, b"a cat \xe2\x80\x93ar 16:9\n" + bad)
    result = cli("fix", name)
    assert result.code == 2
    assert path.read_bytes() == b"a cat \xe2\x80\x93ar 16:9\n" + bad


def test_fix_warns_of_a_prompt_it_stopped_fixing_at_its_limit(
    cli_fast, tmp_path, make_file, monkeypatch
):
    # Two rounds: MJ107 moves the words, then MJ302 sees `--ar` twice; one is allowed.
    monkeypatch.setattr(importlib.import_module("mjprompt.lint"), "MAX_FIX_ROUNDS", 1)
    path = make_file(
        tmp_path / "p.prompt", "clean prompt --ar 1:1\na cat --ar 2:3 more description --ar 2:3\n"
    )
    result = cli_fast("fix", "--unsafe-fixes", "p.prompt")
    assert result.err.count("fixing stopped at its limit of rounds") == 1
    assert "p.prompt:2: fixing stopped" in result.err
    assert path.read_text() == "clean prompt --ar 1:1\na cat more description --ar 2:3 --ar 2:3\n"
    monkeypatch.setattr(importlib.import_module("mjprompt.lint"), "MAX_FIX_ROUNDS", 2)
    assert "fixing stopped" not in cli_fast("fix", "--unsafe-fixes", "p.prompt").err
