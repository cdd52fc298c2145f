"""Permutation expansion: ``a {red, green} bird`` -> ``a red bird``, ``a green bird``.

Expansion walks the AST's :class:`~mjprompt.ast.Permutation` nodes (the grammar is the
only definition of what a group is), so it agrees with the parser about braces, escapes
and nesting. Midjourney's rules (v7-syntax.md §2.7):

* every group gives one job per option; several groups multiply;
* options are stripped of surrounding whitespace (``{red, green}`` gives ``green``,
  not `` green``);
* ``\\,`` is a literal comma inside an option; other backslashes are kept as written;
* groups nest: ``{seagull {on a pier, on a beach}, poodle}`` gives three options.

Each expansion remembers where every piece of its text came from, so that a diagnostic
found in an expansion can be reported at a span of the original prompt.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator, Sequence

from ._record import Record, setters
from .ast import Option, OptionText, Permutation, Prompt
from .diagnostics import Span
from .parsing import parse

__all__ = [
    "DEFAULT_LIMIT",
    "Expansion",
    "ExpansionError",
    "NestingError",
    "count_expansions",
    "expand",
    "expansions",
    "group_count",
    "nesting_depth",
]

# Expansion recurses once per level of nesting; deeper prompts are refused, not expanded.
MAX_NESTING = 50

# Midjourney's cap on the jobs of one permutation prompt (Pro/Mega plans; v7-syntax.md §2.7).
DEFAULT_LIMIT = 40

_ESCAPED_COMMA = re.compile(r"\\,")


class NestingError(ValueError):
    """Permutation groups nest deeper than :data:`MAX_NESTING` levels."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        super().__init__(
            f"permutation groups nest {depth} levels deep; at most {MAX_NESTING} are expanded"
        )


