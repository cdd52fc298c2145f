"""A hard budget for a batch (issue 20): refuse before paying, or stop at the budget.

Before the first POST, :func:`check_budget` estimates the jobs that still need one (the
journal says which are paid for already) and refuses with :class:`BudgetExceededError`
when the estimate is over the budget or over the balance ``GET /v1/credits`` gave.

While the batch runs, a :class:`Spending` guards every POST: a job is submitted only if
the credits *reserved so far* (summed from the responses' ``usage.credits_reserved``,
never from the estimate) plus this job's estimate stay within the limit. The check and
the POST happen under one lock, so the POSTs of a budgeted batch go one at a time, in
order: an estimate that is too low can overspend by at most the one call in flight.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .. import evolink
from ..evolink import Balance, estimate_payload, format_credits
from .errors import EvolinkError

if TYPE_CHECKING:
    from .batch import Job

__all__ = ["BudgetExceededError", "Spending", "check_budget", "estimate_jobs"]

TOP = 3  # how many of the most expensive prompts a refusal names


class BudgetExceededError(EvolinkError):
    """The batch's estimate is over the budget or the balance: nothing was submitted.

    ``estimate`` (credits of the jobs still to pay), ``budget``, ``available`` (the
    balance, None when it could not be read) and ``costliest`` ((label, credits), most
    expensive first) say why."""

    def __init__(
        self,
        estimate: float,
        budget: float | None,
        available: float | None,
        costliest: Sequence[tuple[str, float]],
        jobs: int,
    ) -> None:
        self.estimate = estimate
        self.budget = budget
        self.available = available
        self.costliest = list(costliest)
        self.jobs = jobs
        over = []
        if budget is not None and estimate > budget:
            over.append(f"the budget of {format_credits(budget)}")
        if available is not None and estimate > available:
            over.append(f"the balance of {format_credits(available)}")
        top = ", ".join(f"{label} ≈{format_credits(c)}" for label, c in self.costliest)
        super().__init__(
            f"the {jobs} prompts still to pay for are estimated at "
            f"≈{format_credits(estimate)} credits (estimate), over {' and '.join(over)} "
            f"credits; nothing was submitted (most expensive: {top})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "error": "budget",
            "estimate": self.estimate,
            "budget": self.budget,
            "available": self.available,
            "jobs": self.jobs,
            "costliest": [{"label": label, "credits": c} for label, c in self.costliest],
            "message": str(self),
        }


def _sum(values: Iterable[float]) -> float:
    """A sum of credits, rounded to what the API shows (4 decimals): 10.8 + 5.4 is 16.2,
    within a budget of 16.2, not 16.200000000000003 over it."""
    return round(math.fsum(values), 4)


def estimate_jobs(jobs: Sequence[Job]) -> dict[str, float]:
    """The estimated credits of each job, by job key."""
    return {job.key: estimate_payload(job.payload).credits for job in jobs}


def check_budget(
    jobs: Sequence[Job],
    estimates: Mapping[str, float],
    budget: float | None,
    balance: Balance | None,
) -> None:
    """Raise :class:`BudgetExceededError` when the jobs' estimate is over ``budget`` or
    the balance's available credits; ``jobs`` are only those still to pay for."""
    total = _sum(estimates[job.key] for job in jobs)
    available = balance.available if balance is not None else None
    over_budget = budget is not None and total > budget
    over_balance = available is not None and total > available
    if not (over_budget or over_balance):
        return
    ranked = sorted(jobs, key=lambda job: -estimates[job.key])[:TOP]
    raise BudgetExceededError(
        total, budget, available, [(job.label, estimates[job.key]) for job in ranked], len(jobs)
    )


@attrs.define
class Spending:
    """What a run has reserved, and whether it may still submit.

    ``limit`` None: no budget (only a 402 stops submissions). ``stopped`` is the reason
    submissions stopped (the budget, or the API's 402), None while they go on."""

    limit: float | None = None
    limit_name: str = "budget"  # "budget" or "balance": which of the two is the limit
    reserved: float = 0.0
    stopped: str | None = None
    code: str | None = None  # "budget" or "insufficient_quota": which stop it was
    lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)

    def refusal(self, estimate: float) -> str | None:
        """Why a job of ``estimate`` credits may not be submitted now; None if it may.

        The first job that does not fit stops the run: the jobs after it are left too
        (in order, never a cheaper one skipped ahead)."""
        if self.stopped is not None:
            return f"not submitted: submissions stopped at an earlier prompt: {self.stopped}"
        if self.limit is not None and _sum((self.reserved, estimate)) > self.limit:
            self.code = "budget"
            self.stopped = (
                f"the {self.limit_name} of {format_credits(self.limit)} credits would be "
                f"exceeded ({format_credits(self.reserved)} reserved in this run)"
            )
            return (
                f"not submitted: {self.stopped}; this prompt ≈{format_credits(estimate)} (estimate)"
            )
        return None

    def paid(self, reserved: float | None, estimate: float) -> None:
        """A task was created: add what it reserved (the estimate when it did not say)."""
        self.reserved = _sum((self.reserved, reserved if reserved is not None else estimate))

    def out_of_credits(self, message: str) -> None:
        """The API refused a POST for credits (402): stop submitting."""
        self.code = str(evolink.GENERATION_ERRORS[402].code)
        self.stopped = f"a submission was refused for credits ({message})"
