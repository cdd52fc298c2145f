"""Callbacks: POST of the task JSON on completion, 2xx = done, retries after scaled delays."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mjprompt.sandbox import Sandbox

GEN = "/v1/images/generations"
DELAYS = (0.05, 0.1, 0.2)  # the documented 1 s / 2 s / 4 s, scaled by 1/20


@pytest.fixture
def cb_sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox(
        task_duration=0.05,
        allow_loopback_callbacks=True,
        callback_retry_delays=DELAYS,
        callback_timeout=2.0,
    )


def delivery_ends(task_id: str, timeout: float = 5.0) -> None:
    """Wait for the thread that delivers ``task_id``'s callback to end (it ends after a 2xx
    or the last retry): after that, no further attempt can come. Waiting on this end, not
    sleeping a while, makes "nothing more was posted" a check that load cannot pass."""
    name = f"sandbox-callback-{task_id}"
    (thread,) = [t for t in threading.enumerate() if t.name == name] or [None]
    if thread is not None:
        thread.join(timeout)
        assert not thread.is_alive(), f"{name} still delivering after {timeout} s"


class CountingClock:
    """A fake clock that counts its reads: the callback watcher reads it once per pass over
    the tasks, so a few more reads prove it has looked at every task created before."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._reads = 0
        self._changed = threading.Condition()

    def __call__(self) -> float:
        with self._changed:
            self._reads += 1
            self._changed.notify_all()
        return self._clock()

    def passes(self, count: int, timeout: float = 5.0) -> None:
        """Wait until the clock has been read ``count`` more times."""
        with self._changed:
            target = self._reads + count
            assert self._changed.wait_for(lambda: self._reads >= target, timeout)


def submit(sb: Sandbox, url: str, prompt: str = "a red fox") -> str:
    with httpx.Client(trust_env=False) as c:
        response = c.post(
            f"{sb.base_url}{GEN}",
            json={"model": "mj-v7", "prompt": prompt, "callback_url": url},
            headers={"Authorization": f"Bearer {sb.api_key}"},
        )
    assert response.status_code == 200, response.text
    task_id: str = response.json()["id"]
    return task_id


@pytest.mark.decision("C01")
def test_completed_task_is_posted_once_on_success(
    cb_sandbox: Sandbox, receiver: Callable[..., Any]
) -> None:
    r = receiver([200])
    task_id = submit(cb_sandbox, r.url())
    (attempt,) = cb_sandbox.callbacks.wait_for(1, timeout=5)
    assert attempt.ok and attempt.attempt == 1 and attempt.waited == 0
    assert (attempt.task_id, attempt.url, attempt.status) == (task_id, r.url(), 200)
    (hit,) = r.hits
    _at, headers, body = hit
    assert headers["Content-Type"] == "application/json"
    posted = json.loads(body)
    assert posted == attempt.body
    # the body is the task-query body (evolink-api.md §5)
    assert posted == cb_sandbox.task(task_id)
    assert posted["status"] == "completed" and len(posted["results"]) == 4
    delivery_ends(task_id)
    assert len(cb_sandbox.callbacks) == 1  # no further delivery


@pytest.mark.decision("C01")
@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_success(cb_sandbox: Sandbox, receiver: Callable[..., Any], status: int) -> None:
    r = receiver([status])
    submit(cb_sandbox, r.url())
    (attempt,) = cb_sandbox.callbacks.wait_for(1, timeout=5)
    assert attempt.ok and attempt.status == status


@pytest.mark.decision("C01")
def test_retries_follow_the_configured_delays(
    cb_sandbox: Sandbox, receiver: Callable[..., Any]
) -> None:
    r = receiver([500, 503, 404, 200])
    submit(cb_sandbox, r.url())
    attempts = cb_sandbox.callbacks.wait_for(4, timeout=5)
    assert [a.attempt for a in attempts] == [1, 2, 3, 4]
    assert [a.status for a in attempts] == [500, 503, 404, 200]
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert [a.waited for a in attempts] == [0.0, *DELAYS]
    # each retry starts no earlier than its delay after the previous attempt started
    for previous, current in itertools.pairwise(attempts):
        assert current.at - previous.at >= current.waited
    assert len(r.hits) == 4


@pytest.mark.decision("C01")
def test_at_most_three_retries(cb_sandbox: Sandbox, receiver: Callable[..., Any]) -> None:
    r = receiver([500])
    task_id = submit(cb_sandbox, r.url())
    attempts = cb_sandbox.callbacks.wait_for(4, timeout=5)
    delivery_ends(task_id)  # a fifth attempt would come before this
    assert len(cb_sandbox.callbacks) == 4
    assert not any(a.ok for a in attempts)
    assert len(r.hits) == 4


@pytest.mark.decision("C01")
def test_default_delays_are_the_documented_ones() -> None:
    from mjprompt.sandbox import SandboxConfig

    config = SandboxConfig()
    assert config.callback_retry_delays == (1.0, 2.0, 4.0)
    assert config.callback_timeout == 10.0
    assert config.allow_loopback_callbacks is False


