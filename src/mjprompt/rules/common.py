"""Helpers shared by the rule families: how a parameter is named and its value read."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .._lazy_re import lazy_pattern
from ..ast import Parameter, Value
from ..diagnostics import Span
from ..params import ParamSpec
from ..values import parse_value

__all__ = [
    "PUNCT_ONLY",
    "TRAILING_PUNCT",
    "effective_value",
    "flag",
    "number_text",
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


def number_text(value: object) -> str:
    """A value as Midjourney would print it: ``4.0`` -> ``4``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_tokens(p: Parameter) -> list[Value]:
    """The value tokens a rule should judge, without the punctuation MJ108 reports.

    Returns ``[]`` when the values contain a permutation or a stray brace: those are
    judged per expansion (midjourney) or reported as unsupported (evolink).
    """
    out: list[Value] = []
    for v in p.values:
        if v.__class__ is not Value:
            return []
        raw = v.raw
        # Most values are words and numbers: the expression runs only on a token that
        # starts with punctuation.
        if raw[:1] not in _PUNCT_START or not PUNCT_ONLY.fullmatch(raw):
            out.append(v)
    return out


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
    return parse_value(spec, [_clean(t.raw) for t in tokens]), tokens


def value_span(p: Parameter, tokens: Sequence[Value]) -> Span:
    """The span of the judged tokens, or of the whole parameter when there are none."""
    if not tokens:
        return p.span
    return Span(tokens[0].span.start, tokens[-1].span.end)
