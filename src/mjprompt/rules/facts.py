"""One pass over a prompt's parameters, shared by the MJ3xx–MJ6xx rules.

Linting must cost little next to parsing, so the parameter rules do not each walk the
parameters: :func:`facts` walks them once per prompt, reads each parameter's row of the
table (kind, range, choices, status, profiles, cost) and sorts the findings into lists;
each rule then reports its list. Almost every prompt leaves every list empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeAlias, TypeVar

import attrs

from .. import evolink
from ..ast import (
    ImageRef,
    MarkerStyle,
    Parameter,
    Ratio,
    TextChunk,
    TextPart,
    Value,
    ValuePart,
    Weight,
)
from ..params import PARAMS, Arity, Kind, ParamSpec, Status
from ..values import read_int
from .base import Context, RuleFunc
from .common import effective_value, flag, number_text, without_punctuation
from .syntax import DASHES

__all__ = [
    "IMAGE_URL",
    "MAX_IMAGES",
    "MAX_SREFS",
    "TRIGGERS",
    "V7_TEXTS",
    "Finding",
    "ParamFacts",
    "Trigger",
    "allowed",
    "bit",
    "collect",
    "facts",
    "feature_names",
    "forget_parameters",
    "mask",
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
TEXT_URL = "@text-url"  # a `://` in the text (MJ206)
NOT_IMAGE_URL = "@not-image-url"  # an image prompt without an image extension (MJ203)
HTTP_IMAGE = "@http-image"  # an image prompt over plain `http://` (MJ204)
MANY_IMAGES = "@many-images"  # more image prompts than evolink takes (MJ205)
MANY_SREFS = "@many-srefs"  # a `--sref` with more values than evolink takes (MJ309)
SPACED_WEIGHT = "@spaced-weight"  # a `--sref` value that starts with `::` (MJ311)
LONG = "@long"
# Features the MJ1xx syntax rules need (computed from the AST, not from the rules).
NO_NAME = "@no-name"
UPPER_CASE = "@upper-case"
BAD_MARKER = "@bad-marker"  # neither `--` nor an em dash (MJ101)
NO_VALUE = "@no-value"
GLUED_VALUE = "@glued-value"
EXTRA_WORDS = "@extra-words"
PUNCTUATION = "@punctuation"  # a typed value ending in punctuation (MJ108)
CLOSING_BRACE = "@closing-brace"
EM_DASH = "@em-dash"
NON_ASCII = "@non-ascii"
PARAM_NON_ASCII = "@param-non-ascii"  # in a typed value (MJ109)
GLUED_MARKER = "@glued-marker"
SLASH = "@slash"  # the prompt starts with `/` (MJ113: `/imagine prompt:`)
CONTROL = "@control"  # a control character other than tab and line breaks (MJ215)
LOCAL_PATH = "@local-path"  # the text starts with a file name (MJ207)
V7 = "@v7"  # a `--v` value token `7` or `7.0` (MJ401)
OTHER_VERSION = "@other-version"  # a `--v` value token that is not (MJ402)
_PUNCT_END = frozenset(",;|.:!?")

# Features are names where they are declared (`@triggers`) and bits where they are
# collected: `has |= bit` per finding is cheaper than adding strings to a set, and the
# driver's memo of rules per feature set is keyed by one int.
_BITS: dict[str, int] = {}


def bit(name: str) -> int:
    """The bit of a feature: a canonical parameter name or one of the `@` names above.

    Raises ``ValueError`` for any other name once this module is loaded, so that a
    misspelled trigger fails when the rules are planned instead of never firing.
    """
    found = _BITS.get(name)
    if found is None:
        if _SEALED:
            raise ValueError(f"unknown feature {name!r}: not a parameter or an `@` feature")
        found = _BITS[name] = 1 << len(_BITS)
    return found


_SEALED = False  # set once every feature has its bit (below)


def mask(names: Iterable[str]) -> int:
    """The bits of several features."""
    m = 0
    for name in names:
        m |= bit(name)
    return m


def feature_names(bits: int) -> set[str]:
    """The names of the features set in ``bits`` (for tests and debugging)."""
    return {name for name, b in _BITS.items() if bits & b}


_NAME_BITS = {spec.name: bit(spec.name) for spec in PARAMS}
_ARITY_MAX = {a: a.max for a in Arity}  # the properties build a dict per call
_ARITY_MIN = {a: a.min for a in Arity}

# The bits of the features `collect` finds.
_UNKNOWN = bit(UNKNOWN)
_DUPLICATE = bit(DUPLICATE)
_INVALID = bit(INVALID)
_RANGE = bit(RANGE)
_ENUM = bit(ENUM)
_RATIO = bit(RATIO)
_REMOVED = bit(REMOVED)
_VIDEO = bit(VIDEO)
_UNSUPPORTED = bit(UNSUPPORTED)
_COST = bit(COST)
_IMAGES = bit(IMAGES)
_TEXT = bit(TEXT)
_NO_TEXT = bit(NO_TEXT)
_BRACES = bit(BRACES)
_WEIGHTS = bit(WEIGHTS)
_TEXT_URL = bit(TEXT_URL)
_NOT_IMAGE_URL = bit(NOT_IMAGE_URL)
_HTTP_IMAGE = bit(HTTP_IMAGE)
_MANY_IMAGES = bit(MANY_IMAGES)
_MANY_SREFS = bit(MANY_SREFS)
_SPACED_WEIGHT = bit(SPACED_WEIGHT)
_LONG = bit(LONG)
_NO_NAME = bit(NO_NAME)
_UPPER_CASE = bit(UPPER_CASE)
_BAD_MARKER = bit(BAD_MARKER)
_NO_VALUE = bit(NO_VALUE)
_GLUED_VALUE = bit(GLUED_VALUE)
_EXTRA_WORDS = bit(EXTRA_WORDS)
_PUNCTUATION = bit(PUNCTUATION)
_CLOSING_BRACE = bit(CLOSING_BRACE)
_EM_DASH = bit(EM_DASH)
_NON_ASCII = bit(NON_ASCII)
_PARAM_NON_ASCII = bit(PARAM_NON_ASCII)
_GLUED_MARKER = bit(GLUED_MARKER)
_SLASH = bit(SLASH)
_CONTROL = bit(CONTROL)
_LOCAL_PATH = bit(LOCAL_PATH)
_V7_BIT = bit(V7)
_OTHER_VERSION = bit(OTHER_VERSION)
_SEALED = True
V7_TEXTS = evolink.LOCKED_VERSION_TEXTS  # the `--v` values that select V7 (the lock)
_SHORTEST_LIMIT = 6000  # the midjourney profile's length limit; MJ209 looks at half
MAX_ASPECT = 14  # V7: at most 14:1 either way (v7-syntax.md §1)
MAX_IMAGES = 20  # image prompts, evolink only (v7-syntax.md D7)
MAX_SREFS = 20  # `--sref` items, evolink only (v7-syntax.md D7)
# Image prompt URLs: the official extensions, optionally followed by a query string or
# fragment (Discord CDN links), and Midjourney's own short links (v7-syntax.md §2.2).
IMAGE_URL = re.compile(
    r"https?://(?:s\.mj\.run/\S+|[^\s?#]+\.(?:png|gif|webp|jpe?g)(?:[?#]\S*)?)",
    re.IGNORECASE,
)

_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)")
# A dash after whitespace in the last text chunk: a malformed marker MJ101 may find there.
_TEXT_DASH = re.compile(rf"(?<!\S)[{DASHES}]")
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
    """What the parameter rules report, sorted by rule; and what the prompt has.

    Almost every list stays empty, so each is a shared empty tuple until the walk puts
    something in it (:func:`_add`): building the facts of a clean prompt allocates
    nothing but the object.
    """

    unknown: Sequence[Parameter] = ()  # MJ301
    invalid: Sequence[Finding] = ()  # MJ303
    out_of_range: Sequence[Finding] = ()  # MJ304
    not_allowed: Sequence[Finding] = ()  # MJ305
    ratios: Sequence[tuple[Parameter, Ratio, tuple[Value, ...]]] = ()  # MJ306, MJ307
    removed: Sequence[Parameter] = ()  # MJ404, MJ405
    video: Sequence[Parameter] = ()  # MJ406
    unsupported: Sequence[Parameter] = ()  # MJ407
    cost: Sequence[Finding] = ()  # MJ601


def _add(out: ParamFacts, name: str, item: object) -> None:
    """Put ``item`` in one list of the facts: the first item replaces the shared empty
    tuple with a list of this prompt's own, later ones are appended (linear in a prompt
    with thousands of findings)."""
    found = getattr(out, name)
    if found:
        found.append(item)
    else:
        setattr(out, name, [item])


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


def _typed_values(values: Sequence[ValuePart], ascii_only: bool) -> int:
    """Punctuation at the end of a value token (MJ108); a non-ASCII one (MJ109)."""
    has = 0
    for v in values:
        if v.__class__ is Value:
            if v.raw[-1] in _PUNCT_END:
                has |= _PUNCTUATION
            if not ascii_only and not v.raw.isascii():
                has |= _PARAM_NON_ASCII
    return has


def _judge(p: Parameter, spec: ParamSpec, out: ParamFacts) -> int:
    """Type, range and enum of one valid parameter's value; returns the feature bits."""
    if spec.kind not in _TYPED:
        return 0
    value = p.value
    if value is not None:
        if value.__class__ is Ratio or spec.choices:
            return _verdict(p, spec, value, p.value_tokens, out)
        if _in_range(spec, value):
            return 0  # a number in range: the common case
    # The value did not parse, or is out of range: read it again as the fixes of
    # MJ107-MJ109 would leave it, and say what is wrong.
    value, token_list = effective_value(p)
    tokens = tuple(token_list)
    if not tokens:
        return 0
    raw = tokens[0].raw
    if value is None:
        if spec.kind is Kind.INT and _NEGATIVE_INT.fullmatch(raw):
            value = read_int(raw)  # a negative whole number: out of range, not of wrong type
        elif spec.kind is Kind.RATIO and _is_decimal_ratio(raw):
            return 0  # a ratio with decimals the parser could not read: MJ306 reads it
        else:
            if spec.kind is Kind.INT and _NUMBER.fullmatch(raw):
                detail = f"{flag(spec, p.name)} takes a whole number, not `{raw}`"
            else:
                text = " ".join(t.raw for t in tokens)
                named = flag(spec, p.name)
                detail = f"Invalid value `{text}` for {named}: expected {allowed(spec)}"
            _add(out, "invalid", Finding(p, tokens, detail))
            return _INVALID
    return _verdict(p, spec, value, tokens, out)


