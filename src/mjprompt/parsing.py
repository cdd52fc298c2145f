"""The parse entry points: the generated scanner first, Lark when it declines.

This module imports neither Lark nor the rules (parsing is a leaf below them): a prompt
of the common shape (images, plain text, ``--name value`` parameters) is parsed by
:mod:`mjprompt.scanner` and Lark (:mod:`mjprompt.parser`) is imported only for the
prompts the scanner leaves to it, or when asked for by ``engine="lark"``. Both engines
build the same AST (the differential tests in ``tests/scanner`` hold them to it).
"""

from __future__ import annotations

from typing import Literal

from .ast import Prompt
from .braces import UNCLOSED_BRACE, PromptSyntaxError, iter_permutations, unclosed_brace_errors
from .scanner import scan

__all__ = [
    "UNCLOSED_BRACE",
    "Engine",
    "PromptSyntaxError",
    "iter_permutations",
    "parse",
    "parse_lenient",
    "unclosed_brace_errors",
]

Engine = Literal["scanner", "lark"]


def parse_lenient(text: str, engine: Engine = "scanner") -> Prompt:
    """Parse any string; never raises. Syntax problems are left to the syntax rules.

    ``engine="scanner"`` (the default) tries the generated scanner and falls back to
    Lark; ``engine="lark"`` always parses with Lark.
    """
    if engine == "scanner":
        prompt = scan(text)
        if prompt is not None:
            return prompt
    elif engine != "lark":
        raise ValueError(f"unknown parser engine {engine!r} (expected 'scanner' or 'lark')")
    from .parser import parse_lenient as lark_parse  # Lark is imported on first need

    return lark_parse(text)


def parse(text: str, engine: Engine = "scanner") -> Prompt:
    """Parse a prompt. Raises :class:`PromptSyntaxError` if it has syntax errors.

    Use :func:`mjprompt.lint` to get every problem of any text without an exception.
    """
    prompt = parse_lenient(text, engine)
    # Only input outside the grammar raises; everything else is left to lint.
    errors = unclosed_brace_errors(prompt)
    if errors:
        raise PromptSyntaxError(errors)
    return prompt
