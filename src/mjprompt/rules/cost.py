"""MJ6xx: cost notes. Parameters that make a job cost more GPU time (info)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Report, rule
from .common import INFO, effective_value, number_text
from .facts import COST, triggers

__all__: list[str] = []


@triggers(COST)
@rule("MJ601", "cost-note", evolink=INFO, midjourney=INFO)
def cost_note(ctx: Context) -> Iterator[Report]:
    """A parameter that makes the job cost more (the `cost` column of the table).

    `--q 2` and `--q 4` cost more GPU time, `--oref` doubles the cost, Turbo mode costs
    about twice Fast, and `--repeat` bills each job. Nothing is wrong: this is a note
    before you spend credits.

    Fails (info): `a cat --q 4`, `a cat --oref https://example.com/x.png`,
    `a cat --turbo`
    Passes: `a cat --q 1`, `a cat --fast`

    No fix.
    """
    for p in ctx.prompt.params:
        spec = p.spec
        if spec is None or spec.cost is None or p.has_permutation:
            continue
        if ctx.profile not in spec.profiles:  # MJ407 reports it instead
            continue
        if spec.cost_values:
            value, _ = effective_value(p)
            if value is None or number_text(value) not in spec.cost_values:
                continue
        written = f"--{p.name}"
        if spec.cost_values:  # the value is what costs: name it
            written += " " + number_text(value)
        yield Report(p.span, f"cost: `{written}` {spec.cost}")
