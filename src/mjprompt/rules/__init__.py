"""The rule registry and the lint driver.

Rule families live one per module (``syntax`` = MJ1xx, …) and register themselves on
import; :data:`FAMILIES` is the explicit list of those modules.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence

from ..ast import Prompt
from ..diagnostics import Diagnostic
from . import cost, models, parameters, relations, structure, syntax
from .base import PROFILES, REGISTRY, Context, Report, Rule, rule
from .expansions import expansion_diagnostics, should_expand
from .facts import collect
from .plan import Plan

__all__ = [
    "FAMILIES",
    "PROFILES",
    "REGISTRY",
    "Context",
    "Plan",
    "Report",
    "Rule",
    "lint_prompt",
    "lint_with_plan",
    "plan_for",
    "rule",
    "selected_rules",
]

FAMILIES = (syntax, structure, parameters, models, relations, cost)


def _matches(rule: Rule, patterns: Iterable[str]) -> bool:
    # A pattern is a code prefix (`MJ1`, `MJ105`), a rule name, or `ALL`.
    for pattern in patterns:
        p = pattern.strip()
        if p.upper() == "ALL" or rule.code.startswith(p.upper()) or rule.name == p:
            return True
    return False


def selected_rules(
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Rule]:
    """The rules that run for a profile and a select/ignore choice, in code order."""
    return list(
        _selected(
            profile,
            None if select is None else tuple(select),
            None if ignore is None else tuple(ignore),
        )
    )


# Linting a dataset calls this once per prompt with the same arguments: cache the choice.
@functools.lru_cache(maxsize=64)
def _selected(
    profile: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> tuple[Rule, ...]:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    chosen = []
    for code in sorted(REGISTRY):
        r = REGISTRY[code]
        if not r.runs_in(profile):
            continue
        if select is not None and not _matches(r, select):
            continue
        if ignore and _matches(r, ignore):
            continue
        chosen.append(r)
    return tuple(chosen)


def lint_prompt(
    prompt: Prompt,
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Run the selected rules over a parsed prompt; diagnostics sorted by position."""
    return lint_with_plan(prompt, plan_for(profile, select, ignore))


def plan_for(
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Plan:
    """The rules that run for a profile and a select/ignore choice (remembered)."""
    return _plan(
        profile,
        None if select is None else tuple(select),
        None if ignore is None else tuple(ignore),
    )


def lint_with_plan(prompt: Prompt, plan: Plan, *, expand: bool = True) -> list[Diagnostic]:
    """:func:`lint_prompt` with the plan chosen once, for a run over many prompts.

    ``expand=False`` leaves out the diagnostics of the expanded prompts (midjourney).
    """
    ctx = Context(prompt, plan.profile)
    out: list[Diagnostic] = []
    # Only the rules whose triggers the prompt has: the others have nothing to report.
    has = collect(ctx)
    for func, code, name, default in plan.chosen.get(has) or plan.for_features(has):
        for span, message, fix, severity in func(ctx):
            out.append(_new(Diagnostic, (code, name, severity or default, message, span, fix)))
    # Midjourney validates each expanded prompt (v7-syntax.md §2.7): lint them too.
    if expand and plan.profile == "midjourney" and should_expand(prompt):
        found = expansion_diagnostics(
            prompt, lambda p: lint_with_plan(p, plan, expand=False), list(out)
        )
        out.extend(found)
    if len(out) > 1:
        out.sort(key=_POSITION)
    return out


# A Diagnostic (a named tuple) built from its six fields in C: the generated
# ``__new__`` is a Python function, called here once per finding of a dataset.
_new = tuple.__new__
# The sort key, computed in C (no Python call per diagnostic).
_POSITION = operator.attrgetter("span.start", "span.end", "code")


@functools.lru_cache(maxsize=64)
def _plan(profile: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> Plan:
    """The selected rules with their triggers (see :mod:`mjprompt.rules.plan`)."""
    return Plan(_selected(profile, select, ignore), profile)
