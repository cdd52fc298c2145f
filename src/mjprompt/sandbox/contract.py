"""The documented request contract of ``mj-v7``, checked by the sandbox's default behaviour.

This module is deliberately independent of :mod:`mjprompt.lint` and the prompt parser:
it knows only what the evolink documentation states (``shared/spec/evolink-api.md``),
so that a difference between our linter and the server shows up in tests instead of
being hidden by a shared implementation. Every rule names its row in the decision
table of ``docs/sandbox.md``.

Two kinds of check:

- the **request schema** (:func:`check_request`): JSON shape, ``model`` enum, ``prompt``
  type and length, ``model_params.speed`` enum, ``callback_url``. A violation is a
  synchronous 400 ``invalid_request`` without ``param`` (the documented generation
  envelope has none). Unknown fields are accepted and ignored (G08, G09);
- the **prompt content** (:func:`prompt_failure`): what the docs call unsupported or
  invalid in a prompt. The request is accepted and the task then fails with the
  documented task error ``invalid_parameters`` (G06, P03-P05, P08); everything the
  docs are silent on (unknown flags, out-of-range values, ``--v 6``) passes through
  (P02, P06, P07).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from .. import evolink
from ..callbacks import callback_url_problem
from .envelope import ApiError, invalid_request

__all__ = [
    "MAX_CALLBACK_URL",
    "MAX_IMAGE_PROMPTS",
    "MAX_PROMPT_LENGTH",
    "SPEEDS",
    "UNSUPPORTED_FLAGS",
    "Request",
    "check_request",
    "is_loopback_url",
    "prompt_failure",
    "remove_speed_flags",
]

# G05: ImageGenerationRequest.prompt maxLength (code points)
MAX_PROMPT_LENGTH = evolink.MAX_PROMPT_LENGTH
MAX_CALLBACK_URL = evolink.MAX_CALLBACK_URL_LENGTH  # G10
MAX_IMAGE_PROMPTS = 20  # P04
SPEEDS = evolink.SPEEDS  # G07: model_params.speed enum
# P03: flags the docs call "not supported" for mj-v7 (evolink-api.md §7.3).
UNSUPPORTED_FLAGS = frozenset(
    {"niji", "stop", "cref", "cw", "relax", "repeat", "r", "p", "stealth", "public"}
)
# A flag is `--name` at the start of the prompt or after whitespace (ASCII dashes only:
# the docs write flags that way).
_FLAG = re.compile(r"(?<!\S)--([A-Za-z][A-Za-z0-9_-]*)")
_SPEED_FLAG = re.compile(
    r"\s*(?<!\S)--(?:" + "|".join(evolink.STRIPPED_SPEED_FLAGS) + r")(?!\S)", re.IGNORECASE
)
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_PERMUTATION = re.compile(r"\{[^{}]*,[^{}]*\}")


@attrs.frozen
class Request:
    """A generation request the documented contract accepts."""

    prompt: str  # as received
    speed: str  # model_params.speed, the default speed when absent (G07)
    callback_url: str | None


def _bad(detail: str) -> ApiError:
    # G11/G12: the documented 400 row, its message followed by what is wrong; no `param`.
    return invalid_request(detail)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else type(value).__name__


def check_request(body: object, *, allow_loopback: bool = False) -> Request:
    """The request if the documented schema accepts it, else a 400 :class:`ApiError`."""
    if not isinstance(body, Mapping):  # G02
        raise _bad(f"the body must be a JSON object, not {_json_type(body)}")
    fields: Mapping[str, Any] = body
    model = fields.get("model")  # G03: checked first, so other models get a clear answer
    if model is None:
        raise _bad("model is required")
    if model != evolink.MODEL:
        shown = repr(model) if isinstance(model, str) else _json_type(model)
        raise _bad(
            f"model must be {evolink.MODEL!r}, not {shown}; this sandbox emulates only "
            f"{evolink.MODEL} (other evolink models such as {evolink.MODEL}-upscale are not "
            "emulated)"
        )
    prompt = fields.get("prompt")  # G04
    if prompt is None:
        raise _bad("prompt is required")
    if not isinstance(prompt, str):
        raise _bad(f"prompt must be a string, not {_json_type(prompt)}")
    if len(prompt) > MAX_PROMPT_LENGTH:  # G05: code points, as received
        raise _bad(f"prompt is {len(prompt)} characters long; at most {MAX_PROMPT_LENGTH}")
    speed = _speed(fields.get("model_params"))
    url = fields.get("callback_url")
    if url is not None:
        _check_callback(url, allow_loopback)
    return Request(prompt, speed, url)


def _speed(params: object) -> str:
    """G07: ``model_params`` is an object; ``speed`` one of the enum, absent/null = fast.
    Other keys are ignored (G09)."""
    if params is None:
        return evolink.DEFAULT_SPEED
    if not isinstance(params, Mapping):
        raise _bad(f"model_params must be an object, not {_json_type(params)}")
    speed = params.get("speed")
    if speed is None:
        return evolink.DEFAULT_SPEED
    if speed not in SPEEDS:
        shown = repr(speed) if isinstance(speed, str) else _json_type(speed)
        raise _bad(f"model_params.speed must be one of {', '.join(SPEEDS)}, not {shown}")
    return str(speed)


def _check_callback(url: object, allow_loopback: bool) -> None:
    """G10: a string of at most 2048 characters that is an https URL to no private or
    internal address.

    The docs list "127.0.0.1, 10.x.x.x, 172.16-31.x.x, 192.168.x.x, etc.": what else
    counts as internal, in which spellings, is read as the library's special-purpose
    table (:func:`mjprompt.callbacks.callback_url_problem`), because the sandbox really
    delivers callbacks and must not become a relay to internal addresses.
    """
    if not isinstance(url, str):
        raise _bad(f"callback_url must be a string, not {_json_type(url)}")
    if len(url) > MAX_CALLBACK_URL:
        raise _bad(f"callback_url is {len(url)} characters long; at most {MAX_CALLBACK_URL}")
    if allow_loopback and is_loopback_url(url):
        return  # the sandbox's switch for tests, http or https
    problem = callback_url_problem(url)
    if problem is not None:
        raise _bad(f"callback_url: {problem}")


def is_loopback_url(url: str) -> bool:
    """An http(s) URL whose host is ``localhost`` or a loopback IP literal."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def remove_speed_flags(prompt: str) -> str:
    """P01: the prompt without ``--fast``/``--turbo``/``--draft`` (the API removes them)."""
    return _SPEED_FLAG.sub("", prompt).strip()


