"""bench/import_table.py: reading ``-X importtime`` and what it reports."""

from __future__ import annotations

import subprocess

import import_table
import pytest

SAMPLE = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      3000 |       5000 | lark
import time:      2000 |       2000 |   lark.lexer
some warning line
import time:       500 |        700 | mjprompt.scanner
import time:        10 |         10 | httpxish
"""


def test_rows_are_read_with_depth_and_times() -> None:
    rows = import_table.parse_importtime(SAMPLE)
    assert [r.module for r in rows] == ["_io", "lark", "lark.lexer", "mjprompt.scanner", "httpxish"]
    assert rows[2].self_us == 2000 and rows[2].cumulative_us == 2000 and rows[2].depth == 1
    assert rows[1].depth == 0


def test_heavy_modules_match_whole_names_only() -> None:
    rows = import_table.parse_importtime(SAMPLE)
    assert import_table.loaded(rows) == ["lark", "lark.lexer"]


def test_summary_orders_by_own_time_and_totals() -> None:
    result = import_table.summary(import_table.parse_importtime(SAMPLE), top=2)
    assert result["top"] == [["lark", 3.0, 5.0], ["lark.lexer", 2.0, 2.0]]
    assert result["total_ms"] == 5.6 and result["mjprompt_ms"] == 0.5
    assert result["heavy_loaded"] == ["lark", "lark.lexer"]


def test_the_real_check_loads_no_heavy_module() -> None:
    result = import_table.summary(import_table.measure(), top=5)
    assert result["heavy_loaded"] == []
    assert result["modules"] > 10


SECOND_RUN = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      2500 |       5200 | lark
import time:      2000 |       2000 |   lark.lexer
import time:       900 |        600 | mjprompt.scanner
import time:        10 |         10 | httpxish
"""


def test_several_runs_keep_each_module_s_least_times(monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = iter([SAMPLE, SECOND_RUN])
    monkeypatch.setattr(
        subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "", next(outputs))
    )
    rows = {r.module: r for r in import_table.measure(runs=2)}
    assert (rows["lark"].self_us, rows["lark"].cumulative_us) == (2500, 5000)
    assert (rows["mjprompt.scanner"].self_us, rows["mjprompt.scanner"].cumulative_us) == (500, 600)
    assert rows["lark.lexer"].depth == 1
    assert [r.module for r in rows.values()][:2] == ["_io", "lark"]


def test_measured_commands_may_write_and_read_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert import_table.allow_bytecode() is True
    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
    assert import_table.allow_bytecode() is False
