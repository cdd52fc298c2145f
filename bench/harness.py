"""Measuring on a shared, noisy machine: best-of-N rates, interleaved wall times, peak RSS.

Other processes come and go while a benchmark runs, so every comparison the benchmark
makes is between figures taken in the same run, interleaved round by round, keeping the
best (least disturbed) of each: the ratios are what is reported and judged.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

__all__ = [
    "Run",
    "Spread",
    "best_rate",
    "chunked_rates",
    "each",
    "interleaved",
    "machine",
    "parallel_capacity",
    "python_peak",
    "run_measured",
    "time_loop",
    "time_ratios",
]

# Runs a Python program (``-c CODE``, ``-m MODULE`` or a script, then its arguments) and,
# at exit, writes the process's peak RSS (VmHWM, KiB) to the file named by MJBENCH_HWM.
_HWM_WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["MJBENCH_HWM"], "w") as out:
                    out.write(line.split()[1])
atexit.register(_peak)
del sys.argv[0]
if sys.argv[0] == "-c":
    code = sys.argv.pop(1)
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
elif sys.argv[0] == "-m":
    runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


def time_loop(func: Callable[[str], object], items: Sequence[str]) -> float:
    """Seconds for one pass of ``func`` over ``items``."""
    start = time.perf_counter()
    for item in items:
        func(item)
    return time.perf_counter() - start


def best_rate(func: Callable[[str], object], items: Sequence[str], repeat: int) -> float:
    """Items per second of the fastest of ``repeat`` passes."""
    best = min(time_loop(func, items) for _ in range(max(1, repeat)))
    return len(items) / best


def each(func: Callable[[str], object]) -> Callable[[Sequence[str]], None]:
    """A chunk function that calls ``func`` on every item (see :func:`chunked_rates`)."""

    def run(items: Sequence[str]) -> None:
        for item in items:
            func(item)

    return run


def chunked_rates(
    funcs: Mapping[str, Callable[[Sequence[str]], object]],
    items: Sequence[str],
    *,
    repeat: int = 7,
    chunk: int = 32,
    before: Mapping[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Items per second of each chunk function, robust to a machine whose speed drifts.

    The items are cut into chunks of ``chunk``; each chunk is run ``repeat`` times by
    every function in turn (a function takes the whole chunk: :func:`each` makes one
    from a per-item function), and the fastest time of each function on each chunk is
    kept. A slow spell lasts longer than a chunk's few milliseconds, so every function
    gets a fast run of every chunk, and the sums compare like with like. ``before``
    names set-up run (untimed) ahead of a function's every run of a chunk.
    """
    total = dict.fromkeys(funcs, 0.0)
    clock = time.perf_counter
    for at in range(0, len(items), chunk):
        part = items[at : at + chunk]
        best = dict.fromkeys(funcs, float("inf"))
        for _ in range(max(1, repeat)):
            for name, func in funcs.items():
                if before is not None and name in before:
                    before[name]()
                start = clock()
                func(part)
                best[name] = min(best[name], clock() - start)
        for name, seconds in best.items():
            total[name] += seconds
    return {name: len(items) / seconds for name, seconds in total.items()}


@attrs.frozen
class Spread:
    """A ratio measured in several rounds: the median, and the lowest and highest."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.3f} ({self.low:.3f}–{self.high:.3f})"


def time_ratios(rounds: Sequence[Mapping[str, float]], base: str) -> dict[str, Spread]:
    """Per row, its time over the time of ``base`` (rates: base / row), across rounds.

    Each round is one :func:`chunked_rates` result. On a shared machine the ratio of one
    round moves by several percent with the neighbours' load; the median of a few rounds
    is what a benchmark should judge, and the range shows how far to trust it.
    """
    out: dict[str, Spread] = {}
    for name in rounds[0]:
        values = sorted(r[base] / r[name] for r in rounds)
        out[name] = Spread(statistics.median(values), values[0], values[-1])
    return out


@attrs.frozen
class Run:
    """One child process: exit code, wall time and its own peak resident memory."""

    code: int
    seconds: float
    peak_rss_kib: int
    stdout: str = ""


def run_measured(
    command: Sequence[str],
    *,
    cwd: str | Path | None = None,
    stdout: IO[Any] | int | None = subprocess.DEVNULL,
    capture: bool = False,
    env: Mapping[str, str] | None = None,
) -> Run:
    """Run ``command`` and return its exit code, wall time and peak RSS.

    The peak comes from ``wait4`` on that very child, so it is the child's own high-water
    mark, not the largest of every child this process ever waited for (which is what
    ``RUSAGE_CHILDREN`` gives).
    """
    out = subprocess.PIPE if capture else stdout
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env)
    text = ""
    if capture:
        assert proc.stdout is not None
        text = proc.stdout.read().decode("utf-8", "replace")
        proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Run(proc.returncode, seconds, peak, text)


def python_peak(
    args: Sequence[str], *, cwd: str | Path | None = None, stdout: IO[Any] | int | None = None
) -> Run:
    """Run ``python ARGS`` and return its own peak RSS, read from ``/proc`` at its exit.

    ``wait4``'s figure cannot be used for a child of a big process: Linux carries the
    parent's high-water mark into a child over fork and exec (the child's ``ru_maxrss``
    starts at the parent's), so every child of this benchmark would look as big as the
    benchmark itself. ``VmHWM`` is the high-water mark of the child's own address space.
    Falls back to ``wait4``'s figure where there is no ``/proc``.
    """
    with tempfile.TemporaryDirectory(prefix="mjbench-hwm-") as tmp:
        report = Path(tmp) / "hwm"
        env = {**os.environ, "MJBENCH_HWM": str(report)}
        command = [sys.executable, "-c", _HWM_WRAPPER, *args]
        run = run_measured(
            command, cwd=cwd, stdout=subprocess.DEVNULL if stdout is None else stdout, env=env
        )
        if report.is_file():
            run = attrs.evolve(run, peak_rss_kib=int(report.read_text()))
    return run


def interleaved(
    commands: Mapping[str, Sequence[str]], repeat: int, *, cwd: str | Path | None = None
) -> dict[str, list[Run]]:
    """Every command ``repeat`` times, round by round, after one warm-up run each.

    Alternating the commands gives each the same share of the machine's quiet moments;
    the warm-up fills the page cache and writes the ``.pyc`` files.
    """
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for command in commands.values():
        run_measured(command, cwd=cwd)
    for _ in range(max(1, repeat)):
        for name, command in commands.items():
            runs[name].append(run_measured(command, cwd=cwd))
    return runs


_SPIN = "n = 0\nfor i in range({n}): n += i * i\n"


def parallel_capacity(loops: int = 3_000_000) -> float:
    """How many cores' worth of CPU this machine gives right now (ideal: :func:`cores`).

    A fixed CPU-bound loop runs alone, then once per core at the same time: if other
    processes are busy, the simultaneous runs take longer and the capacity falls below
    the core count. It tells whether a multi-core figure could be reached at that moment.
    """
    command = [sys.executable, "-c", _SPIN.format(n=loops)]
    alone = min(run_measured(command).seconds for _ in range(2))
    n = cores()
    start = time.perf_counter()
    procs = [subprocess.Popen(command) for _ in range(n)]
    for proc in procs:
        proc.wait()
    together = time.perf_counter() - start
    return n * alone / together


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def machine() -> dict[str, Any]:
    """What the figures were measured on, load included (the machine is shared)."""
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cores": cores(),
        "load_average": load,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
