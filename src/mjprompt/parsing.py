"""The parse entry points: the generated scanner first, Lark when it declines.

This module imports neither Lark nor the rules (parsing is a leaf below them): a prompt
of the common shape (images, plain text, ``--name value`` parameters) is parsed by
:mod:`mjprompt.scanner` and Lark (:mod:`mjprompt.parser`) is imported only for the
prompts the scanner leaves to it, or when asked for by ``engine="lark"``. Both engines
build the same AST (the differential tests in ``tests/scanner`` hold them to it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from .ast import Permutation, Prompt
from .diagnostics import Diagnostic, Severity, Span
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
    # Only input outside the grammar raises; everything else is left to lint.
    errors = unclosed_brace_errors(prompt)
    if errors:
        raise PromptSyntaxError(errors)
    return prompt


# The one syntax error `parse` raises on, as the rule MJ111 (rules/syntax.py) reports it:
# its code, name and message are defined here, below the rules, so that parsing needs
# nothing of them.
UNCLOSED_BRACE = ("MJ111", "unclosed-brace", "`{` is never closed")


def unclosed_brace_errors(prompt: Prompt) -> list[Diagnostic]:
    """An error at each permutation `{` that is never closed (MJ111), outermost first."""
    code, name, message = UNCLOSED_BRACE
    return [
        Diagnostic(code, name, Severity.ERROR, message, Span(g.span.start, g.span.start + 1))
        for g in iter_permutations(prompt)
        if not g.closed
    ]


def iter_permutations(prompt: Prompt) -> Iterator[Permutation]:
    """Every permutation group of the prompt, nested ones included, outermost first."""
    stack = list(prompt.permutations())
    stack.reverse()
    while stack:
        group = stack.pop()
        yield group
        inner = [p for o in group.options for p in o.parts if isinstance(p, Permutation)]
        stack.extend(reversed(inner))
