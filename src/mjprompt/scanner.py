"""The fast path of the parser: a scanner generated from the grammar's terminals.

The tables in :mod:`mjprompt._scanner_tables` are written by ``tools/gen_scanner.py``
from ``grammar/prompt.lark`` through Lark: for each phase of a prompt (start, after
images, after text, after parameters, inside braces) the terminals Lark's contextual
lexer tries, in Lark's priority order, with Lark's compiled patterns. :func:`scan` replays
that order token by token: per phase one alternation of those patterns, matched at the
current position (what Lark's lexer itself does in each state; never one regex over the
whole prompt), and builds the AST directly, with the same nodes the Lark transformer
builds. TEXT, most of a prompt, is matched as a text run (see "text runs" below).

The scanner takes image URLs, text with ``::`` weights and escapes, parameters with any
marker the grammar knows (``--``, em dash, and the malformed ones the syntax rules
report), permutation groups (nested, in the text and in parameter values) and stray
``}``. An unclosed ``{`` (which Lark's error handler closes at the end) and any terminal
the tables place where the scanner has no move make it return ``None``, and the caller
parses with Lark, which is then both the fallback and the oracle the differential tests
compare against. A grammar change can therefore at worst send more
prompts to Lark; it cannot make the scanner build a different tree, as long as the
tables are regenerated (CI checks they are current).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from . import _scanner_tables as tables
from ._memo import remember
from .ast import (
    ImageRef,
    MarkerStyle,
    Option,
    OptionText,
    Parameter,
    ParameterHead,
    Permutation,
    Prompt,
    StrayBrace,
    TextChunk,
    TextPart,
    Value,
    ValuePart,
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
# (Final: the compiled build inlines them.)
_SKIP: Final = 0
_IMAGE: Final = 1
_TEXT: Final = 2
_WEIGHT: Final = 3
_PARAM: Final = 4
_OPEN: Final = 5  # `{`: a permutation group starts
_OPTION_TEXT: Final = 6
_COMMA: Final = 7
_CLOSE: Final = 8  # `}` inside a group: it ends
_STRAY: Final = 9  # `}` outside any group
_TAIL: Final = 10  # values after a group or a stray `}` in the parameters
_GIVE_UP: Final = 11
_TEXT_MOVES = {
    "TEXT": (_TEXT, "text"),
    "WEIGHT": (_WEIGHT, "text"),
    "PARAM": (_PARAM, "params"),
    "LBRACE": (_OPEN, "options"),
    "RBRACE": (_STRAY, "text"),
}
_MOVES: dict[str, dict[str, tuple[int, str]]] = {
    "start": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "images": {"IMAGE": (_IMAGE, "images"), **_TEXT_MOVES},
    "text": _TEXT_MOVES,
    "params": {
        "PARAM": (_PARAM, "params"),
        "LOOSE_PARAM": (_PARAM, "params"),
        "VALUE_TAIL": (_TAIL, "params"),
        "LBRACE": (_OPEN, "options"),
        "RBRACE": (_STRAY, "params"),
    },
    "options": {
        "OPTION_TEXT": (_OPTION_TEXT, "options"),
        "COMMA": (_COMMA, "options"),
        "LBRACE": (_OPEN, "options"),
        "RBRACE": (_CLOSE, "options"),  # the phase after it is the group's surroundings
    },
}
_PHASE_INDEX = {name: index for index, name in enumerate(_MOVES)}
# The phase the scanner is in after a group that opened in each phase (the generator
# checks that Lark's parser agrees: tools/gen_scanner.py, PHASES).
_AFTER_GROUP = tuple(
    _PHASE_INDEX[after]
    for after in {
        "start": "text",
        "images": "text",
        "text": "text",
        "params": "params",
        "options": "options",
    }.values()
)
_TEXT_PHASE: Final = 2
_PARAMS_PHASE: Final = 3
_OPTIONS_PHASE: Final = 4
assert tuple(_PHASE_INDEX[n] for n in ("text", "params", "options")) == (
    _TEXT_PHASE,
    _PARAMS_PHASE,
    _OPTIONS_PHASE,
)

_Match = Callable[[str, int], "re.Match[str] | None"]
# One phase: the match of its terminals as one alternation, and per alternative (by the
# match's ``lastindex``, from 1) the action and the next phase's index.
_Phase = tuple[_Match, tuple[tuple[int, int], ...]]


_Phases = dict[str, tuple[tuple[str, ...], bool]]


# -- text runs ---------------------------------------------------------------------------
#
# TEXT is most of a prompt, and its regular expression, WORD (TEXT_GAP WORD)*, costs the
# regex engine a repeat iteration and a lookahead per word: 3.8 of the 6.1 µs the
# terminals cost per corpus prompt. Most of a text is plain: words of characters that
# are neither whitespace nor in WORD's excluded set ({, }, :, \) nor one that may start
# a marker after a gap (TEXT_GAP's lookahead starts with (?=[-—])), separated by
# spaces. TEXT always takes such a stretch whole, up to its last non-space character
# (each gap in it is followed by a plain character, which cannot start a marker), and
# after it TEXT is in the same state as after any word character. A character class
# repeat takes that stretch at a few ns per character. So the scanner matches TEXT with
#
#   RUN = UNIT (?:[P ]*[P])?           a unit of WORD, then plain characters and spaces
#   TEXT as text runs = RUN (?:(?:TEXT_GAP)? RUN)*
#
# where UNIT is one repetition of WORD's group and P the plain characters: the engine
# repeats once per special character (a dash, a colon, a tab…) instead of once per word.
# It matches wherever TEXT does (both start with UNIT), so the alternation picks the same
# terminal, and it ends where TEXT ends (every repetition is greedy and nothing follows
# it, so the engine keeps the first way it matches, as it does for TEXT). UNIT and
# TEXT_GAP are the grammar's own sub-terminals (from the tables); only P is derived
# here, from WORD's and TEXT_GAP's character classes. When the tables' TEXT is not of
# that shape, the whole TEXT pattern is used (`text_run_pattern` returns None; a test
# checks the current grammar's is).
# Measured with bench/ab.py: parse 0.27x -> 0.35x the regex floor (bench/README.md).

# Every character `\s` matches except the space (str.isspace(); a test checks the list
# against the regex engine on every code point).
_WHITESPACE_BUT_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_CLASS = r"(?:[^\]\\]|\\.)*"  # the inside of a character class, up to its `]`
_WORD_SHAPE = re.compile(rf"\(\?:\[\^\\s(?P<excluded>{_CLASS})\]\+\|.*\)\+", re.DOTALL)
_GAP_SHAPE = re.compile(rf"\\s\+\(\?!(?P<look>\(\?=\[(?P<starts>{_CLASS})\]\).*)\)", re.DOTALL)


def _class_chars(inside: str) -> str | None:
    """The characters a class's inside lists one by one (``None`` for ranges, classes
    like ``\\s`` or anything else this does not read)."""
    chars: list[str] = []
    i = 0
    while i < len(inside):
        c = inside[i]
        if c == "\\":
            escaped = inside[i + 1 : i + 2]
            if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", inside[i + 2 : i + 6]):
                chars.append(chr(int(inside[i + 2 : i + 6], 16)))
                i += 6
                continue
            if not escaped or escaped.isalnum():
                return None
            chars.append(escaped)
            i += 2
            continue
        if c in "[^" or (c == "-" and 0 < i < len(inside) - 1):
            return None
        chars.append(c)
        i += 1
    return "".join(chars)


def text_run_pattern(patterns: dict[str, str], sub: dict[str, str]) -> str | None:
    """TEXT's pattern as text runs (see above), or ``None`` when TEXT is
    not WORD (TEXT_GAP WORD)* with WORD = (?:[^\\s…]+|…)+ and TEXT_GAP = \\s+(?!(?=[…])…)."""
    word, gap = sub.get("WORD", ""), sub.get("TEXT_GAP", "")
    if patterns.get("TEXT") != f"{word}(?:{gap}{word})*":
        return None
    word_shape, gap_shape = _WORD_SHAPE.fullmatch(word), _GAP_SHAPE.fullmatch(gap)
    if word_shape is None or gap_shape is None:
        return None
    try:  # the `+` and the `)` matched above close WORD's group and TEXT_GAP's (?!
        re.compile(word[3:-2])
        re.compile(gap_shape["look"])
    except re.error:
        return None
    excluded = _class_chars(word_shape["excluded"])
    starts = _class_chars(gap_shape["starts"])
    if excluded is None or starts is None:
        return None
    special = "".join(re.escape(c) for c in sorted(set(excluded + starts)))
    plain = f"[^\\s{special}]"
    plain_or_space = f"[^{_WHITESPACE_BUT_SPACE}{special}]"
    run = f"{word[:-1]}(?:{plain_or_space}*{plain})?"
    return f"{run}(?:(?:{gap})?{run})*"


def compile_tables(
    patterns: dict[str, str],
    phases: _Phases,
    ignore: tuple[str, ...],
    retyped: tuple[str, ...],
    sub_patterns: dict[str, str] | None = None,
) -> tuple[tuple[_Phase, ...], tuple[bool, ...]]:
    """Each phase's terminals compiled as one alternation in Lark's order, their moves,
    and whether the input may end there.

    ``(A)|(B)|…`` matched at a position gives what trying ``A``, then ``B``… one by one
    gives: nothing follows the alternation, so the first alternative that matches at all
    is taken, with the match it has alone (Lark's contextual lexer builds the same
    alternation for each of its states). The patterns must have no groups of their own,
    so that ``lastindex`` names the terminal. TEXT is matched as text runs when its
    pattern has the shape :func:`text_run_pattern` reads (``sub_patterns``: the tables'
    sub-terminals).

    Takes the tables as arguments so that the tests can build a scanner from altered
    tables and check that the differential tests catch it.
    """
    names = list(_PHASE_INDEX)
    run = text_run_pattern(patterns, tables.SUB_PATTERNS if sub_patterns is None else sub_patterns)
    steps: list[_Phase] = []
    may_end: list[bool] = []
    for phase in names:
        order, end_ok = phases[phase]
        moves: list[tuple[int, int]] = [(_GIVE_UP, 0)]  # lastindex starts at 1
        alternatives: list[str] = []
        for kind in order:
            alternatives.append(run if kind == "TEXT" and run is not None else patterns[kind])
            if kind in ignore and kind not in retyped:
                moves.append((_SKIP, names.index(phase)))
                continue
            action, nxt = _MOVES[phase].get(kind, (_GIVE_UP, phase))
            if kind in retyped:  # Lark may change the token's type: not ours
                action = _GIVE_UP
            moves.append((action, names.index(nxt)))
        alternation = re.compile("|".join(f"({a})" for a in alternatives))
        if alternation.groups != len(alternatives):
            raise ValueError(f"phase {phase}: a terminal with a capturing group breaks it")
        steps.append((alternation.match, tuple(moves)))
        may_end.append(end_ok)
    return tuple(steps), tuple(may_end)


_STEPS, _MAY_END = compile_tables(tables.PATTERNS, tables.PHASES, tables.IGNORE, tables.RETYPED)
# Splitting a PARAM token, with the grammar's own sub-terminals (as the transformer does).
_HEAD = re.compile(rf"\s*({tables.SUB_PATTERNS['MARKER']})({tables.SUB_PATTERNS['NAME']})").match
_VALUES = re.compile(tables.SUB_PATTERNS["VALUE"]).finditer


# A PARAM token's parts relative to the token: the whitespace skipped before the marker,
# the parameter as written (the token without that whitespace), the marker and its
# style, the name and where it starts and ends, where the parameter ends, each value
# (start, end, text), the table row and the parsed value. Everything in it is immutable.
_Shape = tuple[
    int,
    str,
    str,
    MarkerStyle,
    str,
    int,
    int,
    int,
    tuple[tuple[int, int, str], ...],
    ParamSpec | None,
    object,
]


def _split(token: str) -> _Shape:
    head = _HEAD(token)
    assert head is not None  # a PARAM token starts with MARKER NAME
    skip = head.start(1)
    marker, name = head.group(1, 2)
    name_end = head.end()
    values = tuple((m.start(), m.end(), m.group()) for m in _VALUES(token, name_end))
    spec = lookup(name) if name else None
    value = None if spec is None else parse_value(spec, [v[2] for v in values])
    end = values[-1][1] if values else name_end
    raw = token[skip:] if skip else token
    return (
        skip,
        raw,
        marker,
        marker_style(marker),
        name,
        head.start(2),
        name_end,
        end,
        values,
        spec,
        value,
    )


def _parameter_parts(token: str) -> tuple[str, ParamSpec | None, ParameterHead]:
    """What :meth:`Parameter.at` takes of a PARAM (or LOOSE_PARAM) token, besides its
    position: the parameter as written, its table row and its head."""
    skip, raw, marker, style, name, name_start, name_end, end, words, spec, value = _split(token)
    return raw, spec, (marker, style, name, value, skip, end, name_start, name_end, words)


# Parameter tokens repeat across the prompts of a dataset (`--ar 16:9`, `--v 7`): their
# split and parsed value are kept, keyed by the token text. Bounded in entries and in
# token length, and it holds only immutable values, so a caller cannot observe it except
# as speed. (The nodes share the memo's `raw` string, whose hash is then computed once:
# the rules' own memo is keyed by it.) A plain dict filled by `_memo.remember`, rather
# than `functools.lru_cache`: lint +2.3% by the median of 24 `bench/ab.py` rounds.
_memo: dict[str, tuple[str, ParamSpec | None, ParameterHead]] = {}
_MEMO_ENTRIES: Final = 4096
_MEMO_MAX_CHARS: Final = 200


def forget_parameter_tokens() -> None:
    """Empty the memo of parameter tokens (benchmarks measure a first pass with it)."""
    _memo.clear()


def _parameter(token: str, base: int) -> Parameter:
    """The node of one PARAM (or LOOSE_PARAM) token at ``base``, as Lark's transformer
    builds it for a parameter without braces (its positions and value nodes built on
    first use)."""
    parts = _memo.get(token)
    if parts is None:
        parts = _parameter_parts(token)
        if len(token) <= _MEMO_MAX_CHARS:
            remember(_memo, token, parts, _MEMO_ENTRIES)
    raw, spec, head = parts
    return Parameter.at(base, raw, spec, head)


# What follows a parameter's own token: a permutation, a stray `}`, or a VALUE_TAIL
# token (its position and text).
_Tail = Permutation | StrayBrace | tuple[int, str]


def _parameter_with_tails(token: str, base: int, tails: list[_Tail], text: str) -> Parameter:
    """The node of a parameter followed by groups, stray braces or more values, as
    Lark's transformer builds it (``mjprompt.parser._Builder.finish``)."""
    skip, _raw, marker, style, name, name_start, name_end, _end, words, spec, _value = _split(token)
    values: list[ValuePart] = [
        Value(Span(base + start, base + end), word) for start, end, word in words
    ]
    for tail in tails:
        if isinstance(tail, tuple):
            at, tail_text = tail
            values.extend(
                Value(Span(at + m.start(), at + m.end()), m.group()) for m in _VALUES(tail_text)
            )
        else:
            values.append(tail)
    start = base + skip
    end = values[-1].span.end if values else base + name_end
    parsed = None
    if spec is not None and all(v.__class__ is Value for v in values):
        parsed = parse_value(spec, [v.raw for v in values if isinstance(v, Value)])
    return Parameter(
        span=Span(start, end),
        raw=text[start:end],
        marker=marker,
        marker_style=style,
        name=name,
        name_span=Span(base + name_start, base + name_end),
        spec=spec,
        values=tuple(values),
        value=parsed,
    )


