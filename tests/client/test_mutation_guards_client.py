"""The client core pinned where mutants of it passed every other test (issue 21).

Each test names the change it stands against. The other client tests run with the
retry jitter pinned to the middle of its range (``rng`` returns 0.5: no jitter), so the
ends of the range are tested here, through the sync and the async client alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mjprompt.client import Polling

POST = ("POST", "/v1/images/generations")


def _draws(*values: float) -> Callable[[], float]:
    it: Iterator[float] = iter(values)
    return lambda: next(it)


@pytest.mark.parametrize(
    ("draws", "sleeps"),
    [
        # rng() = 0 is the low end (1 - jitter), 1 the high end (1 + jitter).
        ((0.0, 0.0, 0.0), [0.75, 1.5, 3.0]),
        ((1.0, 1.0, 1.0), [1.25, 2.5, 5.0]),
        ((0.0, 1.0, 0.0), [0.75, 2.5, 3.0]),
    ],
    ids=["low", "high", "mixed"],
)
def test_retry_waits_span_both_ends_of_the_jitter(
    make_driver: Any,
    api: Any,
    kit: Any,
    fake_time: Any,
    draws: tuple[float, ...],
    sleeps: list[float],
) -> None:
    # The sign of the jitter flipped (M21), or the jitter dropped, changes these.
    driver = make_driver(rng=_draws(*draws))
    api.on(*POST, *[kit.error(503, "busy")] * 3, kit.ok(kit.task_json()))
    driver("submit", "a cat")
    assert fake_time.sleeps == pytest.approx(sleeps)
    assert api.count("POST") == 4


def test_poll_waits_span_both_ends_of_the_jitter(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    driver = make_driver(
        rng=_draws(0.0, 1.0, 0.0), polling=Polling(minimum=10.0, maximum=10.0, jitter=0.2)
    )
    path = f"/v1/tasks/{kit.TASK_ID}"
    steps = [kit.ok(kit.task_json("processing", p)) for p in (10, 50, 90)]
    api.on("GET", path, *steps, kit.ok(kit.task_json("completed", 100)))
    driver("wait", kit.TASK_ID)
    assert fake_time.sleeps == pytest.approx([8.0, 12.0, 8.0])
