"""Shared fixtures: the corpus of real prompts (skipped cleanly when ../shared is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real-prompts.jsonl"


def load_corpus() -> list[str]:
    if not CORPUS.is_file():
        return []
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line)["prompt"] for line in fh if line.strip()]


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    prompts = load_corpus()
    if not prompts:
        pytest.skip(f"corpus not found at {CORPUS}")
    return prompts
