"""The argument types the commands share (argparse ``type=`` callables).

One definition each, so that ``--timeout`` of ``wait`` and ``--duration`` of
``sandbox`` accept and refuse the same texts: a number of seconds is finite and not
negative (``inf`` and ``nan`` are refused: a wait that never ends is Ctrl-C's job, and
an infinite duration would make a sandbox task that never completes, which the
``sandbox-never`` prompt marker does on purpose).
"""

from __future__ import annotations

import argparse
import math

__all__ = ["credits", "positive_int", "retries", "seconds", "seconds_list"]


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected seconds >= 0 (a finite number), got {text!r}")
    return value


def seconds_list(text: str) -> tuple[float, ...]:
    """Comma-separated seconds (``1,2,4``); an empty text is an empty list."""
    if not text.strip():
        return ()
    return tuple(seconds(part) for part in text.split(","))


def credits(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"not a number of credits (0 or more): {text!r}")
    return value


def retries(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected 0 to 10 retries, got {text!r}")
    return value
