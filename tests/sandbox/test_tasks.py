"""Task timeline, markers and bodies, on a fake clock (no sleeping)."""

from __future__ import annotations

import re

import attrs
import pytest

from mjprompt.sandbox.tasks import (
    Outcome,
    SandboxTask,
    TaskStore,
    new_task_id,
    task_from_prompt,
)

T0 = 1_757_165_031.0


def make(prompt: str = "a cat", duration: float = 10.0, speed: str = "fast") -> SandboxTask:
    return task_from_prompt(
        "task-unified-1-abc",
        T0,
        prompt=prompt,
        speed=speed,
        callback_url=None,
        duration=duration,
        fail_code="generation_failed_no_content",
    )


def test_task_id_has_the_documented_shape() -> None:
    tid = new_task_id(T0)
    assert re.fullmatch(r"task-unified-1757165031-[a-z0-9]{8}", tid)
    assert new_task_id(T0) != tid


@pytest.mark.decision("R02")
@pytest.mark.parametrize(
    ("elapsed", "status", "progress"),
    [
        (0.0, "pending", 0),
        (0.99, "pending", 0),
        (1.0, "processing", 10),
        (5.0, "processing", 50),
        (9.99, "processing", 99),
        (10.0, "completed", 100),
        (1e6, "completed", 100),
    ],
)
def test_status_follows_the_clock(elapsed: float, status: str, progress: int) -> None:
    task = make()
    assert task.status_at(T0 + elapsed) == (status, progress)


def test_progress_never_goes_down() -> None:
    task = make(duration=3.0)
    seen = [task.status_at(T0 + t / 10)[1] for t in range(40)]
    assert seen == sorted(seen)


def test_zero_duration_completes_at_once() -> None:
    assert make(duration=0).status_at(T0) == ("completed", 100)


@pytest.mark.parametrize(
    ("prompt", "outcome", "code", "count"),
    [
        ("a cat", Outcome.COMPLETE, None, 4),
        ("a cat sandbox-fail", Outcome.FAIL, "generation_failed_no_content", 4),
        (
            "a cat SANDBOX-FAIL:content_policy_violation",
            Outcome.FAIL,
            "content_policy_violation",
            4,
        ),
        ("sandbox-fail:made_up_code a cat", Outcome.FAIL, "made_up_code", 4),
        ("a cat sandbox-never", Outcome.NEVER, None, 4),
        ("a cat sandbox-cancel", Outcome.CANCEL, "request_cancelled", 4),
        ("a cat sandbox-images:2", Outcome.COMPLETE, None, 2),
        ("a cat sandbox-images:0", Outcome.COMPLETE, None, 0),
        ("a cat sandbox-images:9", Outcome.COMPLETE, None, 4),
        ("a cat my-sandbox-fail", Outcome.COMPLETE, None, 4),  # not a whole word
        ("a cat sandbox-failure", Outcome.COMPLETE, None, 4),
    ],
)
def test_markers_choose_the_outcome(
    prompt: str, outcome: str, code: str | None, count: int
) -> None:
    task = make(prompt)
    assert (task.outcome, task.error_code, task.result_count) == (outcome, code, count)


def test_seed_and_aspect_come_from_the_prompt() -> None:
    task = make("a cat --ar 16:9 --seed 1234")
    assert (task.seed, task.aspect) == (1234, (16.0, 9.0))


@pytest.mark.parametrize(
    ("prompt", "seed", "aspect"),
    [
        ("a cat --seed 4294967301 --aspect 2:1", 5, (2.0, 1.0)),  # seeds wrap at 2**32
        ("a cat --SEED 7 --AR 3:4", 7, (3.0, 4.0)),
        ("a cat --seed 7x --ar 3:4:5", None, (1.0, 1.0)),  # not values
        ("a cat --seed " + "9" * 5000, None, (1.0, 1.0)),  # not read, not a crash
        ("a cat --ar 2:1 --ar 1:2", None, (2.0, 1.0)),  # the first one
    ],
)
def test_seed_and_aspect_reading(
    prompt: str, seed: int | None, aspect: tuple[float, float]
) -> None:
    task = make(prompt)
    if seed is not None:
        assert task.seed == seed
    assert task.aspect == aspect


