"""Generate many prompts with bounded concurrency, journaled so a rerun resumes.

:func:`run_batch` submits, waits for and downloads each job, writing every step to the
:class:`~mjprompt.client.journal.Journal` in the output directory. Started again over
the same prompts and directory, it

- skips jobs already saved (their files are on disk),
- waits for (and downloads) jobs whose task was created, without submitting them again,
- reports jobs whose task failed (``retry_failed=True`` submits them anew),
- reports jobs whose POST's outcome is unknown (interrupted in flight, answer lost, a
  5xx, or refused after such an outcome — the task may exist): ``resubmit_unknown=True``
  sends them again *with the same Idempotency-Key*,
- submits the rest, reusing the Idempotency-Key journaled for the job, if any: a job
  keeps one key until it has a task id, whatever happens between runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..evolink import Balance, parse_usage
from ..payload import PayloadError, build_payload
from . import _core
from .budget import Spending, check_budget, estimate_jobs
from .errors import (
    APIError,
    ConnectionFailedError,
    DownloadError,
    EvolinkError,
    IdempotencyConflictError,
    InsufficientQuotaError,
    TaskError,
    WaitTimeoutError,
)
from .journal import JobState, Journal, job_key
from .task import FAILED_STATUSES, Task

if TYPE_CHECKING:
    from ._async import AsyncClient

__all__ = ["Job", "JobResult", "plan_jobs", "run_batch"]


@attrs.frozen
class Job:
    """One prompt to generate: ``label`` says where it came from (``file:line``)."""

    label: str
    prompt: str
    payload: Mapping[str, Any]
    key: str


@attrs.define
class JobResult:
    """How a job ended in this run.

    ``status``: ``saved`` (images on disk, now or in an earlier run), ``left`` (not
    submitted: the budget would have been exceeded, or the API refused an earlier POST
    for credits; a rerun submits it), ``failed`` (the
    task failed), ``timeout`` (still running at the deadline; a rerun resumes it),
    ``unknown`` (the POST's outcome is unknown, now or in an earlier run: the task may
    exist; not resubmitted without ``resubmit_unknown``), ``error`` (the API or the
    download failed; ``task_id`` is set when a task exists).
    """

    job: Job
    status: str
    task_id: str | None = None
    files: list[str] = attrs.Factory(list)
    code: str | None = None
    error: str | None = None
    resumed: bool = False
    # Credits: the estimate (for jobs this run had to pay for), what the create answer
    # reserved (this run's or the journal's) and what the completed task used.
    estimated: float | None = None
    reserved: float | None = None
    used: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.job.label,
            "prompt": self.job.prompt,
            "status": self.status,
            "task_id": self.task_id,
            "files": self.files,
            "code": self.code,
            "error": self.error,
            "resumed": self.resumed,
            "credits": {
                "estimated": self.estimated,
                "reserved": self.reserved,
                "used": self.used,
            },
        }


def plan_jobs(
    prompts: Sequence[tuple[str, str]],
    *,
    speed: str | None = None,
    callback_url: str | None = None,
) -> tuple[list[Job], list[tuple[str, str, PayloadError]]]:
    """Build every payload first: (jobs, refusals as (label, prompt, error))."""
    jobs: list[Job] = []
    refused: list[tuple[str, str, PayloadError]] = []
    seen: dict[str, int] = {}
    for label, prompt in prompts:
        try:
            payload = build_payload(prompt, speed=speed, callback_url=callback_url)
        except PayloadError as exc:
            refused.append((label, prompt, exc))
            continue
        base = job_key(payload, 0).split("#")[0]
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        jobs.append(Job(label, prompt, payload, job_key(payload, occurrence)))
    return jobs, refused


EventSink = Callable[[Job, str, "Task | None"], None]


def _surely_not_taken(error: Exception) -> bool:
    """Whether a failed POST proves the server made no task *for this request*.

    A refusal (4xx, 503) or a connection never made does; ``409 idempotency_conflict``
    does not (the key is in use: a task may exist for it); a 5xx or a lost answer does
    not. Even a proof is about this request only: after an earlier unknown outcome with
    the same key the job stays unknown (see :func:`_run_job`)."""
    if isinstance(error, ConnectionFailedError):
        return True
    if isinstance(error, IdempotencyConflictError):
        return False
    return isinstance(error, APIError) and (error.status_code < 500 or error.status_code == 503)


_UNKNOWN_ADVICE = (
    "the task may exist (check your dashboard) — rerun with --resubmit-unknown to send it "
    "again with the same Idempotency-Key, which cannot create a second task"
)


async def run_batch(
    client: AsyncClient,
    jobs: Sequence[Job],
    journal: Journal | None,
    directory: str | os.PathLike[str],
    *,
    concurrency: int = 4,
    timeout: float = _core.DEFAULT_WAIT_TIMEOUT,
    retry_failed: bool = False,
    resubmit_unknown: bool = False,
    on_event: EventSink | None = None,
    budget: float | None = None,
    partial: bool = False,
) -> list[JobResult]:
    """Run every job; returns one result per job, in the order given.

    ``journal`` None runs without one (nothing to resume from).

    ``budget`` (credits): before the first POST the jobs still to pay for (the journal
    knows the others) are estimated and compared with it and, when ``GET /v1/credits``
    answers, with the balance; over either raises
    :class:`~mjprompt.client.budget.BudgetExceededError` and nothing is submitted.
    ``partial=True`` instead submits in order while the credits reserved (from the
    answers, not the estimate) plus the next job's estimate stay within the budget and
    the balance, and leaves the rest (``left``, journaled). With a budget the POSTs go
    one at a time. A 402 stops new submissions in any case.

    ``on_event(job, event, task)`` is called with ``queued``, ``submitting``,
    ``created``, ``resumed``, ``progress``, ``downloading``, ``saved``, ``failed``,
    ``timeout``, ``unknown``, ``left`` and ``error``.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if budget is not None and not budget >= 0:
        raise ValueError("budget must be a number of credits, 0 or more")
    folder = Path(directory)
    estimates = estimate_jobs(jobs)
    spending = Spending()
    if budget is not None:
        to_pay = [
            job
            for job in jobs
            if _needs_post(
                journal.state(job.key) if journal else None, retry_failed, resubmit_unknown
            )
        ]
        balance = await _balance(client) if to_pay else None
        limit = budget
        if balance is not None and balance.available < limit:
            limit = balance.available
            spending.limit_name = "balance"
        if not partial:
            check_budget(to_pay, estimates, budget, balance)
        spending.limit = limit
    gate = asyncio.Semaphore(concurrency)

    def emit(job: Job, event: str, task: Task | None = None) -> None:
        if on_event is not None:
            on_event(job, event, task)

    async def one(job: Job) -> JobResult:
        async with gate:
            return await _run_job(
                client,
                job,
                journal,
                folder,
                timeout,
                retry_failed,
                resubmit_unknown,
                emit,
                spending,
                estimates[job.key],
            )

    for job in jobs:
        emit(job, "queued", None)
    return list(await asyncio.gather(*(one(job) for job in jobs)))


