"""wait / generate: polling pace, progress, terminal states, task errors, the deadline."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mjprompt.client import Polling, Task, WaitTimeoutError
from mjprompt.client import errors as E

TASK_CODES = [
    ("content_policy_violation", E.ContentPolicyViolationError, False),
    ("invalid_parameters", E.InvalidParametersError, False),
    ("image_processing_error", E.ImageProcessingError, False),
    ("image_dimension_mismatch", E.ImageDimensionMismatchError, False),
    ("request_cancelled", E.TaskCancelledError, False),
    ("generation_failed_no_content", E.GenerationFailedNoContentError, True),
    ("service_error", E.ServiceErrorTaskError, True),
    ("generation_timeout", E.GenerationTimeoutError, True),
    ("resource_exhausted", E.ResourceExhaustedError, True),
    ("quota_exceeded", E.TaskQuotaExceededError, True),
    ("service_unavailable", E.TaskServiceUnavailableError, True),
    ("resource_not_found", E.ResourceNotFoundError, False),
    ("unknown_error", E.UnknownTaskError, False),
    ("never_heard_of_it", E.UnknownTaskError, False),
]


def _path(kit: Any) -> str:
    return f"/v1/tasks/{kit.TASK_ID}"


def test_wait_polls_until_completed_and_reports_progress(
    driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    done = kit.task_json("completed", 100, results=["https://cdn.example/a.png"])
    api.on(
        "GET",
        _path(kit),
        kit.ok(kit.task_json("processing", 10)),
        kit.ok(kit.task_json("processing", 60)),
        kit.ok(done),
    )
    seen: list[tuple[str, int]] = []
    start = Task.from_json(kit.task_json())  # the creation answer: estimated_time 45
    task = driver("wait", start, on_progress=lambda t: seen.append((t.status, t.progress)))
    assert task.is_completed
    assert task.results == ("https://cdn.example/a.png",)
    assert seen == [("pending", 0), ("processing", 10), ("processing", 60), ("completed", 100)]
    # First poll after half the estimate (22.5 s, capped at 10), then growing, capped at 10.
    assert fake_time.sleeps == [10.0, 10.0, 10.0]


def test_first_poll_is_seeded_by_estimated_time(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    driver = make_driver(polling=Polling(minimum=1.0, maximum=60.0, factor=2.0))
    api.on(
        "GET",
        _path(kit),
        kit.ok(kit.task_json("processing", 50)),
        kit.ok(kit.task_json("processing", 90)),
        kit.ok(kit.task_json("completed", 100, results=[])),
    )
    start = Task.from_json({**kit.task_json(), "task_info": {"estimated_time": 8}})
    driver("wait", start)
    assert fake_time.sleeps == [4.0, 8.0, 16.0]  # 8 * 0.5, then doubling (capped backoff)


def test_backoff_is_capped(make_driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    driver = make_driver(polling=Polling(minimum=1.0, maximum=5.0, factor=3.0, first_default=1.0))
    steps = [kit.ok(kit.task_json("processing", p)) for p in range(1, 7)]
    api.on("GET", _path(kit), *steps, kit.ok(kit.task_json("completed", 100)))
    driver("wait", kit.TASK_ID)
    assert fake_time.sleeps == [1.0, 3.0, 5.0, 5.0, 5.0, 5.0]


def test_jitter_stays_within_bounds(api: Any, kit: Any, fake_time: Any) -> None:
    from mjprompt.client import Client

    values = iter([0.0, 1.0, 0.0, 1.0])
    steps = [kit.ok(kit.task_json("processing", p)) for p in range(1, 4)]
    api.on("GET", _path(kit), *steps, kit.ok(kit.task_json("completed", 100)))
    with Client(
        kit.KEY,
        base_url=kit.API,
        transport=httpx.MockTransport(api.handler),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        rng=lambda: next(values),
        polling=Polling(minimum=10.0, maximum=10.0, jitter=0.2),
    ) as client:
        client.wait(kit.TASK_ID)
    assert fake_time.sleeps == pytest.approx([8.0, 12.0, 8.0])


def test_wait_given_an_id_queries_first(driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    api.on("GET", _path(kit), kit.ok(kit.task_json("completed", 100)))
    assert driver("wait", kit.TASK_ID).is_completed
    assert fake_time.sleeps == []
    assert api.count("GET") == 1


@pytest.mark.parametrize(("code", "cls", "retryable"), TASK_CODES)
def test_failed_task_raises_its_typed_error(
    driver: Any, api: Any, kit: Any, code: str, cls: type, retryable: bool
) -> None:
    failed = kit.task_json("failed", 0, error={"code": code, "message": "Nope.\nTry again."})
    api.on("GET", _path(kit), kit.ok(failed))
    with pytest.raises(cls) as info:
        driver("wait", kit.TASK_ID)
    err = info.value
    assert type(err) is cls
    assert err.code == code
    assert err.remote_message == "Nope.\nTry again."
    assert err.task.id == kit.TASK_ID
    assert err.retryable is retryable
    assert f"{kit.TASK_ID} failed: {code}: Nope. Try again." in str(err)


def test_cancelled_is_terminal(driver: Any, api: Any, kit: Any) -> None:
    api.on("GET", _path(kit), kit.ok(kit.task_json("cancelled", 30)))
    with pytest.raises(E.TaskCancelledError):
        driver("wait", kit.TASK_ID)
    assert api.count("GET") == 1


def test_undocumented_status_keeps_waiting_and_warns_once(
    driver: Any, api: Any, kit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 12 item 2 / issue 13 item 4: before, `generating` ended the wait as a failure.
    api.on(
        "GET",
        _path(kit),
        kit.ok(kit.task_json("generating", 10)),
        kit.ok(kit.task_json("generating", 40)),
        kit.ok(kit.task_json("queued", 50)),
        kit.ok(kit.task_json("completed", 100, results=["https://cdn.example.test/1.png"])),
    )
    with caplog.at_level("WARNING", logger="mjprompt.client"):
        task = driver("wait", kit.TASK_ID)
    assert task.is_completed
    assert api.count("GET") == 4
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("'generating'" in w for w in warnings) == 1
    assert sum("'queued'" in w for w in warnings) == 1


def test_undocumented_status_is_bounded_by_the_deadline(
    make_driver: Any, api: Any, kit: Any
) -> None:
    driver = make_driver(polling=Polling(minimum=3.0, maximum=3.0))
    api.on("GET", _path(kit), kit.ok(kit.task_json("exploded", 30)))
    with pytest.raises(WaitTimeoutError, match="last seen exploded"):
        driver("wait", kit.TASK_ID, timeout=10)


def test_404_right_after_creation_is_retried_briefly(driver: Any, api: Any, kit: Any) -> None:
    created = Task.from_json(kit.task_json("pending", 0))
    api.on(
        "GET",
        _path(kit),
        kit.error(404, "task_not_found"),
        kit.error(404, "task_not_found"),
        kit.ok(kit.task_json("completed", 100, results=["https://cdn.example.test/1.png"])),
    )
    assert driver("wait", created).is_completed
    assert api.count("GET") == 3


def test_404_after_the_grace_period_is_final(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    driver = make_driver(polling=Polling(minimum=3.0, maximum=3.0, created_grace=5.0))
    created = Task.from_json(kit.task_json("pending", 0))
    api.on("GET", _path(kit), kit.error(404, "task_not_found"))
    with pytest.raises(E.NotFoundError):
        driver("wait", created)
    first_404 = 1000.0 + fake_time.sleeps[0]
    assert 5.0 <= fake_time.now - first_404 <= 5.0 + 3.0 * 1.2
    assert api.count("GET") >= 2


def test_404_for_a_task_id_given_by_hand_is_final(driver: Any, api: Any, kit: Any) -> None:
    # No grace without a creation a moment ago: a wrong id must fail at once.
    api.on("GET", _path(kit), kit.error(404, "task_not_found"))
    with pytest.raises(E.NotFoundError):
        driver("wait", kit.TASK_ID)
    assert api.count("GET") == 1


def test_404_after_a_successful_query_is_final(driver: Any, api: Any, kit: Any) -> None:
    created = Task.from_json(kit.task_json("pending", 0))
    api.on(
        "GET", _path(kit), kit.ok(kit.task_json("processing", 5)), kit.error(404, "task_not_found")
    )
    with pytest.raises(E.NotFoundError):
        driver("wait", created)
    assert api.count("GET") == 2


def test_polling_follows_a_short_estimated_time(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    # A task the server expects in 1 s is polled within a second, whatever the host.
    driver = make_driver()
    quick = kit.task_json("pending", 0)
    quick["task_info"]["estimated_time"] = 1
    done = kit.task_json("completed", 100, results=["https://cdn.example.test/1.png"])
    api.on("GET", _path(kit), kit.ok(quick), kit.ok(quick), kit.ok(done))
    driver("wait", Task.from_json(quick))
    assert fake_time.sleeps and all(0.25 <= s <= 1.0 for s in fake_time.sleeps)


def test_polling_follows_a_long_estimated_time(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    driver = make_driver()
    slow = kit.task_json("pending", 0)  # estimated_time 45
    done = kit.task_json("completed", 100, results=["https://cdn.example.test/1.png"])
    api.on("GET", _path(kit), kit.ok(slow), kit.ok(slow), kit.ok(done))
    driver("wait", Task.from_json(slow))
    assert fake_time.sleeps and all(2.0 <= s <= 10.0 for s in fake_time.sleeps)
    assert fake_time.sleeps[0] == 10.0  # half of 45 s, capped at the maximum


def test_deadline(make_driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    driver = make_driver(polling=Polling(minimum=3.0, maximum=3.0))
    api.on("GET", _path(kit), kit.ok(kit.task_json("processing", 42)))
    with pytest.raises(WaitTimeoutError, match="did not finish within 10 s") as info:
        driver("wait", kit.TASK_ID, timeout=10)
    assert info.value.task is not None and info.value.task.progress == 42
    assert sum(fake_time.sleeps) == pytest.approx(10.0)  # never sleeps past the deadline
    assert fake_time.sleeps[-1] == pytest.approx(1.0)


def test_default_deadline_is_20_minutes(driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    api.on("GET", _path(kit), kit.ok(kit.task_json("processing", 1)))
    with pytest.raises(WaitTimeoutError):
        driver("wait", kit.TASK_ID)
    assert sum(fake_time.sleeps) == pytest.approx(1200.0)


def test_transient_query_errors_do_not_end_the_wait(
    driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    api.on(
        "GET",
        _path(kit),
        kit.ok(kit.task_json("processing", 5)),
        kit.error(503, "busy", **{"Retry-After": "30"}),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, text="<html>"),
        kit.error(500, "internal_error"),
        kit.ok(kit.task_json("completed", 100)),
    )
    progress: list[int] = []
    assert driver("wait", kit.TASK_ID, on_progress=lambda t: progress.append(t.progress))
    assert progress == [5, 100]
    assert 30.0 in fake_time.sleeps  # Retry-After honoured while waiting


def test_permanent_query_errors_end_the_wait(driver: Any, api: Any, kit: Any) -> None:
    api.on(
        "GET", _path(kit), kit.ok(kit.task_json("processing", 5)), kit.error(401, "unauthorized")
    )
    with pytest.raises(E.AuthenticationError):
        driver("wait", kit.TASK_ID)


def test_invalid_timeout(driver: Any, kit: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        driver("wait", kit.TASK_ID, timeout=-1)


def test_generate_is_submit_then_wait(driver: Any, api: Any, kit: Any) -> None:
    api.on("POST", "/v1/images/generations", kit.ok(kit.task_json()))
    api.on("GET", _path(kit), kit.ok(kit.task_json("completed", 100, results=["https://x/1.png"])))
    task = driver("generate", "a cat --fast")
    assert task.is_completed
    assert api.count("POST") == 1
    assert kit.body_of(api.requests[0])["model_params"] == {"speed": "fast"}


def test_async_progress_callback_may_be_a_coroutine(api: Any, kit: Any, fake_time: Any) -> None:
    import asyncio

    from mjprompt.client import AsyncClient

    seen: list[int] = []

    async def report(task: Task) -> None:
        seen.append(task.progress)

    api.on(
        "GET",
        _path(kit),
        kit.ok(kit.task_json("processing", 7)),
        kit.ok(kit.task_json("completed", 100)),
    )

    async def main() -> None:
        async with AsyncClient(
            kit.KEY,
            base_url=kit.API,
            transport=httpx.MockTransport(api.handler),
            clock=fake_time.clock,
            sleep=fake_time.asleep,
        ) as client:
            await client.wait(kit.TASK_ID, on_progress=report)

    asyncio.run(main())
    assert seen == [7, 100]
