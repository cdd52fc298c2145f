"""Properties over the public strategies (``mjprompt.strategies``).

tests/parser/test_properties.py states the basic ones (lint never raises, render is
idempotent, safe fixes never add an error); these add what the issue asks beyond them:
fixing converges in one call (unsafe fixes included), the source survives parsing,
and a permutation prompt's expansion count is the product of its options, equal to the
number of prompts ``expand`` makes whenever it is under the limit.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.diagnostics import Diagnostic, Severity
from mjprompt.expand import DEFAULT_LIMIT, ExpansionError, count_expansions, expand
from mjprompt.parser import PromptSyntaxError, parse_lenient
from mjprompt.strategies import hostile_text, permutation_prompts, prompts, valid_prompts

# MJPROMPT_EXAMPLES raises the example count for a longer local run.
SETTINGS = settings(
    max_examples=int(os.environ.get("MJPROMPT_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILES = st.sampled_from(["evolink", "midjourney"])
ANY_TEXT = st.one_of(prompts(), permutation_prompts().map(lambda pc: pc[0]), st.text())


def _errors(diagnostics: Sequence[Diagnostic]) -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity is Severity.ERROR)


@SETTINGS
@given(ANY_TEXT, PROFILES)
def test_lint_never_raises_and_stays_inside_the_text(text: str, profile: str) -> None:
    found = mjprompt.lint(text, profile=profile)
    for d in found:
        assert 0 <= d.span.start <= d.span.end <= len(text)
        if d.fix is not None:
            for edit in d.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(text)
    assert mjprompt.lint(text, profile=profile) == found  # deterministic


@SETTINGS
@given(ANY_TEXT)
def test_the_source_survives_parsing(text: str) -> None:
    assert str(parse_lenient(text)) == text
    refusal: PromptSyntaxError | None = None
    try:
        prompt = mjprompt.parse(text)
    except PromptSyntaxError as exc:
        refusal = exc
    if refusal is None:
        assert str(prompt) == text
    else:  # refused with a reason inside the text
        assert refusal.diagnostics
        assert all(0 <= d.span.start <= len(text) for d in refusal.diagnostics)


@SETTINGS
@given(ANY_TEXT, PROFILES, st.booleans())
def test_fix_converges_and_never_adds_errors(text: str, profile: str, unsafe: bool) -> None:
    before = mjprompt.lint(text, profile=profile)
    result = mjprompt.fix(text, profile=profile, unsafe=unsafe)
    assert not (_errors(result.remaining) - _errors(before)), (text, result.text)
    assert result.remaining == tuple(mjprompt.lint(result.text, profile=profile))
    # One call reaches the fixed point: a second one finds nothing left to apply.
    assert result.converged, (text, result.text)
    again = mjprompt.fix(result.text, profile=profile, unsafe=unsafe)
    assert again.applied == (), (text, result.text, [d.code for d in again.applied])
    assert again.text == result.text


@SETTINGS
@given(permutation_prompts().map(lambda pc: pc[0]) | hostile_text())
def test_render_is_idempotent_on_permutations(text: str) -> None:
    once = mjprompt.render(parse_lenient(text))
    assert mjprompt.render(parse_lenient(once)) == once


@SETTINGS
@given(permutation_prompts(max_groups=4, max_options=5))
def test_expansion_count_is_the_product_of_the_options(case: tuple[str, int]) -> None:
    text, count = case
    prompt = mjprompt.parse(text)  # the strategy's prompts always parse
    assert str(prompt) == text
    assert count_expansions(prompt) == count
    for limit in (DEFAULT_LIMIT, 500):
        if count <= limit:
            out = expand(text, limit=limit)
            assert len(out) == count
            assert all("{" not in e and "}" not in e for e in out)
        else:
            with pytest.raises(ExpansionError) as info:
                expand(text, limit=limit)
            assert info.value.count == count
            assert info.value.limit == limit
    # Midjourney's cap: more than 40 jobs is an error of the prompt as written.
    too_many = [d for d in mjprompt.lint(text, profile="midjourney") if d.code == "MJ212"]
    assert bool(too_many) == (count > DEFAULT_LIMIT)


@SETTINGS
@given(permutation_prompts(max_groups=2, max_options=3))
def test_each_expansion_parses_without_braces(case: tuple[str, int]) -> None:
    text, count = case
    out = expand(text, limit=max(count, 1))
    assert len(set(out)) <= count
    for e in out:
        assert list(mjprompt.parse(e).permutations()) == []


@SETTINGS
@given(valid_prompts())
def test_valid_prompts_build_a_payload_or_say_why(text: str) -> None:
    """The serializer never raises anything but its documented refusal."""
    refusal: mjprompt.PayloadError | None = None
    try:
        body = mjprompt.build_payload(text)
    except mjprompt.PayloadError as exc:
        refusal = exc
    if refusal is None:
        assert body["model"] == "mj-v7"
        assert isinstance(body["prompt"], str)
    else:
        assert refusal.diagnostics
