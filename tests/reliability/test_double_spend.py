"""Issue 12 item 1: a prompt is paid for at most once, whatever the gateway answers.

Every scenario runs the batch runner (what ``generate --file`` uses) against the hostile
gateway of ``hostile_gateway.py``, one "run" after another over the same journal, and
counts the tasks the gateway created. The scenario of the issue: the first POST's answer
is lost (the task exists), ``--resubmit-unknown`` meets 429/503/409/402, and then a plain
run — before the fix the job was journaled ``not_taken`` and the plain run POSTed with a
*new* Idempotency-Key: two paid tasks for one prompt.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import mjprompt_tests_hostile_gateway as hg  # loaded by conftest.py
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mjprompt_tests_batch_runs import KEY, PROMPT, run_once  # loaded by conftest.py

from mjprompt.client.batch import plan_jobs
from mjprompt.client.journal import Journal

REFUSALS = {
    "429": hg.Reply(429, hg.error_body("rate_limit_exceeded"), (("Retry-After", "0"),)),
    "503": hg.Reply(503, hg.error_body("service_unavailable"), (("Retry-After", "0"),)),
    "409 idempotency_conflict": hg.Reply(409, hg.error_body("idempotency_conflict")),
    "402": hg.Reply(402, hg.error_body("insufficient_quota")),
    "400": hg.Reply(400, hg.error_body("invalid_request")),
}


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_lost_answer_then_refusals_never_buys_twice(
    gateway: Any, tmp_path: Path, refusal: str
) -> None:
    # Run 1: the task is made, the answer lost.
    gateway.script("POST", hg.Lost())
    [first] = run_once(gateway, tmp_path)
    assert first.status == "unknown"
    assert gateway.tasks_created == 1
    # Run 2: --resubmit-unknown is refused (twice for 429/503: the client retries once).
    times = 2 if refusal in ("429", "503") else 1
    gateway.script("POST", *[REFUSALS[refusal]] * times)
    [second] = run_once(gateway, tmp_path, resubmit_unknown=True)
    assert second.status == "unknown", second.error  # was `error`, journaled not_taken
    # Run 3: a plain run must not POST at all (before the fix: a new key, a 2nd task).
    posts = len(gateway.posts)
    [third] = run_once(gateway, tmp_path)
    assert third.status == "unknown"
    assert len(gateway.posts) == posts
    assert gateway.tasks_created == 1
    # Run 4: --resubmit-unknown again: the gateway replays the first task.
    [fourth] = run_once(gateway, tmp_path, resubmit_unknown=True)
    assert fourth.status == "saved", fourth.error
    assert gateway.tasks_created == 1
    assert len(set(gateway.posts)) == 1  # one Idempotency-Key for every POST of the job


def test_not_taken_is_resent_with_the_same_key(gateway: Any, tmp_path: Path) -> None:
    # A plain refusal on the first POST is `not_taken`; the next run reuses the key.
    gateway.script("POST", REFUSALS["402"])
    [first] = run_once(gateway, tmp_path)
    assert first.status == "error"
    [second] = run_once(gateway, tmp_path)
    assert second.status == "saved"
    assert len(gateway.posts) == 2 and len(set(gateway.posts)) == 1
    assert gateway.tasks_created == 1


def test_409_on_the_first_post_is_unknown(gateway: Any, tmp_path: Path) -> None:
    gateway.script("POST", REFUSALS["409 idempotency_conflict"])
    [first] = run_once(gateway, tmp_path)
    assert first.status == "unknown"
    [second] = run_once(gateway, tmp_path)
    assert second.status == "unknown"
    assert len(gateway.posts) == 1


def test_a_journal_written_by_the_old_code_stays_unknown(gateway: Any, tmp_path: Path) -> None:
    # submitting, submitting (a resubmit), not_taken: what the old code wrote after a lost
    # answer and a refused resubmission. The job is unknown and keeps its key.
    jobs, _ = plan_jobs([("p:1", PROMPT)])
    job = jobs[0]
    gateway.create("mjp-0123456789abcdef0123")  # the lost POST made this task
    with Journal.open(tmp_path) as journal:
        for event in ("submitting", "submitting"):
            journal.record(
                event,
                job.key,
                prompt=PROMPT,
                payload=dict(job.payload),
                idempotency_key="mjp-0123456789abcdef0123",
            )
        journal.record("not_taken", job.key, error="HTTP 429")
    [plain] = run_once(gateway, tmp_path)
    assert plain.status == "unknown"
    assert gateway.posts == []
    [resent] = run_once(gateway, tmp_path, resubmit_unknown=True)
    assert resent.status == "saved"
    assert gateway.posts == ["mjp-0123456789abcdef0123"]
    assert gateway.tasks_created == 1


def test_retry_failed_never_rebuys_an_unknown_status(gateway: Any, tmp_path: Path) -> None:
    # A journal line `failed` for a task whose status was merely undocumented (what the
    # old client wrote): --retry-failed waits for that task instead of buying another.
    jobs, _ = plan_jobs([("p:1", PROMPT)])
    job = jobs[0]
    task, _ = gateway.create("mjp-aaaaaaaaaaaaaaaaaaaa")
    with Journal.open(tmp_path) as journal:
        journal.record(
            "submitting",
            job.key,
            payload=dict(job.payload),
            idempotency_key="mjp-aaaaaaaaaaaaaaaaaaaa",
        )
        journal.record("created", job.key, task_id=task["id"])
        journal.record(
            "failed",
            job.key,
            task_id=task["id"],
            code="generating",
            error="task … generating",
            task_status="generating",
        )
    [result] = run_once(gateway, tmp_path, retry_failed=True)
    assert result.status == "saved"
    assert gateway.posts == []
    assert gateway.tasks_created == 1


def test_undocumented_status_is_waited_for_not_failed(gateway: Any, tmp_path: Path) -> None:
    gateway.statuses = ["generating", "queued", "running", "generating"]
    [result] = run_once(gateway, tmp_path)
    assert result.status == "saved", result.error
    with Journal.open(tmp_path) as journal:
        assert [s.status for s in journal] == ["saved"]
    assert gateway.tasks_created == 1


# ------------------------------------------------------------- the property test

POST_FAULTS = [
    hg.Lost(),
    hg.Taken(hg.Reply(500, hg.error_body("internal_error"))),
    hg.Taken(hg.Reply(502, b"<html>bad gateway</html>")),
    hg.Taken(hg.Reply(429, hg.error_body("rate_limit_exceeded"), (("Retry-After", "0"),))),
    hg.Taken(hg.Reply(409, hg.error_body("idempotency_conflict"))),
    *REFUSALS.values(),
    hg.Reply(500, hg.error_body("internal_error")),
]


@settings(
    max_examples=int(os.environ.get("MJPROMPT_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    prompts=st.integers(1, 3),
    faults=st.lists(st.sampled_from(POST_FAULTS), max_size=8),
    runs=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=5),
)
def test_tasks_created_never_exceed_prompts(
    prompts: int, faults: list[Any], runs: list[tuple[bool, bool]]
) -> None:
    """Random faults on the POSTs, random reruns with random flags: whatever happens,
    the gateway never makes more tasks than there are prompts, and every POST of a job
    carries that job's one key."""
    texts = [f"{PROMPT} --seed {n}" for n in range(prompts)]
    with tempfile.TemporaryDirectory() as tmp, hg.Gateway() as gateway:
        gateway.script("POST", *faults)
        for resubmit_unknown, retry_failed in runs:
            run_once(
                gateway,
                Path(tmp),
                texts,
                resubmit_unknown=resubmit_unknown,
                retry_failed=retry_failed,
            )
            assert gateway.tasks_created <= prompts
        # Then resume until done, the documented way: every job ends saved, one task each.
        for _ in range(len(faults) + 2):
            results = run_once(gateway, Path(tmp), texts, resubmit_unknown=True)
            if all(r.status == "saved" for r in results):
                break
        assert [r.status for r in results] == ["saved"] * prompts
        assert gateway.tasks_created == prompts
        assert len(set(gateway.posts)) <= prompts


