"""MJ5xx: dependencies and conflicts between parameters.

MJ501 and MJ502 read the ``REQUIREMENTS`` and ``CONFLICTS`` tables of
:mod:`mjprompt.params`; each row carries its severity per profile, so one rule covers
rules of different strength. The rest need a look inside values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .._lazy_re import lazy_pattern
from ..ast import Parameter
from ..diagnostics import Severity
from ..params import CONFLICTS, NEEDS_IMAGE, NEEDS_TEXT, REQUIREMENTS, Conflict, Requirement
from ..values import read_sref_item
from .base import Context, E, Trigger, Variant, W, rule, variant
from .common import effective_value, number_text, value_tokens, without_punctuation
from .features import IMAGES, NO_TEXT

__all__ = ["MOODBOARD"]

# Moodboard codes are `m`-prefixed (v7-syntax.md §5.6); the exact form is assumed.
MOODBOARD = lazy_pattern(r"m\d+", re.IGNORECASE)
_SREF_CODE_VERSIONS = ("4", "6")


def _requirement_trigger(req: Requirement) -> Trigger:
    # A row that needs a text prompt can only fail on a prompt of images and no text;
    # the others whenever their parameter is there (what is missing is not a feature).
    if req.needs == NEEDS_TEXT:
        return (req.param, IMAGES, NO_TEXT)
    return req.param


# What makes each row of the tables apply: a conflict needs both of its parameters.
REQUIREMENT_TRIGGERS = tuple(_requirement_trigger(req) for req in REQUIREMENTS)
CONFLICT_TRIGGERS = tuple((c.first, c.second) for c in CONFLICTS)


def _value_in(p: Parameter, values: tuple[str, ...]) -> bool:
    if not values:
        return True
    value, _ = effective_value(p)
    return value is not None and number_text(value) in values


def _row_variants(
    rows: Iterable[Requirement | Conflict], name: Callable[[Requirement | Conflict], str]
) -> tuple[Variant, ...]:
    """The severities of a table's rows that differ from error/error, grouped."""
    groups: dict[tuple[Severity | None, Severity | None], list[str]] = {}
    for row in rows:
        if (row.evolink, row.midjourney) != (E, E):
            groups.setdefault((row.evolink, row.midjourney), []).append(name(row))
    return tuple(
        variant(", ".join(names), evolink=evo, midjourney=mj) for (evo, mj), names in groups.items()
    )


def _needs(row: Requirement | Conflict) -> str:
    assert isinstance(row, Requirement)
    what = {NEEDS_IMAGE: "an image prompt", NEEDS_TEXT: "a text prompt"}
    return f"`--{row.param}` without {what.get(row.needs, f'`--{row.needs}`')}"


def _pair(row: Requirement | Conflict) -> str:
    assert isinstance(row, Conflict)
    return f"`--{row.first}` with `--{row.second}`"


@rule(
    "MJ501",
    "missing-dependency",
    E,
    variants=_row_variants(REQUIREMENTS, _needs),
    triggers=REQUIREMENT_TRIGGERS,
)
def missing_dependency(ctx: Context) -> None:
    """A parameter used without what it depends on (`--sw` without `--sref`).

    Midjourney's own message is ``Cannot use `--sw` without a `--sref` ``. The rows
    and their severities are in the table below: an error where
    Midjourney and evolink agree; where only the evolink guide states it, an error in
    evolink and a warning in midjourney. A missing text prompt is checked on prompts
    with image prompts (an empty prompt is MJ201).

    Fails: `a cat --sw 300`, `a cat --ow 200`, `a cat --iw 1.5`
    Passes: `a cat --sref https://example.com/s.png --sw 300`

    No fix: the prerequisite is missing, not extra.
    """
    prompt = ctx.prompt
    for req in REQUIREMENTS:
        severity = req.evolink if ctx.profile.name == "evolink" else req.midjourney
        if severity is None:
            continue
        params = ctx.by_canonical.get(req.param)
        if not params:
            continue
        if req.needs == NEEDS_IMAGE:
            missing = not prompt.images
        elif req.needs == NEEDS_TEXT:
            missing = bool(prompt.images) and not prompt.text
        else:
            missing = not ctx.has(req.needs)
        if missing:
            ctx.report(params[0].span, req.message, severity=severity)


