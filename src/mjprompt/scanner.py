"""The fast path of the parser: a scanner generated from the grammar's terminals.

The tables in :mod:`mjprompt._scanner_tables` are written by ``tools/gen_scanner.py``
from ``grammar/prompt.lark`` through Lark: for each phase of a prompt (start, after
images, after text, after parameters) the terminals Lark's contextual lexer tries, in
Lark's priority order, with Lark's compiled patterns. :func:`scan` replays that order
token by token with ``pattern.match(text, pos)`` (no single backtracking master regex)
and builds the AST directly, with the same nodes the Lark transformer builds.

The scanner is deliberately conservative. It takes the common shape of a prompt:
optional image URLs, plain text with ``::`` weights, then ``--name value`` parameters.
Whenever the text holds anything else (braces, backslashes, dashes other than a
``--name`` marker at the start of a word, Unicode dashes) it returns ``None`` and the
caller parses with Lark, which is then both the fallback and the oracle the differential
tests compare against. A grammar change can therefore at worst send more prompts to
Lark; it cannot make the scanner build a different tree, as long as the tables are
regenerated (CI checks they are current).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import _scanner_tables as tables
from .ast import ImageRef, MarkerStyle, Parameter, Prompt, TextChunk, TextPart, Value, Weight
from .diagnostics import Span
from .params import lookup
from .values import parse_value

__all__ = ["compile_tables", "scan"]

# What the scanner does not take, whatever the tables say (the fence of its certainty):
# braces and backslashes (permutations, escapes); a hyphen that starts a word other
# than as `--` + letter (`- -`, `---`, ` -- ` in prose, `-5`); `--` inside a word; and
# every Unicode dash (en/em dash, minus sign and their lookalikes), which the grammar
# treats, or may come to treat, as markers. Written as cheap tests in order (a single
# regex search with lookbehinds costs as much as the scan itself).
_DASHES = re.compile(
    "[\u00ad\u058a\u05be\u1400\u1806\u2010-\u2015\u2043\u2212\u2796\u2e17\u2e1a"
    "\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead]"
).search
_HYPHENS = re.compile(r"-+").finditer
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _unsure(text: str) -> bool:
    """True when ``text`` holds something the scanner leaves to Lark (see above)."""
    if "{" in text or "}" in text or "\\" in text:
        return True
    if not text.isascii() and _DASHES(text) is not None:
        return True
    for m in _HYPHENS(text):
        start, end = m.span()
        if start == 0 or text[start - 1].isspace():  # a hyphen run that starts a word
            if end - start != 2 or text[end : end + 1] not in _LETTERS:
                return True
        elif end - start != 1:  # `--` or more inside a word
            return True
    return False


# What a matched terminal does in a phase: skip it, take it (and enter a phase), or give
# up. The phases the scanner knows and the moves between them are fixed here; the
# terminals and their order come from the tables.
_SKIP, _IMAGE, _TEXT, _WEIGHT, _PARAM, _GIVE_UP = range(6)
_TEXT_MOVES = {"TEXT": (_TEXT, "text"), "WEIGHT": (_WEIGHT, "text"), "PARAM": (_PARAM, "params")}
_MOVES: dict[str, dict[str, tuple[int, str]]] = {
    "start": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "images": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "text": _TEXT_MOVES,
    "params": {"PARAM": (_PARAM, "params")},
}

_Match = Callable[[str, int], "re.Match[str] | None"]
_Step = tuple[_Match, int, int]  # (pattern.match, action, next phase index)


_Phases = dict[str, tuple[tuple[str, ...], bool]]


def compile_tables(
    patterns: dict[str, str],
    phases: _Phases,
    ignore: tuple[str, ...],
    retyped: tuple[str, ...],
) -> tuple[tuple[tuple[_Step, ...], ...], tuple[bool, ...]]:
    """Each phase's steps in Lark's order, and whether the input may end there.

    Takes the tables as arguments so that the tests can build a scanner from altered
    tables and check that the differential tests catch it.
    """
    names = list(_MOVES)
    compiled = {name: re.compile(p).match for name, p in patterns.items()}
    steps: list[tuple[_Step, ...]] = []
    may_end: list[bool] = []
    for phase in names:
        order, end_ok = phases[phase]
        row: list[_Step] = []
        for kind in order:
            if kind in ignore and kind not in retyped:
                row.append((compiled[kind], _SKIP, names.index(phase)))
                continue
            action, nxt = _MOVES[phase].get(kind, (_GIVE_UP, phase))
            if kind in retyped:  # Lark may change the token's type: not ours
                action = _GIVE_UP
            row.append((compiled[kind], action, names.index(nxt)))
        steps.append(tuple(row))
        may_end.append(end_ok)
    return tuple(steps), tuple(may_end)


_STEPS, _MAY_END = compile_tables(tables.PATTERNS, tables.PHASES, tables.IGNORE, tables.RETYPED)
# Splitting a PARAM token, with the grammar's own sub-terminals (as the transformer does).
_HEAD = re.compile(rf"\s*({tables.SUB_PATTERNS['MARKER']})({tables.SUB_PATTERNS['NAME']})").match
_VALUES = re.compile(tables.SUB_PATTERNS["VALUE"]).finditer


def _parameter(token: str, base: int) -> Parameter | None:
    """The node of one PARAM token at ``base``; ``None`` for an unusual marker or name."""
    head = _HEAD(token)
    if head is None:
        return None
    marker, name = head.group(1, 2)
    if marker != "--" or not name:
        return None  # bare or malformed markers: Lark and the syntax rules decide
    skip = head.start(1)  # the whitespace before the marker is not the parameter's
    name_end = head.end()
    values: list[Value] = []
    words: list[str] = []
    for m in _VALUES(token, name_end):
        word = m.group()
        words.append(word)
        values.append(Value(Span(base + m.start(), base + m.end()), word))
    spec = lookup(name)
    return Parameter(
        span=Span(base + skip, values[-1].span.end if values else base + name_end),
        raw=token[skip:] if skip else token,
        marker=marker,
        marker_style=MarkerStyle.DOUBLE_HYPHEN,
        name=name,
        name_span=Span(base + head.start(2), base + name_end),
        spec=spec,
        values=tuple(values),
        value=None if spec is None else parse_value(spec, words),
    )


def scan(text: str) -> Prompt | None:
    """The prompt's AST, or ``None`` when the text is not of the shape the scanner takes."""
    if _unsure(text):
        return None
    images: list[ImageRef] = []
    parts: list[TextPart] = []
    params: list[Parameter] = []
    phase = 0
    pos = 0
    size = len(text)
    while pos < size:
        for step in _STEPS[phase]:
            m = step[0](text, pos)
            if m is not None:
                break
        else:
            return None  # no terminal matches: Lark reports or recovers
        action = step[1]
        end = m.end()
        if end == pos or action == _GIVE_UP:
            return None
        if action == _TEXT:
            parts.append(TextChunk(Span(pos, end), m.group()))
        elif action == _PARAM:
            param = _parameter(m.group(), pos)
            if param is None:
                return None
            params.append(param)
        elif action == _IMAGE:
            images.append(ImageRef(Span(pos, end), m.group()))
        elif action == _WEIGHT:
            parts.append(Weight(Span(pos, end), m.group()))
        phase = step[2]
        pos = end
    if not _MAY_END[phase]:
        return None
    return Prompt(text, tuple(images), tuple(parts), tuple(params))
