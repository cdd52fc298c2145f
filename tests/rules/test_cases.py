"""Every registered rule against its cases in ``cases.json``: fails, passes and fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mjprompt import fix, lint
from mjprompt.rules import PROFILES, REGISTRY

CASES: dict[str, Any] = json.loads((Path(__file__).parent / "cases.json").read_text("utf-8"))
RULE_CASES = {code: spec for code, spec in CASES.items() if not code.startswith("_")}


def build(case: str | dict[str, Any]) -> tuple[str, tuple[str, ...] | None]:
    """The text of a case and the profiles it is meant for (``None``: all)."""
    if isinstance(case, str):
        return case, None
    text = case.get("text", "")
    for part, times in case.get("parts", ()):
        text += part * times
    if "pad" in case:
        assert len(text) <= case["pad"]
        text += "x" * (case["pad"] - len(text))
    profile = case.get("profile")
    return text, (profile,) if profile else None


def _profiles(code: str, wanted: tuple[str, ...] | None) -> list[str]:
    runs = [p for p in PROFILES if REGISTRY[code].runs_in(p)]
    if wanted is None:
        return runs
    assert set(wanted) <= set(runs), f"{code} does not run in {wanted}"
    return list(wanted)


def _params(kind: str) -> list[Any]:
    out = []
    for code, spec in sorted(RULE_CASES.items()):
        for i, case in enumerate(spec.get(kind, ())):
            out.append(pytest.param(code, case, id=f"{code}-{kind}-{i}"))
    return out


def test_every_registered_rule_has_cases() -> None:
    missing = []
    for code, r in sorted(REGISTRY.items()):
        spec = RULE_CASES.get(code, {})
        if not spec.get("fail") or not spec.get("pass"):
            missing.append(f"{code}: fail and pass cases")
        if r.fix and not spec.get("fix"):
            missing.append(f"{code}: a fix case")
    assert not missing, "rules without cases in tests/rules/cases.json: " + "; ".join(missing)


def test_no_cases_for_unknown_codes() -> None:
    assert set(RULE_CASES) <= set(REGISTRY)


@pytest.mark.parametrize(("code", "case"), _params("fail"))
def test_fails(code: str, case: str | dict[str, Any]) -> None:
    # A fail case pins exactly where the rule reports (and may pin the severity): a rule
    # that fires at the wrong place, or once too often, fails here.
    assert isinstance(case, dict) and "spans" in case, f"{code}: a fail case pins its spans"
    text, wanted = build(case)
    expected = [tuple(span) for span in case["spans"]]
    assert expected, f"{code}: a fail case expects at least one span"
    for profile in _profiles(code, wanted):
        found = [d for d in lint(text, profile=profile) if d.code == code]
        assert found, f"{code} not reported in {profile} for {text[:80]!r}"
        spans = sorted((d.span.start, d.span.end) for d in found)
        assert spans == expected, f"{code} in {profile} for {text[:80]!r}"
        for d in found:
            assert d.message
            assert d.rule == REGISTRY[code].name
            if "severity" in case:
                assert d.severity.value == case["severity"], f"{code} in {profile}"


@pytest.mark.parametrize(("code", "case"), _params("pass"))
def test_passes(code: str, case: str | dict[str, Any]) -> None:
    text, wanted = build(case)
    for profile in _profiles(code, wanted):
        found = [d.message for d in lint(text, profile=profile) if d.code == code]
        assert not found, f"{code} reported in {profile} for {text[:80]!r}: {found}"


@pytest.mark.parametrize(("code", "case"), _params("fix"))
def test_fixes(code: str, case: dict[str, Any]) -> None:
    text, _ = build(case["input"])
    unsafe = bool(case.get("unsafe", False))
    for profile in _profiles(code, (case["profile"],) if "profile" in case else None):
        result = fix(text, profile=profile, unsafe=unsafe, select=[code])
        assert result.text == case["output"], profile
        assert any(d.code == code for d in result.applied)
        assert not any(d.code == code for d in lint(result.text, profile=profile))
        if unsafe:  # an unsafe fix must not be applied without asking
            assert fix(text, profile=profile, select=[code]).text == text


def test_fix_safety_matches_the_registry() -> None:
    # A rule registered as fix="safe" only offers safe fixes, "unsafe" only unsafe ones.
    for code, spec in sorted(RULE_CASES.items()):
        declared = REGISTRY[code].fix
        for case in spec.get("fix", ()):
            text, _ = build(case["input"])
            profiles = (case["profile"],) if "profile" in case else None
            for profile in _profiles(code, profiles):
                fixes = [d.fix for d in lint(text, profile=profile) if d.code == code and d.fix]
                assert fixes, f"{code} offers no fix for {text!r}"
                for f in fixes:
                    assert declared is not None
                    assert ("safe" if f.safe else "unsafe") in declared.split("/"), code