@rule(
    "MJ502",
    "conflicting-parameters",
    E,
    variants=_row_variants(CONFLICTS, _pair),
    triggers=CONFLICT_TRIGGERS,
)
def conflicting_parameters(ctx: Context) -> None:
    """Two parameters that cannot be used together (`--oref` with `--q 4`).

    The rows and their severities are in the table below:
    errors where Midjourney and evolink agree, evolink-only statements an error in
    evolink and a warning in midjourney, inferences and soft interactions warnings.
    Two speeds are MJ409, two models MJ403.

    Fails: `a cat --oref https://example.com/x.png --q 4`, `brick wall --tile --draft`
    Passes: `a cat --oref https://example.com/x.png --q 2`, `brick wall --tile`

    No fix: which one to drop is your choice.
    """
    for c in CONFLICTS:
        severity = c.evolink if ctx.profile.name == "evolink" else c.midjourney
        if severity is None:
            continue
        firsts = ctx.by_canonical.get(c.first)
        seconds = ctx.by_canonical.get(c.second)
        if not firsts or not seconds:
            continue
        a = next((p for p in firsts if _value_in(p, c.first_values)), None)
        b = next((p for p in seconds if _value_in(p, c.second_values)), None)
        if a is None or b is None:
            continue
        later = a if a.span.start > b.span.start else b
        ctx.report(later.span, c.message, severity=severity)


@rule("MJ503", "sref-code-style-version", E, triggers=(("sv", "sref"),))
def sref_code_style_version(ctx: Context) -> None:
    """Style codes or `--sref random` with a `--sv` other than 4 or 6.

    Numeric style codes reportedly work only with `--sv 4` (codes made before June
    2025) or `--sv 6` (the current default); 1, 2, 3 and 5 give an error with codes.
    A third-party report, so a warning.

    Fails (warning): `a cat --sref 1234567890 --sv 2`
    Passes: `a cat --sref 1234567890 --sv 4`, `a cat --sref https://example.com/s.png --sv 2`

    No fix: 4 and 6 are different models.
    """
    sv = ctx.first("sv")
    sref = ctx.first("sref")
    if sv is None or sref is None:
        return
    value, tokens = effective_value(sv)
    if value is None or number_text(value) in _SREF_CODE_VERSIONS:
        return
    kinds = {read_sref_item(without_punctuation(t.raw)).kind for t in value_tokens(sref)}
    if kinds & {"code", "random"}:
        ctx.report(
            sv.span,
            f"`--sv {tokens[0].raw}` with style codes or `random`: codes work only with "
            "`--sv 4` or `--sv 6`",
        )


@rule(
    "MJ504",
    "moodboard-style-reference",
    E,
    triggers=(
        ("sw", "profile"),
        ("sv", "profile"),
    ),
)
def moodboard_style_reference(ctx: Context) -> None:
    """`--sw` or `--sv` together with a moodboard code in `--p`.

    Midjourney's docs say `--sw` and `--sv` cannot be used with moodboards ([OFF]
    Moodboards and Style Reference pages): an error. Moodboard codes are `m`-prefixed;
    they are read as `m` followed by digits.

    Fails: `a cat --sref https://example.com/s.jpg --sw 200 --p m1234567`
    Passes: `a cat --sref https://example.com/s.jpg --sw 200 --p ps3mcjo`

    No fix.
    """
    weights = [p for name in ("sw", "sv") for p in ctx.by_canonical.get(name, ())]
    if not weights:
        return
    for p in ctx.by_canonical.get("profile", ()):
        for token in value_tokens(p):
            if MOODBOARD.fullmatch(token.raw):
                names = " and ".join(f"`--{w.name}`" for w in weights)
                ctx.report(
                    token.span,
                    f"`{token.raw}` looks like a moodboard code; {names} cannot be used "
                    "with moodboards",
                )


