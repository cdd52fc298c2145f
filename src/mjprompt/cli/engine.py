"""Lint, fix or format a stream of items, on one core or many, in input order.

The items come from :mod:`.sources`. Prompts are cut into chunks; each chunk's texts go
to a worker process of a pool, or are done in this process (always for a small input or
``--jobs 1``; with more jobs, whenever the workers are busy), and come back as one
:class:`PromptResult` per prompt. At most a few chunks per worker are in flight, so memory
stays bounded however long the input, and results are consumed in input order, so the
output is the same whatever the number of jobs.

The pool is only started once the input proves longer than one chunk: a one-prompt
check pays nothing for it (cold start matters for pre-commit hooks).
"""

from __future__ import annotations

import gc
import itertools
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .._record import Record, setters
from ..diagnostics import Diagnostic
from ..lint import fix, lint, lint_many
from .sources import Item, PromptItem

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "CHUNK",
    "LintJob",
    "PromptResult",
    "default_jobs",
    "not_converged",
    "process",
    "run_chunk",
]

# Prompts per chunk: large enough that pickling and scheduling are a small part of the
# work (a prompt takes tens of microseconds), small enough to keep workers balanced.
CHUNK = 512
IN_FLIGHT_PER_WORKER = 3


class LintJob(Record):
    """What to do with each prompt: ``check``, ``fix`` or ``format``, and the settings."""

    __slots__ = ("mode", "profile", "select", "ignore", "unsafe")  # noqa: RUF023 - field order
    mode: str
    profile: str
    select: tuple[str, ...] | None
    ignore: tuple[str, ...] | None
    unsafe: bool

    def __init__(
        self,
        mode: str,
        profile: str = "evolink",
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] | None = None,
        unsafe: bool = False,
    ) -> None:
        self._set_fields(mode, profile, select, ignore, unsafe)


class PromptResult(Record):
    """The result for one prompt: its new text (fix/format), diagnostics, fixes applied,
    and whether fixing reached its fixed point (``FixResult.converged``)."""

    __slots__ = ("text", "diagnostics", "applied", "converged")  # noqa: RUF023 - field order
    text: str | None
    diagnostics: tuple[Diagnostic, ...]
    applied: int
    converged: bool

    def __init__(
        self,
        text: str | None,
        diagnostics: tuple[Diagnostic, ...],
        applied: int = 0,
        converged: bool = True,
    ) -> None:
        _set_result_text(self, text)
        _set_result_diagnostics(self, diagnostics)
        _set_result_applied(self, applied)
        _set_result_converged(self, converged)

    # Pickled as a constructor call (workers send one per prompt; see Diagnostic).
    def __reduce__(self) -> tuple[type[PromptResult], tuple[Any, ...]]:
        return self.__class__, (self.text, self.diagnostics, self.applied, self.converged)


_set_result_text, _set_result_diagnostics, _set_result_applied, _set_result_converged = setters(
    PromptResult, *PromptResult.__slots__
)


def not_converged(where: str) -> str:
    """The warning for a prompt whose fixing stopped at the bound on rounds (``where``:
    its place, ``path:line``; in a table, the line is the row)."""
    return (
        f"mjprompt: warning: {where}: fixing stopped at its limit of rounds with fixes "
        "left; run `mjprompt fix` again\n"
    )


_CLEAN = PromptResult(None, ())

# A prompt with its own rule choice or suppressions: (text, job or None, suppressed codes).
Entry = str | tuple[str, "LintJob | None", tuple[str, ...]]


def _one(job: LintJob, text: str, suppress: tuple[str, ...] = ()) -> PromptResult:
    if job.mode == "fix":
        # Suppressed rules are not fixed; their findings come back (from the fixed
        # text) so that the runner can silence them and know which comments were used.
        ignore = (*(job.ignore or ()), *suppress) if suppress else job.ignore
        result = fix(text, profile=job.profile, unsafe=job.unsafe, select=job.select, ignore=ignore)
        remaining = result.remaining
        if suppress:
            remaining = tuple(
                lint(result.text, profile=job.profile, select=job.select, ignore=job.ignore)
            )
        return PromptResult(result.text, tuple(remaining), len(result.applied), result.converged)
    if job.mode == "check":
        found = lint(text, profile=job.profile, select=job.select, ignore=job.ignore)
        return PromptResult(None, tuple(found)) if found else _CLEAN
    from ..parsing import parse_lenient
    from ..render import render

    return PromptResult(render(parse_lenient(text)), ())


# Linting allocates many short-lived nodes that form no cycles; at the default threshold
# (700 allocations) the cyclic collector runs every few prompts for nothing, ~6% of a
# check. A chunk raises it while it runs and puts it back.
_GC_THRESHOLD = 50_000


