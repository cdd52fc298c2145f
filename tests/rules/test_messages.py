"""Messages name the parameter, the value and what is allowed, in Midjourney's wording."""

from __future__ import annotations

import pytest

from mjprompt import Severity, lint


def _one(text: str, code: str, profile: str = "evolink") -> tuple[str, Severity, str]:
    found = [d for d in lint(text, profile=profile) if d.code == code]
    assert len(found) == 1, found
    d = found[0]
    return d.message, d.severity, text[d.span.start : d.span.end]


@pytest.mark.parametrize(
    ("text", "code", "message", "span"),
    [
        # Midjourney's own wordings (v7-syntax.md §2.5).
        (
            "a cat --s 1001",
            "MJ304",
            "`--s` (stylize) must be between 0 and 1000, not `1001`",
            "1001",
        ),
        (
            "a cat --stylize 1001",
            "MJ304",
            "`--stylize` must be between 0 and 1000, not `1001`",
            "1001",
        ),
        (
            "a cat --Stylize 1001",
            "MJ304",
            "`--stylize` must be between 0 and 1000, not `1001`",
            "1001",
        ),
        (
            "a cat --quality 3",
            "MJ305",
            "`--quality` must be 1, 2 or 4 in V7, not `3` (Midjourney reportedly runs 3 as 4)",
            "3",
        ),
        (
            "a cat --p abc",
            "MJ407",
            "`--p` (profile) is not supported by the evolink API",
            "--p abc",
        ),
        ("a cat --sw 300", "MJ501", "Cannot use `--sw` without a `--sref`", "--sw 300"),
        ("a cat --foo 3", "MJ301", "Unrecognized parameter(s): `--foo`", "--foo"),
        (
            "a cat --stylise 3",
            "MJ301",
            "Unrecognized parameter(s): `--stylise`; did you mean `--stylize`?",
            "--stylise",
        ),
        (
            "a cat --cref https://e.com/c.png",
            "MJ404",
            "`--cref` is not a V7 parameter (character reference, V6 and Niji 6 only); "
            "use `--oref`",
            "--cref https://e.com/c.png",
        ),
        (
            "a cat --oref https://e.com/x.png --v 8.1",
            "MJ402",
            "`--v 8.1` selects another model; this prompt must be V7; "
            "`--oref` is not compatible with `--version 8.1`",
            "--v 8.1",
        ),
        ("a cat --c 150", "MJ304", "`--c` (chaos) must be between 0 and 100, not `150`", "150"),
        (
            "a cat --iw 4 https://e.com/a.png",
            "MJ304",
            "`--iw` must be between 0 and 3, not `4`",
            "4",
        ),
        ("a cat --q .5", "MJ305", "`--q` must be 1, 2 or 4 in V7, not `.5`", ".5"),
        ("a cat --s 250.5", "MJ303", "`--s` (stylize) takes a whole number, not `250.5`", "250.5"),
        (
            "a cat --chaos high",
            "MJ303",
            "Invalid value `high` for `--chaos`: expected a whole number from 0 to 100",
            "high",
        ),
        (
            "a cat --ar 15:1",
            "MJ307",
            "`--ar 15:1` is wider than V7 allows: at most 14:1 or 1:14",
            "15:1",
        ),
        (
            "a cat --ar 1.78:1",
            "MJ306",
            "`--ar` takes whole numbers, not `1.78:1`: write `16:9`",
            "1.78:1",
        ),
        (
            "a cat --oref 4440286598",
            "MJ310",
            "`--oref` takes one image URL, not a style code",
            "4440286598",
        ),
        (
            "a cat --turbo",
            "MJ408",
            '`--turbo` is removed by the API; use `model_params.speed` ("turbo") instead',
            "--turbo",
        ),
        (
            "a cat --v 7",
            "MJ401",
            "`--v 7` is redundant: the evolink API locks V7 and removes `--v`",
            "--v 7",
        ),
    ],
)
def test_message(text: str, code: str, message: str, span: str) -> None:
    got, _, got_span = _one(text, code)
    assert got == message
    assert got_span == span


def test_length_message_and_span_start_past_the_limit() -> None:
    text = "a" * 6005
    message, severity, span = _one(text, "MJ208", "midjourney")
    assert message == "Prompts must be 6000 or fewer in length; this one has 6005 characters"
    assert severity is Severity.ERROR
    assert span == "aaaaa"


def test_duplicates_are_errors_but_repeated_lists_warnings() -> None:
    assert _one("a cat --s 100 --stylize 200", "MJ302")[1] is Severity.ERROR
    assert _one("a cat --sref 1 --sref 2", "MJ302")[1] is Severity.WARNING
    assert _one("a cat --no red --no blue", "MJ302")[1] is Severity.WARNING


def test_severity_per_profile() -> None:
    assert _one("hot:: dog", "MJ210", "evolink")[1] is Severity.ERROR
    # Issue 14: the fact sheet rules `::` in the text an error in both profiles.
    assert _one("hot:: dog", "MJ210", "midjourney")[1] is Severity.ERROR
    assert _one("https://e.com/a.heic a cat", "MJ216", "evolink")[1] is Severity.ERROR
    assert _one("https://e.com/a.heic a cat", "MJ216", "midjourney")[1] is Severity.WARNING
    assert _one("a cat --iw 1", "MJ501", "evolink")[1] is Severity.ERROR
    assert _one("a cat --iw 1", "MJ501", "midjourney")[1] is Severity.WARNING
    assert _one("a cat --q 3", "MJ305", "midjourney")[1] is Severity.WARNING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a cat -ar 16:9",
            "`-ar` is written with a single hyphen `-`; a parameter starts with `--`",
        ),
        (
            "a cat \u2212\u2212ar 16:9",
            "`\u2212\u2212ar` is written with `\u2212\u2212`, not two ASCII hyphens; "
            "a parameter starts with `--`",
        ),
        (
            "a cat -- ar 16:9",
            "`-- ar` is written with a space between `--` and the name; "
            "a parameter starts with `--`",
        ),
        (
            "a cat \u2013stylise 250",
            "`\u2013stylise` looks like a parameter written with an en dash `\u2013`; "
            "a parameter starts with `--` (did you mean `--stylize`?)",
        ),
    ],
)
def test_markers_in_the_text_say_how_they_are_written(text: str, message: str) -> None:
    assert _one(text, "MJ101")[0] == message


def test_a_close_name_in_the_text_has_no_fix() -> None:
    # Only a known name is fixed: `–stylise` might not have meant `--stylize`.
    (d,) = [d for d in lint("a cat \u2013stylise 250") if d.code == "MJ101"]
    assert d.fix is None
    (d,) = [d for d in lint("a cat \u2013ar 16:9") if d.code == "MJ101"]
    assert d.fix is not None and d.fix.safe
