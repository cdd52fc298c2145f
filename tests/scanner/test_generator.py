"""The generated scanner tables: current, deterministic, and read from Lark."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from mjprompt import _scanner_tables as tables
from mjprompt.parser import _parser, grammar_text

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_scanner", ROOT / "tools" / "gen_scanner.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_scanner"] = module
    spec.loader.exec_module(module)
    return module


def test_tables_are_current() -> None:
    assert _tool().main(["--check"]) == 0


def test_digest_is_the_shipped_grammars() -> None:
    assert hashlib.sha256(grammar_text().encode("utf-8")).hexdigest() == tables.GRAMMAR_SHA256


def test_generation_is_deterministic() -> None:
    tool = _tool()
    first = tool.generate(grammar_text())
    assert tool.generate(grammar_text()) == first
    assert tables.GRAMMAR_SHA256 in first


def test_an_altered_table_file_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (ROOT / "src" / "mjprompt" / "_scanner_tables.py").read_text(encoding="utf-8")
    altered = source.replace('"TEXT", "WS"', '"WS", "TEXT"', 1)
    assert altered != source
    target = tmp_path / "tables.py"
    target.write_text(altered, encoding="utf-8")
    assert _tool().main(["--check", "--output", str(target)]) == 1
    assert "stale" in capsys.readouterr().out
    target.write_text(source, encoding="utf-8")
    assert _tool().main(["--check", "--output", str(target)]) == 0


def test_writing_brings_a_stale_file_up_to_date(tmp_path: Path) -> None:
    target = tmp_path / "tables.py"
    target.write_text("stale", encoding="utf-8")
    tool = _tool()
    assert tool.main(["--output", str(target)]) == 0
    assert tool.main(["--check", "--output", str(target)]) == 0


def test_a_grammar_outside_the_phases_is_refused() -> None:
    # A grammar where parameters may not follow images: the scanner's phases no longer
    # fit, and the generator must say so rather than write tables.
    tool = _tool()
    grammar = grammar_text().replace(
        "start: images? texts? params?", "start: images? texts? | texts params"
    )
    with pytest.raises(tool.GenerationError):
        tool.generate(grammar)


def test_patterns_are_larks_own() -> None:
    # The runtime parser's compiled terminals are the ones the tables carry.
    lark_terms = {t.name: t.pattern.to_regexp() for t in _parser().lark.terminals}
    for name, pattern in tables.PATTERNS.items():
        assert lark_terms[name] == pattern


def test_phase_orders_follow_larks_priorities() -> None:
    # Higher priority first (IMAGE.4, PARAM.3, WEIGHT.2, TEXT.1, then priority 0).
    start = tables.PHASES["start"][0]
    assert start.index("IMAGE") < start.index("PARAM") < start.index("WEIGHT") < start.index("TEXT")
    assert "IMAGE" not in tables.PHASES["text"][0]
    assert "TEXT" not in tables.PHASES["params"][0]
    # The input may end anywhere but inside braces (an unclosed `{` is Lark's to recover).
    assert {phase for phase, (_order, may_end) in tables.PHASES.items() if not may_end} == {
        "options"
    }
    assert "TEXT" not in tables.PHASES["options"][0]
    assert "OPTION_TEXT" in tables.PHASES["options"][0]
