"""MJ4xx: model and profile. Version lock, Niji, removed and video parameters, speeds.

What a parameter is (removed, video-only, a speed, supported in which profile) is a
column of the parameter table; these rules only read it.
"""

from __future__ import annotations

import itertools

from .. import evolink
from ..ast import Parameter, Value
from ..diagnostics import Span
from ..params import PARAMS, Status
from ..profiles import BY_NAME as PROFILE_ROWS
from .base import INFO, Context, E, W, any_parameter, delete_token, replace_span, rule
from .common import flag, per_text, value_tokens, without_punctuation

__all__ = ["V7_TEXTS"]

V7_TEXTS = evolink.LOCKED_VERSION_TEXTS  # the `--v` values that select V7 (the lock)
# Every flag that chooses a GPU mode in some profile (each profile's are in its row).
_SPEED_FLAGS = tuple(dict.fromkeys(f for p in PROFILE_ROWS.values() for f in p.speed_flags))


def _names_of(status: Status) -> tuple[str, ...]:
    return tuple(spec.name for spec in PARAMS if spec.status is status)


def _version_text(values: tuple[object, ...]) -> str:
    if len(values) == 1 and values[0].__class__ is Value:  # `--v 7`: no list, no join
        return without_punctuation(values[0].raw)
    return " ".join([without_punctuation(v.raw) for v in values if isinstance(v, Value)])


def _selects_v7(p: Parameter, profile: str) -> bool:
    return any(v.__class__ is Value and without_punctuation(v.raw) in V7_TEXTS for v in p.values)


def _selects_another(p: Parameter, profile: str) -> bool:
    return any(
        v.__class__ is Value and without_punctuation(v.raw) not in V7_TEXTS for v in p.values
    )


@rule(
    "MJ401",
    "redundant-version",
    W,
    fix="safe",
    triggers=(any_parameter(_selects_v7, names=("version",)),),
    api_strips=True,
)
def redundant_version(ctx: Context) -> None:
    """`--v 7` in a prompt for the evolink API (evolink only).

    The `mj-v7` endpoint locks the model to V7 and removes `--v` from the prompt, so the
    parameter does nothing there. In the midjourney profile it selects V7 and is fine.

    Fails (warning): `a cat --v 7`, `a cat --version 7`
    Passes: `a cat --ar 16:9`

    Fix (safe): delete it.
    """
    for p in ctx.named("version"):
        said = _redundant_words(p)
        if said:
            message, description = said
            span = p.span
            ctx.report(span, message, delete_token(ctx.source, span, description))


# Remembered per text (`per_text`): nearly every corpus prompt with a `--v` writes
# `--v 7`, and not reading its values saves 1.5 of MJ401's 4.5 us per run (339 of the
# corpus's 2067 prompts run it).
@per_text
def _redundant_words(p: Parameter) -> tuple[str, str] | tuple[()]:
    """MJ401's message and fix description for one `--v`; () when it selects no V7."""
    text = _version_text(p.values)
    if text not in V7_TEXTS:
        return ()
    return (
        f"`--{p.name} {text}` is redundant: the evolink API locks V7 and removes `--v`",
        f"delete `--{p.name}`",
    )


@rule("MJ402", "other-version", E, triggers=(any_parameter(_selects_another, names=("version",)),))
def other_version(ctx: Context) -> None:
    """A `--v` other than 7 (`--v 6.1`, `--v 8.1`).

    This tool checks V7 prompts: another version is another model, with other
    parameters (and the evolink endpoint is V7 only). `--oref` is rejected on V8.x as
    "`--oref` is not compatible with `--version 8.1`".

    Fails: `a cat --v 6.1`, `a cat --oref https://example.com/x.png --v 8.1`
    Passes: `a cat --v 7`

    No fix: the prompt may rely on that version.
    """
    for p in ctx.named("version"):
        text = _other_version(p)
        if text is None:
            continue
        extra = ""
        if ctx.has("oref"):
            extra = f"; `--oref` is not compatible with `--version {text}`"
        ctx.report(
            p.span, f"`--{p.name} {text}` selects another model; this prompt must be V7{extra}"
        )


# Remembered per text (`per_text`): the corpus's 82 prompts that run MJ402 write a few
# versions (`--v 6.1`, `--v 5.2`), and their value nodes are not built again (~1 us).
@per_text
def _other_version(p: Parameter) -> str | None:
    """The version a `--v` selects (without punctuation), or None: V7, or a group."""
    tokens = value_tokens(p)  # empty when the values hold a permutation
    if not tokens:
        return None
    text = without_punctuation(tokens[0].raw)
    return None if text in V7_TEXTS else text


