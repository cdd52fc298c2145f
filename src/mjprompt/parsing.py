"""The parse entry points: the generated scanner first, Lark when it declines.

This module imports neither Lark nor the rules: a prompt of the common shape (images,
plain text, ``--name value`` parameters) is parsed by :mod:`mjprompt.scanner` and Lark
(:mod:`mjprompt.parser`) is imported only for the prompts the scanner leaves to it, or
when asked for by ``engine="lark"``. Both engines build the same AST (the differential
tests in ``tests/scanner`` hold them to it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from .ast import Permutation, Prompt
from .diagnostics import Diagnostic
from .scanner import scan

__all__ = ["Engine", "PromptSyntaxError", "iter_permutations", "parse", "parse_lenient"]

Engine = Literal["scanner", "lark"]


class PromptSyntaxError(ValueError):
    """Raised by :func:`parse` when the text has syntax errors; carries the diagnostics."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        detail = f"{first.code} at {first.span.start}: {first.message}" if first else "syntax error"
        super().__init__(detail)


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
    if any(not group.closed for group in iter_permutations(prompt)):
        # Only input outside the grammar raises; everything else is left to lint.
        from .rules import lint_prompt

        raise PromptSyntaxError(lint_prompt(prompt, select=("MJ111",)))
    return prompt


def iter_permutations(prompt: Prompt) -> Iterator[Permutation]:
    """Every permutation group of the prompt, nested ones included, outermost first."""
    stack = list(prompt.permutations())
    stack.reverse()
    while stack:
        group = stack.pop()
        yield group
        inner = [p for o in group.options for p in o.parts if isinstance(p, Permutation)]
        stack.extend(reversed(inner))
