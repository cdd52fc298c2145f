"""Fixtures shared by the rule tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def case_texts() -> list[str]:
    """Every failing and passing prompt of ``cases.json``, the rules' own examples."""
    cases = json.loads((Path(__file__).parent / "cases.json").read_text("utf-8"))
    return [
        case if isinstance(case, str) else case.get("text", "")
        for code, spec in cases.items()
        if not code.startswith("_")
        for kind in ("fail", "pass")
        for case in spec[kind]
    ]