def test_a_slow_receiver_times_out_and_is_retried(
    make_sandbox: Callable[..., Sandbox], receiver: Callable[..., Any]
) -> None:
    sb = make_sandbox(
        task_duration=0,
        allow_loopback_callbacks=True,
        callback_retry_delays=DELAYS,
        callback_timeout=0.2,
    )
    r = receiver([200], delays=[1.0])  # the first answer comes too late
    submit(sb, r.url())
    first, second = sb.callbacks.wait_for(2, timeout=5)
    assert first.status is None and first.error is not None and "timed out" in first.error
    assert second.ok


def test_refused_connection_is_retried(cb_sandbox: Sandbox) -> None:
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    submit(cb_sandbox, f"http://127.0.0.1:{port}/hook")
    attempts = cb_sandbox.callbacks.wait_for(4, timeout=5)
    assert len(attempts) == 4
    assert all(a.status is None and a.error for a in attempts)


@pytest.mark.decision("C02")
def test_redirects_are_not_followed(cb_sandbox: Sandbox, receiver: Callable[..., Any]) -> None:
    r = receiver([302, 200])
    submit(cb_sandbox, r.url())
    first, second = cb_sandbox.callbacks.wait_for(2, timeout=5)
    assert (first.status, first.ok, second.ok) == (302, False, True)
    assert len(r.hits) == 2  # nothing went to /elsewhere


@pytest.mark.decision("C01")
@pytest.mark.parametrize(
    ("marker", "status", "code"),
    [
        ("sandbox-fail:resource_exhausted", "failed", "resource_exhausted"),
        ("sandbox-cancel", "cancelled", "request_cancelled"),
    ],
)
def test_failed_and_cancelled_tasks_are_posted(
    cb_sandbox: Sandbox, receiver: Callable[..., Any], marker: str, status: str, code: str
) -> None:
    r = receiver([200])
    submit(cb_sandbox, r.url(), f"a red fox {marker}")
    (attempt,) = cb_sandbox.callbacks.wait_for(1, timeout=5)
    assert attempt.body["status"] == status
    assert attempt.body["error"]["code"] == code


def test_a_never_ending_task_posts_nothing(
    cb_sandbox: Sandbox, receiver: Callable[..., Any]
) -> None:
    r = receiver([200])
    never = submit(cb_sandbox, r.url(), "a red fox sandbox-never")
    # A task made after it ends and is posted: the watcher has looked at both by then.
    done = submit(cb_sandbox, r.url())
    cb_sandbox.callbacks.wait_for(1, timeout=5)
    delivery_ends(done)
    assert [a.task_id for a in cb_sandbox.callbacks] == [done]
    assert len(r.hits) == 1
    assert not [t for t in threading.enumerate() if t.name == f"sandbox-callback-{never}"]


def test_callback_waits_for_the_task_clock(
    make_sandbox: Callable[..., Sandbox], receiver: Callable[..., Any], clock: Any
) -> None:
    counting = CountingClock(clock)
    sb = make_sandbox(task_duration=30, allow_loopback_callbacks=True, clock=counting)
    r = receiver([200])
    submit(sb, r.url())
    counting.passes(3)  # the watcher went over the task at least twice
    clock.advance(29)
    counting.passes(3)
    assert len(sb.callbacks) == 0  # still processing on the fake clock
    clock.advance(30)
    (attempt,) = sb.callbacks.wait_for(1, timeout=5)
    assert attempt.ok and attempt.body["status"] == "completed"


@pytest.mark.decision("C02")
def test_loopback_callback_refused_without_the_switch(
    sandbox: Sandbox, receiver: Callable[..., Any]
) -> None:
    r = receiver([200])
    with httpx.Client(trust_env=False) as c:
        response = c.post(
            f"{sandbox.base_url}{GEN}",
            json={"model": "mj-v7", "prompt": "a cat", "callback_url": r.url()},
            headers={"Authorization": f"Bearer {sandbox.api_key}"},
        )
    assert response.status_code == 400
    assert "callback_url" in response.json()["error"]["message"]
    assert sandbox.tasks() == []


def test_stop_cancels_pending_retries(
    make_sandbox: Callable[..., Sandbox], receiver: Callable[..., Any]
) -> None:
    sb = make_sandbox(task_duration=0, allow_loopback_callbacks=True, callback_retry_delays=(60.0,))
    r = receiver([500])
    submit(sb, r.url())
    sb.callbacks.wait_for(1, timeout=5)
    started = time.monotonic()
    sb.stop()
    assert time.monotonic() - started < 10  # did not sit out the 60 s retry delay
    assert len(sb.callbacks) == 1


def test_a_receiver_that_does_not_speak_http(cb_sandbox: Sandbox) -> None:
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def garbage() -> None:
        for _ in range(4):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    thread = threading.Thread(target=garbage, daemon=True)
    thread.start()
    try:
        submit(cb_sandbox, f"http://127.0.0.1:{port}/hook")
        attempts = cb_sandbox.callbacks.wait_for(4, timeout=5)
    finally:
        server.close()
    assert len(attempts) == 4
    assert all(a.status is None and a.error for a in attempts)
