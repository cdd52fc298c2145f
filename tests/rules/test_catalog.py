"""The registry, the rule docstrings and the generated docs/rules.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mjprompt.rules import FAMILIES, REGISTRY
from mjprompt.rules.catalog import render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.is_file(), "docs/rules.md is missing"
    assert DOCS.read_text("utf-8") == render_markdown(), (
        "docs/rules.md is out of date: run `python -m mjprompt.rules.catalog > docs/rules.md`"
    )


def test_catalog_runs_as_a_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mjprompt.rules.catalog"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert out.stdout == render_markdown()


def test_every_rule_is_in_the_catalog() -> None:
    text = render_markdown()
    for code, r in REGISTRY.items():
        assert f"### {code} `{r.name}`" in text
        assert f"[{code}](#{code.lower()})" in text


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_docstring_says_what_why_examples_and_fix(code: str) -> None:
    r = REGISTRY[code]
    doc = r.doc
    assert r.summary, code
    assert re.search(r"^Fails\b", doc, re.MULTILINE), f"{code}: no failing example"
    assert re.search(r"^Passes\b", doc, re.MULTILINE), f"{code}: no passing example"
    assert re.search(r"^(Fix \((safe|unsafe)|No fix)", doc, re.MULTILINE), f"{code}: fix safety"
    if r.fix:
        for safety in r.fix.split("/"):
            assert f"Fix ({safety}" in doc, f"{code}: docstring does not say the fix is {safety}"
    else:
        assert "No fix" in doc


def test_codes_are_grouped_by_family() -> None:
    # MJ1xx syntax, MJ2xx structure, … : a family module holds one hundred.
    for module in FAMILIES:
        hundreds = {r.code[:3] for r in REGISTRY.values() if r.func.__module__ == module.__name__}
        assert len(hundreds) == 1, (module.__name__, hundreds)


def test_every_family_is_listed() -> None:
    modules = {r.func.__module__ for r in REGISTRY.values()}
    assert modules == {m.__name__ for m in FAMILIES}
