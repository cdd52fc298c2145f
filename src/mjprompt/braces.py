"""The one syntax error of the language, an unclosed permutation `{`, and the walk over
permutation groups it needs.

Both parse engines raise it (:func:`mjprompt.parsing.parse` and Lark's
:mod:`mjprompt.parser`), and rule MJ111 reports it: it lives below all three so that
none of them imports another for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .ast import Permutation, Prompt
from .diagnostics import Diagnostic, Severity, Span

__all__ = ["UNCLOSED_BRACE", "PromptSyntaxError", "iter_permutations", "unclosed_brace_errors"]


class PromptSyntaxError(ValueError):
    """Raised by :func:`parse` when the text has syntax errors; carries the diagnostics."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        detail = f"{first.code} at {first.span.start}: {first.message}" if first else "syntax error"
        super().__init__(detail)


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
