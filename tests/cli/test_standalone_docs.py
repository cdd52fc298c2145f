"""The documentation stands alone: no private spec files, no raw control bytes; the
licence file matches the declared licence; ``dir(mjprompt)`` is the public API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mjprompt
from mjprompt.cli.config import toml_module

ROOT = Path(__file__).resolve().parents[2]
# docs/rules.md is generated from the rules' docstrings (src/mjprompt/rules/catalog.py):
# checked too, and test_rules_page_is_generated keeps it equal to what they give.
PAGES = sorted((ROOT / "docs").glob("*.md"))
PRIVATE = re.compile(r"PRODUCT\.md|shared/spec|evolink-api\.md|v7-syntax\.md")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda p: p.name)
def test_docs_cite_public_sources_and_hold_no_control_bytes(page):
    text = page.read_text("utf-8")
    assert not PRIVATE.search(text), PRIVATE.search(text)
    assert not CONTROL.search(text), repr(CONTROL.search(text))


def test_license_file_matches_the_declared_licence():
    declared = toml_module().loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert declared["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_dir_of_the_package_is_its_public_api():
    names = dir(mjprompt)
    assert "Client" in names and "lint" in names and "build_payload" in names
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert not {"Any", "annotations", "ast", "parser", "rules", "diagnostics"} & set(names)
    for name in names:
        assert getattr(mjprompt, name) is not None


def test_rules_page_is_generated_and_cites_its_sources():
    from mjprompt.rules.catalog import SOURCES, render_markdown

    page = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert page == render_markdown()  # regenerate: python -m mjprompt.rules.catalog
    keys = {key for key, _, _ in SOURCES}
    # Every bracketed source key has its public page listed (`[MJ101]` are rule links).
    cited = set(re.findall(r"\[([A-Z][A-Za-z0-9-]+)\]", page))
    cited = {c for c in cited if not re.fullmatch(r"MJ\d{3}", c)}
    assert cited <= keys, cited - keys