def run_chunk(job: LintJob, texts: list[Entry]) -> list[PromptResult]:
    """The outcomes of a chunk of prompts (runs in a worker process)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], _GC_THRESHOLD), *old[1:])
    try:
        if job.mode == "check" and all(isinstance(t, str) for t in texts):
            # The common case: parse and lint in batches (see lint_many).
            plain = [t for t in texts if isinstance(t, str)]
            found = lint_many(plain, profile=job.profile, select=job.select, ignore=job.ignore)
            return [PromptResult(None, tuple(d)) if d else _CLEAN for d in found]
        if job.mode == "check":
            return _check_mixed(job, texts)
        out = []
        for entry in texts:
            if isinstance(entry, str):
                out.append(_one(job, entry))
            else:
                text, own, suppress = entry
                out.append(_one(own or job, text, suppress))
        return out
    finally:
        gc.set_threshold(*old)


def _check_mixed(job: LintJob, texts: list[Entry]) -> list[PromptResult]:
    """Check entries whose files have their own rule choice: each run of consecutive
    entries with the same choice is linted in one batch, as plain ones are."""
    out: list[PromptResult] = []
    for own, group in itertools.groupby(
        texts, key=lambda e: job if isinstance(e, str) else (e[1] or job)
    ):
        batch = [e if isinstance(e, str) else e[0] for e in group]
        found = lint_many(batch, profile=own.profile, select=own.select, ignore=own.ignore)
        out.extend(PromptResult(None, tuple(d)) if d else _CLEAN for d in found)
    return out


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


Chunk = list[Item]


def _chunks(items: Iterable[Item], size: int) -> Iterator[Chunk]:
    """Lists of consecutive items holding at most ``size`` prompts each."""
    chunk: Chunk = []
    prompts = 0
    for item in items:
        chunk.append(item)
        if isinstance(item, PromptItem):
            prompts += 1
            if prompts == size:
                yield chunk
                chunk, prompts = [], 0
    if chunk:
        yield chunk


def _entry(item: PromptItem) -> Entry:
    if item.job is None and not item.suppress:
        return item.text
    return (item.text, item.job, item.suppress)


def _texts(chunk: Chunk) -> list[Entry]:
    return [_entry(item) for item in chunk if isinstance(item, PromptItem)]


def _pair(chunk: Chunk, outcomes: list[PromptResult]) -> Iterator[tuple[Item, PromptResult | None]]:
    results = iter(outcomes)
    for item in chunk:
        yield item, (next(results) if isinstance(item, PromptItem) else None)


def _inline(job: LintJob, chunks: Iterable[Chunk]) -> Iterator[tuple[Item, PromptResult | None]]:
    for chunk in chunks:
        yield from _pair(chunk, run_chunk(job, _texts(chunk)))


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the main process reports it and stops;
    # the workers must not each print a KeyboardInterrupt traceback.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _outcomes(result: Future[list[PromptResult]] | list[PromptResult]) -> list[PromptResult]:
    return result if isinstance(result, list) else result.result()


def _ready(result: Future[list[PromptResult]] | list[PromptResult]) -> bool:
    return isinstance(result, list) or result.done()


def _parallel(
    job: LintJob, chunks: Iterator[Chunk], jobs: int
) -> Iterator[tuple[Item, PromptResult | None]]:
    """``jobs`` processes at work: ``jobs - 1`` pool workers and this one.

    This process reads the input and writes the output; whenever every worker already
    has its share of chunks queued, it lints the next chunk itself instead of waiting.
    That balances the load by itself and leaves no core idle (on 2 cores: one worker
    plus this process, rather than two workers competing with the reader).
    """
    workers = jobs - 1
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork starts workers with the parser and rules already imported; elsewhere the
        # default start method imports them once per worker.
        fork = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if fork else None)
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_init
        )
    except (ImportError, OSError, NotImplementedError):  # no semaphores, no /dev/shm, ...
        yield from _inline(job, chunks)
        return
    limit = workers * IN_FLIGHT_PER_WORKER
    pending: deque[tuple[Chunk, Future[list[PromptResult]] | list[PromptResult]]] = deque()
    with pool:
        for chunk in chunks:
            queued = sum(1 for _, r in pending if not isinstance(r, list) and not r.done())
            if queued < limit:
                pending.append((chunk, pool.submit(run_chunk, job, _texts(chunk))))
            else:
                pending.append((chunk, run_chunk(job, _texts(chunk))))
            # Output in input order: whatever is finished at the head, and wait for the
            # head once too much is held.
            while pending and (_ready(pending[0][1]) or len(pending) > 2 * limit):
                done, result = pending.popleft()
                yield from _pair(done, _outcomes(result))
        while pending:
            done, result = pending.popleft()
            yield from _pair(done, _outcomes(result))


def process(
    job: LintJob, items: Iterable[Item], jobs: int = 1, chunk_size: int = CHUNK
) -> Iterator[tuple[Item, PromptResult | None]]:
    """Each item with its outcome (None for items that are not prompts), in input order."""
    chunks = _chunks(items, chunk_size)
    if jobs <= 1:
        yield from _inline(job, chunks)
        return
    first = list(itertools.islice(chunks, 2))
    if len(first) < 2:
        yield from _inline(job, first)
        return
    yield from _parallel(job, itertools.chain(first, chunks), jobs)
