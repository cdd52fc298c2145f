"""Scanner tables generated from grammar/prompt.lark by tools/gen_scanner.py.

Do not edit: run ``python tools/gen_scanner.py`` after changing the grammar
(CI runs it with ``--check``).
"""

# ruff: noqa: E501
from __future__ import annotations

# sha256 of the grammar text these tables were generated from.
GRAMMAR_SHA256 = "66de325c7540d1b95ccb59e1b5601583a711b548f14cdfeb2ba69e6ee6fd357e"

# Each terminal the scanner may meet: Lark's compiled regular expression.
PATTERNS: dict[str, str] = {
    "COMMA": ",",
    "IMAGE": "(?i:<https?:\\/\\/[^\\s>]*>|https?:\\/\\/[^\\s]+)",
    "LBRACE": "\\{",
    "LOOSE_PARAM": "\\s*(?<!\\S)(?=(?:–|−|-\\s+-\\s*)[A-Za-z]|-{2,}\\s+(?:–|−|-\\s+-\\s*)[A-Za-z])(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]*[^\\s{}]*(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—|(?:–|−|-\\s+-\\s*)[A-Za-z]))))(?:[^\\s{}\\\\]+|\\\\\\S?)+)*",
    "OPTION_TEXT": "(?:\\\\[\\s\\S]?|[^\\s{},\\\\])(?:\\\\[\\s\\S]?|[^{},\\\\]+)*",
    "PARAM": "\\s*(?<!\\S)(?=[-—])(?=(?:-{2,}|—)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—)))(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]*[^\\s{}]*(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—|(?:–|−|-\\s+-\\s*)[A-Za-z]))))(?:[^\\s{}\\\\]+|\\\\\\S?)+)*",
    "RBRACE": "\\}",
    "TEXT": "(?:[^\\s{}:\\\\]+|\\\\\\S?|:(?!:))+(?:\\s+(?!(?=[-—])(?:(?:-{2,}|—)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—))))(?:[^\\s{}:\\\\]+|\\\\\\S?|:(?!:))+)*",
    "VALUE_TAIL": "(?:[^\\s{}\\\\]+|\\\\\\S?)+(?:\\s+(?!(?=[-—–−])(?:(?:-{2,}|—|–|−|-\\s+-\\s*)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—|(?:–|−|-\\s+-\\s*)[A-Za-z]))))(?:[^\\s{}\\\\]+|\\\\\\S?)+)*",
    "WEIGHT": "::(?:-?\\d*\\.?\\d+)?",
    "WS": "\\s+",
}

# Sub-terminals: of PARAM, to split it into marker, name and values; of TEXT, for
# the scanner's text runs.
SUB_PATTERNS: dict[str, str] = {
    "MARKER": "(?:-{2,}|—|–|−|-\\s+-\\s*)",
    "NAME": "[A-Za-z]*",
    "VALUE": "(?:[^\\s{}\\\\]+|\\\\\\S?)+",
    "WORD": "(?:[^\\s{}:\\\\]+|\\\\\\S?|:(?!:))+",
    "TEXT_GAP": "\\s+(?!(?=[-—])(?:(?:-{2,}|—)[A-Za-z]|-{2,}(?=\\s*$|\\s+(?:-{2,}|—))))",
}

# Per phase: the terminals the contextual lexer tries, in Lark's priority order,
# and whether the input may end in that phase.
PHASES: dict[str, tuple[tuple[str, ...], bool]] = {
    "start": (("IMAGE", "PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "images": (("IMAGE", "PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "text": (("PARAM", "WEIGHT", "TEXT", "WS", "LBRACE", "RBRACE"), True),
    "params": (("LOOSE_PARAM", "PARAM", "VALUE_TAIL", "WS", "LBRACE", "RBRACE"), True),
    "options": (("OPTION_TEXT", "WS", "COMMA", "LBRACE", "RBRACE"), False),
}

# Terminals that Lark ignores between tokens.
IGNORE: tuple[str, ...] = ("WS",)

# Terminals whose tokens Lark retypes through a lexer callback.
RETYPED: tuple[str, ...] = ()
