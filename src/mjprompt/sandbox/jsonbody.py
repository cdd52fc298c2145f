"""Parse a request body as JSON without letting hostile input crash the handler.

``json.loads`` alone turns ``[`` x 10**6 into ``RecursionError`` and a 5000-digit
integer into a plain ``ValueError`` (Python's integer-string limit): neither is a
``JSONDecodeError``, so a handler that catches only that answered 500 or dropped the
connection. Here the nesting depth is measured before parsing and integers are read
with a digit limit, so every bad body becomes one :class:`BodyError` with a position
(decision E03 in docs/sandbox.md).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_NUMBER_DIGITS", "BodyError", "parse_json"]

MAX_DEPTH = 64  # a valid mj-v7 request nests 2 levels deep
MAX_NUMBER_DIGITS = 100  # no documented field needs more


class BodyError(ValueError):
    """The body is not JSON the sandbox will read; the message says where."""


def _depth_problem(text: str) -> str | None:
    """Where the nesting first goes deeper than :data:`MAX_DEPTH`, if it does."""
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels at character {i + 1}"
        elif ch in "]}":
            depth -= 1
    return None


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BodyError(
            f"a number has {len(digits.lstrip('-'))} digits; at most {MAX_NUMBER_DIGITS}"
        )
    return int(digits)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:  # mantissa, sign, point and exponent
        raise BodyError(f"a number is {len(text)} characters long")
    return float(text)


def parse_json(raw: bytes) -> Any:
    """The parsed body, or :class:`BodyError` naming the problem (never another error)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BodyError(f"the body is not UTF-8 (byte {e.start + 1})") from None
    problem = _depth_problem(text)
    if problem is not None:
        raise BodyError(problem)
    try:
        return json.loads(text, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as e:
        raise BodyError(
            f"the body is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except BodyError:
        raise
    except ValueError as e:
        raise BodyError(f"the body is not valid JSON ({e})") from None
