"""The measuring tools: exit codes, and peak memory that is the child's own."""

from __future__ import annotations

import sys

from harness import (
    Run,
    Spread,
    best_rate,
    chunked_rates,
    each,
    interleaved,
    machine,
    python_peak,
    run_measured,
    time_ratios,
)


def test_run_measured_reports_the_exit_code_and_output() -> None:
    run = run_measured([sys.executable, "-c", "print('hi'); raise SystemExit(3)"], capture=True)
    assert run.code == 3
    assert run.stdout.strip() == "hi"
    assert run.seconds > 0
    assert run.peak_rss_kib > 0


def test_python_peak_is_the_childs_own_not_the_parents() -> None:
    # wait4's ru_maxrss of a child starts at its parent's high-water mark; VmHWM does not.
    ballast = bytearray(200 * 1024 * 1024)  # this process: over 200 MiB resident
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = python_peak(["-c", "pass"])
    big = python_peak(["-c", "b = bytearray(80 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"])
    del ballast
    assert small.code == 0 and big.code == 0
    assert small.peak_rss_kib < 100 * 1024, small
    assert big.peak_rss_kib > small.peak_rss_kib + 60 * 1024, (small, big)


def test_python_peak_runs_code_modules_and_scripts_with_their_arguments(tmp_path) -> None:
    script = tmp_path / "echo.py"
    script.write_text("import sys\nraise SystemExit(int(sys.argv[1]))\n")
    assert python_peak([str(script), "4"]).code == 4
    assert python_peak(["-c", "import sys; raise SystemExit(len(sys.argv))", "a", "b"]).code == 3
    assert python_peak(["-m", "json.tool", "--help"]).code == 0


def test_interleaved_runs_each_command_the_number_of_rounds() -> None:
    runs = interleaved(
        {"ok": [sys.executable, "-c", "pass"], "bad": [sys.executable, "-c", "1/0"]}, 2
    )
    assert [r.code for r in runs["ok"]] == [0, 0]
    assert all(isinstance(r, Run) and r.code == 1 for r in runs["bad"])


def test_best_rate_counts_items_per_second() -> None:
    items = ["a"] * 1000
    rate = best_rate(len, items, 3)
    assert rate > 1000  # 1000 calls of len() take far less than a second


def test_chunked_rates_runs_every_function_on_every_chunk() -> None:
    seen: dict[str, list[int]] = {"a": [], "b": []}
    fresh: list[str] = []
    items = [str(n) for n in range(10)]
    rates = chunked_rates(
        {"a": lambda chunk: seen["a"].append(len(chunk)), "b": each(seen["b"].append)},
        items,
        repeat=2,
        chunk=4,
        before={"b": lambda: fresh.append("b")},
    )
    assert seen["a"] == [4, 4, 4, 4, 2, 2]  # three chunks, each run twice
    assert seen["b"] == [*items[0:4] * 2, *items[4:8] * 2, *items[8:] * 2]
    assert fresh == ["b"] * 6  # before every run of b, never before a
    assert set(rates) == {"a", "b"} and all(r > 10 for r in rates.values())


def test_machine_describes_the_machine() -> None:
    info = machine()
    assert info["cores"] >= 1
    assert info["python"].count(".") == 2


def test_time_ratios_take_the_median_round_and_its_range() -> None:
    rounds = [
        {"parse": 100.0, "lint": 80.0},  # lint takes 1.25x the time of parse
        {"parse": 120.0, "lint": 100.0},  # 1.2x
        {"parse": 90.0, "lint": 60.0},  # 1.5x
    ]
    times = time_ratios(rounds, "parse")
    assert times["parse"] == Spread(1.0, 1.0, 1.0)
    assert times["lint"] == Spread(1.25, 1.2, 1.5)
    assert str(times["lint"]) == "1.250 (1.200–1.500)"