async def _balance(client: AsyncClient) -> Balance | None:
    """The balance, or None when ``GET /v1/credits`` does not answer (the budget alone
    then decides)."""
    try:
        return await client.credits()
    except EvolinkError:
        return None


def _needs_post(state: JobState | None, retry_failed: bool, resubmit_unknown: bool) -> bool:
    """Whether this run will POST the job (and may pay for it): the same decisions as
    :func:`_run_job`. An unknown job resent with ``resubmit_unknown`` is counted: its
    task may not exist."""
    if state is None:
        return True
    if state.status == "failed":
        failed_for_sure = state.task_status is None or state.task_status in FAILED_STATUSES
        return retry_failed and failed_for_sure
    if state.status in ("submitting", "unknown"):
        return resubmit_unknown
    return not (state.status in ("created", "saved") and state.task_id)


async def _run_job(
    client: AsyncClient,
    job: Job,
    journal: Journal | None,
    folder: Path,
    timeout: float,
    retry_failed: bool,
    resubmit_unknown: bool,
    emit: Callable[[Job, str, Task | None], None],
    spending: Spending,
    estimate: float,
) -> JobResult:
    state = journal.state(job.key) if journal is not None else None

    def record(event: str, **fields: Any) -> None:
        if journal is not None:
            journal.record(event, job.key, **fields)

    task_id: str | None = None
    resumed = False
    idempotency_key: str | None = None
    resend = False  # this POST repeats one whose outcome is unknown
    if state is not None:
        if state.status == "saved" and all((folder / f).exists() for f in state.files):
            emit(job, "saved", None)
            return JobResult(
                job,
                "saved",
                state.task_id,
                list(state.files),
                resumed=True,
                reserved=state.credits_reserved,
                used=state.credits_used,
            )
        failed_for_sure = state.task_status is None or state.task_status in FAILED_STATUSES
        if state.status == "failed" and not (retry_failed and failed_for_sure):
            if failed_for_sure or not state.task_id:
                emit(job, "failed", None)
                return JobResult(job, "failed", state.task_id, error=state.error, resumed=True)
            # Journaled `failed` with a status that is not a failure (an earlier version
            # gave up on unknown statuses): the task may still complete; wait for it.
            task_id, resumed = state.task_id, True
        if state.status in ("submitting", "unknown"):
            if not resubmit_unknown:
                emit(job, "unknown", None)
                earlier = (
                    "an earlier run was interrupted while submitting this prompt"
                    if state.status == "submitting"
                    else f"an earlier submission's outcome is unknown ({state.error})"
                )
                return JobResult(
                    job, "unknown", error=f"{earlier}; {_UNKNOWN_ADVICE}", resumed=True
                )
            resend = True
        if state.task_id is None and state.idempotency_key is not None:
            # One key per job until it has a task id, in every run (issue 12 item 1).
            idempotency_key = state.idempotency_key
        if state.status in ("created", "saved") and state.task_id:
            task_id, resumed = state.task_id, True

    task: Task | None = None
    reserved = state.credits_reserved if state is not None and task_id is not None else None
    # With a budget, the check and the POST are one step (see budget.py).
    guard = spending.lock if spending.limit is not None else contextlib.nullcontext()
    async with guard:
        if task_id is None:
            why = spending.refusal(estimate)
            if why is not None:
                record("left", error=why)
                emit(job, "left", None)
                return JobResult(job, "left", error=why, code=spending.code, estimated=estimate)
            try:
                task = await _submit(
                    client, job, record, emit, idempotency_key, resend, spending, estimate
                )
            except _Stop as stop:
                return stop.result
            task_id = task.id
            reserved = task.credits_reserved
        else:
            emit(job, "resumed", None)

    def progress(current: Task) -> None:
        emit(job, "progress", current)

    estimated = estimate if task is not None else None  # paid for in this run
    try:
        done = await client.wait(task or task_id, timeout=timeout, on_progress=progress)
    except TaskError as exc:
        record(
            "failed", task_id=task_id, code=exc.code, error=str(exc), task_status=exc.task.status
        )
        emit(job, "failed", exc.task)
        return JobResult(
            job,
            "failed",
            task_id,
            code=exc.code,
            error=str(exc),
            resumed=resumed,
            estimated=estimated,
            reserved=reserved,
        )
    except WaitTimeoutError as exc:
        emit(job, "timeout", exc.task)
        return JobResult(
            job,
            "timeout",
            task_id,
            error=str(exc),
            resumed=resumed,
            estimated=estimated,
            reserved=reserved,
        )
    except EvolinkError as exc:
        emit(job, "error", None)
        return JobResult(
            job,
            "error",
            task_id,
            code=_code(exc),
            error=str(exc),
            resumed=resumed,
            estimated=estimated,
            reserved=reserved,
        )

    used = parse_usage(done.to_json()).credits_used
    emit(job, "downloading", done)
    try:
        paths = await client.download(done, folder, prompt=job.prompt, payload=job.payload)
    except (DownloadError, EvolinkError) as exc:
        emit(job, "error", done)
        return JobResult(
            job,
            "error",
            task_id,
            error=str(exc),
            resumed=resumed,
            used=used,
            estimated=estimated,
            reserved=reserved,
        )
    names = [p.name for p in paths]
    record("saved", task_id=task_id, files=names, credits_used=used)
    emit(job, "saved", done)
    return JobResult(
        job,
        "saved",
        task_id,
        names,
        resumed=resumed,
        used=used,
        estimated=estimated,
        reserved=reserved,
    )


