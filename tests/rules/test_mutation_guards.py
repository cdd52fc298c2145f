"""Rule and value-reading behaviour pinned for the mutation runs (docs/testing.md, issue 21).

Boundaries (14:1, a zero side, the ends of a range), exact spans and messages, fix
edits and severities per profile, seen through ``mjprompt.lint`` and ``mjprompt.fix``
only, so that the tests hold through a refactor of how rules find their facts.
"""

from __future__ import annotations

import pytest

import mjprompt
from mjprompt.ast import SrefItem
from mjprompt.values import MAX_DIGITS, read_int, read_number, read_sref_item

Found = tuple[str, int, int, str, str, list[tuple[int, int, str]] | None]


def found(text: str, profile: str = "evolink") -> list[Found]:
    return [
        (
            d.code,
            d.span.start,
            d.span.end,
            d.severity.value,
            d.message,
            None if d.fix is None else [tuple(e) for e in d.fix.edits],
        )
        for d in mjprompt.lint(text, profile=profile)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a cat --ar 14:1", []),
        ("a cat --ar 1:14", []),
        ("a cat --s 1000 --c 0 --w 3000", []),
        (
            "a cat --ar 0:1",
            [("MJ307", 11, 14, "error", "`--ar` needs two positive numbers, not `0:1`", None)],
        ),
        (
            "a cat --ar 1:15",
            [
                (
                    "MJ307",
                    11,
                    15,
                    "error",
                    "`--ar 1:15` is wider than V7 allows: at most 14:1 or 1:14",
                    None,
                )
            ],
        ),
        (
            "a cat --ar 1.78:1",
            [
                (
                    "MJ306",
                    11,
                    17,
                    "error",
                    "`--ar` takes whole numbers, not `1.78:1`: write `16:9`",
                    [(11, 17, "16:9")],
                )
            ],
        ),
        (
            "a cat --ar 2.5:1",
            [
                (
                    "MJ306",
                    11,
                    16,
                    "error",
                    "`--ar` takes whole numbers, not `2.5:1`: write `5:2`",
                    [(11, 16, "5:2")],
                )
            ],
        ),
        (
            "a cat --s -5",
            [
                (
                    "MJ304",
                    10,
                    12,
                    "error",
                    "`--s` (stylize) must be between 0 and 1000, not `-5`",
                    None,
                )
            ],
        ),
        (
            "a cat --c 100.5",
            [("MJ303", 10, 15, "error", "`--c` (chaos) takes a whole number, not `100.5`", None)],
        ),
        (
            "a cat --sref 123 ::2",
            [
                (
                    "MJ311",
                    17,
                    20,
                    "warning",
                    "`::2` is apart from its `--sref` item; write `123::2`",
                    [(16, 17, "")],
                )
            ],
        ),
        (
            "a cat --sref abc::x",
            [
                (
                    "MJ308",
                    13,
                    19,
                    "error",
                    "`abc` is not a `--sref` item: use an image URL, a numeric style code "
                    "or `random`",
                    None,
                )
            ],
        ),
        (
            "a cat --oref https://e.com/a.png https://e.com/b.png",
            [
                ("MJ601", 6, 52, "info", "cost: `--oref` doubles the GPU cost of the job", None),
                (
                    "MJ310",
                    33,
                    52,
                    "error",
                    "`--oref` takes exactly one image URL; it has 2 values",
                    None,
                ),
            ],
        ),
        (
            "a cat --s 100 --stylize 100",
            [
                (
                    "MJ302",
                    14,
                    27,
                    "error",
                    "`--stylize` is given twice (`--s` and `--stylize`)",
                    [(13, 27, "")],
                )
            ],
        ),
        (
            "a cat --no red --no blue",
            [
                (
                    "MJ302",
                    15,
                    24,
                    "warning",
                    "`--no` is given twice (`--no` and `--no`); write the values once",
                    [(14, 24, ", blue")],
                )
            ],
        ),
        (
            "a cat --sref 1 --sref 2",
            [
                (
                    "MJ302",
                    15,
                    23,
                    "warning",
                    "`--sref` is given twice (`--sref` and `--sref`); write the values once",
                    [(14, 23, " 2")],
                )
            ],
        ),
        (
            "a cat --stylise 250",
            [
                (
                    "MJ301",
                    6,
                    15,
                    "error",
                    "Unrecognized parameter(s): `--stylise`; did you mean `--stylize`?",
                    [(8, 15, "stylize")],
                )
            ],
        ),
        ("a cat --g2", [("MJ301", 6, 10, "error", "Unrecognized parameter(s): `--g2`", None)]),
    ],
)
def test_findings_exactly(text: str, expected: list[Found]) -> None:
    assert found(text) == expected


def test_quality_three_is_an_error_in_evolink_and_a_warning_in_midjourney() -> None:
    message = "`--q` must be 1, 2 or 4 in V7, not `3` (Midjourney reportedly runs 3 as 4)"
    assert found("a cat --q 3", "midjourney") == [
        ("MJ305", 10, 11, "warning", message, [(10, 11, "4")])
    ]
    assert found("a cat --q 3") == [("MJ305", 10, 11, "error", message, [(10, 11, "4")])]


