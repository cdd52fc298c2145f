"""The batch runner and its journal pinned where mutants of the client sample (seed 21,
2026-12-05) passed every other test (issue 21, docs/testing.md).

The sandbox (``mjprompt.sandbox``) serves these runs: unlike the hostile gateway its
tasks carry ``usage.credits_reserved`` (5.4 for a prompt at the default speed), and it
can fail a task (``sandbox-fail``), keep one running (``sandbox-never``) and break a
request on a path. Each test names the mutants it stands against.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mjprompt_tests_batch_runs import PROMPT, run_once  # loaded by conftest.py

from mjprompt.client import Polling, Retrying
from mjprompt.client.batch import JobResult, plan_jobs
from mjprompt.client.budget import BudgetExceededError
from mjprompt.client.journal import Journal
from mjprompt.sandbox import Sandbox, SandboxConfig

RESERVED = 5.4  # the sandbox's reservation (and our estimate) of one fast job


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=0.0)) as sb:
        yield sb


def run(
    sb: Sandbox,
    out: Path,
    prompts: list[str],
    events: list[tuple[str, str, Any]] | None = None,
    **flags: Any,
) -> list[JobResult]:
    """One run of ``prompts`` against the sandbox; events (label, event, task) kept."""

    def on_event(job: Any, event: Any, task: Any) -> None:
        if events is not None:
            events.append((job.label, event, task))

    client = {
        "timeout": 5.0,
        "retrying": Retrying(attempts=1),
        "polling": Polling(minimum=0.02, maximum=0.05, first_default=0.02, first_fraction=0.1),
    }
    return run_once(sb, out, prompts, client=client, on_event=on_event, key=sb.api_key, **flags)


def _journal_lines(out: Path) -> list[dict[str, Any]]:
    text = (out / "mjprompt-journal.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_failed_task_is_reported_with_its_task_and_what_it_reserved(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # _run_job 244 (reserved dropped), 247 (task id dropped): the `failed` result.
    [result] = run(sandbox, tmp_path, ["a red fox sandbox-fail"])
    assert result.status == "failed", result.error
    created = [x for x in _journal_lines(tmp_path) if x["event"] == "created"]
    assert result.task_id is not None and result.task_id == created[0]["task_id"]
    assert result.reserved == pytest.approx(RESERVED)
    assert result.estimated == pytest.approx(RESERVED)
    assert result.code


def test_a_timeout_reports_what_this_run_reserved(sandbox: Sandbox, tmp_path: Path) -> None:
    # _run_job 252 (reserved dropped): the `timeout` result of a job created in this run.
    [result] = run(sandbox, tmp_path, ["a red fox sandbox-never"], timeout=0.3)
    assert result.status == "timeout"
    assert result.reserved == pytest.approx(RESERVED)


def test_a_query_refused_after_the_post_is_an_error_with_the_reason(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # _run_job 294 (estimated dropped), 300 (the error text dropped): an API error while
    # waiting for a task this run paid for.
    sandbox.inject("forbidden", path="/v1/tasks/", method="GET", count=None)
    [result] = run(sandbox, tmp_path, ["a red fox"], timeout=2.0)
    assert result.status == "error"
    assert result.error
    assert result.estimated == pytest.approx(RESERVED)
    assert result.reserved == pytest.approx(RESERVED)


def test_a_failed_download_emits_error_with_the_task(sandbox: Sandbox, tmp_path: Path) -> None:
    # _run_job 331: `emit(job, "error", done)` lost its event name.
    sandbox.inject("forbidden", path="/files/", method="GET", count=None)
    events: list[tuple[str, str, Any]] = []
    [result] = run(sandbox, tmp_path, ["a red fox"], events)
    assert result.status == "error" and result.error
    errors = [(e, t) for _, e, t in events if e == "error"]
    assert len(errors) == 1 and errors[0][1] is not None
    assert errors[0][1].id == result.task_id
    assert all(isinstance(e, str) for _, e, _ in events)


def test_the_sidecar_keeps_the_prompt_and_the_payload(sandbox: Sandbox, tmp_path: Path) -> None:
    # _run_job 321, 322: download() without the job's prompt or payload.
    [result] = run(sandbox, tmp_path, ["a red fox --ar 3:2"])
    assert result.status == "saved", result.error
    [job], _ = plan_jobs([("p:1", "a red fox --ar 3:2")])
    sidecar = json.loads((tmp_path / f"{result.task_id}.json").read_text("utf-8"))
    assert sidecar["prompt"] == job.prompt == "a red fox --ar 3:2"
    assert sidecar["payload"] == dict(job.payload)
    # JobResult.to_json 10: the key is "files"
    assert result.to_json()["files"] == result.files and result.files


def test_a_lost_post_answer_keeps_the_estimate(sandbox: Sandbox, tmp_path: Path) -> None:
    # _submit 96: an `unknown` result (the task may exist) still carries its estimate.
    sandbox.inject("drop_after", path="/v1/images/generations", method="POST")
    [result] = run(sandbox, tmp_path, ["a red fox"])
    assert result.status == "unknown"
    assert result.estimated == pytest.approx(RESERVED)


def test_the_journal_replays_the_credits_of_a_job(sandbox: Sandbox, tmp_path: Path) -> None:
    # Journal._apply 82: credits_reserved / credits_used read back from the lines.
    [result] = run(sandbox, tmp_path, ["a red fox"])
    assert result.status == "saved", result.error
    with Journal.open(tmp_path) as journal:
        [state] = list(journal)
    assert state.credits_reserved == pytest.approx(RESERVED)
    assert state.credits_used is not None and state.credits_used > 0
    # _run_job 44: the rerun reports the saved job, resumed, with what it reserved
    [again] = run(sandbox, tmp_path, ["a red fox"])
    assert again.status == "saved" and again.resumed
    assert again.reserved == pytest.approx(RESERVED)
    assert again.used == pytest.approx(state.credits_used)


def test_an_error_without_a_code_has_none(sandbox: Sandbox, tmp_path: Path) -> None:
    # _code 9: a refusal without an error code (a proxy's HTML 403 page) is code None,
    # not the text "None".
    sandbox.inject("html", path="/v1/tasks/", method="GET", count=None, status=403)
    [result] = run(sandbox, tmp_path, ["a red fox"], timeout=2.0)
    assert result.status == "error" and result.error
    assert result.code is None
    assert result.to_json()["code"] is None


def test_an_error_that_is_no_text_is_not_replayed(tmp_path: Path) -> None:
    # Journal._apply 74: only a string is an error message.
    lines = [
        {"event": "submitting", "key": "k1", "error": "boom"},
        {"event": "not_taken", "key": "k1", "error": 5},
    ]
    (tmp_path / "mjprompt-journal.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in lines), "utf-8"
    )
    with Journal.open(tmp_path) as journal:
        states = list(journal)
    assert len(states) == 1 and states[0].status == "not_taken"
    assert states[0].error is None


def test_a_budget_below_one_credit_is_a_budget(sandbox: Sandbox, tmp_path: Path) -> None:
    # run_batch 14: `budget >= 0` moved to `>= 1` refuses half a credit as "not a number".
    with pytest.raises(BudgetExceededError):
        run(sandbox, tmp_path, ["a red fox"], budget=0.5)
    with pytest.raises(ValueError, match="budget must be a number of credits, 0 or more"):
        run(sandbox, tmp_path, ["a red fox"], budget=-0.5)
    assert not sandbox.requests.matching("POST", "/v1/images/generations")


def test_a_task_journaled_failed_by_an_earlier_version_is_waited_for_as_resumed(
    gateway: Any, tmp_path: Path
) -> None:
    # _run_job 83: a job journaled `failed` with a status that is no failure (what an
    # earlier version wrote) is waited for, and reported as resumed: no POST of this run.
    [job], _ = plan_jobs([("p:1", PROMPT)])
    task, _ = gateway.create("mjp-bbbbbbbbbbbbbbbbbbbb")
    with Journal.open(tmp_path) as journal:
        journal.record(
            "submitting",
            job.key,
            payload=dict(job.payload),
            idempotency_key="mjp-bbbbbbbbbbbbbbbbbbbb",
        )
        journal.record("created", job.key, task_id=task["id"])
        journal.record("failed", job.key, task_id=task["id"], task_status="generating")
    [result] = run_once(gateway, tmp_path)
    assert result.status == "saved", result.error
    assert result.resumed and result.task_id == task["id"]
    assert gateway.posts == []


def test_four_jobs_run_at_once_by_default(sandbox: Sandbox, tmp_path: Path) -> None:
    # run_batch 1: the default concurrency (4). Five jobs that never finish: the fifth
    # is submitted only after one of the first four timed out.
    events: list[tuple[str, str, Any]] = []
    prompts = [f"a red fox sandbox-never --seed {n}" for n in range(5)]
    results = run(sandbox, tmp_path, prompts, events, timeout=0.3)
    assert [r.status for r in results] == ["timeout"] * 5
    order = [e for _, e, _ in events if e in ("submitting", "timeout")]
    assert order[:4] == ["submitting"] * 4
    assert order[4] == "timeout"
