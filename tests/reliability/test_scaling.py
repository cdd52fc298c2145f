"""Cost grows linearly with the size of hostile input: n against a multiple of n.

Two measures, so that a busy machine cannot tip the verdict and a quadratic path cannot
hide from it:

- **Function calls** (``cProfile``, Python and built-in calls), n against 4n. This count
  does not depend on the machine's load at all: linear work gives about 4, quadratic about
  16, and the bound of 8 sits between them. It catches every quadratic loop written in
  Python (a rescan of what came before, a list searched per item).
- **CPU time**, n against 8n, best of interleaved runs. It is the backstop for quadratic
  work done inside one call (``bytes + bytes`` of a growing buffer, a slice rescanned by
  ``str.count``), which the call count sees as linear. With a factor of 8, linear work gives
  about 8 and quadratic about 64; the bound is half of quadratic, 32. Linear jobs measured
  up to 18 on a loaded 2-core machine (the fixer's per-item cost grows a little with size),
  so the bound leaves them a factor of 1.8 and more; a job whose quadratic part merely
  equals its linear part at the small size still gives (64 + 8) / 2 = 36. (The old bound,
  8 at n against 4n, was a factor of 2 from linear, and a loaded neighbour pushed a linear
  job to 8.9.)

Both measures are proved able to fail: ``test_the_harness_*`` feed them deliberately
quadratic jobs and expect the bound to catch them.
"""

from __future__ import annotations

import cProfile
import functools
import gc
import io
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mjprompt
from mjprompt.cli.sources import Source, read_source

CALL_FACTOR = 4
CALL_BOUND = 8.0  # between linear (4) and quadratic (16)
TIME_FACTOR = 8
TIME_BOUND = TIME_FACTOR**2 / 2  # half of quadratic (64): linear (8) is 4x below
TIME_FLOOR = 0.03  # seconds: the small run must take at least this long
BAD = "a cat \u2013ar 2:3"

Job = Callable[[int], object]


def count_calls(job: Job, size: int) -> int:
    """The number of Python and built-in function calls made by ``job(size)``."""
    profiler = cProfile.Profile(builtins=True)
    profiler.enable()
    try:
        job(size)
    finally:
        profiler.disable()
    return int(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]


def call_ratio(job: Job, n: int, factor: int = CALL_FACTOR) -> float:
    """Calls made by ``job(factor * n)`` over those made by ``job(n)``.

    One warm-up run first, so that one-time work (a grammar loaded, a regular expression
    compiled, a cache filled) is not counted on the small side only.
    """
    job(n)
    return count_calls(job, factor * n) / max(count_calls(job, n), 1)


def time_ratio(job: Job, n: int, factor: int = TIME_FACTOR, repeat: int = 3) -> float:
    """CPU time of ``job(factor * n)`` over that of ``job(n)``, best of ``repeat`` each.

    ``n`` is first doubled until one ``job(n)`` takes ``TIME_FLOOR`` seconds, so that timer
    noise does not decide the ratio. The small and large runs alternate, so that a load
    that comes or goes during the test weighs on both sides. Each run starts after a full
    collection, so that when the collector runs does not depend on what the runs before
    left behind.
    """

    def once(size: int) -> float:
        gc.collect()
        start = time.process_time()
        job(size)
        return time.process_time() - start

    while once(n) < TIME_FLOOR and n < 1 << 30:
        n *= 2
    small: list[float] = []
    large: list[float] = []
    for _ in range(repeat):
        small.append(once(n))
        large.append(once(factor * n))
    return min(large) / max(min(small), 1e-9)


def assert_linear(name: str, job: Job, n: int, repeat: int = 3) -> None:
    """Fail when ``job`` grows faster than linearly by either measure."""
    calls = call_ratio(job, n)
    assert calls < CALL_BOUND, f"{name}: {CALL_FACTOR}x the input made {calls:.1f}x the calls"
    seconds = time_ratio(job, n, repeat=repeat)
    assert seconds < TIME_BOUND, f"{name}: {TIME_FACTOR}x the input took {seconds:.1f}x the time"


