"""``build_payload``: the exact JSON body of ``POST /v1/images/generations`` (PRODUCT.md §6).

What the body holds (evolink-api.md §1): ``model`` (always ``"mj-v7"``), ``prompt``,
``model_params.speed`` when a speed was chosen, and ``callback_url`` when given.

Edits made to the prompt, and nothing else (the rest is the user's text byte for byte):

- speed flags (``--fast``/``--turbo``/``--draft``, any marker or case) are removed and
  their speed goes to ``model_params.speed`` — the API strips them anyway, and the
  speed has to travel in ``model_params`` to take effect;
- a redundant ``--v 7``/``--version 7`` is removed (the API locks V7).

Each removal deletes the token with the whitespace before it, as the linter's fixes do.

Refusal: the prompt is linted in the ``evolink`` profile; any error refuses it, except
the diagnostics *about the tokens removed here* (a finding whose span lies inside a
removed token and whose code is one the linter reports for such a token on its own,
e.g. the "speed flag is removed by the API" finding). Those codes are discovered by
linting small probes (``a --fast`` …), so this module does not hard-code rule codes
owned by the rule set. Findings about the speed itself are never excused: two different
speed flags, or a flag that contradicts ``speed=``, are errors (``PL001``/``PL002``);
when ``speed=`` is given, the prompt is also linted as if it carried that speed's flag,
so that a conflict such as ``--oref`` with turbo is caught.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import attrs

from .ast import Parameter, Prompt
from .callbacks import callback_url_problem
from .diagnostics import Diagnostic, Edit, Severity, Span, apply_edits
from .findings_text import diagnostic_text
from .lint import lint
from .parsing import parse_lenient

__all__ = ["MODEL", "SPEEDS", "PayloadError", "build_payload"]

MODEL = "mj-v7"
SPEEDS = ("draft", "fast", "turbo")
MAX_PROMPT_LENGTH = 8192

# Codes of findings made by build_payload itself (not rules of the linter).
SPEED_FLAGS_CONFLICT = "PL001"
SPEED_ARGUMENT_CONFLICT = "PL002"
INVALID_SPEED = "PL003"
INVALID_CALLBACK_URL = "PL004"
PROMPT_TOO_LONG = "PL005"
EMPTY_PROMPT = "PL006"
NOT_TEXT = "PL007"


def surrogate_problem(text: str) -> tuple[int, str] | None:
    """(index, message) of the first lone surrogate in ``text``; None if there is none.

    A lone surrogate is not a character: it cannot be encoded as UTF-8 (so it cannot be
    sent) and it is what Python makes of a byte that was not UTF-8 in a command-line
    argument (``\\udcff`` for 0xff) or of a ``\\udXXX`` escape in JSON.
    """
    for index, char in enumerate(text):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            why = f"U+{code:04X}, a lone surrogate, which is not a character"
            if 0xDC80 <= code <= 0xDCFF:
                why += f" (an undecodable byte 0x{code - 0xDC00:02x} becomes one)"
            return index, why
    return None


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


def _speed_of(param: Parameter) -> str | None:
    name = param.canonical
    return name if name in SPEEDS else None


def _is_version_7(param: Parameter) -> bool:
    return param.canonical == "version" and param.value_text == "7" and len(param.values) == 1


def _removal(source: str, span: Span) -> Edit:
    """Delete ``span`` with the whitespace before it (or after it, at the very start)."""
    start = span.start
    while start > 0 and source[start - 1].isspace():
        start -= 1
    end = span.end
    if start == 0:
        while end < len(source) and source[end].isspace():
            end += 1
    return Edit(start, end, "")


def _merge(edits: list[Edit]) -> list[Edit]:
    """Deletions merged where they touch or overlap (apply_edits needs disjoint edits)."""
    merged: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if merged and e.start <= merged[-1].end:
            last = merged.pop()
            e = Edit(last.start, max(last.end, e.end), "")
        merged.append(e)
    return merged


@functools.cache
def _excused_codes() -> frozenset[str]:
    """Codes the linter reports on a lone speed flag or ``--v 7``: what we remove."""
    codes: set[str] = set()
    for token in ("--fast", "--turbo", "--draft", "--v 7", "--version 7", "--FAST", "—fast"):
        probe = "a red apple " + token
        start = len("a red apple ")
        for d in lint(probe, profile="evolink"):
            if d.span.start >= start:
                codes.add(d.code)
    return frozenset(codes)


def _diag(code: str, rule: str, message: str, span: Span) -> Diagnostic:
    return Diagnostic(code, rule, Severity.ERROR, message, span)


@attrs.frozen
class _Plan:
    prompt: str  # the text to send
    speed: str | None
    removed: tuple[Span, ...]  # spans of the tokens removed (in the user's text)
    diagnostics: tuple[Diagnostic, ...]  # errors that refuse the prompt


def _plan(text: str, speed: str | None) -> _Plan:
    parsed: Prompt = parse_lenient(text)
    found: list[Diagnostic] = []
    flags = [(p, s) for p in parsed.params if (s := _speed_of(p)) is not None]
    versions = [p for p in parsed.params if _is_version_7(p)]
    removed = tuple(p.span for p in (*(p for p, _ in flags), *versions))

    excused = _excused_codes()
    for d in lint(text, profile="evolink"):
        if d.severity is not Severity.ERROR:
            continue
        inside = any(r.contains(d.span) for r in removed)
        if inside and d.code in excused:
            continue
        found.append(d)

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

    sent = apply_edits(text, _merge([_removal(text, span) for span in removed]))
    if removed and not sent.strip() and not found:
        found.append(
            _diag(EMPTY_PROMPT, "empty-prompt", "nothing is left to send", Span(0, len(text)))
        )

    if speed is not None and not flags and not found:
        # Lint the prompt as the API will run it: with this speed's flag. Errors that
        # appear only then (e.g. --oref with turbo) are errors of this request.
        known = {d.code for d in lint(text, profile="evolink")}
        probe = text.rstrip() + " --" + speed
        for d in lint(probe, profile="evolink"):
            if d.severity is Severity.ERROR and d.code not in known and d.code not in excused:
                end = min(d.span.end, len(text))
                start = min(d.span.start, end)
                found.append(
                    d.replace(message=f"{d.message} (with speed={speed!r})", span=Span(start, end))
                )
    found.sort(key=lambda d: (d.span.start, d.span.end, d.code))
    return _Plan(sent, effective, removed, tuple(found))


def _check_speed(speed: object) -> str | None:
    if speed is None:
        return None
    if not isinstance(speed, str) or speed.strip().lower() not in SPEEDS:
        raise PayloadError(
            f"speed must be one of draft, fast, turbo (got {speed!r})",
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
    plan = _plan(text, wanted)
    if plan.diagnostics:
        raise PayloadError(_describe(text, plan.diagnostics), plan.diagnostics, text)
    if len(plan.prompt) > MAX_PROMPT_LENGTH:
        # The linter reports this on the user's text; after removals it can only shrink,
        # so this guards against a rule set that does not check the length.
        span = Span(MAX_PROMPT_LENGTH, len(text))
        diag = _diag(
            PROMPT_TOO_LONG, "prompt-too-long", "the prompt is longer than 8192 characters", span
        )
        raise PayloadError(_describe(text, [diag]), [diag], text)
    body: dict[str, Any] = {"model": MODEL, "prompt": plan.prompt}
    if plan.speed is not None:
        body["model_params"] = {"speed": plan.speed}
    if callback_url is not None:
        body["callback_url"] = callback_url
    return body
