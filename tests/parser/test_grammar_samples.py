"""The samples in grammar/valid.txt and grammar/invalid.txt behave as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

import mjprompt
from mjprompt.diagnostics import Severity

GRAMMAR_DIR = Path(__file__).resolve().parents[2] / "grammar"


def _lines(name: str) -> list[str]:
    text = (GRAMMAR_DIR / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _syntax_errors(prompt: str) -> list[str]:
    return [d.code for d in mjprompt.lint(prompt, select=["MJ1"]) if d.severity is Severity.ERROR]


@pytest.mark.parametrize("prompt", _lines("valid.txt"))
def test_valid_samples(prompt: str) -> None:
    assert str(mjprompt.parse(prompt)) == prompt
    assert _syntax_errors(prompt) == []


@pytest.mark.parametrize("line", _lines("invalid.txt"))
def test_invalid_samples(line: str) -> None:
    prompt, code = (part.strip() for part in line.split("##"))
    assert code in _syntax_errors(prompt)
