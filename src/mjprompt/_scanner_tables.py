"""Scanner tables generated from grammar/prompt.lark by tools/gen_scanner.py.

Do not edit: run ``python tools/gen_scanner.py`` after changing the grammar
(CI runs it with ``--check``).
"""

# ruff: noqa: E501
from __future__ import annotations

# sha256 of the grammar text these tables were generated from.
GRAMMAR_SHA256 = "38e27554ef4acf1e3de0a2266c4d115beb0d733215ec80e61f938f3f40a4ed33"

# Each terminal the scanner may meet: Lark's compiled regular expression.
PATTERNS: dict[str, str] = {
    "IMAGE": "(?i:<https?:\\/\\/[^\\s>]*>|https?:\\/\\/[^\\s]+)",
    "LBRACE": "\\{",
    "PARAM": "\\s*(?<!\\S)(?=(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?!\\S))(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]*[^\\s{}]*(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?!\\S)))[^\\s{}]+)*",
    "RBRACE": "\\}",
    "TEXT": "(?:[^\\s{}:]+|:(?!:))+(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?!\\S)))(?:[^\\s{}:]+|:(?!:))+)*",
    "VALUE_TAIL": "[^\\s{}]+(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?!\\S)))[^\\s{}]+)*",
    "WEIGHT": "::(?:-?\\d*\\.?\\d+)?",
    "WS": "\\s+",
}

# Sub-terminals of PARAM, used to split it into marker, name and values.
SUB_PATTERNS: dict[str, str] = {
    "MARKER": "(?:-{2,}|—|–|−|-\\s+-\\s*)",
    "NAME": "[A-Za-z]*",
    "VALUE": "[^\\s{}]+",
}

# Per phase: the terminals the contextual lexer tries, in Lark's priority order,
# and whether the input may end in that phase.
PHASES: dict[str, tuple[tuple[str, ...], bool]] = {
    "start": (("IMAGE", "PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "images": (("IMAGE", "PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "text": (("PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "params": (("PARAM", "VALUE_TAIL", "WS", "LBRACE", "RBRACE"), True),
}

# Terminals that Lark ignores between tokens.
IGNORE: tuple[str, ...] = ("WS",)

# Terminals whose tokens Lark retypes through a lexer callback.
RETYPED: tuple[str, ...] = ()
