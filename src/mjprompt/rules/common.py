"""Helpers shared by the rule families MJ2xx–MJ6xx: names, values, severities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..ast import Parameter, Value
from ..diagnostics import Severity, Span
from ..params import ParamSpec
from ..values import parse_value

__all__ = [
    "IMAGINE_PREFIX",
    "INFO",
    "E",
    "W",
    "effective_value",
    "flag",
    "number_text",
    "value_span",
    "value_tokens",
    "without_punctuation",
]

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# The Discord command copied in front of a prompt (`/imagine prompt: `), with the space
# after it: MJ113 reports it, and a URL right after it is no text URL (MJ206).
IMAGINE_PREFIX = re.compile(r"/imagine(?=\s|:|$)(?:\s+prompt\b\s*:?|\s*:)?\s*", re.IGNORECASE)

_PUNCT_ONLY = re.compile(r"[,;|.:!?]+")
# Sentence punctuation after a value (`--ar 16:9.`, `--s 250,`), and `|`.
_TRAILING_PUNCT = re.compile(r"[,;|.!]+$")


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
        if not isinstance(v, Value):
            return []
        if not _PUNCT_ONLY.fullmatch(v.raw):
            out.append(v)
    return out


def without_punctuation(raw: str) -> str:
    """A value token without the trailing sentence punctuation MJ108 reports."""
    return _TRAILING_PUNCT.sub("", raw)


def _clean(raw: str) -> str:
    # What the value means once MJ108/MJ109 have fixed it: no trailing punctuation, and
    # full-width forms folded to ASCII, so that fixing those never reveals a new error.
    raw = _TRAILING_PUNCT.sub("", raw)
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
