"""bench/import_table.py: reading ``-X importtime`` and what it reports."""

from __future__ import annotations

import import_table

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
