"""Properties that hold for any text: lint never raises, render is stable, fixes are safe."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.diagnostics import Severity
from mjprompt.parser import parse_lenient
from mjprompt.strategies import hostile_text, prompts, valid_prompts

# MJPROMPT_EXAMPLES raises the example count for a longer local run.
SETTINGS = settings(
    max_examples=int(os.environ.get("MJPROMPT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _check_lint(text: str) -> None:
    for profile in ("evolink", "midjourney"):
        for d in mjprompt.lint(text, profile=profile):
            assert 0 <= d.span.start <= d.span.end <= len(text)
    assert str(parse_lenient(text)) == text


@SETTINGS
@given(st.text())
def test_lint_never_raises_on_any_text(text: str) -> None:
    _check_lint(text)


@SETTINGS
@given(hostile_text())
def test_lint_never_raises_on_hostile_text(text: str) -> None:
    _check_lint(text)


@pytest.mark.parametrize(
    "text",
    [
        "\x00" * 50,
        "a\x00cat --ar\x00 16:9",
        "\ud800 --ar 16:9 \udfff",
        "-" * 10_000,
        "- " * 5_000,
        "—" * 10_000,
        "{" * 10_000,
        "}" * 10_000,
        "{a," * 3_000,
        "a cat " * 1_500 + "--ar 16:9",
        "x" * 9_000,
        "--ar " * 2_000,
        ":" * 10_001,
    ],
)
def test_lint_never_raises_on_extreme_inputs(text: str) -> None:
    _check_lint(text)


def _param_keys(text: str) -> list[tuple[str, str]]:
    return sorted((p.canonical or p.name, p.value_text) for p in parse_lenient(text).params)


# A hyphen run before an en-dash parameter was read as the previous parameter's value,
# but as a nameless parameter once render had written the en dash as `--`: the grammar
# now reads a bare run before any marker of the parameter block the same way.
HYPHEN_RUN_SEAMS = (
    "--ASPECT -- \u2013P",
    "-- -- \u2013A",
    "--ar 1:1 --- \u2212s 5",
    "--ar -- - -x",
)


@SETTINGS
@given(prompts())
@example(HYPHEN_RUN_SEAMS[0])
@example(HYPHEN_RUN_SEAMS[1])
@example(HYPHEN_RUN_SEAMS[2])
@example(HYPHEN_RUN_SEAMS[3])
# (fuzzer) the canonical `{a}` closed the brackets of `<https://…` into an image
@example("<https://x/{ a}> cat")
def test_render_is_idempotent(text: str) -> None:
    once = mjprompt.render(parse_lenient(text))
    assert mjprompt.render(parse_lenient(once)) == once


@SETTINGS
@given(prompts())
@example(HYPHEN_RUN_SEAMS[0])
@example(HYPHEN_RUN_SEAMS[1])
@example(HYPHEN_RUN_SEAMS[2])
@example(HYPHEN_RUN_SEAMS[3])
def test_render_keeps_parameters(text: str) -> None:
    # parse() refuses only an unclosed `{` (which swallows what follows it); the property
    # is stated for prompts that parse.
    try:
        prompt = mjprompt.parse(text)
    except mjprompt.PromptSyntaxError:
        assume(False)
        raise
    once = mjprompt.render(prompt)
    assert _param_keys(once) == _param_keys(text)


def _errors(diagnostics: Sequence[mjprompt.Diagnostic]) -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity is Severity.ERROR)


@SETTINGS
@given(prompts(), st.sampled_from(["evolink", "midjourney"]))
def test_safe_fixes_never_add_an_error(text: str, profile: str) -> None:
    before = _errors(mjprompt.lint(text, profile=profile))
    result = mjprompt.fix(text, profile=profile)
    after = _errors(result.remaining)
    assert not (after - before), (text, result.text)
    assert result.remaining == tuple(mjprompt.lint(result.text, profile=profile))


@SETTINGS
@given(valid_prompts())
def test_valid_prompts_parse_without_syntax_errors(text: str) -> None:
    prompt = mjprompt.parse(text)
    assert str(prompt) == text
    assert [d for d in mjprompt.lint(text, select=["MJ1"]) if d.severity is Severity.ERROR] == []
