"""Golden syntax diagnostics: `golden/syntax.txt`, reviewed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import mjprompt

GOLDEN = Path(__file__).parent / "golden" / "syntax.txt"


def _cases() -> list[tuple[str, list[tuple[str, int, int]]]]:
    cases: list[tuple[str, list[tuple[str, int, int]]]] = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            cases.append((line[4:], []))
        elif line.startswith("==="):
            cases.append(("", []))
        elif line.strip() and not line.startswith("#"):
            code, start, end = line.split("#", 1)[0].split()
            cases[-1][1].append((code, int(start), int(end)))
    return cases


CASES = _cases()


def test_golden_file_has_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("prompt", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_golden(prompt: str, expected: list[tuple[str, int, int]]) -> None:
    got = [(d.code, d.span.start, d.span.end) for d in mjprompt.lint(prompt, select=["MJ1"])]
    assert got == expected
