"""MJ3xx: parameter values. Unknown names, duplicates, types, ranges, enums, ratios, refs.

The generic rules read the parameter table (:mod:`mjprompt.params`): a parameter's kind,
range and choices come from its row, never from the rule.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Iterator
from fractions import Fraction

from ..ast import Parameter, Ratio, SrefItem, Value
from ..diagnostics import Edit, Fix, Span
from ..params import Kind, ParamSpec, Status, suggestion_names
from ..values import read_sref_item
from .base import Context, Report, delete_token, replace, rule
from .common import E, W, effective_value, flag, number_text, value_span, value_tokens

__all__ = ["MAX_ASPECT", "MAX_SREFS", "nearest_ratio"]

MAX_ASPECT = 14  # V7: at most 14:1 either way (v7-syntax.md §1)
MAX_SREFS = 20  # evolink only (v7-syntax.md D7)

_KIND_WORDS = {
    Kind.INT: "a whole number",
    Kind.FLOAT: "a number",
    Kind.RATIO: "a ratio of two whole numbers such as `16:9`",
    Kind.URL: "an image URL",
    Kind.WORD: "one word",
    Kind.VERSION: "a version number",
}
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_WEIGHT_ONLY = re.compile(r"::-?(?:\d+\.?\d*|\.\d+)")


def _judged(p: Parameter) -> bool:
    """Value rules judge valid V7 parameters; other statuses have their own rules."""
    return p.spec is not None and p.spec.status is Status.VALID and not p.has_permutation


@functools.lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    return suggestion_names()


@rule("MJ301", "unknown-parameter", evolink=E, midjourney=E, fix="unsafe")
def unknown_parameter(ctx: Context) -> Iterator[Report]:
    """A parameter name Midjourney does not know.

    Midjourney answers ``Unrecognized parameter(s): `--foo` `` and runs nothing. The
    message suggests the closest V7 parameter when one is close enough.

    Fails: `a cat --foo 3`, `a cat --stylise 250`
    Passes: `a cat --stylize 250`

    Fix (unsafe: a guess): rename to the suggested parameter.
    """
    for p in ctx.prompt.params:
        if p.spec is not None or not p.name:
            continue
        close = difflib.get_close_matches(p.name.lower(), _names(), n=1, cutoff=0.75)
        message = f"Unrecognized parameter(s): `--{p.name}`"
        fix = None
        if close:
            message += f"; did you mean `--{close[0]}`?"
            fix = replace(p.name_span, close[0], f"rename to `--{close[0]}`", safe=False)
        yield Report(Span(p.span.start, p.name_span.end), message, fix)


@rule("MJ302", "duplicate-parameter", evolink=E, midjourney=E, fix="safe")
def duplicate_parameter(ctx: Context) -> Iterator[Report]:
    """The same parameter twice, also through an alias (`--s 100 --stylize 200`).

    No source says which one Midjourney would use, so the prompt is ambiguous.

    Fails: `a cat --ar 1:1 --ar 16:9`, `a cat --s 100 --stylize 200`
    Passes: `a cat --ar 16:9 --s 200`

    Fix (safe, only when both have the same value): delete the repeat.
    """
    for group in ctx.by_canonical.values():
        if len(group) < 2:
            continue
        first = group[0]
        assert first.spec is not None
        for p in group[1:]:
            same = _value_key(p) == _value_key(first)
            fix = None
            if same:
                fix = delete_token(ctx.source, p.span, f"delete the repeated `--{p.name}`")
            yield Report(
                p.span,
                f"{flag(first.spec)} is given twice (`--{first.name}` and `--{p.name}`)"
                + ("" if same else "; keep one"),
                fix,
            )


def _value_key(p: Parameter) -> tuple[str, ...]:
    return tuple(v.raw for v in p.values if isinstance(v, Value))


def _allowed(spec: ParamSpec) -> str:
    if spec.choices:
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.minimum is not None and spec.maximum is not None:
        return f"{_KIND_WORDS.get(spec.kind, 'a value')} from {_num(spec.minimum)} to " + _num(
            spec.maximum
        )
    return _KIND_WORDS.get(spec.kind, "a value")


def _num(x: float) -> str:
    return number_text(float(x))


@rule("MJ303", "invalid-value", evolink=E, midjourney=E)
def invalid_value(ctx: Context) -> Iterator[Report]:
    """A value that is not of the parameter's type (`--chaos high`, `--s 250.5`).

    Midjourney answers `Invalid value` for these. Whole-number parameters do not take
    decimals. Ratios, `--sref` items and `--oref` have their own rules.

    Fails: `a cat --chaos high`, `a cat --s 250.5`, `a cat --ar 16x9`
    Passes: `a cat --chaos 50`, `a cat --iw 1.5`

    No fix: the intended value is unknown.
    """
    for p in ctx.prompt.params:
        if not _judged(p):
            continue
        spec = p.spec
        assert spec is not None
        if spec.kind in (Kind.FLAG, Kind.TEXT, Kind.CODES, Kind.SREF, Kind.URL):
            continue
        value, tokens = effective_value(p)
        if value is not None or not tokens:
            continue
        raw = " ".join(t.raw for t in tokens)
        if spec.kind is Kind.INT and _NUMBER.fullmatch(raw):
            if raw.startswith("-") and "." not in raw:
                continue  # a negative whole number is out of range (MJ304)
            message = f"{flag(spec)} takes a whole number, not `{raw}`"
        elif spec.kind is Kind.RATIO and _is_decimal_ratio(raw):
            continue  # MJ306
        else:
            message = f"Invalid value `{raw}` for {flag(spec)}: expected {_allowed(spec)}"
        yield Report(value_span(p, tokens), message)


def _is_decimal_ratio(raw: str) -> bool:
    w, sep, h = raw.partition(":")
    return bool(sep) and bool(_NUMBER.fullmatch(w)) and bool(_NUMBER.fullmatch(h))


@rule("MJ304", "value-out-of-range", evolink=E, midjourney=E)
def value_out_of_range(ctx: Context) -> Iterator[Report]:
    """A number outside the parameter's range.

    Midjourney's own message: `` `--stylize` must be between 0 and 1000 ``. Ranges come
    from the parameter table (v7-syntax.md §1): `--chaos` 0–100, `--exp` 0–100,
    `--weird` 0–3000, `--stylize` 0–1000, `--iw` 0–3, `--seed` 0–4294967295,
    `--sw` 0–1000, `--sv` 1–6, `--ow` 1–1000, `--repeat` 2–40.

    Fails: `a cat --s 1001`, `a cat --c 150`, `a cat --seed 4294967296`
    Passes: `a cat --s 1000`, `a cat --w 3000 --exp 100 --c 100`

    No fix: the intended value is unknown.
    """
    for p in ctx.prompt.params:
        if not _judged(p):
            continue
        spec = p.spec
        assert spec is not None
        if spec.minimum is None or spec.maximum is None:
            continue
        value, tokens = effective_value(p)
        if value is None and tokens and spec.kind is Kind.INT:
            raw = tokens[0].raw
            if _NUMBER.fullmatch(raw) and raw.startswith("-") and "." not in raw:
                value = int(raw)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if spec.minimum <= value <= spec.maximum:
            continue
        yield Report(
            value_span(p, tokens),
            f"{flag(spec)} must be between {_num(spec.minimum)} and {_num(spec.maximum)}, "
            f"not `{tokens[0].raw if tokens else value}`",
        )


@rule("MJ305", "value-not-allowed", evolink=E, midjourney=E, fix="unsafe")
def value_not_allowed(ctx: Context) -> Iterator[Report]:
    """A value outside the parameter's list of choices (`--q 3`, `--q .5`).

    V7's `--quality` takes 1, 2 or 4; `.25` and `.5` belong to V6 and earlier. `--q 3`
    is reported to become 4 (a third-party report): an error in evolink, a warning in
    midjourney.

    Fails: `a cat --q .5`, `a cat --q 3`
    Passes: `a cat --q 2`, `a cat --q 4`

    Fix (unsafe, `--q 3` only): write `--q 4`, which Midjourney reportedly runs.
    """
    for p in ctx.prompt.params:
        if not _judged(p):
            continue
        spec = p.spec
        assert spec is not None
        if not spec.choices:
            continue
        value, tokens = effective_value(p)
        if value is None or not tokens:
            continue
        text = number_text(value)
        if text in spec.choices:
            continue
        choices = ", ".join(spec.choices[:-1]) + f" or {spec.choices[-1]}"
        message = f"{flag(spec)} must be {choices} in V7, not `{tokens[0].raw}`"
        span = value_span(p, tokens)
        if spec.name == "quality" and text == "3":
            yield Report(
                span,
                message + " (Midjourney reportedly runs 3 as 4)",
                replace(span, "4", "write `4`", safe=False),
                severity=W if ctx.profile == "midjourney" else None,
            )
        else:
            yield Report(span, message)


def nearest_ratio(width: float, height: float) -> tuple[int, int]:
    """The simplest whole-number ratio within 1% of ``width:height``.

    Tries denominators 1..32 in turn (so 1.78:1 gives 16:9 and 2.35:1 gives 7:3); when
    none is that close, the exact ratio in lowest terms (1.39:1 gives 139:100).
    """
    target = Fraction(str(width)) / Fraction(str(height))
    for limit in range(1, 33):
        approx = target.limit_denominator(limit)
        if approx > 0 and abs(approx - target) <= target / 100:
            return approx.numerator, approx.denominator
    return target.numerator, target.denominator


def _ratio_value(p: Parameter) -> tuple[Ratio | None, list[Value]]:
    value, tokens = effective_value(p)
    return (value if isinstance(value, Ratio) else None), tokens


@rule("MJ306", "aspect-ratio-decimal", evolink=E, midjourney=E, fix="unsafe")
def aspect_ratio_decimal(ctx: Context) -> Iterator[Report]:
    """An aspect ratio with decimals (`--ar 1.78:1`).

    `--ar` takes two whole numbers: write `139:100`, not `1.39:1`.

    Fails: `a cat --ar 1.78:1`, `a cat --ar 2.35:1`
    Passes: `a cat --ar 16:9`, `a cat --ar 1920:1080`

    Fix (unsafe: the ratio changes slightly): the simplest whole-number ratio within 1%
    (`1.78:1` -> `16:9`), or the exact ratio in lowest terms.
    """
    for p in ctx.by_canonical.get("aspect", ()):
        if p.has_permutation:
            continue
        ratio, tokens = _ratio_value(p)
        if ratio is None or ratio.is_integral or ratio.width <= 0 or ratio.height <= 0:
            continue
        w, h = nearest_ratio(ratio.width, ratio.height)
        span = value_span(p, tokens)
        yield Report(
            span,
            f"`--{p.name}` takes whole numbers, not `{tokens[0].raw}`: write `{w}:{h}`",
            replace(span, f"{w}:{h}", f"write `{w}:{h}`", safe=False),
        )


@rule("MJ307", "aspect-ratio-limit", evolink=E, midjourney=E)
def aspect_ratio_limit(ctx: Context) -> Iterator[Report]:
    """An aspect ratio with a zero side, or wider than V7's maximum of 14:1 (or 1:14).

    Fails: `a cat --ar 15:1`, `a cat --ar 1:20`, `a cat --ar 0:1`
    Passes: `a cat --ar 14:1`, `a cat --ar 1920:1080`

    No fix: the intended shape is unknown.
    """
    for p in ctx.by_canonical.get("aspect", ()):
        if p.has_permutation:
            continue
        ratio, tokens = _ratio_value(p)
        if ratio is None:
            continue
        span = value_span(p, tokens)
        raw = tokens[0].raw
        if ratio.width <= 0 or ratio.height <= 0:
            yield Report(span, f"`--{p.name}` needs two positive numbers, not `{raw}`")
        elif max(ratio.width / ratio.height, ratio.height / ratio.width) > MAX_ASPECT:
            yield Report(
                span,
                f"`--{p.name} {raw}` is wider than V7 allows: at most "
                f"{MAX_ASPECT}:1 or 1:{MAX_ASPECT}",
            )


def _sref_tokens(p: Parameter) -> list[tuple[Value, SrefItem]]:
    return [(t, read_sref_item(t.raw)) for t in value_tokens(p)]


@rule("MJ308", "invalid-sref-item", evolink=E, midjourney=E)
def invalid_sref_item(ctx: Context) -> Iterator[Report]:
    """A `--sref` item that is not an image URL, a numeric style code or `random`.

    Each item may carry a `::weight` (`URL::2`); the weight must be a number.

    Fails: `a cat --sref mystyle`, `a cat --sref https://example.com/s.png::x`
    Passes: `a cat --sref https://example.com/s.png::2 1234567890`, `a cat --sref random`

    No fix.
    """
    for p in ctx.by_canonical.get("sref", ()):
        if p.has_permutation:
            continue
        items = _sref_tokens(p)
        for i, (token, item) in enumerate(items):
            if item.kind == "invalid":
                if _WEIGHT_ONLY.fullmatch(token.raw) and i > 0:
                    continue  # a spaced weight, MJ311
                yield Report(
                    token.span,
                    f"`{item.text}` is not a `--sref` item: use an image URL, a numeric "
                    "style code or `random`",
                )
            elif item.weight_raw is not None and item.weight is None:
                yield Report(
                    token.span,
                    f"`::{item.weight_raw}` is not a weight: write `::` and a number, as in `::2`",
                )


@rule("MJ309", "too-many-srefs", evolink=E, midjourney=None)
def too_many_srefs(ctx: Context) -> Iterator[Report]:
    """More than 20 `--sref` items (evolink only).

    The evolink guide caps style references at 20.

    Fails: `a cat --sref` followed by 21 codes
    Passes: `a cat --sref` followed by 20 codes

    No fix.
    """
    for p in ctx.by_canonical.get("sref", ()):
        items = [t for t in value_tokens(p) if not _WEIGHT_ONLY.fullmatch(t.raw)]
        if len(items) > MAX_SREFS:
            yield Report(
                Span(items[MAX_SREFS].span.start, items[-1].span.end),
                f"`--sref` has {len(items)} items; the evolink API accepts at most {MAX_SREFS}",
            )


@rule("MJ310", "oref-one-url", evolink=E, midjourney=E)
def oref_one_url(ctx: Context) -> Iterator[Report]:
    """`--oref` with anything but exactly one image URL.

    Omni Reference takes one image; it takes no style codes.

    Fails: `a cat --oref 4440286598`,
    `a cat --oref https://example.com/x.png https://example.com/y.png`
    Passes: `a cat --oref https://example.com/x.png`

    No fix.
    """
    for p in ctx.by_canonical.get("oref", ()):
        tokens = value_tokens(p)
        if not tokens:
            continue
        first = read_sref_item(tokens[0].raw)
        if first.kind != "url" or first.weight_raw is not None:
            what = "a style code" if first.kind == "code" else f"`{tokens[0].raw}`"
            yield Report(tokens[0].span, f"`--oref` takes one image URL, not {what}")
        if len(tokens) > 1:
            yield Report(
                Span(tokens[1].span.start, tokens[-1].span.end),
                f"`--oref` takes exactly one image URL; it has {len(tokens)} values",
            )


@rule("MJ311", "spaced-sref-weight", evolink=W, midjourney=W, fix="safe")
def spaced_sref_weight(ctx: Context) -> Iterator[Report]:
    """A `--sref` weight written apart from its item (`URL ::2`).

    Official examples attach the weight to the item (`URL::2`); apart, it may be read
    as an item of its own.

    Fails (warning): `a cat --sref https://example.com/s.png ::2`
    Passes: `a cat --sref https://example.com/s.png::2`

    Fix (safe): attach the weight to the item before it.
    """
    for p in ctx.by_canonical.get("sref", ()):
        if p.has_permutation:
            continue
        tokens = value_tokens(p)
        for prev, token in itertools.pairwise(tokens):
            if _WEIGHT_ONLY.fullmatch(token.raw) and not _WEIGHT_ONLY.fullmatch(prev.raw):
                yield Report(
                    token.span,
                    f"`{token.raw}` is apart from its `--sref` item; write `{prev.raw}{token.raw}`",
                    Fix(
                        (Edit(prev.span.end, token.span.start, ""),),
                        True,
                        "attach the weight to its item",
                    ),
                )
