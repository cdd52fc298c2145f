"""The fast path of the parser: a scanner generated from the grammar's terminals.

The tables in :mod:`mjprompt._scanner_tables` are written by ``tools/gen_scanner.py``
from ``grammar/prompt.lark`` through Lark: for each phase of a prompt (start, after
images, after text, after parameters) the terminals Lark's contextual lexer tries, in
Lark's priority order, with Lark's compiled patterns. :func:`scan` replays that order
token by token with ``pattern.match(text, pos)`` (no single backtracking master regex)
and builds the AST directly, with the same nodes the Lark transformer builds.

The scanner takes every prompt without braces: image URLs, text with ``::`` weights and
escapes, and parameters with any marker the grammar knows (``--``, em dash, and the
malformed ones the syntax rules report). Braces (permutations, a stray ``}``) and any
terminal the tables place where the scanner has no move make it return ``None``, and
the caller parses with Lark, which is then both the fallback and the oracle the
differential tests compare against. A grammar change can therefore at worst send more
prompts to Lark; it cannot make the scanner build a different tree, as long as the
tables are regenerated (CI checks they are current).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from . import _scanner_tables as tables
from .ast import (
    ImageRef,
    MarkerStyle,
    Parameter,
    Prompt,
    TextChunk,
    TextPart,
    Value,
    Weight,
    marker_style,
)
from .diagnostics import Span
from .params import ParamSpec, lookup
from .values import parse_value

__all__ = ["compile_tables", "forget_parameter_tokens", "scan"]


# What a matched terminal does in a phase: skip it, take it (and enter a phase), or give
# up. The phases the scanner knows and the moves between them are fixed here; the
# terminals and their order come from the tables.
_SKIP, _IMAGE, _TEXT, _WEIGHT, _PARAM, _GIVE_UP = range(6)
_TEXT_MOVES = {"TEXT": (_TEXT, "text"), "WEIGHT": (_WEIGHT, "text"), "PARAM": (_PARAM, "params")}
_PARAM_MOVES = {"PARAM": (_PARAM, "params"), "LOOSE_PARAM": (_PARAM, "params")}
_MOVES: dict[str, dict[str, tuple[int, str]]] = {
    "start": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "images": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "text": _TEXT_MOVES,
    "params": _PARAM_MOVES,
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


# A PARAM token's parts relative to the token: the whitespace skipped before the marker,
# the marker and its style, the name and where it ends, each value (start, end, text),
# the table row and the parsed value. Everything in it is immutable.
_Shape = tuple[
    int, str, MarkerStyle, str, int, int, tuple[tuple[int, int, str], ...], ParamSpec | None, object
]


def _split(token: str) -> _Shape | None:
    head = _HEAD(token)
    if head is None:  # pragma: no cover - a PARAM token starts with MARKER NAME
        return None
    marker, name = head.group(1, 2)
    name_end = head.end()
    values = tuple((m.start(), m.end(), m.group()) for m in _VALUES(token, name_end))
    spec = lookup(name) if name else None
    value = None if spec is None else parse_value(spec, [v[2] for v in values])
    style = marker_style(marker)
    return (head.start(1), marker, style, name, head.start(2), name_end, values, spec, value)


# Parameter tokens repeat across the prompts of a dataset (`--ar 16:9`, `--v 7`): their
# split and parsed value are kept, keyed by the token text. Bounded in entries and in
# token length, and it holds only immutable values, so a caller cannot observe it except
# as speed.
_memo_split = functools.lru_cache(maxsize=4096)(_split)
_MEMO_MAX_CHARS = 200


def forget_parameter_tokens() -> None:
    """Empty the memo of parameter tokens (benchmarks measure a first pass with it)."""
    _memo_split.cache_clear()


def _parameter(token: str, base: int) -> Parameter | None:
    """The node of one PARAM (or LOOSE_PARAM) token at ``base``, as Lark's transformer
    builds it for a parameter without braces."""
    shape = _memo_split(token) if len(token) <= _MEMO_MAX_CHARS else _split(token)
    if shape is None:  # pragma: no cover - see _split
        return None
    skip, marker, style, name, name_start, name_end, words, spec, value = shape
    values = tuple([Value(Span(base + start, base + end), word) for start, end, word in words])
    return Parameter(
        span=Span(base + skip, values[-1].span.end if values else base + name_end),
        raw=token[skip:] if skip else token,
        marker=marker,
        marker_style=style,
        name=name,
        name_span=Span(base + name_start, base + name_end),
        spec=spec,
        values=values,
        value=value,
    )


def scan(text: str) -> Prompt | None:
    """The prompt's AST, or ``None`` when the text is not of the shape the scanner takes."""
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
