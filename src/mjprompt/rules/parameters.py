"""MJ3xx: parameter values. Unknown names, duplicates, types, ranges, enums, ratios, refs.

The generic rules read the parameter table (:mod:`mjprompt.params`): a parameter's kind,
range and choices come from its row, never from the rule.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator

from .._lazy_re import lazy_pattern
from ..ast import Parameter, Ratio, SrefItem, Value
from ..diagnostics import Edit, Fix, Span
from ..params import Kind, suggestion_names
from ..values import read_sref_item
from .base import Context, E, W, any_parameter, delete_token, replace_span, rule, variant
from .common import flag, per_text, value_span, value_tokens, without_punctuation
from .features import DUPLICATE, UNKNOWN, ParameterCheck
from .judging import MAX_ASPECT, Problem, ValueVerdict, judge_value

__all__ = ["MAX_ASPECT", "MAX_SREFS", "did_you_mean", "nearest_ratio"]

MAX_SREFS = 20  # `--sref` items, evolink only (v7-syntax.md D7)


_WEIGHT_ONLY = lazy_pattern(r"::-?(?:\d+\.?\d*|\.\d+)")


@functools.lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    return suggestion_names()


@rule("MJ301", "unknown-parameter", E, fix="unsafe", triggers=(UNKNOWN,))
def unknown_parameter(ctx: Context) -> None:
    """A parameter name Midjourney does not know.

    Midjourney answers ``Unrecognized parameter(s): `--foo` `` and runs nothing. The
    message suggests the closest V7 parameter when one is close enough.

    Fails: `a cat --foo 3`, `a cat --stylise 250`
    Passes: `a cat --stylize 250`

    Fix (unsafe: a guess): rename to the suggested parameter.
    """
    for p in ctx.prompt.params:
        if p.spec is None and p.name:
            _report_unknown(ctx, p)


@functools.lru_cache(maxsize=1024)
def did_you_mean(name: str) -> str | None:
    # Datasets repeat the same custom names (`--ll`, `--zineq`): compute each once.
    import difflib  # imported on the first unknown name (cold start)

    close = difflib.get_close_matches(name, _names(), n=1, cutoff=0.75)
    return close[0] if close else None


def _report_unknown(ctx: Context, p: Parameter) -> None:
    message, end, rename = _unknown_words(p)
    start = p.span.start
    fix = None
    if rename is not None:
        name_start, name_end, close = rename
        name = Span(start + name_start, start + name_end)
        fix = replace_span(name, close, f"rename to `--{close}`", safe=False)
    ctx.report(Span(start, start + end), message, fix)


# Remembered per text (`per_text`): datasets repeat their custom names (the corpus's 75
# unknown parameters are 26 texts), and the name span and values of a fresh parameter
# (`glued`) are not built again: MJ301 takes 1.0 instead of 2.1 us per run.
@per_text
def _unknown_words(p: Parameter) -> tuple[str, int, tuple[int, int, str] | None]:
    """MJ301's message, the end of its span, and the renaming its fix makes (the name's
    span and the suggestion), positions from the start of the parameter."""
    suggestion = did_you_mean(p.name.lower())
    start = p.span.start
    end = p.name_span.end
    written = p.name
    if p.glued and isinstance(p.values[0], Value):  # `--g2`: Midjourney names the token
        written += p.values[0].raw
        end = p.values[0].span.end
    message = f"Unrecognized parameter(s): `--{written}`"
    rename = None
    if suggestion:
        message += f"; did you mean `--{suggestion}`?"
        rename = (p.name_span.start - start, p.name_span.end - start, suggestion)
    return message, end - start, rename


@rule(
    "MJ302",
    "duplicate-parameter",
    E,
    fix="safe/unsafe",
    variants=(
        variant("a repeated list parameter (`--sref`, `--p`, `--no`)", evolink=W, midjourney=W),
    ),
    triggers=(DUPLICATE,),
)
def duplicate_parameter(ctx: Context) -> None:
    """The same parameter twice, also through an alias (`--s 100 --stylize 200`).

    No source says which one Midjourney would use, so the prompt is ambiguous: an
    error. The list parameters `--sref`, `--p` and `--no` are a warning: prompts copied
    from Midjourney's own gallery repeat them (`--sref 1 --sref 2`, `--profile a
    --profile b`), so Midjourney most likely merges them.

    Fails: `a cat --ar 1:1 --ar 16:9`, `a cat --s 100 --stylize 200`
    Passes: `a cat --ar 16:9 --s 200`

    Fix (safe, when both have the same value): delete the repeat. Fix (unsafe, for
    the list parameters `--sref`, `--p` and `--no`): move the repeat's values into the
    first one, which may not be what Midjourney would do with two.
    """
    if len(ctx.by_canonical) == len(ctx.prompt.params):
        return  # fast path: no name twice (unknown names are not in the index)
    _report_duplicates(ctx)


_LISTS = frozenset({Kind.SREF, Kind.CODES, Kind.TEXT})


def _report_duplicates(ctx: Context) -> None:
    for group in ctx.by_canonical.values():
        if len(group) < 2:
            continue
        first = group[0]
        spec = first.spec
        assert spec is not None
        for p in group[1:]:
            same = _value_key(p) == _value_key(first)
            fix = None
            if same:
                fix = delete_token(ctx.source, p.span, f"delete the repeated `--{p.name}`")
            elif spec.kind in _LISTS and p.values and not p.has_permutation:
                fix = _merge(ctx.source, first, p)
            listed = spec.kind in _LISTS
            advice = "" if same else ("; write the values once" if listed else "; keep one")
            ctx.report(
                p.span,
                f"{flag(spec)} is given twice (`--{first.name}` and `--{p.name}`){advice}",
                fix,
                severity=W if listed else None,
            )


def _merge(source: str, first: Parameter, p: Parameter) -> Fix:
    # One edit from the end of the first to the end of the repeat: the repeat's values
    # go after the first's, and whatever stood between them stays.
    joiner = ", " if first.spec is not None and first.spec.kind is Kind.TEXT else " "
    moved = source[p.values[0].span.start : p.values[-1].span.end]
    gap_start = p.span.start
    while gap_start > first.span.end and source[gap_start - 1].isspace():
        gap_start -= 1
    between = source[first.span.end : gap_start]
    lead = joiner if first.values else " "
    return Fix(
        (Edit(first.span.end, p.span.end, lead + moved + between),),
        False,
        f"move the values into the first `--{first.name}`",
    )


def _value_key(p: Parameter) -> tuple[str, ...]:
    return tuple(v.raw for v in p.values if isinstance(v, Value))


def _any_value(problem: Problem) -> ParameterCheck:
    """The trigger of the rule that reports one kind of verdict: a value with it."""

    def test(p: Parameter, profile: str) -> bool:
        found = judge_value(p, profile)
        return found is not None and found.problem == problem

    return any_parameter(test)


_ANY_RATIO = _any_value("ratio")  # MJ306 and MJ307 share it (one run of the test)


def _verdicts(ctx: Context, problem: Problem) -> Iterator[tuple[Parameter, ValueVerdict]]:
    for p in ctx.prompt.params:
        found = judge_value(p, ctx.profile.name)
        if found is not None and found.problem == problem:
            yield p, found


def _report_verdicts(ctx: Context, problem: Problem) -> None:
    for p, v in _verdicts(ctx, problem):
        ctx.report(value_span(p, v.tokens), v.detail)


@rule("MJ303", "invalid-value", E, triggers=(_any_value("invalid"),))
def invalid_value(ctx: Context) -> None:
    """A value that is not of the parameter's type (`--chaos high`, `--s 250.5`).

    Midjourney answers `Invalid value` for these. Whole-number parameters do not take
    decimals. Ratios with decimals, `--sref` items and `--oref` have their own rules.

    Fails: `a cat --chaos high`, `a cat --s 250.5`, `a cat --ar 16x9`
    Passes: `a cat --chaos 50`, `a cat --iw 1.5`

    No fix: the intended value is unknown.
    """
    _report_verdicts(ctx, "invalid")


@rule("MJ304", "value-out-of-range", E, triggers=(_any_value("out-of-range"),))
def value_out_of_range(ctx: Context) -> None:
    """A number outside the parameter's range.

    Midjourney's own message: `` `--stylize` must be between 0 and 1000 ``. Ranges come
    from the parameter table ([MJ-PARAMS], [EVO]): `--chaos` 0–100, `--exp` 0–100,
    `--weird` 0–3000, `--stylize` 0–1000, `--iw` 0–3, `--seed` 0–4294967295,
    `--sw` 0–1000, `--sv` 1–6, `--ow` 1–1000, `--repeat` 2–40.

    Fails: `a cat --s 1001`, `a cat --c 150`, `a cat --seed 4294967296`
    Passes: `a cat --s 1000`, `a cat --w 3000 --exp 100 --c 100`

    No fix: the intended value is unknown.
    """
    _report_verdicts(ctx, "out-of-range")


@rule(
    "MJ305",
    "value-not-allowed",
    E,
    fix="unsafe",
    variants=(variant("`--q 3` (run as 4)", evolink=E, midjourney=W),),
    triggers=(_any_value("not-allowed"),),
)
def value_not_allowed(ctx: Context) -> None:
    """A value outside the parameter's list of choices (`--q 3`, `--q .5`).

    V7's `--quality` takes 1, 2 or 4; `.25` and `.5` belong to V6 and earlier. `--q 3`
    is reported to become 4 (a third-party report): an error in evolink, a warning in
    midjourney.

    Fails: `a cat --q .5`, `a cat --q 3`
    Passes: `a cat --q 2`, `a cat --q 4`

    Fix (unsafe, `--q 3` only): write `--q 4`, which Midjourney reportedly runs.
    """
    for p, v in _verdicts(ctx, "not-allowed"):
        _report_not_allowed(ctx, p, v)


def _report_not_allowed(ctx: Context, p: Parameter, v: ValueVerdict) -> None:
    spec = p.spec
    assert spec is not None
    choices = ", ".join(spec.choices[:-1]) + f" or {spec.choices[-1]}"
    message = f"{flag(spec, p.name)} must be {choices} in V7, not `{v.tokens[0].raw}`"
    span = value_span(p, v.tokens)
    if spec.name == "quality" and v.detail == "3":
        ctx.report(
            span,
            message + " (Midjourney reportedly runs 3 as 4)",
            replace_span(span, "4", "write `4`", safe=False),
            severity=W if ctx.profile.name == "midjourney" else None,
        )
    else:
        ctx.report(span, message)


def nearest_ratio(width: float, height: float) -> tuple[int, int]:
    """The simplest whole-number ratio within 1% of ``width:height``.

    Tries denominators 1..32 in turn (so 1.78:1 gives 16:9 and 2.35:1 gives 7:3); when
    none is that close, the exact ratio in lowest terms (1.39:1 gives 139:100).
    """
    from fractions import Fraction  # only decimal ratios come here (cold start)

    target = Fraction(str(width)) / Fraction(str(height))
    for limit in range(1, 33):
        approx = target.limit_denominator(limit)
        if approx > 0 and abs(approx - target) <= target / 100:
            return approx.numerator, approx.denominator
    return target.numerator, target.denominator


def _too_wide(r: Ratio) -> bool:
    return max(r.width / r.height, r.height / r.width) > MAX_ASPECT


@rule("MJ306", "aspect-ratio-decimal", E, fix="unsafe", triggers=(_ANY_RATIO,))
def aspect_ratio_decimal(ctx: Context) -> None:
    """An aspect ratio with decimals (`--ar 1.78:1`).

    `--ar` takes two whole numbers: write `139:100`, not `1.39:1`.

    Fails: `a cat --ar 1.78:1`, `a cat --ar 2.35:1`
    Passes: `a cat --ar 16:9`, `a cat --ar 1920:1080`

    Fix (unsafe: the ratio changes slightly): the simplest whole-number ratio within 1%
    (`1.78:1` -> `16:9`), or the exact ratio in lowest terms.
    """
    for p, v in _verdicts(ctx, "ratio"):
        ratio, tokens = v.ratio, v.tokens
        assert ratio is not None
        if ratio.is_integral or ratio.width <= 0 or ratio.height <= 0:
            continue
        w, h = nearest_ratio(ratio.width, ratio.height)
        span = value_span(p, tokens)
        ctx.report(
            span,
            f"`--{p.name}` takes whole numbers, not `{tokens[0].raw}`: write `{w}:{h}`",
            replace_span(span, f"{w}:{h}", f"write `{w}:{h}`", safe=False),
        )


@rule("MJ307", "aspect-ratio-limit", E, triggers=(_ANY_RATIO,))
def aspect_ratio_limit(ctx: Context) -> None:
    """An aspect ratio with a zero side, or wider than V7's maximum of 14:1 (or 1:14).

    Fails: `a cat --ar 15:1`, `a cat --ar 1:20`, `a cat --ar 0:1`
    Passes: `a cat --ar 14:1`, `a cat --ar 1920:1080`

    No fix: the intended shape is unknown.
    """
    for p, v in _verdicts(ctx, "ratio"):
        ratio, tokens = v.ratio, v.tokens
        assert ratio is not None
        span = value_span(p, tokens)
        raw = tokens[0].raw
        if ratio.width <= 0 or ratio.height <= 0:
            ctx.report(span, f"`--{p.name}` needs two positive numbers, not `{raw}`")
        elif _too_wide(ratio):
            ctx.report(
                span,
                f"`--{p.name} {raw}` is wider than V7 allows: at most "
                f"{MAX_ASPECT}:1 or 1:{MAX_ASPECT}",
            )


def _sref_tokens(p: Parameter) -> list[tuple[Value, SrefItem]]:
    # Read without trailing sentence punctuation: that is MJ108's finding alone.
    return [(t, read_sref_item(without_punctuation(t.raw))) for t in value_tokens(p)]


def _has_invalid_sref_item(p: Parameter, profile: str) -> bool:
    # The rule's own detection on one parameter (remembered per parameter text): most
    # `--sref`s of a dataset are valid, and reading their items costs ~5 us a prompt.
    return any(True for _ in _invalid_sref_items([p]))


@rule(
    "MJ308",
    "invalid-sref-item",
    E,
    triggers=(any_parameter(_has_invalid_sref_item, names=("sref",)),),
)
def invalid_sref_item(ctx: Context) -> None:
    """A `--sref` item that is not an image URL, a numeric style code or `random`.

    Each item may carry a `::weight` (`URL::2`); the weight must be a number.

    Fails: `a cat --sref mystyle`, `a cat --sref https://example.com/s.png::x`
    Passes: `a cat --sref https://example.com/s.png::2 1234567890`, `a cat --sref random`

    No fix.
    """
    for span, message in _invalid_sref_items(ctx.by_canonical.get("sref", ())):
        ctx.report(span, message)


def _invalid_sref_items(found: Iterable[Parameter]) -> Iterator[tuple[Span, str]]:
    # Where and what: the rule reports them, and its trigger tests whether there are any.
    for p in found:
        if p.has_permutation:
            continue
        items = _sref_tokens(p)
        for i, (token, item) in enumerate(items):
            if item.kind == "invalid":
                if _WEIGHT_ONLY.fullmatch(token.raw) and i > 0:
                    continue  # a spaced weight, MJ311
                yield (
                    token.span,
                    f"`{item.text}` is not a `--sref` item: use an image URL, a numeric "
                    "style code or `random`",
                )
            elif item.weight_raw is not None and item.weight is None:
                yield (
                    token.span,
                    f"`::{item.weight_raw}` is not a weight: write `::` and a number, as in `::2`",
                )


def _many_items(p: Parameter, profile: str) -> bool:
    return len(p.values) > MAX_SREFS


@rule("MJ309", "too-many-srefs", E, triggers=(any_parameter(_many_items, names=("sref",)),))
def too_many_srefs(ctx: Context) -> None:
    """More than 20 `--sref` items (evolink only).

    The evolink guide caps style references at 20.

    Fails: `a cat --sref` followed by 21 codes
    Passes: `a cat --sref` followed by 20 codes

    No fix.
    """
    for p in ctx.by_canonical.get("sref", ()):
        if len(p.values) <= MAX_SREFS:
            continue
        items = [t for t in value_tokens(p) if not _WEIGHT_ONLY.fullmatch(t.raw)]
        if len(items) > MAX_SREFS:
            ctx.report(
                Span(items[MAX_SREFS].span.start, items[-1].span.end),
                f"`--sref` has {len(items)} items; the evolink API accepts at most {MAX_SREFS}",
            )


@rule("MJ310", "oref-one-url", E, triggers=("oref",))
def oref_one_url(ctx: Context) -> None:
    """`--oref` with anything but exactly one image URL.

    Omni Reference takes one image; it takes no style codes.

    Fails: `a cat --oref 4440286598`,
    `a cat --oref https://example.com/x.png https://example.com/y.png`
    Passes: `a cat --oref https://example.com/x.png`

    No fix.
    """
    for p in ctx.by_canonical.get("oref", ()):
        if p.has_permutation:
            continue
        tokens = value_tokens(p)
        if not tokens:
            continue
        first = read_sref_item(without_punctuation(tokens[0].raw))
        if first.kind != "url" or first.weight_raw is not None:
            what = "a style code" if first.kind == "code" else f"`{tokens[0].raw}`"
            ctx.report(tokens[0].span, f"`--oref` takes one image URL, not {what}")
        if len(tokens) > 1:
            ctx.report(
                Span(tokens[1].span.start, tokens[-1].span.end),
                f"`--oref` takes exactly one image URL; it has {len(tokens)} values",
            )


def _weight_apart(p: Parameter, profile: str) -> bool:
    return any(v.__class__ is Value and v.raw.startswith("::") for v in p.values)


@rule(
    "MJ311",
    "spaced-sref-weight",
    W,
    fix="safe",
    triggers=(any_parameter(_weight_apart, names=("sref",)),),
)
def spaced_sref_weight(ctx: Context) -> None:
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
                ctx.report(
                    token.span,
                    f"`{token.raw}` is apart from its `--sref` item; write `{prev.raw}{token.raw}`",
                    Fix(
                        (Edit(prev.span.end, token.span.start, ""),),
                        True,
                        "attach the weight to its item",
                    ),
                )
