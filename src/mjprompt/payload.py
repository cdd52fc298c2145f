"""``build_payload``: the exact JSON body of ``POST /v1/images/generations`` (PRODUCT.md §6).

What the body holds (evolink-api.md §1, :mod:`mjprompt.evolink`): ``model`` (always
the contract's model id), ``prompt``, ``model_params.speed`` when a speed was chosen,
and ``callback_url`` when given.

Edits made to the prompt, and nothing else (the rest is the user's text byte for byte):
:func:`strip_api_flags` removes what the API strips anyway —

- speed flags (``--fast``/``--turbo``/``--draft``, any case, ``--`` or em-dash marker):
  their speed goes to ``model_params.speed``, where it has to travel to take effect;
- a redundant ``--v 7``/``--version 7``/``--v 7.0`` (the endpoint locks V7:
  ``evolink.LOCKED_VERSION_TEXTS``).

Each removal deletes the token with the whitespace before it, with the rules' own
token-deletion helper (the same edit as the linter's fix).

Refusal: the prompt is linted **once**, in the ``evolink`` profile, as the API will run
it — with the requested speed's flag appended when ``speed=`` is given and the prompt
does not already carry it, so that a conflict such as ``--oref`` with turbo is caught
(such findings say "with speed=…"). Any error refuses the prompt, except findings of
rules marked ``api_strips`` (the rules that report a flag the API strips, e.g. MJ408
"speed flag is removed by the API") when they point at a token removed here or at the
appended flag. Findings about the speed itself are never excused: two different speed
flags, or a flag that contradicts ``speed=``, are errors (``PL001``/``PL002``).

The strict sandbox (:mod:`mjprompt.sandbox.validate`) strips with the same
:func:`strip_api_flags`, so the library and the sandbox agree on what the API removes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from . import evolink
from .ast import Parameter, Prompt, Value
from .callbacks import callback_url_problem
from .diagnostics import Diagnostic, Edit, Severity, Span, apply_edits
from .findings_text import diagnostic_text
from .lint import lint_with_plan, plan_for
from .parsing import parse_lenient
from .rules import REGISTRY
from .rules.base import delete_token
from .rules.common import without_punctuation
from .surrogates import surrogate_problem

__all__ = [
    "MODEL",
    "SPEEDS",
    "PayloadError",
    "Stripped",
    "build_payload",
    "delete_params",
    "strip_api_flags",
]

MODEL = evolink.MODEL
SPEEDS = evolink.SPEEDS
MAX_PROMPT_LENGTH = evolink.MAX_PROMPT_LENGTH
_PROFILE = "evolink"

# Codes of findings made by build_payload itself (not rules of the linter).
SPEED_FLAGS_CONFLICT = "PL001"
SPEED_ARGUMENT_CONFLICT = "PL002"
INVALID_SPEED = "PL003"
INVALID_CALLBACK_URL = "PL004"
PROMPT_TOO_LONG = "PL005"
EMPTY_PROMPT = "PL006"
NOT_TEXT = "PL007"


class PayloadError(ValueError):
    """The prompt (or an argument) cannot be sent; ``diagnostics`` says why and where.

    ``text`` is the prompt the diagnostics' spans refer to.
    """

    def __init__(
        self, message: str, diagnostics: Sequence[Diagnostic] = (), text: str = ""
    ) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.text = text


def _describe(text: str, diagnostics: Sequence[Diagnostic]) -> str:
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    noun = "error" if len(errors) == 1 else "errors"
    return f"the prompt has {len(errors)} {noun}; not sent: {diagnostic_text(first, text)}{more}"


def _version_text(param: Parameter) -> str:
    """The value of a ``--v`` as the version rules read it (trailing punctuation off)."""
    return " ".join([without_punctuation(v.raw) for v in param.values if isinstance(v, Value)])


def _stripped_speed(param: Parameter) -> str | None:
    """The speed of a flag the API strips, or None; also None for ``--v 7`` (see
    :func:`_is_stripped`)."""
    spec = param.spec
    if spec is None or not param.marker_style.valid:
        return None
    return spec.name if spec.name in evolink.STRIPPED_SPEED_FLAGS else None


def _is_stripped(param: Parameter) -> bool:
    """Whether the API strips ``param``: a speed flag, or the version it is locked to.

    Only the markers Midjourney reads as markers (``--``, an em dash) count: an en dash
    or a spaced marker is not a flag, and the linter refuses it.
    """
    spec = param.spec
    if spec is None or not param.marker_style.valid:
        return False
    if spec.name in evolink.STRIPPED_SPEED_FLAGS:
        return True
    return spec.name == "version" and evolink.is_locked_version(_version_text(param))


def _merge(edits: list[Edit]) -> list[Edit]:
    """Deletions merged where they touch or overlap (apply_edits needs disjoint edits)."""
    merged: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if merged and e.start <= merged[-1].end:
            last = merged.pop()
            e = Edit(last.start, max(last.end, e.end), "")
        merged.append(e)
    return merged


@attrs.frozen
class Stripped:
    """A prompt without the flags the API strips."""

    text: str  # what is sent
    removed: tuple[Parameter, ...]  # the parameters removed, in prompt order
    speeds: tuple[tuple[Parameter, str], ...]  # the speed flags among them, with their speed


def delete_params(source: str, params: Sequence[Parameter]) -> tuple[str, tuple[Edit, ...]]:
    """``source`` without ``params``, and the (sorted, disjoint) deletions made.

    Each parameter goes with the whitespace before it (:func:`~mjprompt.rules.base.
    delete_token`, the linter's own fix), so the rest of the prompt keeps its spacing.
    """
    edits = _merge([e for p in params for e in delete_token(source, p.span, "").edits])
    return apply_edits(source, edits), tuple(edits)


def strip_api_flags(prompt: Prompt) -> Stripped:
    """``prompt`` without its speed flags and a redundant ``--v 7`` (what the API strips)."""
    removed = tuple(p for p in prompt.params if _is_stripped(p))
    speeds = tuple((p, s) for p in removed if (s := _stripped_speed(p)) is not None)
    return Stripped(delete_params(prompt.source, removed)[0], removed, speeds)


def _lint(prompt: Prompt) -> list[Diagnostic]:
    """The one lint of a payload (a seam for tests)."""
    return lint_with_plan(prompt, plan_for(_PROFILE))


@attrs.frozen
class Checked:
    """A prompt stripped and linted once (:func:`_check`)."""

    stripped: Stripped
    errors: tuple[Diagnostic, ...]  # sorted; spans in the text, or past ``speed_at``
    speed_at: int  # where the appended speed flag starts (the text's length if none)


def _check(text: str, speed: str | None) -> Checked:
    """Strip ``text`` and lint it once as the API will run it with ``speed``.

    When ``speed`` is given and the prompt has no flag of that speed, `` --SPEED`` is
    appended for the lint (after the text without its trailing whitespace), so that the
    rules see the speed the request asks for; findings on it start at ``speed_at``. The
    errors kept are every error except those of ``api_strips`` rules on a removed token
    or on the appended flag: what the API strips is not an error of the prompt.
    """
    prompt = parse_lenient(text)
    stripped = strip_api_flags(prompt)
    speed_at = len(text)
    linted = prompt
    if speed is not None and speed not in {s for _, s in stripped.speeds}:
        speed_at = len(text.rstrip())
        linted = parse_lenient(text[:speed_at] + " --" + speed)
    removed = [p.span for p in stripped.removed]
    errors = []
    for d in _lint(linted):
        if d.severity is not Severity.ERROR:
            continue
        rule = REGISTRY.get(d.code)
        on_stripped = d.span.start >= speed_at or any(r.contains(d.span) for r in removed)
        if rule is not None and rule.api_strips and on_stripped:
            continue
        errors.append(d)
    errors.sort(key=lambda d: (d.span.start, d.span.end, d.code))
    return Checked(stripped, tuple(errors), speed_at)


def _diag(code: str, rule: str, message: str, span: Span) -> Diagnostic:
    return Diagnostic(code, rule, Severity.ERROR, message, span)


@attrs.frozen
class _Outgoing:
    prompt: str  # the text to send
    speed: str | None
    diagnostics: tuple[Diagnostic, ...]  # errors that refuse the prompt


def _outgoing(text: str, speed: str | None) -> _Outgoing:
    checked = _check(text, speed)
    stripped = checked.stripped
    found: list[Diagnostic] = []
    for d in checked.errors:
        if d.span.start >= checked.speed_at:
            # An error of this request only: the prompt with this speed (e.g. --oref
            # with turbo). Its span is clamped to the user's text.
            end = min(d.span.end, len(text))
            d = d.replace(
                message=f"{d.message} (with speed={speed!r})",
                span=Span(min(d.span.start, end), end),
            )
        found.append(d)

    flags = stripped.speeds
    flag_speeds = {s for _, s in flags}
    effective = speed
    if len(flag_speeds) > 1:
        first = flags[0][1]
        for p, s in flags[1:]:
            if s != first:
                found.append(
                    _diag(
                        SPEED_FLAGS_CONFLICT,
                        "conflicting-speeds",
                        f"`--{s}` contradicts `--{first}`: choose one speed",
                        p.span,
                    )
                )
                break
    elif flag_speeds:
        (flag_speed,) = flag_speeds
        if speed is not None and speed != flag_speed:
            p = flags[0][0]
            found.append(
                _diag(
                    SPEED_ARGUMENT_CONFLICT,
                    "speed-contradicts-argument",
                    f"`--{flag_speed}` contradicts speed={speed!r}",
                    p.span,
                )
            )
        effective = flag_speed

    sent = stripped.text
    if stripped.removed and not sent.strip() and not found:
        found.append(
            _diag(EMPTY_PROMPT, "empty-prompt", "nothing is left to send", Span(0, len(text)))
        )
    found.sort(key=lambda d: (d.span.start, d.span.end, d.code))
    return _Outgoing(sent, effective, tuple(found))


def _check_speed(speed: object) -> str | None:
    if speed is None:
        return None
    if not isinstance(speed, str) or speed.strip().lower() not in SPEEDS:
        raise PayloadError(
            f"speed must be one of {', '.join(SPEEDS)} (got {speed!r})",
            [_diag(INVALID_SPEED, "invalid-speed", f"invalid speed {speed!r}", Span(0, 0))],
        )
    return speed.strip().lower()


def build_payload(
    text: str, *, speed: str | None = None, callback_url: str | None = None
) -> dict[str, Any]:
    """The JSON body of ``POST /v1/images/generations`` for ``text``.

    Raises :class:`PayloadError` (carrying the diagnostics) when the prompt has errors
    in the ``evolink`` profile, when a speed flag contradicts another or ``speed``,
    when ``speed`` is not draft/fast/turbo, or when ``callback_url`` is not acceptable
    (see :func:`mjprompt.callbacks.callback_url_problem`).
    """
    if not isinstance(text, str):
        raise PayloadError(f"the prompt must be a string, not {type(text).__name__}")
    bad = surrogate_problem(text)
    if bad is not None:
        index, why = bad
        diag = _diag(NOT_TEXT, "not-text", f"the prompt contains {why}", Span(index, index + 1))
        raise PayloadError(_describe(text, [diag]), [diag], text)
    wanted = _check_speed(speed)
    if callback_url is not None:
        problem = callback_url_problem(callback_url)
        if problem is not None:
            raise PayloadError(
                f"invalid callback_url: {problem}",
                [_diag(INVALID_CALLBACK_URL, "invalid-callback-url", problem, Span(0, 0))],
            )
    out = _outgoing(text, wanted)
    if out.diagnostics:
        raise PayloadError(_describe(text, out.diagnostics), out.diagnostics, text)
    if len(out.prompt) > MAX_PROMPT_LENGTH:
        # The linter reports this on the user's text; after removals it can only shrink,
        # so this guards against a rule set that does not check the length.
        span = Span(MAX_PROMPT_LENGTH, len(text))
        diag = _diag(
            PROMPT_TOO_LONG,
            "prompt-too-long",
            f"the prompt is longer than {MAX_PROMPT_LENGTH} characters",
            span,
        )
        raise PayloadError(_describe(text, [diag]), [diag], text)
    body: dict[str, Any] = {"model": MODEL, "prompt": out.prompt}
    if out.speed is not None:
        body["model_params"] = {"speed": out.speed}
    if callback_url is not None:
        body["callback_url"] = callback_url
    return body
