"""The batch runner pinned where mutants of it passed every other test (issue 21).

What a run reports (events, results) and what it journals decide what the next run
buys and what the user is told; each test names the part of ``client/batch.py`` it
stands against. The hostile gateway of ``hostile_gateway.py`` serves the tasks.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from mjprompt_tests_batch_runs import client_options, run_once  # loaded by conftest.py

from mjprompt.client import Polling
from mjprompt.client.batch import JobResult
from mjprompt.client.journal import Journal


def run(
    gateway: Any, out: Path, events: list[tuple[str, str, Any]] | None = None, **flags: Any
) -> list[JobResult]:
    """One run of the prompt ``p:1`` over ``out``'s journal (batch_runs.run_once), its
    events (label, event, task) appended to ``events``."""

    def on_event(job: Any, event: str, task: Any) -> None:
        if events is not None:
            events.append((job.label, event, task))

    return run_once(gateway, out, on_event=on_event, **flags)


def test_a_run_reports_each_step_with_its_task(gateway: Any, tmp_path: Path) -> None:
    # run_batch / _run_job: the event names, in order, and the task that goes with
    # `progress`, `downloading` and `saved` (a renderer shows its id and progress).
    gateway.statuses = ["processing"]
    events: list[tuple[str, str, Any]] = []
    [result] = run(gateway, tmp_path, events)
    assert result.status == "saved", result.error
    names = [e for _, e, _ in events]
    assert names[:3] == ["queued", "submitting", "created"]
    assert names[-2:] == ["downloading", "saved"]
    assert "progress" in names
    for _, event, task in events:
        if event in ("progress", "downloading", "saved"):
            assert task is not None and task.id == result.task_id, event
    assert all(label == "p:1" for label, _, _ in events)


def test_a_saved_job_is_journaled_with_its_task_and_files(gateway: Any, tmp_path: Path) -> None:
    # _run_job: `saved` records the task id and the file names; the next run reports
    # the same, from the journal, without a request for the task.
    [first] = run(gateway, tmp_path)
    assert first.status == "saved" and first.task_id and first.files
    assert not first.resumed
    events: list[tuple[str, str, Any]] = []
    [second] = run(gateway, tmp_path, events)
    assert (second.status, second.task_id, second.files) == ("saved", first.task_id, first.files)
    assert second.resumed
    assert [e for _, e, _ in events] == ["queued", "saved"]
    assert gateway.tasks_created == 1
    # the `saved` line names its task itself: a damaged journal salvages a task id from
    # the line it is on (Journal._skip), and that is what stops a rerun from paying again
    lines = [json.loads(x) for x in (tmp_path / "mjprompt-journal.jsonl").read_text().splitlines()]
    saved = [x for x in lines if x["event"] == "saved"]
    assert [x["task_id"] for x in saved] == [first.task_id]
    assert saved[0]["files"] == first.files


def test_a_journal_line_without_a_job_key_is_skipped_with_the_reason(tmp_path: Path) -> None:
    # Journal._replay: the warning says why the line was skipped.
    (tmp_path / "mjprompt-journal.jsonl").write_text('{"event": "created", "task_id": "t"}\n')
    with Journal.open(tmp_path) as journal:
        assert journal.skipped_lines == 1
        [warning] = journal.warnings
    assert warning.endswith(":1: line skipped: no job key")


def test_a_timeout_says_what_this_run_paid(gateway: Any, tmp_path: Path) -> None:
    # _run_job: a job created in this run and still running at the deadline carries the
    # estimate of what it costs (the summary adds it up); a resumed one carries none.
    gateway.statuses = ["processing"] * 10_000
    # real waits of 50 ms between polls, the client's own retrying
    client = client_options(
        retrying=None,
        polling=Polling(minimum=0.05, maximum=0.05, floor=0.05, first_default=0.05),
        sleep=asyncio.sleep,
    )

    def go(timeout: float) -> JobResult:
        [result] = run_once(gateway, tmp_path, timeout=timeout, client=client)
        return result

    first = go(0.3)
    assert first.status == "timeout"
    assert first.estimated is not None and first.estimated > 0
    second = go(0.2)
    assert second.status == "timeout" and second.resumed
    assert second.estimated is None
    assert gateway.tasks_created == 1


@pytest.mark.parametrize("concurrency", [0, -1])
def test_concurrency_below_one_is_refused_with_the_reason(
    gateway: Any, tmp_path: Path, concurrency: int
) -> None:
    with pytest.raises(ValueError, match=r"^concurrency must be at least 1$"):
        run(gateway, tmp_path, concurrency=concurrency)
    assert gateway.tasks_created == 0