def _verdict(
    p: Parameter, spec: ParamSpec, value: object, tokens: tuple[Value, ...], out: ParamFacts
) -> int:
    """Sort a readable value: a bad ratio, a value not among the choices, out of range."""
    if isinstance(value, Ratio):
        if not value.is_integral or _bad_ratio(value):
            _add(out, "ratios", (p, value, tokens))
            return _RATIO
        return 0
    if spec.choices:
        text = number_text(value)
        if text not in spec.choices:
            _add(out, "not_allowed", Finding(p, tokens, text))
            return _ENUM
        if spec.cost_values and text in spec.cost_values:
            _add(out, "cost", Finding(p, tokens, f"--{p.name} {text}"))
            return _COST
        return 0
    if _in_range(spec, value):
        return 0
    low, high = spec.minimum, spec.maximum
    assert low is not None and high is not None
    named = flag(spec, p.name)
    detail = f"{named} must be between {_num(low)} and {_num(high)}, not `{tokens[0].raw}`"
    _add(out, "out_of_range", Finding(p, tokens, detail))
    return _RANGE


def _in_range(spec: ParamSpec, value: object) -> bool:
    """True unless the value is a number outside the parameter's range."""
    low, high = spec.minimum, spec.maximum
    if low is None or high is None or not isinstance(value, (int, float)):
        return True
    return low <= value <= high