@rule("MJ403", "niji-model", E, triggers=("niji",))
def niji_model(ctx: Context) -> None:
    """`--niji`, the anime model line: not V7, and not available on evolink.

    With `--v 7` it asks for two models in one job.

    Fails: `a cat --niji 6`, `a cat --v 7 --niji 7`
    Passes: `a cat --v 7`

    No fix: which model was meant is unknown.
    """
    for p in ctx.by_canonical.get("niji", ()):
        message = "`--niji` selects the Niji model, not V7"
        if ctx.has("version"):
            message += "; `--v` and `--niji` are two model selectors in one job"
        ctx.report(p.span, message)


def _reported_removed(p: Parameter, profile: str) -> bool:
    # `--style raw` is MJ405's (a third of the corpus's removed parameters): the rule
    # runs only where it has a finding.
    return p.spec is not None and p.spec.status is Status.REMOVED and not _style_not_reported(p)


def _style_not_reported(p: Parameter) -> bool:
    """A `--style raw` (MJ405's) or a `--style` with a group (judged per expansion)."""
    if p.spec is None or p.spec.name != "style":
        return False
    return _is_style_raw(p, "") or p.has_permutation


def _is_style_raw(p: Parameter, profile: str) -> bool:
    """`--style raw`: the first value token is `raw` (MJ405's finding)."""
    tokens = value_tokens(p)  # empty when the values hold a group
    return bool(tokens) and tokens[0].raw.lower() == "raw"


@rule(
    "MJ404",
    "removed-parameter",
    E,
    triggers=(any_parameter(_reported_removed, names=_names_of(Status.REMOVED)),),
)
def removed_parameter(ctx: Context) -> None:
    """A legacy, deprecated or other-version parameter (`--cref`, `--stop`, `--hd`).

    V7 does not have it; Midjourney answers with an error such as "`--cref` is not
    compatible with `--version 7`". The message names what replaces it, where something
    does (`--cref` -> `--oref`, `--cw` -> `--ow`, `--h`/`--width` -> `--ar`). `--style`
    values other than `raw` belong to Niji 5, V4 or the Style Tuner.

    Fails: `a cat --cref https://example.com/c.png --cw 50`, `a cat --stop 80`,
    `a cat --style cute`
    Passes: `a cat --oref https://example.com/c.png --ow 50`

    No fix: the replacement works differently.
    """
    for p in ctx.prompt.params:
        spec = p.spec
        if spec is not None and spec.status is Status.REMOVED:
            message = _removed_message(p)
            if message:
                ctx.report(p.span, message)


# Remembered per text (`per_text`): the corpus's 319 removed parameters are a few texts
# (`--style raw` aside: MJ405's), so their messages are written once, and the values of a
# `--style` are not read again.
@per_text
def _removed_message(p: Parameter) -> str:
    """MJ404's message for a removed parameter; "" for a `--style` it leaves to others."""
    spec = p.spec
    assert spec is not None
    if spec.name == "style":
        if _style_not_reported(p):
            return ""  # MJ405, or judged per expansion
        value = " ".join(t.raw for t in value_tokens(p))
        return f"`--{p.name} {value}` is not a V7 style ({spec.note}); V7 has only `--raw`"
    message = f"`--{p.name}` is not a V7 parameter"
    if spec.note:
        message += f" ({spec.note})"
    if spec.replacement:
        message += f"; use `{spec.replacement}`"
    return message


@rule(
    "MJ405",
    "style-raw",
    INFO,
    fix="safe",
    # Not every `--style` (`--style cute` is MJ404's): a quarter of the corpus's.
    triggers=(any_parameter(_is_style_raw, names=("style",)),),
)
def style_raw(ctx: Context) -> None:
    """`--style raw`, the older spelling of `--raw`.

    V7's documented form is `--raw`; `--style raw` comes from V5.1–V6.1 and its
    acceptance in V7 is not confirmed.

    Fails (info): `product photo --style raw`
    Passes: `product photo --raw`

    Fix (safe): write `--raw`.
    """
    for p in ctx.named("style"):
        end = _style_raw_end(p)
        if end is not None:
            start = p.span.start
            span = Span(start, start + end)
            ctx.report(
                span,
                "`--style raw` is written `--raw` in V7",
                replace_span(span, "--raw", "write `--raw`"),
            )


