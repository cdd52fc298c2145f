"""Reading parameter values by the kind the parameter table gives them.

Each reader takes the value tokens as written and returns the typed value, or ``None``
when the tokens do not form a value of that kind. Readers are lenient about *what* the
value is (range and enum checks are rules) and strict about its *shape*.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence

from .ast import Ratio, SrefItem
from .params import Kind, ParamSpec

__all__ = ["MAX_DIGITS", "parse_value", "read_int", "read_number", "read_sref_item"]

_INT = re.compile(r"\d+")
# Leading-dot decimals (`.5`) were accepted historically (v7-syntax.md §5.2). A trailing
# dot (`2.`) is sentence punctuation, not a decimal: MJ108 reports it.
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)")
_RATIO = re.compile(r"(\d+(?:\.\d+)?|\.\d+):(\d+(?:\.\d+)?|\.\d+)")
_URL = re.compile(r"<?https?://\S+", re.IGNORECASE)
_SREF = re.compile(r"(?P<item>.*?)(?:::(?P<weight>-?(?:\d+\.?\d*|\.\d+))?)?", re.DOTALL)


# Digits of a whole number read exactly. Python refuses to convert strings of more than
# 4300 digits (sys.get_int_max_str_digits), and no parameter takes a number within many
# orders of magnitude of this: a longer number is read as 10**MAX_DIGITS, which every
# range check rejects as out of range (the message quotes the number as written).
MAX_DIGITS = 4000
_HUGE_INT: int = 10**MAX_DIGITS


def read_int(raw: str) -> int:
    """The whole number ``raw`` (digits, with an optional leading ``-``); one of more than
    :data:`MAX_DIGITS` significant digits saturates at ``±10**MAX_DIGITS``."""
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("-").lstrip("0")
    if len(digits) > MAX_DIGITS:
        return sign * _HUGE_INT
    return sign * int(digits or "0")


def _finite(x: float) -> float:
    # float() of a few hundred digits is inf; keep it the largest finite float so that
    # it stays out of range, prints as a number and converts to a Fraction.
    return x if math.isfinite(x) else math.copysign(sys.float_info.max, x)


def read_number(raw: str) -> float | None:
    """A decimal number as written, or ``None``."""
    return _finite(float(raw)) if _NUMBER.fullmatch(raw) else None


def read_sref_item(raw: str) -> SrefItem:
    """Split ``item::weight`` and classify the item."""
    text, sep, weight_raw = raw.partition("::")
    weight: float | None = None
    if sep:
        weight = read_number(weight_raw) if weight_raw else None
    if _URL.fullmatch(text):
        kind = "url"
    elif _INT.fullmatch(text):
        kind = "code"
    elif text.lower() == "random":
        kind = "random"
    else:
        kind = "invalid"
    return SrefItem(kind, text, weight, weight_raw if sep else None)


def _one(tokens: Sequence[str]) -> str | None:
    return tokens[0] if len(tokens) == 1 else None


def _int(tokens: Sequence[str]) -> object:
    raw = _one(tokens)
    return read_int(raw) if raw is not None and _INT.fullmatch(raw) else None


def _float(tokens: Sequence[str]) -> object:
    raw = _one(tokens)
    return None if raw is None else read_number(raw)


def _ratio(tokens: Sequence[str]) -> object:
    raw = _one(tokens)
    if raw is None:
        return None
    m = _RATIO.fullmatch(raw)
    return Ratio(_finite(float(m.group(1))), _finite(float(m.group(2)))) if m else None


def _text(tokens: Sequence[str]) -> object:
    if not tokens:
        return None
    items = tuple(i.strip() for i in " ".join(tokens).split(","))
    return tuple(i for i in items if i)


def _sref(tokens: Sequence[str]) -> object:
    return tuple(read_sref_item(t) for t in tokens) if tokens else None


def _url(tokens: Sequence[str]) -> object:
    raw = _one(tokens)
    return raw if raw is not None and _URL.fullmatch(raw) else None


def _codes(tokens: Sequence[str]) -> object:
    return tuple(tokens)


def _word(tokens: Sequence[str]) -> object:
    return _one(tokens)


def _flag(tokens: Sequence[str]) -> object:
    return True if not tokens else None


_READERS: dict[Kind, Callable[[Sequence[str]], object]] = {
    Kind.FLAG: _flag,
    Kind.INT: _int,
    Kind.FLOAT: _float,
    Kind.RATIO: _ratio,
    Kind.TEXT: _text,
    Kind.SREF: _sref,
    Kind.URL: _url,
    Kind.CODES: _codes,
    Kind.VERSION: _word,
    Kind.WORD: _word,
}


def parse_value(spec: ParamSpec, tokens: Sequence[str]) -> object:
    """The typed value of ``tokens`` for ``spec``, or ``None`` if they do not parse."""
    return _READERS[spec.kind](tokens)
