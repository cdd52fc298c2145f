"""docs/cost.md shows the cost model as the code has it, and is in the site's nav."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from mjprompt.cli import estimate
from mjprompt.evolink import COST_TABLE, SOURCES, format_credits

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")


def _rows(first_header: str) -> list[list[str]]:
    lines = DOC.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return rows


def test_the_model_table_is_the_code_table() -> None:
    expected = [
        [
            row.applies_to,
            format_credits(row.value),
            row.kind,
            row.status,
            ", ".join(row.sources) or "—",
            row.note,
        ]
        for row in COST_TABLE
    ]
    assert _rows("Applies to") == expected


def test_the_sources_table_is_the_code_table() -> None:
    rows = _rows("Key")
    assert [r[0] for r in rows] == list(SOURCES)
    assert [r[2] for r in rows] == [s.status for s in SOURCES.values()]


def test_every_option_of_estimate_is_documented() -> None:
    parser = argparse.ArgumentParser()
    estimate.register(parser.add_subparsers())
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {
        o
        for action in sub.choices["estimate"]._actions
        for o in action.option_strings
        if o.startswith("--") and o != "--help"
    }
    assert options == {"--prompt", "--speed", "--format"}
    assert all(f"`{o}" in DOC for o in options)


def test_the_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- Cost: cost\.md$", nav, re.MULTILINE)