def _bad_ratio(r: Ratio) -> bool:
    w, h = r.width, r.height
    return w <= 0 or h <= 0 or w > MAX_ASPECT * h or h > MAX_ASPECT * w


def _is_decimal_ratio(raw: str) -> bool:
    w, sep, h = raw.partition(":")
    return bool(sep) and bool(_NUMBER.fullmatch(w)) and bool(_NUMBER.fullmatch(h))


# What the walk learns of one parameter: its feature bits, the list of the facts that
# takes the parameter itself ("" for none), and the bit of its canonical name (0 for an
# unknown name), for the duplicate check.
Verdict: TypeAlias = tuple[int, str, int]


def _param(
    p: Parameter, spec: ParamSpec | None, profile: str, braces: bool, out: ParamFacts
) -> tuple[Verdict, bool]:
    """The verdict on one parameter, and whether it may be remembered.

    Findings that hold the parameter's tokens (a value out of range…) go to ``out`` here,
    and such a verdict is not remembered; the parameter itself is put in its list by the
    caller, from the verdict.
    """
    has = 0
    written = p.name
    if not written:
        has |= _NO_NAME
    elif not written.islower() and written != written.lower():
        has |= _UPPER_CASE
    style = p.marker_style
    if style is not MarkerStyle.DOUBLE_HYPHEN and style is not MarkerStyle.EM_DASH:
        has |= _BAD_MARKER
    for v in p.values:  # a `--` inside a value, as in `--ar 16:9--s 50` (MJ104)
        if v.__class__ is Value:
            raw = v.raw
            if "--" in raw:
                has |= _GLUED_MARKER
            # A value word that starts with a dash may be a mistyped marker (MJ101):
            # `--s 100 ——ar 16:9`.
            if raw and raw[0] in DASHES:
                has |= _BAD_MARKER
    if spec is None:
        if written:
            return (has | _UNKNOWN, "unknown", 0), True
        return (has, "", 0), True
    name = spec.name
    name_bit = _NAME_BITS[name]
    values = p.values
    if values:
        if values[0].span.start == p.name_span.end:
            has |= _GLUED_VALUE
        limit = _ARITY_MAX[spec.arity]
        if limit is not None and len(values) > limit:
            has |= _EXTRA_WORDS
        if spec.kind is not Kind.TEXT:  # free text (`--no red, blue`) may hold anything
            has |= _typed_values(values, p.raw.isascii())
    elif _ARITY_MIN[spec.arity]:
        has |= _NO_VALUE
    if name == "version":
        for v in values:
            if v.__class__ is Value:
                has |= _V7_BIT if without_punctuation(v.raw) in V7_TEXTS else _OTHER_VERSION
    elif name == "sref":
        if len(values) > MAX_SREFS:
            has |= _MANY_SREFS
        for v in values:
            if v.__class__ is Value and v.raw.startswith("::"):
                has |= _SPACED_WEIGHT
        has |= _reference_urls(values)
    elif name == "oref":
        has |= _reference_urls(values)
    status = spec.status
    if status is Status.REMOVED:
        return (has | _REMOVED, "removed", name_bit), True
    if status is Status.VIDEO:
        return (has | _VIDEO, "video", name_bit), True
    valid = status is Status.VALID
    if profile not in spec.profiles:
        if valid:
            return (has | _UNSUPPORTED, "unsupported", name_bit), True
        return (has, "", name_bit), True
    if braces and p.has_permutation:
        # Judged per expansion (midjourney) or unsupported (evolink); not remembered,
        # since whether it holds a group depends on the braces of the whole prompt.
        return (has, "", name_bit), False
    found = _judge(p, spec, out) if valid else 0
    if spec.cost is not None and not spec.cost_values:
        _add(out, "cost", Finding(p, (), f"--{p.name}"))
        found |= _COST
    return (has | found, "", name_bit), not found


