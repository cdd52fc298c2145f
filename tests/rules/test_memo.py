"""The memo of parameter verdicts changes no result: warm or empty, lint agrees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.diagnostics import Diagnostic
from mjprompt.rules import PROFILES
from mjprompt.rules import facts as facts_module
from mjprompt.rules.facts import forget_parameters


def _cold(text: str, profile: str) -> list[Diagnostic]:
    forget_parameters()
    return mjprompt.lint(text, profile=profile)


def _warm_then_each(texts: list[str], profile: str) -> list[list[Diagnostic]]:
    # Every verdict the texts hold is remembered before any of them is linted again.
    for text in texts:
        mjprompt.lint(text, profile=profile)
    return [mjprompt.lint(text, profile=profile) for text in texts]


@pytest.mark.parametrize("profile", PROFILES)
def test_memo_on_the_rule_cases(case_texts: list[str], profile: str) -> None:
    cold = [_cold(text, profile) for text in case_texts]
    assert _warm_then_each(case_texts, profile) == cold


@pytest.mark.parametrize("profile", PROFILES)
def test_memo_on_the_corpus(corpus: list[str], profile: str) -> None:
    cold = [_cold(text, profile) for text in corpus]
    assert _warm_then_each(corpus, profile) == cold


def test_memo_is_used_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_parameters()
    mjprompt.lint("a cat --ar 16:9 --v 6.1 --stylize 50 --chaos 500")
    memo = facts_module._MEMOS["evolink"]
    assert {"--ar 16:9", "--v 6.1", "--stylize 50"} <= set(memo)
    # A finding of the walk (out of range) holds the parameter's tokens: not remembered.
    assert "--chaos 500" not in memo
    monkeypatch.setattr(facts_module, "_MEMO_LIMIT", 5)
    for n in range(20):
        mjprompt.lint(f"a cat --seed {n}")
        assert len(facts_module._MEMOS["evolink"]) <= 5


def test_long_and_grouped_parameters_are_not_remembered() -> None:
    forget_parameters()
    long_no = "--no " + ", ".join(f"thing{n}" for n in range(60))
    mjprompt.lint(f"a cat {long_no} --ar {{1:1, 2:3}}", profile="midjourney")
    memo = facts_module._MEMOS["midjourney"]
    assert long_no not in memo
    assert not any("{" in key for key in memo)


_PIECES = st.sampled_from(
    [
        "a cat",
        " ",
        "--ar 16:9",
        "--ar 16：9",
        "--AR 1:1",
        "—s 50",
        "–v 6",
        "--s 5,",
        "--s 5000",
        "--v 7",
        "--v 6.1",
        "--style raw",
        "--style cute",
        "--q 4",
        "--oref https://e.com/o.png",
        "--seed 5",
        "--turbo",
        "--p m123",
        "--no red, blue",
        "--foo",
        "{a, b}",
        "https://e.com/a.png",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_PIECES, max_size=8).map(" ".join), min_size=1, max_size=4),
    st.sampled_from(PROFILES),
)
def test_memo_on_built_prompts(texts: list[str], profile: str) -> None:
    cold = [_cold(text, profile) for text in texts]
    assert _warm_then_each(texts, profile) == cold
