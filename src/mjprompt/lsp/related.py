"""Second locations of a finding: the first of a duplicate, the other side of a conflict.

The linter reports a duplicate (MJ302) at the repeat and a conflict (MJ502) or two speeds
(MJ409) at the later parameter. The editor can show where the other one is
(``relatedInformation``); it is found here from the parsed prompt and the parameter
table, without changing what the rules report.
"""

from __future__ import annotations

from ..ast import Parameter, Prompt
from ..diagnostics import Diagnostic, Span
from ..params import CONFLICTS, Status

__all__ = ["related_spans"]


def _at(prompt: Prompt, span: Span) -> Parameter | None:
    for p in prompt.params:
        if p.span.start <= span.start and span.end <= p.span.end:
            return p
    return None


def _others(prompt: Prompt, p: Parameter, names: set[str]) -> list[Parameter]:
    return [q for q in prompt.params if q is not p and q.spec is not None and q.spec.name in names]


def related_spans(prompt: Prompt, d: Diagnostic) -> list[tuple[Span, str]]:
    """(span, message) of each second location of ``d`` in ``prompt``."""
    if d.code not in ("MJ302", "MJ409", "MJ502"):
        return []
    p = _at(prompt, d.span)
    if p is None or p.spec is None:
        return []
    name = p.spec.name
    if d.code == "MJ302":
        firsts = _others(prompt, p, {name})
        return [(firsts[0].span, f"first `--{firsts[0].name}`")] if firsts else []
    if d.code == "MJ409":
        speeds = [
            q
            for q in prompt.params
            if q is not p and q.spec is not None and q.spec.status is Status.SPEED
        ]
        return [(q.span, f"the other speed `--{q.name}`") for q in speeds]
    for c in CONFLICTS:
        if c.message == d.message and name in (c.first, c.second):
            other = c.second if name == c.first else c.first
            found = _others(prompt, p, {other})
            return [(q.span, f"conflicts with this `--{q.name}`") for q in found[:1]]
    return []
