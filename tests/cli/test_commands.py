"""format, expand, rules and explain (real console script)."""

from __future__ import annotations

import json

import mjprompt
from mjprompt.rules import REGISTRY


def test_format_rewrites_prompts_only(cli_fast, tmp_path, make_file):
    original = b"\xef\xbb\xbf# keep  this\r\na  cat --s 50 --ar 2:3\r\n\r\nfine --ar 1:1"
    path = make_file(tmp_path / "f.prompt", original)
    check = cli_fast("format", "--check", "f.prompt")
    assert check.code == 1
    assert "Would reformat: f.prompt" in check.out
    assert path.read_bytes() == original
    diff = cli_fast("format", "--diff", "f.prompt")
    assert diff.code == 1
    assert "+a cat --ar 2:3 --stylize 50\r\n" in diff.out
    assert path.read_bytes() == original
    done = cli_fast("format", "f.prompt")
    assert done.code == 0
    assert path.read_bytes() == original.replace(
        b"a  cat --s 50 --ar 2:3", b"a cat --ar 2:3 --stylize 50"
    )
    assert cli_fast("format", "--check", "f.prompt").code == 0


def test_format_json_keeps_the_document(cli_fast, tmp_path, make_file):
    text = '{"meta": {"k": [1, 2.50]},  "prompt": "ok"}\n'
    path = make_file(tmp_path / "p.jsonl", text + '{"prompt": "x  \\u00e9 --s 5 --ar 1:1"}\n')
    cli_fast("format", "p.jsonl")
    assert path.read_text("utf-8") == text + '{"prompt": "x \\u00e9 --ar 1:1 --stylize 5"}\n'


def test_format_prompt_option_prints_the_canonical_form(cli_fast):
    result = cli_fast("format", "-p", "a  cat —s 50 --AR 2:3")
    assert result.out == mjprompt.render(mjprompt.parse("a  cat —s 50 --AR 2:3")) + "\n"


def test_expand_prints_each_prompt(cli_fast):
    result = cli_fast("expand", "a {red, green} bird --ar {1:1, 2:3}")
    assert result.lines == [
        "a red bird --ar 1:1",
        "a red bird --ar 2:3",
        "a green bird --ar 1:1",
        "a green bird --ar 2:3",
    ]
    assert result.code == 0


def test_expand_from_stdin_as_json(cli_fast):
    result = cli_fast("expand", "-", "--format", "json", stdin="# c\nx {a, b}\n\ny\n")
    assert json.loads(result.out) == [
        {"prompt": "x {a, b}", "expansions": ["x a", "x b"]},
        {"prompt": "y", "expansions": ["y"]},
    ]


def test_expand_errors(cli_fast):
    unclosed = cli_fast("expand", "ok", "a {red, green")
    assert unclosed.code == 2
    # The label and numbering of `check -p`: the second prompt is line 2.
    assert unclosed.err == "mjprompt: error: <prompt>:2:3: MJ111 error `{` is never closed\n"
    too_many = cli_fast("expand", "--limit", "3", "{a,b} {c,d}")
    assert too_many.code == 2
    assert "4 prompts, more than the limit of 3" in too_many.err


def test_rules_lists_every_registered_rule(cli_fast):
    result = cli_fast("rules", "--format", "json")
    data = json.loads(result.out)
    # The registry and the CLI's own unused-suppression check (MJ901).
    assert [r["code"] for r in data] == [*sorted(REGISTRY), "MJ901"]
    assert all(r["doc"] and r["summary"] for r in data)
    table = cli_fast("rules")
    assert table.lines[0].split()[:2] == ["CODE", "NAME"]
    assert len(table.lines) == len(REGISTRY) + 2
    only_mj = cli_fast("rules", "--profile", "midjourney", "--format", "json")
    assert [r["code"] for r in json.loads(only_mj.out)] == sorted(
        [*(c for c, r in REGISTRY.items() if r.runs_in("midjourney")), "MJ901"]
    )


def test_explain_prints_the_rule_documentation(cli_fast):
    rule = REGISTRY["MJ101"]
    for key in ("MJ101", "mj101", rule.name):
        result = cli_fast("explain", key)
        assert result.code == 0
        assert result.out.startswith(f"MJ101 {rule.name}\n\n{rule.doc}\n")
        assert "Fix: safe" in result.out
    unknown = cli_fast("explain", "MJ1O1")
    assert unknown.code == 2
    assert "no rule `MJ1O1`" in unknown.err