def _flags(prompt: str) -> list[str]:
    return [m.group(1).lower() for m in _FLAG.finditer(prompt)]


def _split(prompt: str) -> tuple[list[str], str]:
    """The leading image URLs and the text before the first flag."""
    words = prompt.split()
    images: list[str] = []
    while words and _URL.fullmatch(words[0]):
        images.append(words.pop(0))
    rest = " ".join(words)
    first_flag = _FLAG.search(rest)
    text = rest if first_flag is None else rest[: first_flag.start()]
    return images, text.strip()


def prompt_failure(prompt: str, speed: str) -> str | None:
    """Why the task of an accepted request fails (``invalid_parameters``), or None.

    Only what the docs call unsupported or invalid is refused here; the rest passes
    through to the task unchanged.
    """
    stripped = remove_speed_flags(prompt)
    images, text = _split(stripped)
    if not images and not text:
        return "the prompt is empty (decision G06)"
    if len(images) == 1 and not text:
        return "a single image prompt needs text (decision P04)"
    if len(images) > MAX_IMAGE_PROMPTS:
        return f"{len(images)} image prompts; at most {MAX_IMAGE_PROMPTS} (decision P04)"
    flags = _flags(stripped)
    for flag in flags:
        if flag in UNSUPPORTED_FLAGS:
            return f"--{flag} is not supported by {evolink.MODEL} (decision P03)"
    if "::" in text:
        return "multi-prompts (::) are not supported in V7 (decision P05)"
    if _PERMUTATION.search(text):
        return "permutation prompts ({a, b}) are not supported via the API (decision P05)"
    if "oref" in flags and speed != "fast":
        return f"--oref needs the fast speed, not {speed} (decision P08)"
    return None
