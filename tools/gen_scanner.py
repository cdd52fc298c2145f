"""Generate ``src/mjprompt/_scanner_tables.py`` from the grammar, through Lark.

The grammar (``src/mjprompt/grammar/prompt.lark``) stays the single definition of the
prompt language; Lark is its compiler. This tool asks Lark, for each phase of a prompt
the scanner knows (start, after images, after text, after parameters, inside braces),
which LALR state the parser is in and which terminals its contextual lexer tries there,
in Lark's own priority order, with each terminal's compiled regular expression. The scanner
(:mod:`mjprompt.scanner`) replays exactly that order with ``pattern.match(text, pos)``.

    python tools/gen_scanner.py           # rewrite the tables
    python tools/gen_scanner.py --check   # exit 1 when the tables are not current (CI)

The output depends only on the grammar and on Lark's compilation of it: phases, names
and patterns are written in a fixed order, so two runs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from lark import Lark, Token

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "src" / "mjprompt" / "grammar" / "prompt.lark"
TABLES = ROOT / "src" / "mjprompt" / "_scanner_tables.py"

# Token sequences that lead into each phase. Every sequence of a phase must leave the
# parser in states whose lexers try the same terminals in the same order; if a grammar
# change breaks that, the generator stops (the scanner's phases no longer fit).
PHASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "start": ((),),
    "images": (("IMAGE",), ("IMAGE", "IMAGE"), ("IMAGE", "IMAGE", "IMAGE")),
    "text": (
        ("TEXT",),
        ("TEXT", "TEXT"),
        ("IMAGE", "TEXT"),
        ("IMAGE", "TEXT", "TEXT"),
        ("WEIGHT",),
        ("TEXT", "WEIGHT"),
        ("WEIGHT", "TEXT"),
        ("IMAGE", "WEIGHT"),
        # After a permutation or a stray `}` in the text (at the start, after images,
        # after text): the scanner goes back to the text phase.
        ("LBRACE", "RBRACE"),
        ("IMAGE", "LBRACE", "RBRACE"),
        ("TEXT", "LBRACE", "OPTION_TEXT", "RBRACE"),
        ("TEXT", "LBRACE", "LBRACE", "RBRACE", "RBRACE"),
        ("RBRACE",),
        ("IMAGE", "RBRACE"),
        ("TEXT", "RBRACE"),
        ("LBRACE", "RBRACE", "TEXT"),
    ),
    "params": (
        ("PARAM",),
        ("PARAM", "PARAM"),
        ("TEXT", "PARAM"),
        ("IMAGE", "PARAM"),
        ("IMAGE", "TEXT", "PARAM", "PARAM"),
        ("TEXT", "WEIGHT", "PARAM"),
        # After a permutation, a stray `}` or the values after them in the parameters.
        ("PARAM", "LBRACE", "RBRACE"),
        ("PARAM", "LBRACE", "OPTION_TEXT", "COMMA", "RBRACE"),
        ("PARAM", "RBRACE"),
        ("PARAM", "LBRACE", "RBRACE", "VALUE_TAIL"),
        ("PARAM", "PARAM", "LOOSE_PARAM", "RBRACE"),
        ("TEXT", "LBRACE", "RBRACE", "PARAM", "LBRACE", "RBRACE"),
    ),
    # Inside a permutation's braces, wherever the group stands (text, parameters, another
    # group), at the start of an option, after its text, after a comma or an inner group.
    "options": (
        ("LBRACE",),
        ("TEXT", "LBRACE"),
        ("IMAGE", "LBRACE"),
        ("PARAM", "LBRACE"),
        ("LBRACE", "OPTION_TEXT"),
        ("LBRACE", "COMMA"),
        ("LBRACE", "OPTION_TEXT", "COMMA", "OPTION_TEXT"),
        ("LBRACE", "LBRACE"),
        ("LBRACE", "LBRACE", "RBRACE"),
        ("LBRACE", "OPTION_TEXT", "LBRACE", "OPTION_TEXT", "RBRACE", "OPTION_TEXT"),
        ("PARAM", "LBRACE", "LBRACE", "COMMA"),
    ),
}

# Sub-terminals the scanner uses: MARKER, NAME and VALUE to split a PARAM token, as the
# Lark transformer does; WORD and TEXT_GAP, of which TEXT is made, for its text runs.
SUB_TERMINALS = ("MARKER", "NAME", "VALUE", "WORD", "TEXT_GAP")


class GenerationError(RuntimeError):
    """The grammar no longer fits the scanner's phases."""


def _state_after(lark: Lark, kinds: tuple[str, ...]) -> tuple[int, bool]:
    """The LALR state after shifting ``kinds``, and whether the input may end there."""
    ip = lark.parse_interactive("")
    for kind in kinds:
        try:
            ip.feed_token(Token(kind, "x"))
        except Exception as exc:  # an UnexpectedToken: the grammar changed shape
            raise GenerationError(f"the grammar no longer accepts {' '.join(kinds)}") from exc
    position: int = ip.parser_state.position
    return position, "$END" in ip.choices()  # type: ignore[no-untyped-call]


