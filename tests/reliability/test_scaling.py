"""Cost grows linearly with the size of hostile input: n against 4n, as a ratio.

Linear work gives a ratio near 4, quadratic near 16; the bound of 8 leaves room for
timer noise and caches without letting a quadratic path through. Times are CPU times
(best of three), never compared with an absolute number.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mjprompt
from mjprompt.cli.sources import Source, read_source

BOUND = 8.0
BAD = "a cat \u2013ar 2:3"

# name -> (job of size n, starting n). A long prompt starts past 480 KB: below that the
# parser's working memory fits in what is already allocated, and the first larger size
# pays a one-time step (measured: 96 KB -> 9 ms, 192 KB -> 50 ms, 384 KB -> 105 ms). The
# step is in the `re` engine matching the one long TEXT token (measured on the pattern
# alone: 360 KB -> 15 ms, 480 KB -> 58 ms, 960 KB -> 109 ms); the generated scanner,
# faster than Lark, used to start just below it.
LIBRARY_CASES: dict[str, tuple[Callable[[int], object], int]] = {
    "lint: a long line of words": (lambda n: mjprompt.lint("a cat " * n), 80_000),
    "lint: open braces": (lambda n: mjprompt.lint("{" * n), 1000),
    "lint: nested groups (midjourney)": (
        lambda n: mjprompt.lint("{" * n + "a" + "}" * n, profile="midjourney"),
        1000,
    ),
    "lint: unclosed options": (lambda n: mjprompt.lint("{a," * n), 1000),
    "lint: stray markers": (lambda n: mjprompt.lint("- -- --- \u2014 " * n), 1000),
    "lint: NUL bytes and CR": (lambda n: mjprompt.lint("a\x00b\r" * n), 80_000),
    "fix: unknown parameters": (lambda n: mjprompt.fix("x --foo 1 " * n, unsafe=True), 500),
    # Fixes that keep the length (upper-case names): see docs/reliability.md for fixes
    # that lengthen a prompt near the length limit.
    "fix: upper-case names": (lambda n: mjprompt.fix("a --AR 2:3 " * n), 100),
    "render: permutations": (lambda n: mjprompt.render(mjprompt.parse("{a, b} " * n)), 500),
}


@pytest.mark.parametrize("name", list(LIBRARY_CASES))
def test_library_cost_grows_linearly(scaling: Callable[..., float], name: str) -> None:
    job, n = LIBRARY_CASES[name]
    ratio = scaling(job, n)
    assert ratio < BOUND, f"{name}: 4x the input cost {ratio:.1f}x the time"


def _reader(make: Callable[[int], bytes], kind: str = "text") -> Callable[[int], object]:
    """A job that reads ``make(n)``; the bytes are made once per size (the best of three
    runs then times the reading alone, not the allocation of the input)."""

    @functools.lru_cache(maxsize=4)
    def data(n: int) -> bytes:
        return make(n)

    def job(n: int) -> int:
        items = read_source(Source("-", kind, stdin=True), stdin=io.BytesIO(data(n)))
        return sum(1 for _ in items)

    return job


READER_CASES: dict[str, Callable[[int], object]] = {
    # One line that never ends in a block: the old reader re-joined it every 64 KiB.
    "one long line": _reader(lambda n: b"a cat " * (n * 1000)),
    "one long line with NULs": _reader(lambda n: b"a\x00 " * (n * 1000)),
    "CR line endings": _reader(lambda n: b"# c\r\r" * (n * 100)),
    "many CRLF lines": _reader(lambda n: b"# c\r\n\r\n" * (n * 100)),
    "invalid UTF-8 at the end": _reader(lambda n: b"# x\n" * (n * 100) + b"\xff"),
    "JSON Lines": _reader(lambda n: b'{"x": 1, "prompt": "a"}\n' * (n * 20), "jsonl"),
}


@pytest.mark.parametrize("name", list(READER_CASES))
def test_file_reading_cost_grows_linearly(scaling: Callable[..., float], name: str) -> None:
    ratio = scaling(READER_CASES[name], 100)
    assert ratio < BOUND, f"{name}: 4x the input cost {ratio:.1f}x the time"


@pytest.mark.slow
def test_cli_cost_grows_linearly(cli: Callable[..., Any], tmp_path: Path) -> None:
    """The whole command: reading, linting, reporting. Startup is measured apart (an
    empty file) and taken off both sides."""

    def cost(lines: int) -> float:
        path = tmp_path / f"{lines}.prompt"
        block = f"# a comment\n{BAD}\r\n\na dog --ar 1:1\n"
        path.write_text(block * (lines // 4), encoding="utf-8", newline="")
        runs = [cli("check", str(path), "--jobs", "1", "--format", "json") for _ in range(2)]
        assert all(r.returncode == (1 if lines else 0) for r in runs)
        return min(r.cpu for r in runs)

    startup = cost(0)
    small, large = cost(5_000) - startup, cost(20_000) - startup
    assert small > 0.05, small
    assert large / small < BOUND, (startup, small, large)
