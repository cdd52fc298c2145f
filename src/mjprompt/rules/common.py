"""Helpers shared by the rule families: how a parameter is named and its value read."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, cast

from .._lazy_re import lazy_pattern
from .._memo import remember
from ..ast import Parameter, Permutation, Prompt, Value
from ..diagnostics import Span
from ..params import ParamSpec
from ..values import parse_value

__all__ = [
    "PUNCT_ONLY",
    "TRAILING_PUNCT",
    "effective_value",
    "flag",
    "groups",
    "holds_braces",
    "number_text",
    "per_text",
    "value_before_braces",
    "value_span",
    "value_tokens",
    "without_punctuation",
]

PUNCT_ONLY = lazy_pattern(r"[,;|.:!?]+")
# Sentence punctuation after a value (`--ar 16:9.`, `--s 250,`), and `|`.
TRAILING_PUNCT = lazy_pattern(r"[,;|.!]+$")
# The characters the two expressions can start or end a match with: a set lookup
# first, the expression only for the few tokens that start or end with one.
_PUNCT_START = frozenset(",;|.:!?")
_PUNCT_END = frozenset(",;|.!\n")


def flag(spec_or_name: ParamSpec | str, written: str | None = None) -> str:
    """``--name`` in backticks: a spec's display name, as Midjourney echoes it.

    With ``written`` (the name as the prompt spells it), an alias or another spelling
    is named as the user wrote it, then the parameter: ``--s`` (stylize), so that the
    message points at what is on the screen.
    """
    if isinstance(spec_or_name, str):
        return f"`--{spec_or_name}`"
    spec = spec_or_name
    if written is None or written.lower() == spec.display.lower():
        return f"`--{spec.display}`"
    if written.lower() == spec.name:
        return f"`--{spec.name}`"  # the full name (`--quality`), not the display `--q`
    return f"`--{written}` ({spec.name})"


T = TypeVar("T")

# Parameter texts remembered per reading (`per_text`); past it the memo starts again.
_PER_TEXT_LIMIT = 1024


def per_text(read: Callable[[Parameter], T]) -> Callable[[Parameter], T]:
    """``read`` (a pure reading of one parameter) remembered per parameter text.

    What a rule says about a parameter that depends only on its text (``p.raw``: name
    and values as written) is computed once per text: datasets repeat their parameters
    (78% of the corpus's repeat an earlier one), and reading ``p.values`` builds the
    value nodes of a freshly parsed parameter (~1 us). As in the features walk
    (:class:`~mjprompt.rules.features.RuleTests`), a text with a brace is not
    remembered: whether it holds a group depends on the braces of the whole prompt.
    """
    memo: dict[str, T] = {}
    missing = object()

    def remembered(p: Parameter) -> T:
        raw = p.raw
        # One lookup, not `in` then `[]`: another thread may clear the memo in between.
        known = memo.get(raw, missing)
        if known is not missing:
            return cast("T", known)
        found = read(p)
        if "{" not in raw and "}" not in raw:
            remember(memo, raw, found, _PER_TEXT_LIMIT)
        return found

    return remembered


def number_text(value: object) -> str:
    """A value as Midjourney would print it: ``4.0`` -> ``4``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_tokens(p: Parameter) -> list[Value]:
    """The value tokens a rule should judge, without the punctuation MJ108 reports.

    Returns ``[]`` when the values contain a permutation or a stray brace: see
    :func:`value_before_braces` for the words before them.
    """
    out: list[Value] = []
    for v in p.values:
        if v.__class__ is not Value:
            return []
        if not _punctuation_only(v.raw):
            out.append(v)
    return out


def _punctuation_only(raw: str) -> bool:
    """A value token of punctuation alone (`,` after a value: MJ108's, not a value)."""
    # Most values are words and numbers: the expression runs only on a token that starts
    # with punctuation.
    return raw[:1] in _PUNCT_START and PUNCT_ONLY.fullmatch(raw) is not None


def groups(prompt: Prompt) -> Iterator[Permutation]:
    """The top-level permutation groups, in the text and in parameter values, in order.

    ``prompt.permutations()`` without reading the values of a parameter that holds no
    group (``has_permutation``): reading them builds the value nodes of a freshly parsed
    parameter (~1 us each). MJ111 and MJ211 (58 corpus prompts with a `{`) took 4 and
    7.9 us per run with ``permutations()``.
    """
    for part in prompt.text:
        if part.__class__ is Permutation:
            yield part
    for p in prompt.params:
        if p.has_permutation:
            for v in p.values:
                if v.__class__ is Permutation:
                    yield v


def without_punctuation(raw: str) -> str:
    """A value token without the trailing sentence punctuation MJ108 reports."""
    # Nearly every token ends in neither (`$` also matches before a final line break).
    if raw[-1:] not in _PUNCT_END:
        return raw
    return TRAILING_PUNCT.sub("", raw)


def _clean(raw: str) -> str:
    # What the value means once MJ108/MJ109 have fixed it: no trailing punctuation, and
    # full-width forms folded to ASCII, so that fixing those never reveals a new error.
    raw = TRAILING_PUNCT.sub("", raw)
    return raw if raw.isascii() else unicodedata.normalize("NFKC", raw)


def effective_value(p: Parameter) -> tuple[object, list[Value]]:
    """The typed value the rules judge, and the tokens it was read from.

    The parser's ``p.value`` when it has one; otherwise the value re-read from the tokens
    as MJ107 (extra words), MJ108 (punctuation) and MJ109 (look-alikes) would leave them
    after their fixes. ``(None, tokens)`` when the tokens are not a value of the kind.
    """
    spec = p.spec
    if spec is None:
        return None, []
    tokens = value_tokens(p)
    if p.value is not None and len(tokens) == len(p.values):
        return p.value, tokens
    limit = spec.arity.max
    if limit is not None:
        tokens = tokens[:limit]
    if not tokens:
        return None, []
    return _read(spec, tokens)


def _read(spec: ParamSpec, tokens: list[Value]) -> tuple[object, list[Value]]:
    """The value of ``tokens`` as the fixes of MJ108/MJ109 would leave them, and the tokens."""
    return parse_value(spec, [_clean(t.raw) for t in tokens]), tokens


def holds_braces(p: Parameter) -> bool:
    """True when a permutation group or a stray `}` is among the values of ``p``."""
    raw = p.raw
    if "{" not in raw and "}" not in raw:  # most parameters: no value nodes built
        return False
    return any(v.__class__ is not Value for v in p.values)


def value_before_braces(p: Parameter) -> tuple[object, list[Value]]:
    """The typed value of the words before a group or a stray `}` among the values of
    ``p``, when they are the whole value: ``--s 2000 {a, b}`` has the value `2000` in
    every expansion, and so has ``--s 2000 }``.

    The words must be as many as the parameter takes (its arity's maximum) and each a
    plain token, not touching a group (``--ar 16{:9, :10}`` has no such word). ``(None,
    [])`` otherwise, as :func:`effective_value` says for no value.
    """
    spec = p.spec
    limit = None if spec is None else spec.arity.max
    if spec is None or not limit:
        return None, []
    tokens: list[Value] = []
    for word in p.value_words():
        first = word[0]
        if len(word) > 1 or first.__class__ is not Value:
            break
        if _punctuation_only(first.raw):
            continue  # left out, as `value_tokens` leaves it out
        tokens.append(first)
        if len(tokens) == limit:
            return _read(spec, tokens)
    return None, []


def value_span(p: Parameter, tokens: Sequence[Value]) -> Span:
    """The span of the judged tokens, or of the whole parameter when there are none."""
    if not tokens:
        return p.span
    return Span(tokens[0].span.start, tokens[-1].span.end)