def _phase_lexer(lark: Lark, state: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The terminal names the contextual lexer tries in ``state``, in order, and the
    names that carry a lexer callback (Lark retypes their tokens, the scanner must not
    take them)."""
    lexer: Any = lark.parser.lexer.lexers[state]
    scanner = lexer.scanner  # built on first access; applies Lark's `unless` merging
    order = tuple(t.name for t in scanner.terminals)
    callbacks = tuple(sorted(lexer.callback))
    return order, callbacks


def _sub_patterns(lark: Lark) -> dict[str, str]:
    """The sub-terminals' regular expressions, compiled by Lark (flags included)."""
    # Sub-terminals are folded into PARAM and TEXT and dropped from `Lark.terminals`; compiling
    # the loaded grammar again while keeping them yields their own definitions.
    grammar: Any = lark.grammar
    terminals, _rules, _ignore = grammar.compile(lark.options.start, set(SUB_TERMINALS))
    by_name = {t.name: t for t in terminals}
    out: dict[str, str] = {}
    for name in SUB_TERMINALS:
        if name not in by_name:
            raise GenerationError(f"sub-terminal {name} not found in the grammar")
        out[name] = by_name[name].pattern.to_regexp()
    return out


def generate(grammar: str) -> str:
    """The text of the tables module for this grammar."""
    lark = Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)
    patterns = {t.name: t.pattern.to_regexp() for t in lark.terminals}
    phases: dict[str, tuple[tuple[str, ...], bool]] = {}
    unless: set[str] = set()
    for phase, sequences in PHASES.items():
        seen: set[tuple[tuple[str, ...], bool]] = set()
        for kinds in sequences:
            state, may_end = _state_after(lark, kinds)
            order, callbacks = _phase_lexer(lark, state)
            unless.update(callbacks)
            seen.add((order, may_end))
        if len(seen) != 1:
            raise GenerationError(f"phase {phase!r} is reached in states that lex differently")
        phases[phase] = seen.pop()
    used = sorted({name for order, _ in phases.values() for name in order})
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()
    lines = [
        '"""Scanner tables generated from grammar/prompt.lark by tools/gen_scanner.py.',
        "",
        "Do not edit: run ``python tools/gen_scanner.py`` after changing the grammar",
        "(CI runs it with ``--check``).",
        '"""',
        "",
        "# ruff: noqa: E501",
        "from __future__ import annotations",
        "",
        "# sha256 of the grammar text these tables were generated from.",
        f"GRAMMAR_SHA256 = {digest!r}",
        "",
        "# Each terminal the scanner may meet: Lark's compiled regular expression.",
        "PATTERNS: dict[str, str] = {",
    ]
    lines += [f"    {name!r}: {patterns[name]!r}," for name in used]
    lines += [
        "}",
        "",
        "# Sub-terminals: of PARAM, to split it into marker, name and values; of TEXT, for",
        "# the scanner's text runs.",
        "SUB_PATTERNS: dict[str, str] = {",
    ]
    lines += [f"    {name!r}: {pattern!r}," for name, pattern in _sub_patterns(lark).items()]
    lines += [
        "}",
        "",
        "# Per phase: the terminals the contextual lexer tries, in Lark's priority order,",
        "# and whether the input may end in that phase.",
        "PHASES: dict[str, tuple[tuple[str, ...], bool]] = {",
    ]
    for phase, (order, may_end) in phases.items():
        lines.append(f"    {phase!r}: ({order!r}, {may_end!r}),")
    lines += [
        "}",
        "",
        "# Terminals that Lark ignores between tokens.",
        f"IGNORE: tuple[str, ...] = {tuple(sorted(lark.ignore_tokens))!r}",
        "",
        "# Terminals whose tokens Lark retypes through a lexer callback.",
        f"RETYPED: tuple[str, ...] = {tuple(sorted(unless))!r}",
        "",
    ]
    return "\n".join(lines)


def _format(source: str) -> str:
    """The module as ``ruff format`` would write it, so CI's format check agrees."""
    import subprocess

    ruff = Path(sys.executable).parent / "ruff"
    cmd = [str(ruff) if ruff.exists() else "ruff", "format", "--stdin-filename", str(TABLES), "-"]
    try:
        done = subprocess.run(cmd, input=source, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):  # no ruff: the raw text is still valid
        return source
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    """Write the tables, or with ``--check`` report whether they are current."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="fail if the tables are stale")
    ap.add_argument("--output", type=Path, default=TABLES, help="the tables module to write")
    args = ap.parse_args(argv)
    target: Path = args.output
    try:
        text = _format(generate(GRAMMAR.read_text(encoding="utf-8")))
    except GenerationError as exc:
        print(f"gen_scanner: {exc}", file=sys.stderr)
        return 2
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if args.check:
        if current != text:
            print(f"gen_scanner: {target} is stale; run tools/gen_scanner.py")
            return 1
        print("gen_scanner: tables are current")
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"gen_scanner: wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