class _Group:
    """A permutation group being scanned: where its `{` starts, its options so far, the
    parts of the current option, where an empty option would stand, and the phase after
    the group."""

    __slots__ = ("after", "empty_at", "options", "parts", "start")

    def __init__(self, start: int, end: int, after: int) -> None:
        self.start = start
        self.options: list[Option] = []
        self.parts: list[OptionText | Permutation] = []
        self.empty_at = end
        self.after = after

    def close_option(self) -> None:
        parts = tuple(self.parts)
        # An empty option has no token of its own: it stands after `{` or `,`.
        span = (
            Span(parts[0].span.start, parts[-1].span.end)
            if parts
            else Span(self.empty_at, self.empty_at)
        )
        self.options.append(Option(span, parts))
        self.parts = []


def scan(text: str) -> Prompt | None:
    """The prompt's AST, or ``None`` when the text is not of the shape the scanner takes."""
    images: list[ImageRef] = []
    parts: list[TextPart] = []
    params: list[Parameter] = []
    # The permutation groups open at this point, outermost first, and the tails of
    # parameters (by index): made at the prompt's first brace (most prompts have none).
    groups: list[_Group] | None = None
    tails: dict[int, tuple[str, int, list[_Tail]]] | None = None
    # The last parameter token and its position.
    param_token = ""
    param_base = 0
    phase = 0
    pos = 0
    size = len(text)
    steps = _STEPS
    while pos < size:
        match, moves = steps[phase]
        m = match(text, pos)
        if m is None:
            return None  # no terminal matches: Lark reports or recovers
        action, next_phase = moves[m.lastindex or 0]
        end = m.end()
        if end == pos or action == _GIVE_UP:
            return None
        # The common tokens first, by how often a corpus prompt has them.
        if action == _PARAM:
            param_token = m.group()
            param_base = pos
            params.append(_parameter(param_token, pos))
        elif action == _TEXT:
            parts.append(TextChunk(Span(pos, end), m.group()))
        elif action == _SKIP:
            pass
        elif action == _WEIGHT:
            parts.append(Weight(Span(pos, end), m.group()))
        elif action == _IMAGE:
            images.append(ImageRef(Span(pos, end), m.group()))
        else:
            # Braces: rare, so kept out of the common path above.
            if groups is None:
                groups = []
            if tails is None:
                tails = {}
            tail: _Tail | None = None
            if action == _OPTION_TEXT:
                groups[-1].parts.append(OptionText(Span(pos, end), m.group()))
            elif action == _OPEN:
                groups.append(_Group(pos, end, _AFTER_GROUP[phase]))
            elif action == _COMMA:
                group = groups[-1]
                group.close_option()
                group.empty_at = end
            elif action == _CLOSE:
                group = groups.pop()
                group.close_option()
                perm = Permutation(Span(group.start, end), tuple(group.options), True)
                pos = end
                phase = group.after
                if phase == _OPTIONS_PHASE:
                    groups[-1].parts.append(perm)
                elif phase == _TEXT_PHASE:
                    parts.append(perm)
                else:
                    tail = perm
            elif action == _STRAY:
                if phase == _PARAMS_PHASE:
                    tail = StrayBrace(Span(pos, end))
                else:
                    parts.append(StrayBrace(Span(pos, end)))
            elif action == _TAIL:
                tail = (pos, m.group())
            if tail is not None:
                index = len(params) - 1
                if index not in tails:
                    tails[index] = (param_token, param_base, [])
                tails[index][2].append(tail)
            if action == _CLOSE:
                continue
        phase = next_phase
        pos = end
    if not _MAY_END[phase]:
        return None
    if tails:
        for index, (token, base, more) in tails.items():
            params[index] = _parameter_with_tails(token, base, more, text)
    return Prompt(text, tuple(images) if images else (), tuple(parts), tuple(params))
