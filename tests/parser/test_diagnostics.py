"""The Diagnostic model, its JSON form (PRODUCT.md §3) and line/column mapping."""

from __future__ import annotations

import pickle

import pytest

import mjprompt
from mjprompt.diagnostics import Diagnostic, Severity, Span, line_col


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("abc", 0, (1, 1)),
        ("abc", 3, (1, 4)),
        ("a\nb", 2, (2, 1)),
        ("a\r\nb", 3, (2, 1)),
        ("a\rb\nc", 4, (3, 1)),
        ("", 0, (1, 1)),
        ("abc", 99, (1, 4)),
    ],
)
def test_line_col(text: str, offset: int, expected: tuple[int, int]) -> None:
    assert line_col(text, offset) == expected


def test_json_form_has_exactly_the_documented_keys() -> None:
    src = "a cat –ar 16:9"
    (d,) = mjprompt.lint(src, select=["MJ101"])
    data = d.to_json(src, path="p.txt", line_offset=4)
    assert list(data) == [
        "path", "line", "column", "end_line", "end_column", "start", "end",
        "code", "rule", "severity", "message", "fix",
    ]  # fmt: skip
    assert data["path"] == "p.txt"
    assert (data["line"], data["column"], data["end_line"], data["end_column"]) == (5, 7, 5, 10)
    assert (data["start"], data["end"]) == (6, 9)
    assert (data["code"], data["rule"], data["severity"]) == ("MJ101", "malformed-marker", "error")
    assert data["fix"] == {
        "safe": True,
        "edits": [{"start": 6, "end": 7, "replacement": "--"}],
        "description": "write `--ar`",
    }


def test_diagnostic_is_frozen_and_ordered_severity() -> None:
    (d,) = mjprompt.lint("a cat —ar 16:9", select=["MJ103"])
    assert d.severity is Severity.INFO
    assert Severity.ERROR.rank > Severity.WARNING.rank > Severity.INFO.rank
    with pytest.raises(AttributeError):
        d.code = "MJ999"  # type: ignore[misc]
    assert d.span == Span(6, 9)


def test_diagnostic_replace_pickle_and_hash() -> None:
    (d,) = mjprompt.lint("a cat --v 6.1", select=["MJ402"])
    moved = d.replace(span=Span(0, 1), fix=None)
    assert (moved.code, moved.message, moved.span) == (d.code, d.message, Span(0, 1))
    assert d.span != moved.span  # the original is unchanged
    with pytest.raises(ValueError, match="unexpected field"):
        d.replace(colour="red")
    assert pickle.loads(pickle.dumps(d)) == d
    assert len({d, d.replace()}) == 1
    # What the driver builds (tuple.__new__) is the same as the constructor's result.
    rebuilt = Diagnostic(d.code, d.rule, d.severity, d.message, d.span, d.fix)
    assert rebuilt == d and type(rebuilt) is type(d)


def test_line_col_on_a_big_prompt_with_many_diagnostics_is_fast_enough() -> None:
    # Not a timing test: 20,000 lookups on a 1 MB text would take minutes if each one
    # rescanned the text; with the cached line index they finish at once.
    text = ("x\n" * 500_000) + "y"
    for offset in range(0, len(text), 50):
        line, col = line_col(text, offset)
        assert line == offset // 2 + 1
        assert col == offset % 2 + 1
