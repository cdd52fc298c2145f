"""The batch journal (fsync'd JSONL, torn lines, locking), job keys, and the progress display."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mjprompt.cli.progress import Progress
from mjprompt.client.batch import Job, plan_jobs
from mjprompt.client.journal import JOURNAL_NAME, Journal, JournalError, job_key
from mjprompt.client.task import Task


def test_events_fold_into_job_states(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.record(
            "submitting", "k#0", prompt="a cat", payload={"p": 1}, idempotency_key="i" * 20
        )
        journal.record("created", "k#0", task_id="task-unified-1-a")
        journal.record("submitting", "k#1", prompt="a dog")
    with Journal.open(tmp_path) as again:
        a, b = again.state("k#0"), again.state("k#1")
        assert a is not None and b is not None
        assert (a.status, a.task_id, a.prompt, a.idempotency_key) == (
            "created",
            "task-unified-1-a",
            "a cat",
            "i" * 20,
        )
        assert b.status == "submitting" and b.task_id is None
        again.record("saved", "k#0", task_id="task-unified-1-a", files=["x-0.png"])
        assert again.state("k#0").files == ("x-0.png",)  # type: ignore[union-attr]


def test_each_event_is_one_json_line(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.record("created", "k#0", task_id="task-unified-1-a", note="é\nline")
    lines = (tmp_path / JOURNAL_NAME).read_text("utf-8").splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["event"] == "created" and event["note"] == "é\nline" and "time" in event


def test_torn_last_line_is_skipped_and_closed(tmp_path: Path) -> None:
    path = tmp_path / JOURNAL_NAME
    good = json.dumps({"event": "created", "key": "k#0", "task_id": "task-unified-1-a"})
    path.write_text(good + "\n" + '{"event": "created", "key": "k#1", "task_', encoding="utf-8")
    with Journal.open(tmp_path) as journal:
        assert journal.skipped_lines == 1
        assert journal.state("k#1") is None
        journal.record("created", "k#1", task_id="task-unified-1-b")
    with Journal.open(tmp_path) as journal:
        assert journal.state("k#1") is not None
        assert journal.skipped_lines == 1  # the torn line stays torn, the new one is whole


def test_not_taken_clears_the_task(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.record("submitting", "k#0")
        journal.record("not_taken", "k#0", error="HTTP 400")
        state = journal.state("k#0")
        assert state is not None and state.status == "not_taken" and state.error == "HTTP 400"


def test_garbage_lines_are_ignored(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).write_text('[1]\n{"event": "boom", "key": "x"}\n{"event": "saved"}\n')
    with Journal.open(tmp_path) as journal:
        assert journal.skipped_lines == 3
        assert list(journal) == []


def test_unknown_event_is_refused(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal, pytest.raises(ValueError, match="unknown"):
        journal.record("exploded", "k#0")


def test_second_open_is_locked(tmp_path: Path) -> None:
    with Journal.open(tmp_path), pytest.raises(JournalError, match="in use"):
        Journal.open(tmp_path)
    Journal.open(tmp_path).close()  # free again


def test_unwritable_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(JournalError, match="cannot open"):
        Journal.open(tmp_path / "file" / "sub")


def test_job_keys_identify_payload_and_occurrence() -> None:
    jobs, refused = plan_jobs(
        [("f:1", "a cat"), ("f:2", "a dog"), ("f:3", "a cat"), ("f:4", "a cat --fast")],
        speed=None,
    )
    assert refused == []
    keys = [j.key for j in jobs]
    assert len(set(keys)) == 4
    assert keys[0].endswith("#0") and keys[2].endswith("#1")
    assert keys[0].split("#")[0] == keys[2].split("#")[0]
    assert job_key({"model": "mj-v7", "prompt": "a cat"}, 0) == keys[0]
    # The same jobs in another order keep their keys.
    again, _ = plan_jobs([("g:1", "a dog"), ("g:2", "a cat"), ("g:3", "a cat")])
    assert {j.key for j in again} == {keys[0], keys[1], keys[2]}


def test_plan_jobs_collects_refusals() -> None:
    jobs, refused = plan_jobs([("f:1", "a cat"), ("f:2", "a cat \u2013ar 2:3")])
    assert [j.label for j in jobs] == ["f:1"]
    assert [label for label, _, _ in refused] == ["f:2"]


def _job(label: str) -> Job:
    return Job(label, "a cat", {"model": "mj-v7", "prompt": "a cat"}, label + "#0")


def test_progress_plain_lines() -> None:
    out = io.StringIO()
    now = [0.0]
    progress = Progress(out, live=False, clock=lambda: now[0])
    job = _job("p.txt:3")
    task = Task.from_json({"id": "task-unified-1-a", "status": "processing", "progress": 40})
    progress.on_event(job, "queued", None)
    progress.on_event(job, "created", task)
    now[0] = 12.0
    progress.on_event(job, "progress", task)
    progress.on_event(job, "progress", task)  # no change: no line
    progress.on_event(job, "saved", task)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines == [
        "p.txt:3: created task-unified-1-a",
        "p.txt:3: processing 40% (00:12)",
        "p.txt:3: saved (task-unified-1-a)",
    ]
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_progress_live_bar() -> None:
    out = io.StringIO()
    now = [0.0]
    progress = Progress(out, live=True, clock=lambda: now[0])
    a, b = _job("f:1"), _job("f:2")
    progress.on_event(a, "queued", None)
    progress.on_event(b, "queued", None)
    now[0] = 65.0
    progress.on_event(
        a, "progress", Task.from_json({"id": "t", "status": "processing", "progress": 50})
    )
    progress.render()
    text = out.getvalue()
    last = text.rsplit("\r", 1)[-1]
    assert last.startswith("\x1b[2K[######------------------]  25%")
    assert "1 processing, 1 queued" in last
    assert last.endswith("01:05")
    progress.on_event(a, "saved", None)
    assert "f:1: saved\n" in out.getvalue()
    progress.close()
    assert out.getvalue().endswith("\n")
