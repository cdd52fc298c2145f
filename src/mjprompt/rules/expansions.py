"""Linting the expansions of a permutation prompt (midjourney profile).

Midjourney expands permutations before it validates anything, so each expanded prompt
is a prompt of its own (v7-syntax.md §2.7). The driver lints the prompt as written,
then each expansion; a finding of an expansion is reported at the span of the original
it comes from (the whole group when it reaches into one), with the expansion named, and
is dropped when the prompt as written already has it.
"""

from __future__ import annotations

from collections.abc import Callable

from ..ast import Prompt
from ..diagnostics import Diagnostic
from ..expand import (
    DEFAULT_LIMIT,
    MAX_NESTING,
    Expansion,
    count_expansions,
    expansions,
    nesting_depth,
)
from ..parsing import iter_permutations, parse_lenient

__all__ = ["expansion_diagnostics", "should_expand"]

# Rules about the permutations themselves judge the prompt as written only.
_SKIP = frozenset({"MJ111", "MJ112", "MJ211", "MJ212", "MJ213"})


def should_expand(prompt: Prompt) -> bool:
    """True for closed permutation groups, at most 40 expansions, nested at most 50 deep."""
    if "{" not in prompt.source:
        return False
    groups = list(iter_permutations(prompt))
    if not groups or not all(g.closed for g in groups):
        return False
    return count_expansions(prompt) <= DEFAULT_LIMIT and nesting_depth(prompt) <= MAX_NESTING


def _name(e: Expansion, total: int) -> str:
    chosen = " / ".join(f"`{c}`" for c in e.choices)
    return f"expansion {e.index} of {total}: {chosen}"


def expansion_diagnostics(
    prompt: Prompt,
    lint_one: Callable[[Prompt], list[Diagnostic]],
    known: list[Diagnostic],
) -> list[Diagnostic]:
    """The diagnostics of each expansion, mapped back onto ``prompt``.

    ``lint_one`` lints one prompt (the selected rules of the profile); ``known`` is what
    the prompt as written already reported. Fixes are dropped: they were computed for
    the expansion's text, not the original's.
    """
    found: dict[tuple[str, int, int, str], list[Expansion]] = {}
    first_diag: dict[tuple[str, int, int, str], Diagnostic] = {}
    seen = {(d.code, d.span.start, d.span.end) for d in known}
    all_expansions = expansions(prompt)
    for e in all_expansions:
        for d in lint_one(parse_lenient(e.text)):
            if d.code in _SKIP:
                continue
            span = e.to_source(d.span)
            if (d.code, span.start, span.end) in seen:
                continue
            key = (d.code, span.start, span.end, d.message)
            found.setdefault(key, []).append(e)
            first_diag.setdefault(key, d.replace(span=span, fix=None))
    total = len(all_expansions)
    out: list[Diagnostic] = []
    for key, where in found.items():
        d = first_diag[key]
        if total == 1:
            suffix = " (once the braces are expanded)"
        elif len(where) == total:
            suffix = f" (in all {total} expansions)"
        else:
            suffix = f" (in {_name(where[0], total)}"
            suffix += f", and {len(where) - 1} more)" if len(where) > 1 else ")"
        out.append(d.replace(message=d.message + suffix))
    return out
