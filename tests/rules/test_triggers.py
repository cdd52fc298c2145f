"""Triggers only skip rules that would find nothing: lint with and without them agrees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mjprompt.diagnostics import Severity
from mjprompt.lint import lint_with_plan, plan_for, selected_rules
from mjprompt.parser import parse_lenient
from mjprompt.rules import PROFILES
from mjprompt.rules.base import Context


def _with_triggers(text: str, profile: str) -> list[tuple[str, int, int, str]]:
    found = lint_with_plan(parse_lenient(text), plan_for(profile), expand=False)
    return sorted((d.code, d.span.start, d.span.end, d.message) for d in found)


def _without_triggers(text: str, profile: str) -> list[tuple[str, int, int, str]]:
    ctx = Context(parse_lenient(text), profile)
    for r in selected_rules(profile):
        ctx.running = (r.code, r.name, r.severities[profile])
        r.func(ctx)
    return sorted((d.code, d.span.start, d.span.end, d.message) for d in ctx.found)


@pytest.mark.parametrize("profile", PROFILES)
def test_triggers_on_the_rule_cases(case_texts: list[str], profile: str) -> None:
    for text in case_texts:
        assert _with_triggers(text, profile) == _without_triggers(text, profile), text


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "text",
    [
        "--tile x{ --ar 16:9",  # a marker inside an unclosed group of a parameter (MJ101)
        "a cat --no red {a, b ——ar 16:9",
    ],
)
def test_triggers_on_found_examples(text: str, profile: str) -> None:
    assert _with_triggers(text, profile) == _without_triggers(text, profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_triggers_on_the_corpus(corpus: list[str], profile: str) -> None:
    for text in corpus:
        assert _with_triggers(text, profile) == _without_triggers(text, profile), text


_PIECES = st.sampled_from(
    [
        "a cat",
        " ",
        "  ",
        "--ar 16:9",
        "--ar16:9",
        "cat--ar 2:3",
        "—s 50",
        "–v 6",
        "- - ar",
        "---",
        "--",
        "--AR 1:1",
        "--no red,",
        "--s 5,",
        ",",
        "{a, b}",
        "{",
        "}",
        "::2",
        "１００",
        "--tile x",
        "--sref 1 2",
        "--q 3",
        "--v 7",
        "https://e.com/a.png",
        "/imagine prompt:",
        "--oref https://e.com/o.png",
        "--turbo",
        "--relax",
        "--p m123",
        "--sw 1",
        "😀",
        "--s 100",
        "--stylize 100",
        "--seed 5",
        "--q 4",
        "--iw 2",
        "--stealth",
        "--public",
        "--draft",
        "--tile",
        "--style raw",
        "--ar 16：9",
        "--sref https://e.com/s.png",
        "--v 7,",
        "--version 6 7",
        "--v 7.0",
        "a cat like https://e.com/c.png",
        # The image, `--sref` and speed features (MJ203-MJ206, MJ309, MJ311, MJ409, MJ5xx).
        "http://e.com/a.png ",
        "HTTP://E.COM/A.JPG ",
        "https://e.com/page ",
        "https://e.com/a.png " * 21,
        "--sref 1 ::2",
        "--sref " + " ".join(str(n) for n in range(21)),
        "--sv 2",
        "--fast",
        "--no １００",
        "--p m1",
        "ftp://e.com/x",
        "--ar 16:9--s 50",
        "--no a--b",
        "x--v 7",
        # Issue 14: prose dashes, dash markers in the text, trailing punctuation,
        # escaped braces, reference URLs, image formats, soft interactions.
        " -- ",
        "-- ar 2:3",
        "-ar 16:9",
        "\u2212\u2212ar 4:5",
        "\u2014\u2014s 50",
        "\u2013stylise 250",
        "\u2013glowing",
        # Issue 14 class 3 inside the block: lookalike markers among a parameter's values.
        "--s 100 \u2014\u2014ar 16:9",
        " \u2212\u2212q 2",
        " -ar 2:3",
        " \u2012stylise 250",
        "--no red \u2014\u2014ar 4:5",
        "--ar 2:3.",
        "--q 2!",
        "\\{",
        "\\}",
        "--oref http://e.com/o.heic",
        "--sref https://discord.com/channels/1/2::2",
        "https://e.com/a.avif ",
        "--exp 60",
        "--ow 600",
        "--s 800",
        "\x07",
        "\t",
        "\x7f",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join), st.sampled_from(PROFILES))
def test_triggers_on_built_prompts(text: str, profile: str) -> None:
    assert _with_triggers(text, profile) == _without_triggers(text, profile)


def test_a_misspelled_trigger_fails_when_registered() -> None:
    from mjprompt.rules import REGISTRY, rule
    from mjprompt.rules.features import FEATURE_BITS, ImageCheck, ParameterCheck

    # Every declared trigger names a parameter or an `@` feature the walk collects...
    for r in REGISTRY.values():
        for t in r.triggers:
            if not isinstance(t, (ParameterCheck, ImageCheck)):
                assert set((t,) if isinstance(t, str) else t) <= set(FEATURE_BITS), r.code
    # ...and a name that is neither is refused instead of silently never firing.
    with pytest.raises(ValueError, match="unknown trigger feature 'versoin'"):
        rule("MJ999", "test-only", Severity.ERROR, triggers=("versoin",))(_documented)
    assert "MJ999" not in REGISTRY


def _documented(ctx: Context) -> None:
    """A rule function for the registration test."""


def test_every_rule_in_the_profile_table_exists() -> None:
    from mjprompt.profiles import BY_NAME
    from mjprompt.rules import REGISTRY

    for profile in BY_NAME.values():
        assert set(profile.severities) <= set(REGISTRY), profile.name
