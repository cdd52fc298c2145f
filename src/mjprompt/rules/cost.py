"""MJ6xx: cost notes. Parameters that make a job cost more GPU time (info)."""

from __future__ import annotations

from ..ast import Parameter
from ..params import PARAMS, Status
from .base import INFO, Context, any_parameter, rule
from .judging import judge_value

__all__: list[str] = []

_SKIPPED = frozenset({Status.REMOVED, Status.VIDEO})  # other rules' findings


def _costly(p: Parameter, profile: str) -> str | None:
    """What of ``p`` costs more (`--turbo`, `--q 4`), or None."""
    spec = p.spec
    if spec is None or spec.cost is None or spec.status in _SKIPPED or profile not in spec.profiles:
        return None
    if not spec.cost_values:
        # Whatever its value (a group's options included): `--oref`, `--turbo`.
        return f"--{p.name}"
    # Only some values cost more (`--q 2`, `--q 4`); a value with a group is judged on
    # the words before it (`--q 4 {a, b}`), or per expansion (midjourney).
    found = judge_value(p, profile)
    if found is not None and found.problem == "costly":
        return f"--{p.name} {found.detail}"
    return None


def _costs_more(p: Parameter, profile: str) -> bool:
    return _costly(p, profile) is not None


_COSTLY_NAMES = tuple(s.name for s in PARAMS if s.cost is not None)


@rule("MJ601", "cost-note", INFO, triggers=(any_parameter(_costs_more, names=_COSTLY_NAMES),))
def cost_note(ctx: Context) -> None:
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
        what = _costly(p, ctx.profile.name)
        if what is not None:
            assert p.spec is not None
            ctx.report(p.span, f"cost: `{what}` {p.spec.cost}")
