"""MJ6xx: cost notes. Parameters that make a job cost more GPU time (info)."""

from __future__ import annotations

from collections.abc import Iterable

from .base import Context, Report, rule
from .common import INFO
from .facts import COST, facts, triggers

__all__: list[str] = []


@triggers(COST)
@rule("MJ601", "cost-note", evolink=INFO, midjourney=INFO)
def cost_note(ctx: Context) -> Iterable[Report]:
    """A parameter that makes the job cost more (the `cost` column of the table).

    `--q 2` and `--q 4` cost more GPU time, `--oref` doubles the cost, Turbo mode costs
    about twice Fast, and `--repeat` bills each job. Nothing is wrong: this is a note
    before you spend credits.

    Fails (info): `a cat --q 4`, `a cat --oref https://example.com/x.png`,
    `a cat --turbo`
    Passes: `a cat --q 1`, `a cat --fast`

    No fix.
    """
    return [
        Report(f.param.span, f"cost: `{f.detail}` {f.param.spec.cost}")
        for f in facts(ctx).cost
        if f.param.spec is not None
    ]
