"""``run_batch(budget=, partial=)`` and ``generate --budget/--partial`` against the
sandbox on a free loopback port (issue 20). Every test counts the POSTs the sandbox
received: a refused batch spends nothing, ``--partial`` stops at the budget, a rerun
estimates only what is left, a 402 mid-batch stops new submissions."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from mjprompt.client import AsyncClient, Polling, Retrying
from mjprompt.client import batch as batch_module
from mjprompt.client.batch import Job, JobResult, plan_jobs, run_batch
from mjprompt.client.budget import BudgetExceededError
from mjprompt.client.journal import JOURNAL_NAME, Journal
from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
FAST_POLL = Polling(minimum=0.02, maximum=0.1, first_default=0.02, first_fraction=0.1)
# Every prompt at the default speed (fast) is estimated, and reserved, at 5.4 credits;
# "--q 2" doubles it.
PROMPTS = ["a red fox", "a blue owl", "a green frog --q 2", "a grey wolf"]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=0.0)) as sb:
        yield sb


def jobs_of(prompts: Sequence[str]) -> list[Job]:
    jobs, refused = plan_jobs([(f"p:{i}", p) for i, p in enumerate(prompts, 1)])
    assert not refused
    return jobs


def run(sb: Sandbox, out: Path, prompts: Sequence[str], **flags: Any) -> list[JobResult]:
    async def go() -> list[JobResult]:
        journal = Journal.open(out)
        try:
            async with AsyncClient(
                sb.api_key,
                base_url=sb.base_url,
                polling=FAST_POLL,
                retrying=Retrying(attempts=1),
                timeout=5.0,
            ) as client:
                return await run_batch(client, jobs_of(prompts), journal, out, timeout=10, **flags)
        finally:
            journal.close()

    return asyncio.run(go())


def posts(sb: Sandbox) -> int:
    return len(sb.requests.matching("POST", GEN))


def events(out: Path) -> list[dict[str, Any]]:
    path = out / JOURNAL_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_batch_over_budget_spends_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(BudgetExceededError) as caught:
        run(sandbox, tmp_path, PROMPTS, budget=20)
    assert posts(sandbox) == 0
    assert events(tmp_path) == []  # not even a `submitting` line
    error = caught.value
    assert error.estimate == pytest.approx(27.0)  # 3 x 5.4 + 10.8
    assert error.budget == 20 and error.jobs == 4
    assert error.costliest[0] == ("p:3", pytest.approx(10.8))
    assert len(error.costliest) == 3
    assert "nothing was submitted" in str(error)


def test_a_batch_within_budget_runs_and_journals_what_was_reserved(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    results = run(sandbox, tmp_path, PROMPTS, budget=27)
    assert [r.status for r in results] == ["saved"] * 4
    assert posts(sandbox) == 4
    assert sum(r.reserved or 0 for r in results) == pytest.approx(27.0)
    assert [r.estimated for r in results] == pytest.approx([5.4, 5.4, 10.8, 5.4])
    assert all(r.used is not None for r in results)
    created = [e for e in events(tmp_path) if e["event"] == "created"]
    assert sorted(e["credits_reserved"] for e in created) == pytest.approx([5.4, 5.4, 5.4, 10.8])
    saved = [e for e in events(tmp_path) if e["event"] == "saved"]
    assert all("credits_used" in e for e in saved)


def test_a_balance_below_the_estimate_refuses(tmp_path: Path) -> None:
    with Sandbox(SandboxConfig(task_duration=0.0, credits=20.0)) as sb:
        with pytest.raises(BudgetExceededError) as caught:
            run(sb, tmp_path, PROMPTS, budget=1000)
        assert posts(sb) == 0
        assert len(sb.requests.matching("GET", "/v1/credits")) == 1
    assert caught.value.available == pytest.approx(20.0)
    assert "the balance of 20" in str(caught.value)
    assert "the budget" not in str(caught.value)


def test_partial_stops_at_the_balance_when_it_is_below_the_budget(tmp_path: Path) -> None:
    with Sandbox(SandboxConfig(task_duration=0.0, credits=12.0)) as sb:
        results = run(sb, tmp_path, PROMPTS, budget=1000, partial=True)
        assert posts(sb) == 2  # never a POST the balance cannot pay: no 402
    assert [r.status for r in results] == ["saved", "saved", "left", "left"]
    assert "the balance of 12 credits would be exceeded" in (results[2].error or "")


def test_an_unreadable_balance_leaves_the_budget_alone_to_decide(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.inject("503", path="/v1/credits")
    results = run(sandbox, tmp_path, PROMPTS[:2], budget=11)
    assert [r.status for r in results] == ["saved", "saved"]
    assert posts(sandbox) == 2


def test_partial_stops_at_the_budget_and_a_rerun_estimates_only_what_is_left(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # 5.4 + 5.4 fit in 12; the third (10.8) would not: it and everything after it are left.
    results = run(sandbox, tmp_path, PROMPTS, budget=12, partial=True, concurrency=4)
    assert [r.status for r in results] == ["saved", "saved", "left", "left"]
    assert posts(sandbox) == 2
    assert all(r.code == "budget" for r in results[2:])
    assert (results[2].error or "").endswith("this prompt ≈10.8 (estimate)")
    assert "stopped at an earlier prompt" in (results[3].error or "")
    left = [e for e in events(tmp_path) if e["event"] == "left"]
    assert len(left) == 2 and "budget of 12 credits" in left[0]["error"]
    journal = Journal.open(tmp_path)
    assert sorted(s.status for s in journal.jobs.values()) == ["left", "left", "saved", "saved"]
    journal.close()

    # The rerun estimates the two prompts left (16.2), not the four (27).
    with pytest.raises(BudgetExceededError) as caught:
        run(sandbox, tmp_path, PROMPTS, budget=16)
    assert caught.value.estimate == pytest.approx(16.2) and caught.value.jobs == 2
    assert posts(sandbox) == 2
    results = run(sandbox, tmp_path, PROMPTS, budget=16.2)
    assert [r.status for r in results] == ["saved"] * 4
    assert [r.resumed for r in results] == [True, True, False, False]
    assert posts(sandbox) == 4
    assert len(sandbox.tasks()) == 4


def test_an_estimate_too_low_overspends_by_at_most_one_call(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend every prompt costs 1 credit: only the reserved credits of the answers
    # (5.4 each) can stop the batch.
    monkeypatch.setattr(batch_module, "estimate_jobs", lambda jobs: {job.key: 1.0 for job in jobs})
    prompts = ["a red fox", "a blue owl", "a grey wolf", "a black cat", "a white swan"]
    results = run(sandbox, tmp_path, prompts, budget=12, partial=True, concurrency=4)
    # 0+1, 5.4+1, 10.8+1 are within 12: three POSTs; then 16.2+1 is not.
    assert posts(sandbox) == 3
    assert [r.status for r in results] == ["saved"] * 3 + ["left"] * 2
    reserved = sum(r.reserved or 0 for r in results)
    assert reserved == pytest.approx(16.2)
    assert reserved - 12 < 5.4  # over by less than the one call in flight


def test_a_402_mid_batch_stops_new_submissions_and_keeps_the_journal_consistent(
    tmp_path: Path,
) -> None:
    # A balance of 12 pays for two calls of 5.4; the third POST is refused (402).
    with Sandbox(SandboxConfig(task_duration=0.0, credits=12.0)) as sb:
        results = run(sb, tmp_path, [*PROMPTS[:2], "a grey wolf", "a black cat"], concurrency=1)
        assert posts(sb) == 3
        assert len(sb.tasks()) == 2
    assert [r.status for r in results] == ["saved", "saved", "error", "left"]
    assert results[2].code == "insufficient_quota"
    assert results[3].code == "insufficient_quota"
    assert "refused for credits" in (results[3].error or "")
    journal = Journal.open(tmp_path)
    states = {s.prompt or "": s for s in journal.jobs.values()}
    journal.close()
    assert states["a grey wolf"].status == "not_taken"
    # The job left was never sent: the journal has no `submitting` for it, and a rerun
    # submits it like a new job.
    assert "a black cat" not in states or states["a black cat"].status == "left"
    assert [e["event"] for e in events(tmp_path) if e["event"] == "submitting"].count(
        "submitting"
    ) == 3


def test_a_negative_budget_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="budget"):
        run(sandbox, tmp_path, PROMPTS, budget=-1)
    assert posts(sandbox) == 0


# ------------------------------------------------------------------------------ the CLI


def cli(
    args: list[str],
    sb: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    from mjprompt.cli import main

    for name in list(os.environ):
        if name.startswith(("EVOLINK_", "MJPROMPT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EVOLINK_API_KEY", sb.api_key)
    monkeypatch.setenv("EVOLINK_BASE_URL", sb.base_url)
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def prompt_file(tmp_path: Path) -> Path:
    path = tmp_path / "prompts.txt"
    path.write_text("\n".join(PROMPTS) + "\n")
    return path


def test_cli_over_budget_prints_the_estimate_and_spends_nothing(
    sandbox: Sandbox,
    prompt_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    args = ["generate", "--file", str(prompt_file), "--out", str(out), "--budget", "20"]
    code, stdout, err = cli(args, sandbox, monkeypatch, capsys)
    assert code == 1 and stdout == ""
    assert "over budget; nothing was submitted" in err
    assert "≈27 credits (estimate) for 4 prompts" in err
    assert "budget:    20 credits" in err
    assert f"{prompt_file}:3: ≈10.8 credits (estimate)" in err
    assert posts(sandbox) == 0

    code, stdout, _ = cli([*args, "--json"], sandbox, monkeypatch, capsys)
    assert code == 1
    body = json.loads(stdout)
    assert body["error"] == "budget" and body["estimate"] == pytest.approx(27.0)
    assert posts(sandbox) == 0


def test_cli_partial_stops_at_the_budget_and_prints_a_summary(
    sandbox: Sandbox,
    prompt_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    args = ["generate", "--file", str(prompt_file), "--out", str(out), "--budget", "12"]
    code, stdout, err = cli([*args, "--partial"], sandbox, monkeypatch, capsys)
    assert code == 0  # the prompts left are what --partial asked for
    assert posts(sandbox) == 2
    assert len(stdout.splitlines()) == 8  # 2 tasks x 4 images
    assert f"{prompt_file}:3: left: not submitted: the budget of 12 credits" in err
    assert (
        "summary: 2 tasks, 8 images saved, 2 prompts left; credits of the 2 tasks created "
        "in this run: ≈10.8 estimated, 10.8 reserved, 10.8 used"
    ) in err


def test_cli_partial_needs_a_budget_and_a_budget_is_a_number(
    sandbox: Sandbox,
    prompt_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = cli(
        ["generate", "--file", str(prompt_file), "--partial"], sandbox, monkeypatch, capsys
    )
    assert code == 2 and "--partial needs --budget" in err
    for bad in ("-1", "nan", "lots"):
        code, _, err = cli(
            ["generate", "--file", str(prompt_file), "--budget", bad], sandbox, monkeypatch, capsys
        )
        assert code == 2 and "not a number of credits" in err
    assert posts(sandbox) == 0


def test_left_after_a_possibly_taken_post_stays_unknown(tmp_path: Path) -> None:
    # A job resent with --resubmit-unknown and then left by the budget may still have
    # a task from its first POST: the journal must not forget that.
    journal = Journal.open(tmp_path)
    journal.record("submitting", "k#0", prompt="a", idempotency_key="key-0123456789abcdef")
    journal.record("unknown", "k#0", error="answer lost")
    journal.record("left", "k#0", error="not submitted: budget")
    journal.record("submitting", "k#1", prompt="b", idempotency_key="key-fedcba9876543210")
    journal.record("not_taken", "k#1", error="HTTP 402")
    journal.record("left", "k#1", error="not submitted: budget")
    journal.close()
    journal = Journal.open(tmp_path)
    first, second = journal.state("k#0"), journal.state("k#1")
    journal.close()
    assert first is not None and first.status == "unknown"
    assert second is not None and second.status == "left"
    assert second.idempotency_key == "key-fedcba9876543210"  # reused by the rerun
