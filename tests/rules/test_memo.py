"""What a plan remembers of each parameter text changes no result: warm or empty, lint agrees."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mjprompt.diagnostics import Diagnostic
from mjprompt.lint import Plan, lint_with_plan, plan_for, selected_rules
from mjprompt.parsing import parse_lenient
from mjprompt.profiles import profile_named
from mjprompt.rules import PROFILES
from mjprompt.rules import features as features_module


def _fresh(profile: str) -> Plan:
    """A plan of its own, with nothing remembered (`plan_for` shares one per choice)."""
    return Plan(selected_rules(profile), profile_named(profile))


def _cold(text: str, profile: str) -> list[Diagnostic]:
    return lint_with_plan(parse_lenient(text), _fresh(profile))


def _warm_then_each(texts: list[str], profile: str) -> list[list[Diagnostic]]:
    # Every parameter the texts hold is remembered before any of them is linted again.
    plan = _fresh(profile)
    for text in texts:
        lint_with_plan(parse_lenient(text), plan)
    return [lint_with_plan(parse_lenient(text), plan) for text in texts]


@pytest.mark.parametrize("profile", PROFILES)
def test_memo_on_the_rule_cases(case_texts: list[str], profile: str) -> None:
    cold = [_cold(text, profile) for text in case_texts]
    assert _warm_then_each(case_texts, profile) == cold


@pytest.mark.parametrize("profile", PROFILES)
def test_memo_on_the_corpus(corpus: list[str], profile: str) -> None:
    cold = [_cold(text, profile) for text in corpus]
    assert _warm_then_each(corpus, profile) == cold


def test_memo_is_used_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _fresh("evolink")
    lint_with_plan(parse_lenient("a cat --ar 16:9 --v 6.1 --stylize 50 --chaos 500"), plan)
    assert {"--ar 16:9", "--v 6.1", "--stylize 50", "--chaos 500"} <= set(plan.tests.memo)
    # The plans of `plan_for` are shared, and so is what they remember.
    assert plan_for("evolink") is plan_for("evolink")
    assert plan_for("evolink") is not plan_for("midjourney")
    monkeypatch.setattr(features_module, "_MEMO_LIMIT", 5)
    for n in range(20):
        lint_with_plan(parse_lenient(f"a cat --seed {n}"), plan)
        assert len(plan.tests.memo) <= 5


def test_plans_are_remembered_per_choice_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # The driver module (the package's attribute `lint` is the function of that name).
    driver = importlib.import_module("mjprompt.lint")
    driver.forget_plans()
    default = plan_for("evolink")
    # `lint` reads the default plan from the same memo as `plan_for`.
    driver.lint("a cat --ar 16:9")
    assert driver._plans == {"evolink": default}
    assert "--ar 16:9" in default.tests.memo
    chosen = plan_for("evolink", ["MJ3"])
    assert chosen is plan_for("evolink", ("MJ3",)) and chosen is not default
    assert plan_for("evolink", ["MJ3"], ["MJ301"]) is not chosen
    assert len(chosen) < len(default)
    with pytest.raises(ValueError, match="profile"):
        plan_for("nope")
    assert len(driver._plans) == 3  # an unknown profile is not remembered
    monkeypatch.setattr(driver, "_PLANS_LIMIT", 4)
    for n in range(10):
        plan_for("evolink", [f"MJ{n}"])
        assert len(driver._plans) <= 4
    driver.forget_plans()
    assert not driver._plans
    assert plan_for("evolink") is not default


def test_long_and_grouped_parameters_are_not_remembered() -> None:
    plan = _fresh("midjourney")
    long_no = "--no " + ", ".join(f"thing{n}" for n in range(60))
    lint_with_plan(parse_lenient(f"a cat {long_no} --ar {{1:1, 2:3}}"), plan)
    memo = plan.tests.memo
    assert long_no not in memo
    assert not any("{" in key for key in memo)
    assert memo  # `--ar 1:1` and `--ar 2:3` of the expansions are


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


def test_per_text_remembers_every_answer_once_none_included() -> None:
    from mjprompt.rules.common import per_text

    calls: list[str] = []

    def read(p: object) -> str | None:
        raw = p.raw  # type: ignore[attr-defined]
        calls.append(raw)
        return None if raw.startswith("--x") else raw.upper()

    remembered = per_text(read)
    one, two = parse_lenient("a --x 1 --ar 1:1").params
    again = parse_lenient("b --x 1 --ar 1:1").params
    assert [remembered(p) for p in (one, two, *again)] == [None, "--AR 1:1", None, "--AR 1:1"]
    assert calls == ["--x 1", "--ar 1:1"]  # a remembered None is not read again
    grouped = parse_lenient("c --x {1,2}").params[0]
    remembered(grouped)
    remembered(grouped)
    assert calls[2:] == ["--x {1,2}", "--x {1,2}"]  # a text with a brace is never kept


def test_remember_stores_and_empties_a_full_memo_whole() -> None:
    from mjprompt._memo import remember

    memo: dict[str, int] = {}
    assert remember(memo, "a", 1, 2) == 1
    assert remember(memo, "b", 2, 2) == 2
    assert memo == {"a": 1, "b": 2}
    # Full: emptied whole before the new entry goes in (not least recently used first).
    assert remember(memo, "c", 3, 2) == 3
    assert memo == {"c": 3}