class ExpansionError(ValueError):
    """The prompt would expand to more prompts than the limit allows."""

    def __init__(self, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(
            f"the prompt expands to {_plural(count)}, more than the limit of {limit}; "
            "remove options or raise the limit"
        )


def _plural(count: int) -> str:
    if count > 10**12:
        return f"about 10^{math.floor(math.log10(count))} prompts"
    return f"{count} prompts" if count != 1 else "1 prompt"


# -- counting ------------------------------------------------------------------------


def group_count(group: Permutation) -> int:
    """How many texts a group gives: the sum over its options of their products.

    Iterative (post-order over an explicit stack), so any nesting depth is fine.
    """
    counts: dict[int, int] = {}
    stack: list[tuple[Permutation, bool]] = [(group, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend(
                (part, False)
                for option in node.options
                for part in option.parts
                if isinstance(part, Permutation)
            )
            continue
        total = 0
        for option in node.options:
            n = 1
            for part in option.parts:
                if isinstance(part, Permutation):
                    n *= counts.pop(id(part))
            total += n
        counts[id(node)] = total
    return counts[id(group)]


def nesting_depth(prompt: Prompt) -> int:
    """How deep permutation groups nest (0 without any, 1 for ``{a, b}``)."""
    deepest = 0
    stack = [(g, 1) for g in prompt.permutations()]
    while stack:
        group, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend(
            (part, depth + 1)
            for option in group.options
            for part in option.parts
            if isinstance(part, Permutation)
        )
    return deepest


def count_expansions(prompt: Prompt) -> int:
    """How many prompts ``prompt`` expands to, computed without expanding (1 if none)."""
    n = 1
    for group in prompt.permutations():
        n *= group_count(group)
    return n


# -- pieces --------------------------------------------------------------------------


class _Piece(Record):
    """A run of expansion text and where it came from.

    ``exact`` pieces are copied verbatim (offset i maps to ``start + i``); the others
    (an unescaped ``\\,``) map as a whole to their source span. ``group`` is the span of
    the top-level permutation the piece came from, or ``None`` outside permutations.
    """

    __slots__ = ("text", "start", "end", "exact", "group")  # noqa: RUF023 - field order
    text: str
    start: int
    end: int
    exact: bool
    group: Span | None

    def __init__(
        self, text: str, start: int, end: int, exact: bool, group: Span | None = None
    ) -> None:
        _set_piece_text(self, text)
        _set_piece_start(self, start)
        _set_piece_end(self, end)
        _set_piece_exact(self, exact)
        _set_piece_group(self, group)


_set_piece_text, _set_piece_start, _set_piece_end, _set_piece_exact, _set_piece_group = setters(
    _Piece, *_Piece.__slots__
)


_Alternative = tuple[_Piece, ...]


def _option_text_pieces(part: OptionText) -> list[_Piece]:
    pieces: list[_Piece] = []
    pos = 0
    base = part.span.start
    for m in _ESCAPED_COMMA.finditer(part.raw):
        if m.start() > pos:
            pieces.append(_Piece(part.raw[pos : m.start()], base + pos, base + m.start(), True))
        pieces.append(_Piece(",", base + m.start(), base + m.end(), False))
        pos = m.end()
    if pos < len(part.raw) or not pieces:
        pieces.append(_Piece(part.raw[pos:], base + pos, base + len(part.raw), True))
    return pieces


def _strip(pieces: Sequence[_Piece]) -> _Alternative:
    """Strip whitespace at both ends of the concatenated pieces (Midjourney trims options)."""
    out = [p for p in pieces if p.text]
    while out and out[0].text[:1].isspace():
        first = out[0]
        text = first.text.lstrip()
        cut = len(first.text) - len(text)
        if text:
            out[0] = first.replace(text=text, start=first.start + cut)
        else:
            out.pop(0)
    while out and out[-1].text[-1:].isspace():
        last = out[-1]
        text = last.text.rstrip()
        cut = len(last.text) - len(text)
        if text:
            out[-1] = last.replace(text=text, end=last.end - cut)
        else:
            out.pop()
    return tuple(out)


def _option_alternatives(option: Option) -> Iterator[_Alternative]:
    choices: list[list[_Alternative]] = []
    previous_end: int | None = None
    for part in option.parts:
        if previous_end is not None and part.span.start > previous_end:
            # The parser keeps no token for the blank between a nested group and the
            # text after it (`{a {b,c} d}`); without this piece the words would touch.
            choices.append([(_Piece(" ", previous_end, part.span.start, False),)])
        previous_end = part.span.end
        if isinstance(part, Permutation):
            choices.append(list(_group_alternatives(part)))
        else:
            choices.append([tuple(_option_text_pieces(part))])
    for combo in itertools.product(*choices):
        yield _strip([piece for alternative in combo for piece in alternative])


def _group_alternatives(group: Permutation) -> Iterator[_Alternative]:
    for option in group.options:
        yield from _option_alternatives(option)


# -- expansions ----------------------------------------------------------------------


class Expansion(Record):
    """One expanded prompt, with the way back to the original's offsets."""

    __slots__ = ("index", "text", "choices", "pieces", "_starts")  # noqa: RUF023 - field order
    index: int  # 1-based
    text: str
    choices: tuple[str, ...]  # the text chosen for each top-level group, in order
    pieces: tuple[_Piece, ...]
    _starts: tuple[int, ...]  # offset in ``text`` where each piece starts

    def __init__(
        self,
        index: int,
        text: str,
        choices: tuple[str, ...],
        pieces: tuple[_Piece, ...],
        starts: tuple[int, ...],
    ) -> None:
        _set_expansion_index(self, index)
        _set_expansion_text(self, text)
        _set_expansion_choices(self, choices)
        _set_expansion_pieces(self, pieces)
        _set_expansion_starts(self, starts)

    def _at(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        return max(0, min(i, len(self.pieces) - 1))

    def _map(self, i: int, offset: int, *, end: bool) -> int:
        piece = self.pieces[i]
        if piece.exact:
            local = offset - self._starts[i]
            return piece.start + max(0, min(local, piece.end - piece.start))
        return piece.end if end else piece.start

    def to_source(self, span: Span) -> Span:
        """The span of the original prompt that ``span`` of this expansion comes from.

        A span inside one piece maps exactly; a span that reaches into a permutation
        from outside it (or across groups) widens to cover the whole group.
        """
        if not self.pieces:
            return Span(0, 0)
        i = self._at(span.start)
        j = self._at(max(span.start, span.end - 1))
        if i == j:
            return Span(self._map(i, span.start, end=False), self._map(j, span.end, end=True))
        first, last = self.pieces[i], self.pieces[j]
        start = first.group.start if first.group else self._map(i, span.start, end=False)
        stop = last.group.end if last.group else self._map(j, span.end, end=True)
        return Span(min(start, stop), max(start, stop))


(
    _set_expansion_index,
    _set_expansion_text,
    _set_expansion_choices,
    _set_expansion_pieces,
    _set_expansion_starts,
) = setters(Expansion, *Expansion.__slots__)


def _build(index: int, pieces: list[_Piece], choices: tuple[str, ...]) -> Expansion:
    kept = tuple(p for p in pieces if p.text)
    starts: list[int] = []
    pos = 0
    for p in kept:
        starts.append(pos)
        pos += len(p.text)
    return Expansion(index, "".join(p.text for p in kept), choices, kept, tuple(starts))


def expansions(prompt: Prompt) -> list[Expansion]:
    """Every expansion of a parsed prompt, in Midjourney's order (first group slowest).

    The caller checks :func:`count_expansions` first: this builds them all.
    """
    source = prompt.source
    groups = sorted(prompt.permutations(), key=lambda g: g.span.start)
    if not groups:
        return [_build(1, [_Piece(source, 0, len(source), True)], ())]
    gaps: list[_Piece] = []
    pos = 0
    for g in groups:
        gaps.append(_Piece(source[pos : g.span.start], pos, g.span.start, True))
        pos = g.span.end
    tail = _Piece(source[pos:], pos, len(source), True)
    per_group = [
        [
            tuple(p.replace(group=g.span) for p in alternative)
            for alternative in _group_alternatives(g)
        ]
        for g in groups
    ]
    out: list[Expansion] = []
    for index, combo in enumerate(itertools.product(*per_group), start=1):
        pieces: list[_Piece] = []
        for gap, alternative in zip(gaps, combo, strict=True):
            pieces.append(gap)
            pieces.extend(alternative)
        pieces.append(tail)
        choices = tuple("".join(p.text for p in alternative) for alternative in combo)
        out.append(_build(index, pieces, choices))
    return out


def expand(text: str, *, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The prompts ``text`` expands to (``[text]`` when it has no permutation).

    Raises :class:`ExpansionError` before expanding anything when there would be more
    than ``limit`` prompts, :class:`NestingError` for groups nested deeper than
    :data:`MAX_NESTING`, and :class:`~mjprompt.PromptSyntaxError` for a ``{`` that is
    never closed (all are ``ValueError``).
    """
    prompt = parse(text)
    count = count_expansions(prompt)
    if count > limit:
        raise ExpansionError(count, limit)
    depth = nesting_depth(prompt)
    if depth > MAX_NESTING:
        raise NestingError(depth)
    return [e.text for e in expansions(prompt)]
