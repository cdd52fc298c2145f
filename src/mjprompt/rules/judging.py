"""The verdict on one typed parameter value: of the wrong type, out of range, not
among the choices, a ratio V7 cannot take, or a value that costs more.

Shared by the rules that report each verdict (MJ303-MJ307 in ``parameters``, MJ601 in
``cost``): the kind, range and choices come from the parameter's row of the table
(:mod:`mjprompt.params`), never from a rule.
"""

from __future__ import annotations

from typing import Literal

from .._lazy_re import lazy_pattern
from .._record import Record, setters
from ..ast import Parameter, Ratio, Value
from ..params import Kind, ParamSpec, Status
from ..values import read_int
from .common import effective_value, flag, holds_braces, number_text, value_before_braces

__all__ = ["MAX_ASPECT", "ValueVerdict", "allowed", "judge_value"]

MAX_ASPECT = 14  # V7: at most 14:1 either way (v7-syntax.md §1)

Problem = Literal["invalid", "out-of-range", "not-allowed", "ratio", "costly"]

_NUMBER = lazy_pattern(r"-?(?:\d+(?:\.\d+)?|\.\d+)")
_NEGATIVE_INT = lazy_pattern(r"-\d+")
_KIND_WORDS = {
    Kind.INT: "a whole number",
    Kind.FLOAT: "a number",
    Kind.RATIO: "a ratio of two whole numbers such as `16:9`",
    Kind.URL: "an image URL",
    Kind.WORD: "one word",
    Kind.VERSION: "a version number",
}
# Kinds whose shape is judged here; the others have rules of their own (MJ308, MJ310)
# or take anything (`--no` text, `--p` codes).
_TYPED = frozenset({Kind.INT, Kind.FLOAT, Kind.RATIO, Kind.WORD, Kind.VERSION})


class ValueVerdict(Record):
    """What is wrong with (or notable about) a parameter's value, and the tokens judged.

    ``detail``: the message (invalid, out of range), or the value's text (not allowed,
    costly). ``ratio``: the ratio read, for a ``"ratio"`` verdict.
    """

    __slots__ = ("problem", "tokens", "detail", "ratio")  # noqa: RUF023 - field order
    problem: Problem
    tokens: tuple[Value, ...]
    detail: str
    ratio: Ratio | None

    def __init__(
        self,
        problem: Problem,
        tokens: tuple[Value, ...],
        detail: str = "",
        ratio: Ratio | None = None,
    ) -> None:
        _set_verdict_problem(self, problem)
        _set_verdict_tokens(self, tokens)
        _set_verdict_detail(self, detail)
        _set_verdict_ratio(self, ratio)


_set_verdict_problem, _set_verdict_tokens, _set_verdict_detail, _set_verdict_ratio = setters(
    ValueVerdict, *ValueVerdict.__slots__
)


def _num(x: float) -> str:
    return number_text(float(x))


def allowed(spec: ParamSpec) -> str:
    """What a parameter accepts, in words, from its row of the table."""
    if spec.choices:
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.minimum is not None and spec.maximum is not None:
        kind = _KIND_WORDS.get(spec.kind, "a value")
        return f"{kind} from {_num(spec.minimum)} to {_num(spec.maximum)}"
    return _KIND_WORDS.get(spec.kind, "a value")


def judge_value(p: Parameter, profile: str) -> ValueVerdict | None:
    """The verdict on the value of ``p`` in ``profile``; None for a good value.

    Only valid parameters of the profile with a typed value are judged: the others are
    other rules' (removed, video, unsupported). A value with a permutation group or a
    stray `}` is judged on the words before it when they are the whole value (``--s 2000
    {a, b}``, :func:`~mjprompt.rules.common.value_before_braces`); otherwise it is judged
    per expansion (midjourney) or not at all (evolink, which rejects the group: MJ211).
    """
    spec = p.spec
    if (
        spec is None
        or spec.kind not in _TYPED
        or spec.status is not Status.VALID
        or profile not in spec.profiles
    ):
        return None
    value = p.value
    if value is not None:
        if value.__class__ is Ratio or spec.choices:
            return _verdict(p, spec, value, None)
        if _in_range(spec, value):
            return None  # a number in range: the common case
    if value is None and holds_braces(p):
        value, token_list = value_before_braces(p)
    else:
        # The value did not parse, or is out of range: read it again as the fixes of
        # MJ107-MJ109 would leave it, and say what is wrong.
        value, token_list = effective_value(p)
    tokens = tuple(token_list)
    if not tokens:
        return None
    raw = tokens[0].raw
    if value is None:
        if spec.kind is Kind.INT and _NEGATIVE_INT.fullmatch(raw):
            value = read_int(raw)  # a negative whole number: out of range, not of wrong type
        elif spec.kind is Kind.RATIO and _is_decimal_ratio(raw):
            return None  # a ratio with decimals the parser could not read: MJ306 reads it
        else:
            if spec.kind is Kind.INT and _NUMBER.fullmatch(raw):
                detail = f"{flag(spec, p.name)} takes a whole number, not `{raw}`"
            else:
                text = " ".join(t.raw for t in tokens)
                named = flag(spec, p.name)
                detail = f"Invalid value `{text}` for {named}: expected {allowed(spec)}"
            return ValueVerdict("invalid", tokens, detail)
    return _verdict(p, spec, value, tokens)


def _verdict(
    p: Parameter, spec: ParamSpec, value: object, tokens: tuple[Value, ...] | None
) -> ValueVerdict | None:
    """Judge a readable value: a bad ratio, a value not among the choices, out of range.

    ``tokens`` None: the parser's value, whose tokens (``p.value_tokens``) are read only
    for a verdict. Most ratios and choices are good, and reading the tokens of a fresh
    parameter builds its value nodes (~1 us; the `--ar` of every prompt that runs MJ304).
    """
    if isinstance(value, Ratio):
        if not value.is_integral or bad_ratio(value):
            return ValueVerdict("ratio", _tokens(p, tokens), ratio=value)
        return None
    if spec.choices:
        text = number_text(value)
        if text not in spec.choices:
            return ValueVerdict("not-allowed", _tokens(p, tokens), text)
        if spec.cost_values and text in spec.cost_values:
            return ValueVerdict("costly", _tokens(p, tokens), text)
        return None
    if _in_range(spec, value):
        return None
    low, high = spec.minimum, spec.maximum
    assert low is not None and high is not None
    tokens = _tokens(p, tokens)
    named = flag(spec, p.name)
    detail = f"{named} must be between {_num(low)} and {_num(high)}, not `{tokens[0].raw}`"
    return ValueVerdict("out-of-range", tokens, detail)


def _tokens(p: Parameter, tokens: tuple[Value, ...] | None) -> tuple[Value, ...]:
    return p.value_tokens if tokens is None else tokens


def _in_range(spec: ParamSpec, value: object) -> bool:
    """True unless the value is a number outside the parameter's range."""
    low, high = spec.minimum, spec.maximum
    if low is None or high is None or not isinstance(value, (int, float)):
        return True
    return low <= value <= high


def bad_ratio(r: Ratio) -> bool:
    """A side that is not positive, or wider than V7 allows (MJ307)."""
    w, h = r.width, r.height
    return w <= 0 or h <= 0 or w > MAX_ASPECT * h or h > MAX_ASPECT * w


def _is_decimal_ratio(raw: str) -> bool:
    w, sep, h = raw.partition(":")
    return bool(sep) and bool(_NUMBER.fullmatch(w)) and bool(_NUMBER.fullmatch(h))