# The verdict on a parameter depends only on its text and the profile (braces elsewhere
# in the prompt matter only to a parameter that holds a group, which is not remembered).
# A dataset writes the same parameters over and over (`--ar 16:9`, `--v 6.1`: 78% of the
# corpus's parameters repeat an earlier one), so the verdicts that hold no finding are
# remembered per profile, by the parameter's text.
_MEMO_LIMIT = 8192  # entries per profile; past it the memo starts again
_MEMO_TEXT_LIMIT = 200  # longer parameters (a long `--no` list) are not remembered
_MEMOS: dict[str, dict[str, Verdict]] = {}


def forget_parameters() -> None:
    """Empty the memo of parameter verdicts (benchmarks measure a first pass with it)."""
    _MEMOS.clear()


def collect(ctx: Context) -> int:
    """Walk the prompt once; return what it has (feature bits, see :func:`bit`).

    The bits and the parameter facts are kept on the context (``ctx.features``,
    ``ctx.param_facts``); the index by canonical name is built when a rule first asks
    for it (``Context.by_canonical``): most prompts run no rule that does.
    """
    out: ParamFacts | None = None
    prompt = ctx.prompt
    source = ctx.source
    profile = ctx.profile
    braces = "{" in source
    has = 0  # the feature bits
    memo = _MEMOS.get(profile)
    if memo is None or len(memo) >= _MEMO_LIMIT:
        memo = _MEMOS[profile] = {}
    for p in prompt.params:
        raw = p.raw
        verdict = memo.get(raw)
        if verdict is None:
            if out is None:
                out = ParamFacts()
            verdict, lasting = _param(p, p.spec, profile, braces, out)
            if lasting and len(raw) <= _MEMO_TEXT_LIMIT:
                memo[raw] = verdict
        bits, bucket, name_bit = verdict
        has |= bits
        if bucket:
            if out is None:
                out = ParamFacts()
            _add(out, bucket, p)
        if name_bit:  # duplicates, also through aliases
            has |= _DUPLICATE if has & name_bit else name_bit
    ctx.param_facts = _NO_FACTS if out is None else out
    images = prompt.images
    if images:
        has |= _images(images)
    text = prompt.text
    if text:
        has |= _TEXT | _text(text, source)
    else:
        has |= _NO_TEXT
    # What the rest of the rules need, from the source: a few C-speed tests.
    if braces:
        has |= _BRACES
    if "}" in source:
        has |= _CLOSING_BRACE
    if 2 * len(source) > _SHORTEST_LIMIT:
        has |= _LONG
    if source.startswith("/"):
        has |= _SLASH
    if source.isascii():
        # Delete the printable characters: what is left is a control character.
        if source.encode().translate(None, _PRINTABLE_ASCII):
            has |= _CONTROL
    else:
        has |= _NON_ASCII
        if "\u2014" in source:
            has |= _EM_DASH
        # isprintable() is false for every control character (and for line breaks and
        # non-ASCII spaces): the regular expression only runs on those few prompts.
        if not source.isprintable() and CONTROL_CHARS.search(source):
            has |= _CONTROL
    ctx.features = has
    return has


