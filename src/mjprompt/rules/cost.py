"""MJ6xx: cost notes. Parameters that make a job cost more GPU time (info)."""

from __future__ import annotations

from collections.abc import Iterator

from ..params import PARAMS, Status
from .base import INFO, Context, Report, rule
from .judging import judge_value

__all__: list[str] = []

_SKIPPED = frozenset({Status.REMOVED, Status.VIDEO})  # other rules' findings


@rule("MJ601", "cost-note", INFO, triggers=tuple(s.name for s in PARAMS if s.cost is not None))
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
    profile = ctx.profile.name
    for p in ctx.prompt.params:
        spec = p.spec
        if (
            spec is None
            or spec.cost is None
            or spec.status in _SKIPPED
            or profile not in spec.profiles
            or p.has_permutation  # judged per expansion
        ):
            continue
        if spec.cost_values:  # only some values cost more (`--q 2`, `--q 4`)
            found = judge_value(p, profile)
            if found is not None and found.problem == "costly":
                yield Report(p.span, f"cost: `--{p.name} {found.detail}` {spec.cost}")
        else:
            yield Report(p.span, f"cost: `--{p.name}` {spec.cost}")
