"""Callback delivery with the documented timing (evolink-api.md §5).

When a task with a ``callback_url`` turns completed, failed or cancelled, the task JSON
(the task-query body) is POSTed to the URL. Each attempt has ``callback_timeout``
seconds; any 2xx is success; anything else (another status, a refused connection, a
timeout) is retried after each of ``callback_retry_delays`` in turn (1 s, 2 s, 4 s: at
most four attempts). Redirects are not followed. Every attempt is logged.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from .recording import CallbackAttempt, Log
from .tasks import SandboxTask

__all__ = ["CallbackDispatcher"]

USER_AGENT = "mjprompt-sandbox"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is an answer, not a 2xx: the attempt failed


# No proxies (the environment's proxy settings must not catch loopback callbacks).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def post_json(url: str, body: dict[str, Any], timeout: float) -> tuple[int | None, str | None]:
    """POST ``body``; ``(status, None)`` on an answer, ``(None, reason)`` otherwise."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read()
            return int(response.status), None
    except urllib.error.HTTPError as e:
        return int(e.code), None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as e:
        # HTTPException: the receiver answered something that is not HTTP.
        reason = getattr(e, "reason", e)
        return None, f"{type(e).__name__}: {reason}"


class CallbackDispatcher:
    """Watches the tasks and delivers each callback once its task is terminal."""

    def __init__(
        self,
        *,
        tasks: Callable[[], list[SandboxTask]],
        body: Callable[[SandboxTask], dict[str, Any]],
        clock: Callable[[], float],
        timeout: float,
        delays: tuple[float, ...],
        log: Log[CallbackAttempt],
        stop: threading.Event,
        tick: float = 0.02,
    ) -> None:
        self._tasks = tasks
        self._body = body
        self._clock = clock
        self._timeout = timeout
        self._delays = delays
        self._log = log
        self._stop = stop
        self._tick = tick
        self._started: set[str] = set()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sandbox-callbacks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A task was created: look again now rather than at the next tick."""
        self._wake.set()

    def join(self, timeout: float) -> None:
        self._wake.set()
        self._thread.join(timeout)

    def _watch(self) -> None:
        # Tasks advance with the (possibly injected) clock, so this polls the clock.
        while not self._stop.is_set():
            now = self._clock()
            for task in self._tasks():
                ends = task.ends_at
                if task.callback_url is None or ends is None or task.id in self._started:
                    continue
                if now >= ends:
                    self._started.add(task.id)
                    threading.Thread(
                        target=self._deliver,
                        args=(task,),
                        name=f"sandbox-callback-{task.id}",
                        daemon=True,
                    ).start()
            self._wake.wait(self._tick)
            self._wake.clear()

    def _deliver(self, task: SandboxTask) -> None:
        assert task.callback_url is not None
        waits = (0.0, *self._delays)
        for attempt, wait in enumerate(waits, start=1):
            if wait and self._stop.wait(wait):
                return
            body = self._body(task)
            started = time.monotonic()
            status, error = post_json(task.callback_url, body, self._timeout)
            record = CallbackAttempt(
                task.id, task.callback_url, attempt, started, wait, status, error, body
            )
            self._log.append(record)
            if record.ok:
                return
