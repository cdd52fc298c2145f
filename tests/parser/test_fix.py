"""mjprompt.fix: fixpoint, safety, refusal of rounds that add errors, and scale."""

from __future__ import annotations

import importlib

import pytest

import mjprompt
from mjprompt.diagnostics import Edit, apply_edits

# The lint driver module (the attribute `mjprompt.lint` is the function of that name).
DRIVER = importlib.import_module("mjprompt.lint")


def test_safe_fixes_reach_a_fixpoint() -> None:
    result = mjprompt.fix("a cat —ar 16:9 --S750", select=["MJ1"])
    assert result.text == "a cat --ar 16:9 --s 750"
    assert sorted(d.code for d in result.applied) == ["MJ103", "MJ105", "MJ106"]
    assert result.remaining == tuple(mjprompt.lint(result.text, select=["MJ1"]))


def test_fix_says_when_its_bound_on_rounds_cut_it_short(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two rounds: MJ107 moves the words before the parameters, then MJ302 sees `--ar` twice.
    text = "a cat --ar 2:3 more description --ar 2:3"
    monkeypatch.setattr(DRIVER, "MAX_FIX_ROUNDS", 1)
    cut = mjprompt.fix(text, unsafe=True)
    assert [d.code for d in cut.applied] == ["MJ107"]
    assert not cut.converged
    assert mjprompt.fix(cut.text, unsafe=True).applied  # another call applies more
    # The bound reached exactly, with nothing left to try: converged.
    monkeypatch.setattr(DRIVER, "MAX_FIX_ROUNDS", 2)
    whole = mjprompt.fix(text, unsafe=True)
    assert whole.text == "a cat more description --ar 2:3"
    assert whole.converged
    assert mjprompt.fix(whole.text, unsafe=True).applied == ()


def test_a_fix_left_that_would_add_an_error_does_not_make_it_unconverged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At the 8192 limit: MJ109 folds the full-width digits (no longer); the em dash fix
    # would lengthen the prompt past the limit (MJ208), so it is refused in every round.
    text = "a" * 8176 + " --s \uff12\uff15\uff10 \u2014ar 2:3"
    assert len(text) == 8192
    monkeypatch.setattr(DRIVER, "MAX_FIX_ROUNDS", 1)
    result = mjprompt.fix(text)
    assert [d.code for d in result.applied] == ["MJ109"]
    assert "MJ103" in {d.code for d in result.remaining}
    assert result.converged
    assert mjprompt.fix(result.text).applied == ()


def test_unsafe_fixes_only_when_asked() -> None:
    src = "a cat --ar 2:3 more description"
    assert mjprompt.fix(src, select=["MJ1"]).text == src
    assert mjprompt.fix(src, unsafe=True, select=["MJ1"]).text == "a cat more description --ar 2:3"


def test_a_fix_that_would_add_an_error_is_refused_the_others_apply() -> None:
    # Inserting a space in `x--ar` would expose `--ar` with no value (MJ110): refused.
    # The em dash fix does not add an error and still applies.
    result = mjprompt.fix("x--ar —s 250", select=["MJ1"])
    assert result.text == "x--ar --s 250"
    assert [d.code for d in result.applied] == ["MJ103"]


def test_thousands_of_fixes_in_one_prompt() -> None:
    src = "a cat " + "—s 250 " * 5_000
    result = mjprompt.fix(src, select=["MJ103"])
    assert "—" not in result.text
    assert len(result.applied) == 5_000


def test_apply_edits_in_one_pass() -> None:
    text = "abcdef"
    edits = [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit(2, 2, "+")]
    assert apply_edits(text, edits) == "Ab+cdEf"


def test_fixes_that_only_together_add_an_error_do_not_degrade_to_one_lint_per_fix() -> None:
    # Each marker fix adds a character; all together they would push a prompt near the
    # 8192 limit over it. The search for acceptable fixes is bounded per round.
    src = "a –ar 2:3 " * 800
    before = [d for d in mjprompt.lint(src) if d.severity is mjprompt.Severity.ERROR]
    result = mjprompt.fix(src)
    after = [d for d in result.remaining if d.severity is mjprompt.Severity.ERROR]
    assert len(after) <= len(before)
    assert result.remaining == tuple(mjprompt.lint(result.text))