class _Stop(Exception):
    """A POST that ended the job (its result is final for this run)."""

    def __init__(self, result: JobResult) -> None:
        super().__init__(result.status)
        self.result = result


async def _submit(
    client: AsyncClient,
    job: Job,
    record: Callable[..., None],
    emit: Callable[[Job, str, Task | None], None],
    idempotency_key: str | None,
    resend: bool,
    spending: Spending,
    estimate: float,
) -> Task:
    """The POST of a job, journaled; the created task, or :class:`_Stop` with the job's
    result when no task was made (or it is unknown whether one was)."""
    idempotency_key = idempotency_key or _core.new_idempotency_key()
    record(
        "submitting",
        label=job.label,
        prompt=job.prompt,
        payload=dict(job.payload),
        idempotency_key=idempotency_key,
    )
    emit(job, "submitting", None)
    try:
        task = await client.submit_payload(job.payload, idempotency_key=idempotency_key)
    except EvolinkError as exc:
        message = str(exc)
        if isinstance(exc, InsufficientQuotaError):
            # Out of credits: no later prompt of this run is submitted (issue 20).
            spending.out_of_credits(message)
        if _surely_not_taken(exc) and not resend:
            record("not_taken", error=message)
            emit(job, "error", None)
            raise _Stop(
                JobResult(job, "error", error=message, code=_code(exc), estimated=estimate)
            ) from None
        # The task may exist: journaled `unknown`, never submitted with a new key.
        if resend:
            message += "; an earlier POST of this prompt may have created the task"
        elif "may have been created" not in message:
            message += "; the task may have been created"
        record("unknown", error=message)
        emit(job, "unknown", None)
        raise _Stop(
            JobResult(
                job,
                "unknown",
                error=f"{message} ({_UNKNOWN_ADVICE})",
                code=_code(exc),
                estimated=estimate,
            )
        ) from None
    spending.paid(task.credits_reserved, estimate)
    record("created", task_id=task.id, credits_reserved=task.credits_reserved)
    emit(job, "created", task)
    return task


def _code(exc: Exception) -> str | None:
    code = getattr(exc, "code", None)
    return None if code is None else str(code)
