"""``mjprompt generate``: submit, wait and save the images of one prompt or a file of
prompts.

Images are saved in ``--out`` as ``<task id>-<index>.<ext>`` with a ``<task id>.json``
sidecar. With ``--file`` every task id is journaled the moment it is created, so that
running the same command again resumes an interrupted run without paying twice
(a Ctrl-C exits with 130). Progress goes to standard error (:mod:`.progress`); results
to standard output (the saved files, or JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..evolink import CREDITS_PATH
from . import argtypes
from .api_common import (
    add_api_options,
    add_payload_options,
    add_wait_options,
    api_failure,
    check_callback,
    json_out,
    make_client,
)
from .errors import UsageError
from .progress import make_progress
from .prompt_input import PromptEntry, print_refusal, prompt_arg, read_prompts

if TYPE_CHECKING:
    from ..client.batch import JobResult

__all__ = ["register", "run_generate"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "generate",
        help="submit, wait and save the images of one prompt or a file of prompts",
        description="Generate images and save them in --out as <task id>-<index>.<ext> with "
        "a <task id>.json sidecar. With --file, every task id is journaled in DIR the "
        "moment it is created: run the same command again to resume an interrupted run "
        "without paying twice.",
    )
    p.add_argument("prompt", nargs="?", help="the prompt ('-' reads it from standard input)")
    p.add_argument(
        "--file",
        metavar="FILE",
        help="prompts, one per line ('#' comments and blank lines skipped; .jsonl: a "
        "string or an object with a 'prompt' field per line; '-' for standard input)",
    )
    p.add_argument("--out", metavar="DIR", default=".", help="where to save (default: .)")
    p.add_argument(
        "--concurrency",
        type=argtypes.positive_int,
        default=4,
        metavar="N",
        help="tasks in flight at once with --file (default 4)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="with --file: submit a NEW task (paid again) for each prompt whose task "
        "failed in an earlier run",
    )
    p.add_argument(
        "--resubmit-unknown",
        action="store_true",
        help="with --file: send again, with the same Idempotency-Key, prompts whose "
        "submission an earlier run was interrupted in (the task may exist)",
    )
    p.add_argument(
        "--budget",
        type=argtypes.credits,
        metavar="CREDITS",
        help="refuse, before paying anything, when the estimate of the prompts still to "
        f"pay for is over CREDITS or over the balance (GET {CREDITS_PATH})",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="with --budget: submit in order while the credits reserved stay within the "
        "budget, then stop (a rerun goes on with the rest)",
    )
    add_payload_options(p)
    add_api_options(p)
    add_wait_options(p)
    p.set_defaults(func=_cmd_generate)


def _cmd_generate(ns: argparse.Namespace) -> int:
    if (ns.prompt is None) == (ns.file is None):
        raise UsageError("give either a prompt or --file FILE (one of them)")
    check_callback(ns.callback_url)
    if ns.file is not None:
        entries = read_prompts(ns.file)
    else:
        entries = [PromptEntry("<prompt>", prompt_arg(ns.prompt))]
    return run_generate(
        entries,
        out=ns.out,
        speed=ns.speed,
        callback_url=ns.callback_url,
        base_url=ns.base_url,
        retries=ns.retries,
        timeout=ns.timeout,
        concurrency=ns.concurrency if ns.file is not None else 1,
        journaled=ns.file is not None,
        retry_failed=ns.retry_failed,
        resubmit_unknown=ns.resubmit_unknown,
        budget=ns.budget,
        partial=ns.partial,
        as_json=ns.json,
        json_list=ns.file is not None,
        verbose=ns.verbose,
    )


def run_generate(
    entries: Sequence[PromptEntry],
    *,
    out: str,
    speed: str | None,
    callback_url: str | None,
    base_url: str | None,
    timeout: float,
    concurrency: int,
    journaled: bool,
    retries: int = 3,
    retry_failed: bool = False,
    resubmit_unknown: bool = False,
    as_json: bool = False,
    json_list: bool = False,
    client_options: dict[str, Any] | None = None,
    verbose: bool = False,
    budget: float | None = None,
    partial: bool = False,
) -> int:
    from ..client.batch import plan_jobs

    if partial and budget is None:
        raise UsageError("--partial needs --budget CREDITS")

    jobs, refused = plan_jobs(
        [(entry.label, entry.text) for entry in entries], speed=speed, callback_url=callback_url
    )
    if refused:
        # Nothing is submitted while any prompt has errors: fix the file first.
        by_label = {entry.label: entry for entry in entries}
        for label, _, err in refused:
            print_refusal(by_label[label], err)
        noun = "prompt has" if len(refused) == 1 else "prompts have"
        sys.stderr.write(f"mjprompt: {len(refused)} {noun} errors; nothing was submitted\n")
        return 1

    client = make_client(base_url, retries, **(client_options or {}))
    from ..client import EvolinkError
    from ..client.batch import run_batch
    from ..client.budget import BudgetExceededError
    from ..client.journal import Journal, JournalError

    journal: Journal | None = None
    if journaled:
        try:
            journal = Journal.open(out)
        except JournalError as exc:
            raise UsageError(str(exc)) from None
        for warning in journal.warnings:  # bad lines are skipped, never fatal
            sys.stderr.write(f"mjprompt: warning: {warning}\n")
    progress = make_progress(verbose)

    async def run() -> list[JobResult]:
        ticker = asyncio.ensure_future(progress.tick()) if progress.live else None
        try:
            async with client:
                return await run_batch(
                    client,
                    jobs,
                    journal,
                    out,
                    concurrency=concurrency,
                    timeout=timeout,
                    retry_failed=retry_failed,
                    resubmit_unknown=resubmit_unknown,
                    on_event=progress.on_event,
                    budget=budget,
                    partial=partial,
                )
        finally:
            if ticker is not None:
                ticker.cancel()
            progress.close()

    try:
        results = asyncio.run(run())
    except KeyboardInterrupt:
        if journal is not None:
            sys.stderr.write(
                "mjprompt: interrupted; run the same command (with --file) again to resume "
                f"without paying twice (journal: {journal.path})\n"
            )
        elif progress.created:
            for task_id in progress.created.values():
                sys.stderr.write(
                    f"mjprompt: interrupted; the task was created: `mjprompt wait {task_id} "
                    f"--out {out}` saves its images when it is done (do not generate again: "
                    "that pays for a new task)\n"
                )
        else:
            sys.stderr.write("mjprompt: interrupted before a task was created\n")
        raise
    except BudgetExceededError as exc:
        if as_json:
            json_out(exc.to_json())
        return _budget_refusal(exc)
    except EvolinkError as exc:  # e.g. a download directory that cannot be created
        return api_failure(exc)
    except JournalError as exc:  # disk full, a journal that became unwritable
        raise UsageError(f"{exc}; run the same command again once it is fixed") from None
    finally:
        if journal is not None:
            journal.close()
    code = _report(results, out, as_json=as_json, json_list=json_list, partial=partial)
    if journaled:
        sys.stderr.write(_summary(results) + "\n")
    return code


def _budget_refusal(exc: Any) -> int:
    """Say what the batch would cost and why it was refused (nothing was paid)."""
    from ..evolink import format_credits
    from .terminal import printable

    lines = [
        "mjprompt: over budget; nothing was submitted",
        f"  estimate:  ≈{format_credits(exc.estimate)} credits (estimate) "
        f"for {exc.jobs} prompts still to pay for",
    ]
    if exc.budget is not None:
        lines.append(f"  budget:    {format_credits(exc.budget)} credits")
    if exc.available is not None:
        lines.append(f"  balance:   {format_credits(exc.available)} credits available")
    lines.append("  most expensive:")
    for label, credits in exc.costliest:
        lines.append(f"    {printable(label)}: ≈{format_credits(credits)} credits (estimate)")
    sys.stderr.write("\n".join(lines) + "\n")
    return 1


def _summary(results: Sequence[JobResult]) -> str:
    """The batch's end: tasks, images saved, and estimated vs reserved vs used credits."""
    from ..evolink import format_credits

    tasks = sum(1 for r in results if r.task_id)
    images = sum(len(r.files) for r in results if r.status == "saved")
    left = sum(1 for r in results if r.status == "left")

    def total(values: list[float | None], prefix: str = "") -> str:
        known = [v for v in values if v is not None]
        if not known:
            return "-"
        text = prefix + format_credits(sum(known))
        return text if len(known) == len(values) else f"{text} (of {len(known)})"

    # "estimated" covers the tasks this run created, to set against their reserved.
    paid = [r for r in results if r.estimated is not None and r.task_id]
    estimated = total([r.estimated for r in paid], "≈")
    reserved = total([r.reserved for r in paid])
    used = total([r.used for r in paid])
    return (
        f"summary: {tasks} tasks, {images} images saved"
        + (f", {left} prompts left" if left else "")
        + f"; credits of the {len(paid)} tasks created in this run: {estimated} estimated, "
        f"{reserved} reserved, {used} used"
    )


def _report(
    results: Sequence[JobResult], out: str, *, as_json: bool, json_list: bool, partial: bool = False
) -> int:
    from .terminal import printable

    unsaved = [r for r in results if r.status != "saved"]
    # Prompts left by --partial at the budget are what was asked for, not a failure.
    failures = [r for r in unsaved if not (partial and r.status == "left" and r.code == "budget")]
    for r in unsaved:
        where = f" (task {r.task_id})" if r.task_id else ""
        hint = " — run again to resume" if r.status == "timeout" else ""
        error = printable(str(r.error))
        sys.stderr.write(f"{printable(r.job.label)}: {r.status}{where}: {error}{hint}\n")
    if as_json:
        items = []
        for r in results:
            item = r.to_json()
            item["files"] = [str(Path(out) / f) for f in r.files]
            items.append(item)
        json_out(items if json_list else items[0])
    else:
        for r in results:
            for name in r.files:
                sys.stdout.write(f"{Path(out) / name}\n")
            if r.status == "saved" and not r.files:
                sys.stderr.write(f"{r.job.label}: the task completed with no images\n")
    return 1 if failures else 0
