"""Rules whose single findings change severity declare it (``@rule(variants=...)``), so
that ``rules``, ``explain`` and docs/rules.md state every severity a finding can have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mjprompt import lint
from mjprompt.diagnostics import Severity
from mjprompt.rules import PROFILES, REGISTRY

from .test_cases import RULE_CASES, build

E, W = Severity.ERROR, Severity.WARNING


def _texts() -> list[str]:
    out = []
    for spec in RULE_CASES.values():
        for case in (*spec.get("fail", ()), *spec.get("pass", ())):
            out.append(build(case)[0])
        for case in spec.get("fix", ()):
            out.append(build(case["input"])[0])
    return out


def _check(texts: list[str]) -> None:
    for profile in PROFILES:
        for text in texts:
            for d in lint(text, profile=profile):
                possible = REGISTRY[d.code].possible(profile)
                assert d.severity in possible, (profile, text, d.code, d.severity)


def test_every_severity_of_the_cases_is_declared():
    _check(_texts())


def test_every_severity_of_the_corpus_is_declared(corpus):
    _check(corpus)


@pytest.mark.parametrize(
    ("text", "profile", "code", "severity"),
    [
        ("a cat --sref 1 --sref 2", "evolink", "MJ302", W),
        ("a cat --ar 1:1 --ar 2:3", "evolink", "MJ302", E),
        ("a cat --q 3", "midjourney", "MJ305", W),
        ("a cat --q 3", "evolink", "MJ305", E),
        ("a cat --iw 2", "midjourney", "MJ501", W),
        ("a cat --seed 1 --turbo", "evolink", "MJ502", W),
        ("a cat --stealth --public", "midjourney", "MJ502", E),
    ],
)
def test_the_declared_variants_happen(text, profile, code, severity):
    assert (code, severity) in {(d.code, d.severity) for d in lint(text, profile=profile)}
    rule = REGISTRY[code]
    assert any(v.severities.get(profile) == severity for v in rule.variants) or (
        rule.severities[profile] == severity
    )
    assert severity in rule.possible(profile)


def test_possible_lists_the_rule_severity_then_the_variants():
    assert REGISTRY["MJ305"].possible("evolink") == (E,)
    assert REGISTRY["MJ305"].possible("midjourney") == (E, W)
    assert REGISTRY["MJ101"].variants == ()
    assert REGISTRY["MJ502"].severity_word("evolink") == "error/warning"
    assert REGISTRY["MJ501"].severity_word("evolink") == "error"


def test_rules_and_explain_print_them(cli_fast_rules):
    rules, explain = cli_fast_rules
    by_code = {r["code"]: r for r in json.loads(rules)}
    possible = {"evolink": ["error"], "midjourney": ["error", "warning"]}
    assert by_code["MJ305"]["possible"] == possible
    assert by_code["MJ305"]["variants"] == [
        {"when": "`--q 3` (run as 4)", "severities": {"evolink": "error", "midjourney": "warning"}}
    ]
    assert "  except evolink: error, midjourney: warning for `--q 3` (run as 4)\n" in explain


def test_docs_rules_md_states_them():
    page = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text("utf-8")
    for rule in REGISTRY.values():
        for line in rule.variant_lines(PROFILES):
            assert f"- Except {line}." in page, line


@pytest.fixture
def cli_fast_rules(capsys):
    from mjprompt.cli import main

    main(["rules", "--format", "json"])
    rules = capsys.readouterr().out
    main(["explain", "MJ305"])
    return rules, capsys.readouterr().out
