"""A million-line file is checked in bounded memory: the child's peak RSS does not grow
with the number of lines (100,000 lines against 1,000,000).

Forty-nine lines in fifty are comments and blank lines, which the reader skips, so the
test reads a million lines (half of them CRLF) and lints 20,000 prompts in a few
seconds; every prompt has a finding, which the JSON reporter streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

BAD = "a cat \u2013ar 2:3"
BLOCK = "# comment\n" * 24 + "\n" + "# comment\r\n" * 24 + BAD + "\r\n"  # 50 lines, 1 prompt


def _write(path: Path, lines: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for _ in range(lines // 50):
            fh.write(BLOCK)
    return path


@pytest.mark.slow
def test_a_million_lines_in_bounded_memory(cli: Callable[..., Any], tmp_path: Path) -> None:
    small = _write(tmp_path / "small.prompt", 100_000)
    large = _write(tmp_path / "large.prompt", 1_000_000)
    runs = {}
    for name, path in (("small", small), ("large", large)):
        run = cli("check", str(path), "--jobs", "1", "--format", "json", timeout=240)
        assert run.returncode == 1
        findings = json.loads(run.stdout)
        assert len(findings) == (2_000 if name == "small" else 20_000)
        assert findings[-1]["line"] == (100_000 if name == "small" else 1_000_000)
        runs[name] = run
    small_mb, large_mb = runs["small"].peak_rss_mb, runs["large"].peak_rss_mb
    # Ten times the lines, the same memory (a few MB of allocator noise allowed).
    assert large_mb < small_mb + 16, (small_mb, large_mb)
    assert large_mb < 200, large_mb