# Soft interactions (v7-syntax.md §3.3). The sources give no exact numbers: "high"
# `--stylize`/`--exp` with `--oref`, and `--ow` "above about 400" and `--exp` "above
# about 25-50" are the sheet's words; evolink recommends `--exp` 5-25 when combining it
# with `--stylize` or `--p`. The thresholds below are those words made concrete.
HIGH_STYLIZE = 500  # `--stylize` from here on is "high" (default 100, maximum 1000)
HIGH_EXP = 25  # `--exp` above this suppresses `--stylize`/`--p` (evolink: 5-25)
DEFAULT_OW = 100  # Omni Reference weight default
UNPREDICTABLE_OW = 400  # `--ow` above this is unpredictable...
VERY_HIGH_STYLIZE = 750  # ...unless `--stylize` is at least this


def _number(ctx: Context, name: str) -> tuple[Parameter, float] | None:
    """The first `--name` of the prompt with its value as a number, if it reads as one."""
    p = ctx.first(name)
    if p is None:
        return None
    value, _ = effective_value(p)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return p, float(value)
    return None


@rule(
    "MJ505",
    "soft-interaction",
    W,
    triggers=(
        ("oref", "stylize"),
        ("oref", "exp"),
        ("ow",),
        ("exp", "stylize"),
        ("exp", "profile"),
    ),
)
def soft_interaction(ctx: Context) -> None:
    """Parameters that work together but weaken each other.

    - A high `--stylize` (500 or more) or `--exp` (above 25) with `--oref` and no
      `--ow` above the default 100: the stylization pulls away from the reference;
      raise `--ow` [MJ-OMNI].
    - `--ow` above 400 gets unpredictable unless `--stylize` is very high (750 or more)
      [MJ-OMNI].
    - `--exp` above 25 with `--stylize` or `--p`: it suppresses them; evolink
      recommends `--exp` 5-25 when combining [EVO].

    `--seed` with Turbo, the other soft interaction, is a row of MJ502. "Old
    style codes need `--sv 4`" is not checked: a code does not tell when it was made.

    Fails (warning): `a cat --oref https://example.com/o.png --s 800`,
    `a cat --oref https://example.com/o.png --ow 600`, `a cat --exp 60 --s 300`
    Passes: `a cat --oref https://example.com/o.png --s 800 --ow 300`, `a cat --exp 20 --s 300`

    No fix: the right weight depends on the image.
    """
    stylize = _number(ctx, "stylize")
    exp = _number(ctx, "exp")
    ow = _number(ctx, "ow")
    if ctx.first("oref") is not None and (ow is None or ow[1] <= DEFAULT_OW):
        for found, limit, strict in ((stylize, HIGH_STYLIZE, False), (exp, HIGH_EXP, True)):
            if found is not None and (found[1] > limit if strict else found[1] >= limit):
                p = found[0]
                ctx.report(
                    p.span,
                    f"`--{p.name} {number_text(found[1])}` with `--oref`: a high "
                    f"`--{p.name}` pulls away from the reference; raise `--ow` above "
                    f"{DEFAULT_OW}",
                )
    very_high = stylize is not None and stylize[1] >= VERY_HIGH_STYLIZE
    if ow is not None and ow[1] > UNPREDICTABLE_OW and not very_high:
        ctx.report(
            ow[0].span,
            f"`--ow {number_text(ow[1])}` above {UNPREDICTABLE_OW} gets unpredictable "
            f"unless `--stylize` is very high ({VERY_HIGH_STYLIZE}+)",
        )
    if exp is not None and exp[1] > HIGH_EXP:
        others = [n for n in ("stylize", "profile") if ctx.first(n) is not None]
        if others:
            names = " and ".join(f"`--{ctx.first(n).name}`" for n in others)  # type: ignore[union-attr]
            ctx.report(
                exp[0].span,
                f"`--exp {number_text(exp[1])}` above {HIGH_EXP} suppresses {names}; "
                f"evolink suggests `--exp` 5-25 when combining them",
            )