# name -> (job of size n, starting n). A long prompt starts past 480 KB: below that the
# parser's working memory fits in what is already allocated, and the first larger size
# pays a one-time step (measured: 96 KB -> 9 ms, 192 KB -> 50 ms, 384 KB -> 105 ms). The
# step is in the `re` engine matching the one long TEXT token (measured on the pattern
# alone: 360 KB -> 15 ms, 480 KB -> 58 ms, 960 KB -> 109 ms); the generated scanner,
# faster than Lark, used to start just below it.
LIBRARY_CASES: dict[str, tuple[Job, int]] = {
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
def test_library_cost_grows_linearly(name: str) -> None:
    job, n = LIBRARY_CASES[name]
    assert_linear(name, job, n)


def _reader(make: Callable[[int], bytes], kind: str = "text") -> Job:
    """A job that reads ``make(n)``; the bytes are made once per size (the timed and
    counted runs then measure the reading alone, not the making of the input)."""

    @functools.lru_cache(maxsize=4)
    def data(n: int) -> bytes:
        return make(n)

    def job(n: int) -> int:
        items = read_source(Source("-", kind, stdin=True), stdin=io.BytesIO(data(n)))
        return sum(1 for _ in items)

    return job


READER_CASES: dict[str, Job] = {
    # One line that never ends in a block: the old reader re-joined it every 64 KiB (a
    # quadratic copy inside one call: the time ratio is the measure that catches it).
    "one long line": _reader(lambda n: b"a cat " * (n * 1000)),
    "one long line with NULs": _reader(lambda n: b"a\x00 " * (n * 1000)),
    "CR line endings": _reader(lambda n: b"# c\r\r" * (n * 100)),
    "many CRLF lines": _reader(lambda n: b"# c\r\n\r\n" * (n * 100)),
    "invalid UTF-8 at the end": _reader(lambda n: b"# x\n" * (n * 100) + b"\xff"),
    "JSON Lines": _reader(lambda n: b'{"x": 1, "prompt": "a"}\n' * (n * 20), "jsonl"),
}


@pytest.mark.parametrize("name", list(READER_CASES))
def test_file_reading_cost_grows_linearly(name: str) -> None:
    assert_linear(name, READER_CASES[name], 100)


# ------------------------------------------------------------- the harness can fail


def _tick() -> None:
    """One unit of Python work."""


def _linear_calls(n: int) -> None:
    for _ in range(n):
        _tick()


def _quadratic_calls(n: int) -> None:
    # A rescan of everything before each item, in Python: n * n / 64 calls.
    for i in range(n):
        for _ in range(i // 32):
            _tick()


def _quadratic_scan(n: int) -> int:
    # Everything before each item scanned again, inside one built-in call per item (like
    # the old reader's re-join of a growing line): n calls, n * n / 2 characters.
    text = "x" * (64 * n)
    return sum(text.count("x", 0, 64 * i) for i in range(n))


def test_the_harness_passes_linear_work() -> None:
    assert_linear("linear", _linear_calls, 20_000)


def test_the_call_count_catches_a_quadratic_loop() -> None:
    assert call_ratio(_linear_calls, 2000) == pytest.approx(CALL_FACTOR, rel=0.01)
    with pytest.raises(AssertionError, match=r"4x the input made 1\d\.\dx the calls"):
        assert_linear("quadratic loop", _quadratic_calls, 2000)


def test_the_time_ratio_catches_a_quadratic_scan_the_calls_miss() -> None:
    # The count alone sees linear work here; only the time measure can fail this job
    # (one run a side: the large one costs 64 small ones).
    assert call_ratio(_quadratic_scan, 500) < CALL_BOUND
    with pytest.raises(AssertionError, match=r"8x the input took \d+\.\dx the time"):
        assert_linear("quadratic scan", _quadratic_scan, 500, repeat=1)


# ------------------------------------------------------------------ the whole CLI

_COUNT_CLI = """
import cProfile, pstats, sys
from mjprompt.cli import main
profiler = cProfile.Profile(builtins=True)
profiler.enable()
try:
    main(sys.argv[1:])
except SystemExit:
    pass
profiler.disable()
print(pstats.Stats(profiler).total_calls, file=sys.stderr)
"""


def _write(tmp_path: Path, lines: int) -> Path:
    path = tmp_path / f"{lines}.prompt"
    block = f"# a comment\n{BAD}\r\n\na dog --ar 1:1\n"
    path.write_text(block * (lines // 4), encoding="utf-8", newline="")
    return path


@pytest.mark.slow
def test_cli_calls_grow_linearly(tmp_path: Path) -> None:
    """The whole command (reading, linting, reporting) in a child process, counted from
    ``main``: the calls of an empty file are taken off both sides."""

    def calls(lines: int) -> int:
        args = ["check", str(_write(tmp_path, lines)), "--jobs", "1", "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-c", _COUNT_CLI, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith("MJPROMPT_")},
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
        if lines:
            assert proc.stdout.count("MJ101") == lines // 4, proc.stdout[-500:]
        return int(proc.stderr.strip().splitlines()[-1])

    startup = calls(0)
    small, large = calls(2_000) - startup, calls(8_000) - startup
    assert small > 10_000, (startup, small)
    assert large / small < CALL_BOUND, (startup, small, large)


@pytest.mark.slow
def test_cli_time_grows_linearly(cli: Callable[..., Any], tmp_path: Path) -> None:
    """The same command timed, n against 8n: startup (an empty file) is taken off both."""

    def cost(lines: int) -> float:
        path = _write(tmp_path, lines)
        runs = [cli("check", str(path), "--jobs", "1", "--format", "json") for _ in range(2)]
        assert all(r.returncode == (1 if lines else 0) for r in runs)
        return min(r.cpu for r in runs)

    startup = cost(0)
    # 10,000 lines: 4,000 became too quick to measure (under 0.05 s of CPU) once the
    # scanner took every prompt (issue 17).
    lines = 10_000
    small, large = cost(lines) - startup, cost(TIME_FACTOR * lines) - startup
    assert small > 0.05, small
    assert large / small < TIME_BOUND, (startup, small, large)