def test_the_issue_scenario_through_the_command_line(
    gateway: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """`generate --file`: lost answer, then --resubmit-unknown meets 429s, then a plain
    run. Before the fix the plain run POSTed with a new key: 2 tasks for 1 prompt."""
    from mjprompt.cli import main

    for name in list(os.environ):
        if name.startswith(("EVOLINK_", "MJPROMPT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EVOLINK_API_KEY", KEY)
    monkeypatch.setenv("EVOLINK_BASE_URL", gateway.url)
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(PROMPT + "\n", encoding="utf-8")
    args = ["generate", "--file", str(prompts), "--out", str(tmp_path / "out"), "--retries", "0"]
    gateway.script("POST", hg.Lost())
    assert main(args) == 1
    assert "the task may have been created" in capsys.readouterr().err
    gateway.script("POST", REFUSALS["429"])
    assert main([*args, "--resubmit-unknown"]) == 1
    err = capsys.readouterr().err
    assert "unknown" in err and "--resubmit-unknown" in err
    assert main(args) == 1  # reported, not sent
    assert len(gateway.posts) == 2
    assert gateway.tasks_created == 1
    assert main([*args, "--resubmit-unknown"]) == 0
    assert gateway.tasks_created == 1
    assert len(set(gateway.posts)) == 1


def test_retry_failed_then_a_lost_answer_keeps_the_new_key(gateway: Any, tmp_path: Path) -> None:
    # A real failure may be bought again (--retry-failed, a new key). If that new POST's
    # answer is lost, the resend must carry the *new* key, not a third one.
    gateway.statuses = ["failed"]
    [first] = run_once(gateway, tmp_path)
    assert first.status == "failed"
    gateway.statuses = []
    gateway.script("POST", hg.Lost())
    [second] = run_once(gateway, tmp_path, retry_failed=True)
    assert second.status == "unknown"
    [third] = run_once(gateway, tmp_path, resubmit_unknown=True)
    assert third.status == "saved", third.error
    assert gateway.tasks_created == 2  # the failed one and the one bought again
    assert len(gateway.posts) == 3 and len(set(gateway.posts)) == 2
    assert gateway.posts[1] == gateway.posts[2]


def test_a_failed_job_is_not_bought_again_without_retry_failed(
    gateway: Any, tmp_path: Path
) -> None:
    # The task failed for sure; a plain rerun reports it and buys nothing (M13).
    gateway.statuses = ["failed"]
    [first] = run_once(gateway, tmp_path)
    assert first.status == "failed"
    gateway.statuses = []
    [second] = run_once(gateway, tmp_path)
    assert second.status == "failed" and second.resumed
    assert gateway.tasks_created == 1 and len(gateway.posts) == 1


@pytest.mark.parametrize("status", [500, 502])
def test_a_5xx_on_the_post_stays_unknown_on_rerun(
    gateway: Any, tmp_path: Path, status: int
) -> None:
    # A 5xx may hide a created task: the job is unknown, and a rerun buys nothing (M15).
    gateway.script("POST", *[hg.Reply(status, hg.error_body("internal_error"))] * 2)
    [first] = run_once(gateway, tmp_path)
    assert first.status == "unknown"
    [second] = run_once(gateway, tmp_path)
    assert second.status == "unknown"
    assert len(set(gateway.posts)) == 1 and gateway.tasks_created == 0
