"""More rule behaviour pinned for the mutation runs (docs/testing.md, issue 21).

Each case is what a user sees through ``mjprompt.lint`` / ``mjprompt.fix``: the code,
span, severity, message and fix of a finding, so the tests hold through a refactor of
how the rules find their facts.
"""

from __future__ import annotations

import pytest

import mjprompt
from mjprompt.diagnostics import Edit
from mjprompt.parsing import parse_lenient
from mjprompt.render import render

Found = tuple[str, int, int, str, str]


def found(text: str, profile: str = "evolink") -> list[Found]:
    return [
        (d.code, d.span.start, d.span.end, d.severity.value, d.message)
        for d in mjprompt.lint(text, profile=profile)
    ]


def test_a_marker_of_two_spaced_hyphens_is_named_as_such() -> None:
    (d,) = mjprompt.lint("a cat - -ar 16:9")
    assert (d.code, d.span.start, d.span.end) == ("MJ101", 6, 11)
    assert d.message == ("`- -ar` is written with `- -` with a space; a parameter starts with `--`")
    assert d.fix is not None and d.fix.edits == (Edit(6, 9, "--"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A number may start with a dot: `.5` after a marker reads as a parameter value.
        (
            "a cat -ar .5",
            [
                (
                    "MJ101",
                    6,
                    9,
                    "error",
                    "`-ar` is written with a single hyphen `-`; a parameter starts with `--`",
                )
            ],
        ),
        (
            "a cat \u2212\u2212ar .5",
            [
                (
                    "MJ101",
                    6,
                    10,
                    "error",
                    "`\u2212\u2212ar` is written with `\u2212\u2212`, not two ASCII hyphens; "
                    "a parameter starts with `--`",
                )
            ],
        ),
        # A word that is no number after a number parameter's name is prose.
        ("a cat \u2212\u2212ar wide", []),
        ("a cat -ar wide", []),
    ],
)
def test_a_marker_in_the_text_counts_before_a_number_only(text: str, expected: list[Found]) -> None:
    assert found(text) == expected


def test_words_after_the_parameters_are_moved_by_an_unsafe_fix_that_says_so() -> None:
    (d,) = mjprompt.lint("a cat --ar 2:3 more words")
    assert (d.code, d.span.start, d.span.end) == ("MJ107", 15, 25)
    assert d.message == "text after the parameter block: `more words` follows `--ar`"
    assert d.fix is not None and d.fix.safe is False
    assert d.fix.description == "move the words before the parameters"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a cat --sameseed 5",
            ("MJ404", 6, 18, "error", "`--sameseed` is not a V7 parameter (legacy); use `--seed`"),
        ),
        (
            "a cat --hd",
            (
                "MJ404",
                6,
                10,
                "error",
                "`--hd` is not a V7 parameter (V8.1+ 2K output (or the V1\u20133 era model))",
            ),
        ),
        (
            "a cat --h 300",
            ("MJ404", 6, 13, "error", "`--h` is not a V7 parameter (deprecated); use `--ar`"),
        ),
    ],
)
def test_a_removed_parameter_says_why_and_what_to_use(text: str, expected: Found) -> None:
    assert found(text) == [expected]


@pytest.mark.parametrize(
    ("text", "rendered", "lower"),
    [("a cat --HD", "a cat --hd", "--hd"), ("a cat --H 300", "a cat --height 300", "--h")],
)
def test_a_removed_parameter_is_formatted_under_its_own_name(
    text: str, rendered: str, lower: str
) -> None:
    # `mjprompt format` writes a parameter's own name (an alias as the name it stands for).
    assert render(parse_lenient(text)) == rendered
    assert [(d.code, d.message) for d in mjprompt.lint(text) if d.code == "MJ106"] == [
        ("MJ106", f"parameter names are lower case: write `{lower}`")
    ]