def test_without_seed_a_random_one_and_square() -> None:
    seeds = {make("a cat").seed for _ in range(5)}
    assert len(seeds) > 1
    assert make("a cat").aspect == (1.0, 1.0)


def test_invalid_ratio_falls_back_to_square() -> None:
    assert make("a cat --ar 0:5").aspect == (1.0, 1.0)


@pytest.mark.decision("R03", "R05")
def test_failed_body_carries_the_task_error() -> None:
    task = make("a cat sandbox-fail:service_error")
    body = task.query_body(T0 + 20, "http://x")
    assert body["status"] == "failed"
    assert body["error"]["code"] == "service_error"
    assert body["error"]["type"] == "task_error"
    assert "retry" in body["error"]["message"]
    assert "results" not in body
    assert body["usage"]["credits_used"] == 0


def test_never_stays_processing() -> None:
    task = make("sandbox-never a cat")
    assert task.status_at(T0 + 1e9) == ("processing", 99)
    assert task.ends_at is None


@pytest.mark.decision("R01")
def test_creation_body_matches_the_documented_shape() -> None:
    body = make(speed="turbo").creation_body()
    assert body == {
        "created": int(T0),
        "id": "task-unified-1-abc",
        "model": "mj-v7",
        "object": "image.generation.task",
        "progress": 0,
        "status": "pending",
        "task_info": {"can_cancel": True, "estimated_time": 10},
        "type": "image",
        "usage": {"billing_rule": "per_call", "credits_reserved": 10.8, "user_group": "default"},
    }


@pytest.mark.decision("R03")
def test_estimated_time_counts_down_then_disappears() -> None:
    task = make()
    running = task.query_body(T0 + 2.5, "b")
    assert running["task_info"]["estimated_time"] == 8
    assert running["usage"] == {
        "billing_rule": "per_call",
        "credits_reserved": 5.4,
        "user_group": "default",
    }
    done = task.query_body(T0 + 10, "b")
    assert "estimated_time" not in done["task_info"]
    assert done["usage"]["credits_used"] == 5.4


@pytest.mark.decision("I01", "I03")
def test_store_replays_an_idempotency_key_and_refuses_another_body() -> None:
    store = TaskStore()
    made = []

    def factory() -> SandboxTask:
        made.append(1)
        return attrs.evolve(make(), id=f"task-unified-1-{len(made)}")

    first = store.create(factory, "key-0123456789abcdef", "fp1")
    again = store.create(factory, "key-0123456789abcdef", "fp1")
    other = store.create(factory, "key-0123456789abcdef", "fp2")
    assert first is not None and again is not None
    assert (first[1], again[1]) == (False, True)
    assert first[0] is again[0]
    assert other is None
    assert len(made) == 1
    # documented behaviour: another body under a used key is a new task; the key
    # keeps naming the first one
    new = store.create(factory, "key-0123456789abcdef", "fp2", conflict_creates=True)
    assert new is not None and new[1] is False and len(made) == 2
    replay = store.create(factory, "key-0123456789abcdef", "fp1", conflict_creates=True)
    assert replay is not None and replay == (first[0], True)


@pytest.mark.decision("R09")
def test_can_cancel_only_while_pending() -> None:
    task = make(duration=10.0)
    assert task.creation_body()["task_info"]["can_cancel"] is True
    seen = {
        task.query_body(T0 + t, "b")["status"]: task.query_body(T0 + t, "b")["task_info"][
            "can_cancel"
        ]
        for t in (0.5, 5.0, 10.0)
    }
    assert seen == {"pending": True, "processing": False, "completed": False}