@pytest.mark.parametrize(
    ("text", "unsafe", "fixed"),
    [
        ("a cat --no red --no blue", True, "a cat --no red, blue"),
        ("a cat --ar 2:3 more words", True, "a cat more words --ar 2:3"),
        ("--ar 2:3 more words", True, "more words --ar 2:3"),
        ("  a cat --s 5 --s 5", False, "  a cat --s 5"),
        ("a cat --ar 2:3 more words", False, "a cat --ar 2:3 more words"),
    ],
)
def test_fixes(text: str, unsafe: bool, fixed: str) -> None:
    assert mjprompt.fix(text, unsafe=unsafe).text == fixed


def test_read_int() -> None:
    assert read_int("-0005") == -5
    assert read_int("000") == 0
    assert read_int("1" + "0" * (MAX_DIGITS - 1)) == 10 ** (MAX_DIGITS - 1)
    assert read_int("9" * (MAX_DIGITS + 1)) == 10**MAX_DIGITS
    assert read_int("-" + "9" * (MAX_DIGITS + 1)) == -(10**MAX_DIGITS)


def test_read_number() -> None:
    assert read_number("2.") is None
    assert read_number("1e5") is None
    assert read_number(".5") == 0.5
    assert read_number("-1.5") == -1.5
    assert read_number("9" * 400) == 1.7976931348623157e308


@pytest.mark.parametrize(
    ("raw", "item"),
    [
        ("123::2", SrefItem("code", "123", 2.0, "2")),
        ("https://x.png::", SrefItem("url", "https://x.png", None, "")),
        ("<https://x.png>", SrefItem("url", "<https://x.png>", None, None)),
        ("RANDOM", SrefItem("random", "RANDOM", None, None)),
        ("abc::x", SrefItem("invalid", "abc", None, "x")),
        ("abc", SrefItem("invalid", "abc", None, None)),
    ],
)
def test_read_sref_item(raw: str, item: SrefItem) -> None:
    assert read_sref_item(raw) == item


def test_a_bracketed_reference_url_is_reported_without_its_bracket() -> None:
    assert found("a cat --sref <http://e.com/s.png>") == [
        (
            "MJ204",
            14,
            32,
            "warning",
            "`http://e.com/s.png` uses `http://`; use an `https://` link",
            None,
        )
    ]


def test_a_ratio_exactly_one_percent_off_a_simple_one_takes_it() -> None:
    # 1:0.99 is 100:99, exactly 1% from 1:1: within the tolerance, so `1:1` is offered.
    ((code, _, _, _, message, edits),) = found("a cat --ar 1:0.99")
    assert code == "MJ306" and message.endswith("write `1:1`") and edits == [(11, 17, "1:1")]


def test_fixes_say_what_they_do_and_whether_they_are_safe() -> None:
    (q,) = mjprompt.lint("a cat --q 3")
    assert q.fix is not None and q.fix.safe is False and q.fix.description == "write `4`"
    (w,) = mjprompt.lint("a cat --sref 123 ::2")
    assert w.fix is not None and w.fix.safe is True
    assert w.fix.description == "attach the weight to its item"


def test_three_minus_signs_are_named_as_written() -> None:
    (d,) = mjprompt.lint("a cat \u2212\u2212\u2212ar 16:9")
    assert d.message == (
        "`\u2212\u2212\u2212ar` is written with `\u2212\u2212\u2212`, not two ASCII hyphens; "
        "a parameter starts with `--`"
    )


def test_only_characters_beyond_the_bmp_count_twice_in_utf16() -> None:
    # U+FFFF is one UTF-16 unit; an emoji is two. 6000 characters, the midjourney limit.
    bmp = "x" * 5990 + "\uffff" * 10
    astral = "x" * 5990 + "\U0001f600" * 10
    assert "MJ209" not in {d.code for d in mjprompt.lint(bmp, profile="midjourney")}
    assert "MJ209" in {d.code for d in mjprompt.lint(astral, profile="midjourney")}


def test_select_and_ignore_by_prefix_name_and_all() -> None:
    from mjprompt.lint import lint_prompt
    from mjprompt.parsing import parse_lenient

    p = parse_lenient("a cat --foo 1 --ar 1:1 --ar 2:3")
    assert [d.code for d in lint_prompt(p)] == ["MJ301", "MJ302"]
    assert [d.code for d in lint_prompt(p, ignore=["MJ302"])] == ["MJ301"]
    assert [d.code for d in lint_prompt(p, select=[" duplicate-parameter "])] == ["MJ302"]
    assert [d.code for d in lint_prompt(p, select=["all"], ignore=["mj301"])] == ["MJ302"]
    assert [d.code for d in lint_prompt(p, select=["unknown-parameter"])] == ["MJ301"]
    assert lint_prompt(p, select=["MJ9"]) == []


def test_an_invalid_choice_lists_the_choices() -> None:
    (d,) = mjprompt.lint("a cat --q high")
    assert (d.code, d.message) == (
        "MJ303",
        "Invalid value `high` for `--q`: expected one of `1`, `2`, `4`",
    )