# Remembered per text (`per_text`): `--style raw` is the corpus's fourth most common
# parameter (103 prompts), and its value nodes are not built again (~1 us).
@per_text
def _style_raw_end(p: Parameter) -> int | None:
    """Where the `raw` of `--style raw` ends, from the start of the parameter; or None."""
    tokens = value_tokens(p)
    # `value_tokens` is empty when the values hold a group (judged per expansion).
    if tokens and tokens[0].raw.lower() == "raw":
        return tokens[0].span.end - p.span.start
    return None


@rule("MJ406", "video-parameter", E, triggers=_names_of(Status.VIDEO))
def video_parameter(ctx: Context) -> None:
    """A video-only parameter (`--motion`, `--loop`, `--end`, `--bs`, `--video`).

    These belong to Midjourney's video jobs; an image prompt cannot use them.

    Fails: `a cat --motion high --loop`
    Passes: `a cat --ar 16:9`

    No fix.
    """
    for p in ctx.prompt.params:
        if p.spec is not None and p.spec.status is Status.VIDEO:
            ctx.report(p.span, f"`--{p.name}` is a video parameter; this is an image prompt")


@rule(
    "MJ407",
    "unsupported-in-profile",
    E,
    # The parameters some profile lacks.
    triggers=tuple(
        s.name for s in PARAMS if s.status is Status.VALID and set(PROFILE_ROWS) - s.profiles
    ),
)
def unsupported_in_profile(ctx: Context) -> None:
    """A parameter the evolink API does not support (`--p`, `--repeat`, `--stealth`).

    These are valid in Midjourney itself but not available through the `mj-v7` API.

    Fails: `a cat --p ps3mcjo`, `a cat --repeat 4`, `a cat --stealth`
    Passes: `a cat --ar 16:9`

    No fix: the API offers nothing in their place.
    """
    for p in ctx.prompt.params:
        spec = p.spec
        if (
            spec is not None
            and spec.status is Status.VALID
            and ctx.profile.name not in spec.profiles
        ):
            ctx.report(p.span, f"{flag(spec, p.name)} is not supported by the evolink API")


@rule(
    "MJ408",
    "speed-flag",
    W,
    fix="safe",
    triggers=evolink.STRIPPED_SPEED_FLAGS,
    api_strips=True,
)
def speed_flag(ctx: Context) -> None:
    """`--fast`, `--turbo` or `--draft` in a prompt for the evolink API (evolink only).

    The API removes speed flags from the prompt; the speed is the request's
    `model_params.speed`. `build_payload` moves the flag there for you.

    Fails (warning): `a cat --turbo`, `a cat --draft`
    Passes: `a cat --ar 16:9`

    Fix (safe): delete the flag (pass `speed=` to `build_payload` instead).
    """
    for name in evolink.STRIPPED_SPEED_FLAGS:
        for p in ctx.by_canonical.get(name, ()):
            ctx.report(
                p.span,
                f'`--{p.name}` is removed by the API; use `model_params.speed` ("{name}") instead',
                delete_token(ctx.source, p.span, f"delete `--{p.name}`"),
            )


@rule(
    "MJ409",
    "conflicting-speeds",
    E,
    triggers=tuple(itertools.combinations(_SPEED_FLAGS, 2)),  # two of them
    api_strips=True,
)
def conflicting_speeds(ctx: Context) -> None:
    """Two different speed modes in one prompt (`--relax --turbo`).

    A job runs in one GPU mode. In evolink, `--draft` is a speed too.

    Fails: `a cat --relax --turbo`, `a cat --fast --draft` (evolink)
    Passes: `a cat --turbo`, `a cat --fast --draft` (midjourney)

    No fix: which one was meant is unknown.
    """
    found = [p for name in ctx.profile.speed_flags for p in ctx.by_canonical.get(name, ())[:1]]
    if len(found) > 1:
        found.sort(key=lambda p: p.span.start)
        listed = ", ".join(f"`--{p.name}`" for p in found)
        ctx.report(found[1].span, f"two speed modes in one prompt: {listed}; keep one")


@rule("MJ410", "relax-unsupported", E, triggers=("relax",))
def relax_unsupported(ctx: Context) -> None:
    """`--relax` in a prompt for the evolink API (evolink only).

    evolink: "V7 does not support relax mode"; its speeds are draft, fast and turbo.

    Fails: `a cat --relax`
    Passes: `a cat --fast`

    No fix: choose `model_params.speed` "fast" or "draft".
    """
    for p in ctx.by_canonical.get("relax", ()):
        ctx.report(
            p.span,
            "`--relax` is not available on the evolink API (V7 has no relax mode there); "
            'use `model_params.speed` "fast" or "draft"',
        )