# The ASCII characters that are not control characters in the sense of MJ215.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


class _NoFacts(ParamFacts):
    """The facts of every prompt whose parameters have none: one shared, read-only object."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("the empty parameter facts are shared and cannot be changed")


_NO_FACTS = _NoFacts()


def _text(text: Sequence[TextPart], source: str) -> int:
    """What the text has: `::` weights (MJ210), a glued `--` (MJ104), a URL (MJ206)..."""
    has = 0
    first = text[0]
    if isinstance(first, TextChunk):
        # A file name or file:// at the start (MJ207): a `.` or `:` in the first word.
        raw = first.raw
        end = raw.find(" ")
        if end < 0:
            end = len(raw)
        if raw.find(".", 0, end) >= 0 or raw.find(":", 0, end) >= 0:
            has |= _LOCAL_PATH
    for part in text:
        if isinstance(part, TextChunk):
            raw = part.raw
            if "-" in raw and "--" in raw:  # the first test is a memchr: most texts fail it
                has |= _GLUED_MARKER
        elif isinstance(part, Weight):
            has |= _WEIGHTS
    last = text[-1]
    if isinstance(last, TextChunk):
        raw = last.raw
        if ("-" in raw or not raw.isascii()) and _TEXT_DASH.search(raw):
            has |= _BAD_MARKER
    start, end = first.span.start, text[-1].span.end
    if source.find(":", start, end) != -1 and source.find("://", start, end) != -1:
        has |= _TEXT_URL
    return has


def _reference_urls(values: Sequence[ValuePart]) -> int:
    """What the URLs of `--sref`/`--oref` have: the same findings as image prompts."""
    has = 0
    for v in values:
        if v.__class__ is Value:
            raw = v.raw
            if "http" not in raw[:5].lower():
                continue
            item = without_punctuation(raw.partition("::")[0]).lstrip("<").removesuffix(">")
            if item[:7].lower() == "http://":
                has |= _HTTP_IMAGE
            if not IMAGE_URL.fullmatch(item):
                has |= _NOT_IMAGE_URL
    return has


def _images(images: Sequence[ImageRef]) -> int:
    """What the image prompts have: the findings of MJ203-MJ205 are rare."""
    has = _IMAGES
    if len(images) > MAX_IMAGES:
        has |= _MANY_IMAGES
    for image in images:
        url = image.url
        if url[:7].lower() == "http://":
            has |= _HTTP_IMAGE
        if not IMAGE_URL.fullmatch(url):
            has |= _NOT_IMAGE_URL
    return has


def facts(ctx: Context) -> ParamFacts:
    """The parameter facts of a prompt, computed on first use and kept on the context."""
    return ctx.param_facts


# -- rule triggers ---------------------------------------------------------------------
# A rule that can only fire when the prompt has one of its triggers is skipped by the
# driver otherwise. A trigger is a feature name, or a tuple of names that must all be
# present (a conflict needs both of its parameters). Which rules run is worked out once
# per set of features (rules/plan.py), so a precise trigger costs nothing per prompt.

Trigger: TypeAlias = str | tuple[str, ...]
TRIGGERS: dict[RuleFunc, tuple[frozenset[str], ...]] = {}
_F = TypeVar("_F", bound=RuleFunc)


def triggers(*alternatives: Trigger) -> Callable[[_F], _F]:
    """Declare what must be present for the rule to have anything to report."""

    def mark(func: _F) -> _F:
        TRIGGERS[func] = tuple(frozenset((a,) if isinstance(a, str) else a) for a in alternatives)
        return func

    return mark


def _register_syntax_triggers() -> None:
    """Triggers of the MJ1xx rules (rules/syntax.py), kept here beside their features.

    Each set holds what a finding of that rule implies: MJ101 needs a marker other than
    `--`, MJ104 a `--` in a text chunk or a value, MJ107 more value tokens than the arity
    allows, MJ108 a typed value token ending in punctuation, MJ109 a non-ASCII character
    in a typed value, and so on. The rule cases (tests/rules/cases.json), the golden
    syntax tests and tests/rules/test_triggers.py check them.
    """
    from . import syntax

    for func, names in (
        (syntax.malformed_marker, (BAD_MARKER,)),
        (syntax.empty_parameter_name, (NO_NAME,)),
        (syntax.em_dash_marker, (EM_DASH,)),
        (syntax.marker_glued_to_word, (GLUED_MARKER,)),
        (syntax.name_glued_to_value, (GLUED_VALUE,)),
        (syntax.uppercase_name, (UPPER_CASE,)),
        (syntax.text_after_parameters, (EXTRA_WORDS,)),
        (syntax.punctuation_in_parameters, (PUNCTUATION,)),
        (syntax.lookalike_characters, (PARAM_NON_ASCII,)),
        (syntax.missing_value, (NO_VALUE,)),
        (syntax.unclosed_brace, (BRACES,)),
        (syntax.unmatched_brace, (CLOSING_BRACE,)),
        (syntax.imagine_prefix, (SLASH,)),
    ):
        triggers(*names)(func)


_register_syntax_triggers()
