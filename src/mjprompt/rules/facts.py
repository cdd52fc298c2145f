"""One pass over a prompt's parameters, shared by the MJ3xx–MJ6xx rules.

Linting must cost little next to parsing, so the parameter rules do not each walk the
parameters: :func:`facts` walks them once per prompt, reads each parameter's row of the
table (kind, range, choices, status, profiles, cost) and sorts the findings into lists;
each rule then reports its list. Almost every prompt leaves every list empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import attrs

from ..ast import MarkerStyle, Parameter, Ratio, TextChunk, Value
from ..params import Arity, Kind, ParamSpec, Status
from .base import Context, RuleFunc
from .common import effective_value, flag, number_text

__all__ = [
    "TRIGGERS",
    "Finding",
    "ParamFacts",
    "allowed",
    "facts",
    "features",
    "triggers",
]

# Features a prompt can have besides the canonical names of its parameters.
UNKNOWN = "@unknown"
DUPLICATE = "@duplicate"
INVALID = "@invalid"
RANGE = "@range"
ENUM = "@enum"
RATIO = "@ratio"
REMOVED = "@removed"
VIDEO = "@video"
UNSUPPORTED = "@unsupported"
COST = "@cost"
IMAGES = "@images"
TEXT = "@text"
NO_TEXT = "@no-text"
BRACES = "@braces"
WEIGHTS = "@weights"
HTTP = "@http"
LONG = "@long"
# Features the MJ1xx syntax rules need (computed from the AST, not from the rules).
NO_NAME = "@no-name"
UPPER_CASE = "@upper-case"
ODD_MARKER = "@odd-marker"
NO_VALUE = "@no-value"
GLUED_VALUE = "@glued-value"
EXTRA_WORDS = "@extra-words"
PUNCTUATION = "@punctuation"
CLOSING_BRACE = "@closing-brace"
EM_DASH = "@em-dash"
NON_ASCII = "@non-ascii"
GLUED_MARKER = "@glued-marker"
SLASH = "@slash"  # the prompt starts with `/` (MJ113: `/imagine prompt:`)
CONTROL = "@control"  # a control character other than tab and line breaks (MJ215)
_PUNCT_END = frozenset(",;|.:!?")
_ARITY_MAX = {a: a.max for a in Arity}  # the properties build a dict per call
_ARITY_MIN = {a: a.min for a in Arity}
LOCAL_PATH = "@local-path"
_SHORTEST_LIMIT = 6000  # the midjourney profile's length limit; MJ209 looks at half
MAX_ASPECT = 14  # V7: at most 14:1 either way (v7-syntax.md §1)

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEGATIVE_INT = re.compile(r"-\d+")
_KIND_WORDS = {
    Kind.INT: "a whole number",
    Kind.FLOAT: "a number",
    Kind.RATIO: "a ratio of two whole numbers such as `16:9`",
    Kind.URL: "an image URL",
    Kind.WORD: "one word",
    Kind.VERSION: "a version number",
}
# Kinds whose shape MJ303 judges; the others have rules of their own (MJ308, MJ310) or
# take anything (`--no` text, `--p` codes).
_TYPED = frozenset({Kind.INT, Kind.FLOAT, Kind.RATIO, Kind.WORD, Kind.VERSION})


@attrs.frozen(slots=True)
class Finding:
    """A parameter, the value tokens judged, and what is wrong (or the value's text)."""

    param: Parameter
    tokens: tuple[Value, ...]
    detail: str


class ParamFacts:
    """What the parameter rules report, sorted by rule; and what the prompt has."""

    __slots__ = (
        "cost",
        "features",
        "invalid",
        "not_allowed",
        "out_of_range",
        "ratios",
        "removed",
        "unknown",
        "unsupported",
        "video",
    )

    def __init__(self) -> None:
        # A plain class: built once per prompt, so its construction is on the hot path.
        self.unknown: list[Parameter] = []
        self.invalid: list[Finding] = []  # MJ303
        self.out_of_range: list[Finding] = []  # MJ304
        self.not_allowed: list[Finding] = []  # MJ305
        self.ratios: list[tuple[Parameter, Ratio, tuple[Value, ...]]] = []  # MJ306, MJ307
        self.removed: list[Parameter] = []  # MJ404, MJ405
        self.video: list[Parameter] = []  # MJ406
        self.unsupported: list[Parameter] = []  # MJ407
        self.cost: list[Finding] = []  # MJ601
        # What the prompt has, for the driver to skip rules that cannot fire (TRIGGERS).
        self.features: set[str] = set()


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


def _judge(p: Parameter, spec: ParamSpec, out: ParamFacts) -> None:
    """Type, range and enum of one valid parameter's value."""
    kind = spec.kind
    if kind not in _TYPED:
        return
    value = p.value
    if value is not None:
        # Fast path: the parser read the value; only range, enum and ratio limits remain.
        if isinstance(value, Ratio):
            if not value.is_integral or _bad_ratio(value):
                out.ratios.append((p, value, p.value_tokens))
            return
        if spec.choices:
            text = number_text(value)
            if text not in spec.choices:
                out.not_allowed.append(Finding(p, p.value_tokens, text))
            elif spec.cost_values and text in spec.cost_values:
                out.cost.append(Finding(p, p.value_tokens, f"--{p.name} {text}"))
            return
        low, high = spec.minimum, spec.maximum
        if low is None or high is None or not isinstance(value, (int, float)):
            return
        if low <= value <= high:
            return
    _judge_slowly(p, spec, out)


def _bad_ratio(r: Ratio) -> bool:
    w, h = r.width, r.height
    return w <= 0 or h <= 0 or w > MAX_ASPECT * h or h > MAX_ASPECT * w


def _judge_slowly(p: Parameter, spec: ParamSpec, out: ParamFacts) -> None:
    # The value did not parse, or is out of range: read it again as the fixes of
    # MJ107-MJ109 would leave it, and say what is wrong.
    value, token_list = effective_value(p)
    tokens = tuple(token_list)
    if not tokens:
        return
    raw = tokens[0].raw
    if value is None:
        if spec.kind is Kind.INT and _NEGATIVE_INT.fullmatch(raw):
            value = int(raw)  # a negative whole number: out of range, not of wrong type
        else:
            if spec.kind is Kind.INT and _NUMBER.fullmatch(raw):
                detail = f"{flag(spec)} takes a whole number, not `{raw}`"
            elif spec.kind is Kind.RATIO and _is_decimal_ratio(raw):
                return  # a ratio with decimals the parser could not read: MJ306 reads it
            else:
                text = " ".join(t.raw for t in tokens)
                detail = f"Invalid value `{text}` for {flag(spec)}: expected {allowed(spec)}"
            out.invalid.append(Finding(p, tokens, detail))
            return
    if isinstance(value, Ratio):
        if not value.is_integral or _bad_ratio(value):
            out.ratios.append((p, value, tokens))
        return
    if spec.choices:
        text = number_text(value)
        if text not in spec.choices:
            out.not_allowed.append(Finding(p, tokens, text))
        elif spec.cost_values and text in spec.cost_values:
            out.cost.append(Finding(p, tokens, f"--{p.name} {text}"))
        return
    low, high = spec.minimum, spec.maximum
    if (
        low is not None
        and high is not None
        and isinstance(value, (int, float))
        and not low <= value <= high
    ):
        out.out_of_range.append(
            Finding(
                p,
                tokens,
                f"{flag(spec)} must be between {_num(low)} and {_num(high)}, not `{raw}`",
            )
        )


def _is_decimal_ratio(raw: str) -> bool:
    w, sep, h = raw.partition(":")
    return bool(sep) and bool(_NUMBER.fullmatch(w)) and bool(_NUMBER.fullmatch(h))


def _collect(ctx: Context) -> ParamFacts:
    out = ParamFacts()
    prompt = ctx.prompt
    source = ctx.source
    profile = ctx.profile
    valid = Status.VALID
    braces = "{" in source
    features = out.features
    double_hyphen = MarkerStyle.DOUBLE_HYPHEN
    # Context.by_canonical, filled by this walk instead of a second one (the name of a
    # cached_property found in the instance dict is what the property returns).
    groups: dict[str, list[Parameter]] = {}
    ctx.__dict__.setdefault("by_canonical", groups)
    for p in prompt.params:
        spec = p.spec
        # What the MJ1xx rules look at (inline: this loop is the hot path).
        written = p.name
        if not written:
            features.add(NO_NAME)
        elif not written.islower() and written != written.lower():
            features.add(UPPER_CASE)
        if p.marker_style is not double_hyphen:
            features.add(ODD_MARKER)
        if spec is None:
            if written:
                out.unknown.append(p)
            continue
        values = p.values
        if values:
            if values[0].span.start == p.name_span.end:
                features.add(GLUED_VALUE)
            limit = _ARITY_MAX[spec.arity]
            if limit is not None and len(values) > limit:
                features.add(EXTRA_WORDS)
            for v in values:
                if isinstance(v, Value) and v.raw[-1] in _PUNCT_END:
                    features.add(PUNCTUATION)
                    break
        elif _ARITY_MIN[spec.arity]:
            features.add(NO_VALUE)
        name = spec.name
        if name in features:
            features.add(DUPLICATE)
            groups[name].append(p)
        else:
            groups[name] = [p]
        features.add(name)
        status = spec.status
        if status is Status.REMOVED:
            out.removed.append(p)
            continue
        if status is Status.VIDEO:
            out.video.append(p)
            continue
        if profile not in spec.profiles:
            if status is valid:
                out.unsupported.append(p)
            continue
        if braces and p.has_permutation:
            continue  # judged per expansion (midjourney) or unsupported (evolink)
        if status is valid:
            _judge(p, spec, out)
        if spec.cost is not None and not spec.cost_values:
            out.cost.append(Finding(p, (), f"--{p.name}"))
    for feature, found in (
        (UNKNOWN, out.unknown),
        (INVALID, out.invalid),
        (RANGE, out.out_of_range),
        (ENUM, out.not_allowed),
        (RATIO, out.ratios),
        (REMOVED, out.removed),
        (VIDEO, out.video),
        (UNSUPPORTED, out.unsupported),
        (COST, out.cost),
    ):
        if found:
            features.add(feature)
    if prompt.images:
        features.add(IMAGES)
    text = prompt.text
    if not text:
        features.add(NO_TEXT)
    else:
        features.add(TEXT)
        first = text[0]
        if isinstance(first, TextChunk):
            raw = first.raw
            end = raw.find(" ")
            word = raw if end < 0 else raw[:end]
            if "." in word or ":" in word:
                features.add(LOCAL_PATH)  # a file name or file:// at the start (MJ207)
    if braces:
        features.add(BRACES)
    if "::" in source:
        features.add(WEIGHTS)
    if "http" in source or "HTTP" in source:
        features.add(HTTP)
    if 2 * len(source) > _SHORTEST_LIMIT:
        features.add(LONG)
    if "}" in source:
        features.add(CLOSING_BRACE)
    if "\u2014" in source:
        features.add(EM_DASH)
    if not source.isascii():
        features.add(NON_ASCII)
    if _glued_marker(source):
        features.add(GLUED_MARKER)
    if source.startswith("/"):
        features.add(SLASH)
    if CONTROL_CHARS.search(source):
        features.add(CONTROL)
    return out


def _glued_marker(source: str) -> bool:
    """True when some `--` follows a character that is not whitespace (`cat--ar`)."""
    i = source.find("--", 1)
    while i != -1:
        if not source[i - 1].isspace():
            return True
        i = source.find("--", i + 1)
    return False


def facts(ctx: Context) -> ParamFacts:
    """The parameter facts of a prompt, computed on first use and kept on the context."""
    found = ctx.__dict__.get("_param_facts")
    if found is None:
        found = ctx.__dict__["_param_facts"] = _collect(ctx)
    assert isinstance(found, ParamFacts)
    return found


def features(ctx: Context) -> set[str]:
    """What the prompt has: canonical parameter names and the ``@`` features above."""
    return facts(ctx).features


# -- rule triggers ---------------------------------------------------------------------
# A rule that can only fire when the prompt has one of its triggers is skipped by the
# driver otherwise: one set test instead of a call per rule and prompt.

TRIGGERS: dict[RuleFunc, frozenset[str]] = {}
_F = TypeVar("_F", bound=RuleFunc)


def triggers(*names: str) -> Callable[[_F], _F]:
    """Declare what must be present for the rule to have anything to report."""

    def mark(func: _F) -> _F:
        TRIGGERS[func] = frozenset(names)
        return func

    return mark


def _register_syntax_triggers() -> None:
    """Triggers of the MJ1xx rules (rules/syntax.py), kept here beside their features.

    Each set holds what a finding of that rule implies: MJ101 needs a marker other than
    `--`, MJ104 a `--` after a non-space, MJ107 more value tokens than the arity allows,
    MJ108 a value token ending in punctuation, MJ109 a non-ASCII character, and so on.
    The rule cases (tests/rules/cases.json) and the golden syntax tests check them.
    """
    from . import syntax

    for func, names in (
        (syntax.malformed_marker, (ODD_MARKER,)),
        (syntax.empty_parameter_name, (NO_NAME,)),
        (syntax.em_dash_marker, (EM_DASH,)),
        (syntax.marker_glued_to_word, (GLUED_MARKER,)),
        (syntax.name_glued_to_value, (GLUED_VALUE,)),
        (syntax.uppercase_name, (UPPER_CASE,)),
        (syntax.text_after_parameters, (EXTRA_WORDS,)),
        (syntax.punctuation_in_parameters, (PUNCTUATION,)),
        (syntax.lookalike_characters, (NON_ASCII,)),
        (syntax.missing_value, (NO_VALUE,)),
        (syntax.unclosed_brace, (BRACES,)),
        (syntax.unmatched_brace, (CLOSING_BRACE,)),
        (syntax.imagine_prefix, (SLASH,)),
    ):
        TRIGGERS[func] = frozenset(names)


_register_syntax_triggers()
