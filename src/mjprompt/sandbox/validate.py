"""Strict request validation (``behaviour="strict"``): what the library checks, as a 400.

The default behaviour checks only the documented contract (:mod:`.contract`); this
module is the opt-in strict server, for people who want every request our own client
would refuse to be refused by the server too.

The checks mirror ``build_payload``: the contract's model id, a prompt within the
contract's length limit with no lint error (profile ``evolink``), ``model_params.speed``
one of the contract's speeds, and a ``callback_url`` the library's rule accepts. Like the
real API, the sandbox *strips* speed flags rather than rejecting them (what is stripped
is :func:`mjprompt.payload.strip_api_flags`, shared with ``build_payload``), and it lints
the prompt once as the API runs it: without its speed flags, with the requested speed
(so ``--oref`` with ``speed: "draft"`` is refused just as ``--oref --draft`` would be,
while ``--oref --draft`` alone runs at the default speed). A redundant ``--v 7`` is
linted in place, as ``build_payload`` does (a warning; the API strips it too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .. import evolink
from ..callbacks import callback_url_problem
from ..diagnostics import Edit, Severity, line_col
from ..findings_text import FindingLine
from ..lint import lint
from ..parsing import parse_lenient
from ..payload import delete_params, strip_api_flags
from .contract import is_loopback_url
from .envelope import ApiError, invalid_request

__all__ = ["MAX_PROMPT_LENGTH", "SPEEDS", "GenerationRequest", "validate"]

MAX_PROMPT_LENGTH = evolink.MAX_PROMPT_LENGTH
SPEEDS = evolink.SPEEDS
_FIELDS = frozenset(evolink.REQUEST_FIELDS)
_MODEL_PARAMS = frozenset(evolink.MODEL_PARAMS_FIELDS)


@attrs.frozen
class GenerationRequest:
    """A request that passed validation."""

    prompt: str  # as received
    speed: str  # the requested speed, the contract's default when none was given
    callback_url: str | None


def _bad(message: str, param: str | None) -> ApiError:
    return invalid_request(message, param=param)


def _original_offset(offset: int, deleted: tuple[Edit, ...]) -> int:
    """Map an offset in the text without speed flags back to the text as received."""
    for edit in deleted:
        if offset >= edit.start:
            offset += edit.end - edit.start
        else:
            break
    return offset


def _check_prompt(prompt: str, speed: str | None) -> None:
    speed_flags = [p for p, _ in strip_api_flags(parse_lenient(prompt)).speeds]
    text, deleted = delete_params(prompt, speed_flags)
    for d in lint(text + (f" --{speed}" if speed else ""), profile="evolink"):
        if d.severity is not Severity.ERROR:
            continue
        if d.span.start >= len(text):
            found = FindingLine(d.code, d.severity.value, d.message, "prompt").text()
            raise _bad(f"{found} (with model_params.speed {speed!r})", "prompt")
        line, column = line_col(prompt, _original_offset(d.span.start, deleted))
        found = FindingLine(d.code, d.severity.value, d.message, "prompt", line, column).text()
        raise _bad(found, "prompt")


def _check_callback(url: object, allow_loopback: bool) -> str:
    if not isinstance(url, str):
        raise _bad(f"callback_url must be a string, not {_json_type(url)}", "callback_url")
    if allow_loopback and is_loopback_url(url):
        return url
    problem = callback_url_problem(url)
    if problem is not None:
        raise _bad(problem, "callback_url")
    return url


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def validate(
    body: object, *, strict: bool = True, allow_loopback: bool = False
) -> GenerationRequest:
    """The checked request, or an :class:`ApiError` (400 ``invalid_request``) naming the problem."""
    if not isinstance(body, Mapping):
        raise _bad(f"the body must be a JSON object, not {_json_type(body)}", None)
    fields: Mapping[str, Any] = body
    # The model first: an upscale or inpaint body (other models, other fields) is told
    # that only mj-v7 is emulated rather than that its fields are unknown.
    model = fields.get("model")
    if model is None:
        raise _bad("model is required", "model")
    if model != evolink.MODEL:
        raise _bad(
            f"model must be {evolink.MODEL!r}, not {model!r}; the sandbox emulates only "
            f"{evolink.MODEL}",
            "model",
        )
    if strict:
        unknown = sorted(set(fields) - _FIELDS)
        if unknown:
            raise _bad(
                f"unknown field {unknown[0]!r} ({evolink.MODEL} accepts {sorted(_FIELDS)})",
                unknown[0],
            )
    prompt = fields.get("prompt")
    if prompt is None:
        raise _bad("prompt is required", "prompt")
    if not isinstance(prompt, str):
        raise _bad(f"prompt must be a string, not {_json_type(prompt)}", "prompt")
    if not prompt.strip():
        raise _bad("prompt is empty", "prompt")
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise _bad(
            f"prompt is {len(prompt)} characters long; at most {MAX_PROMPT_LENGTH} are allowed",
            "prompt",
        )
    speed = _check_model_params(fields.get("model_params"), strict)
    callback_url = None
    if "callback_url" in fields and fields["callback_url"] is not None:
        callback_url = _check_callback(fields["callback_url"], allow_loopback)
    try:
        _check_prompt(prompt, speed)
    except (ValueError, RecursionError) as e:
        # The linter failed on this prompt (e.g. a 5000-digit value): still a 4xx.
        raise _bad(f"prompt could not be checked: {type(e).__name__}", "prompt") from None
    return GenerationRequest(prompt, speed or evolink.DEFAULT_SPEED, callback_url)


def _check_model_params(params: object, strict: bool) -> str | None:
    if params is None:
        return None
    if not isinstance(params, Mapping):
        raise _bad(f"model_params must be an object, not {_json_type(params)}", "model_params")
    if strict:
        unknown = sorted(set(params) - _MODEL_PARAMS)
        if unknown:
            raise _bad(
                f"unknown field 'model_params.{unknown[0]}' ({evolink.MODEL} accepts only speed)",
                f"model_params.{unknown[0]}",
            )
    speed = params.get("speed")
    if speed is None:
        return None
    if speed not in SPEEDS:
        raise _bad(
            f"model_params.speed must be one of {', '.join(SPEEDS)}, not {speed!r}",
            "model_params.speed",
        )
    return str(speed)
