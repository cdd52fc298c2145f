"""grammar/README.md names the grammar's terminals and rules as prompt.lark defines them.

The README once named a `stray_rbrace` node the grammar no longer had; this keeps the
prose and the `.lark` file in step: every terminal the grammar defines is explained,
and every upper-case name or lower-case rule the README quotes exists.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = (ROOT / "src" / "mjprompt" / "grammar" / "prompt.lark").read_text("utf-8")
README = (ROOT / "grammar" / "README.md").read_text("utf-8")

_DEFINED = re.compile(r"^[?!]?([A-Za-z_][A-Za-z_0-9]*)(?:\.\d+)?\s*:", re.MULTILINE)


def _defined() -> tuple[set[str], set[str]]:
    names = set(_DEFINED.findall(GRAMMAR))
    return {n for n in names if n.isupper()}, {n for n in names if not n.isupper()}


def test_every_terminal_is_explained() -> None:
    terminals, _ = _defined()
    terminals.discard("WS")  # ignored whitespace
    quoted = set(re.findall(r"`([A-Z_]+)`", README))
    assert terminals - quoted == set()


def test_every_quoted_grammar_name_exists() -> None:
    terminals, rules = _defined()
    quoted_terminals = set(re.findall(r"`([A-Z][A-Z_]+)`", README))
    assert quoted_terminals - terminals == set()
    # Lower-case words in backticks that look like rule names (snake_case or a known rule).
    quoted_rules = {n for n in re.findall(r"`([a-z_]+)`", README) if "_" in n}
    # `marker_style`: a field of the AST's Parameter; `on_error`: the Lark parser hook.
    known = rules | {"marker_style", "on_error"}
    assert quoted_rules - known == set()


def test_the_shape_line_is_the_start_rule() -> None:
    start = re.search(r"^start:.*$", GRAMMAR, re.MULTILINE)
    assert start is not None
    assert start.group() in README
