"""The synchronous client, written from :mod:`._async` by ``tools/unasync.py``.

Do not edit: edit ``_async.py`` and run the tool (a test checks the two agree).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from ..payload import build_payload
from . import _core
from ._core import (
    DEFAULT_TIMEOUT,
    DEFAULT_WAIT_TIMEOUT,
    GENERATIONS_PATH,
    TASKS_PATH,
    Attempts,
    Polling,
    Retry,
    Retrying,
    WaitState,
)
from ._files import (
    ImageSaver,
    prepare_directory,
    remove_stale_parts,
    url_for_message,
    write_sidecar,
)
from .errors import DownloadError, IncompleteDownloadError, ResponseLostError, TransportError
from .task import Task

__all__ = ["Client"]

log = logging.getLogger("mjprompt.client")

ProgressCallback = Callable[[Task], object]


class Client:
    """A client of the evolink ``mj-v7`` API.

    ``api_key`` defaults to ``$EVOLINK_API_KEY`` and ``base_url`` to ``$EVOLINK_BASE_URL``
    or ``https://api.evolink.ai``. ``transport`` (an ``httpx.BaseTransport``, e.g.
    ``httpx.MockTransport``), ``clock`` (monotonic seconds), ``wall_clock`` (Unix
    seconds, for HTTP-date ``Retry-After``), ``sleep`` and ``rng`` are injectable for
    tests. ``retrying`` and ``polling`` tune the retry and polling policies.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retrying: Retrying | None = None,
        polling: Polling | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = time.sleep,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._key = _core.resolve_api_key(api_key)
        self.base_url = _core.resolve_base_url(base_url)
        self.retrying = retrying or Retrying()
        self.polling = polling or Polling()
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rng = rng or _core.default_rng()
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": _core.user_agent()},
        )

    def __repr__(self) -> str:
        return _core.client_repr(type(self).__name__, self.base_url)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ requests

    def _api(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        idempotency_key: str | None = None,
        deadline: float | None = None,
        attempts: int | None = None,
        what: str,
    ) -> Task:
        attempt = Attempts(
            method,
            self.retrying,
            clock=self._clock,
            rng=self._rng,
            deadline=deadline,
            attempts=attempts,
        )
        headers = {"Authorization": "Bearer " + self._key.reveal(), "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        url = self.base_url + path
        while True:
            outcome: Task | Retry
            try:
                response = self._http.request(method, url, content=body, headers=headers)
                outcome = self._outcome(method, response, attempt, what)
            except httpx.HTTPError as exc:
                error = _core.transport_error(exc, method, self.base_url)
                outcome = attempt.decide(error)
            if isinstance(outcome, Task):
                return outcome
            self._sleep(outcome.delay)

    def _outcome(
        self, method: str, response: httpx.Response, attempt: Attempts, what: str
    ) -> Task | Retry:
        # Everything the server says is scrubbed of the key before it can reach a
        # message, a log line, a Task, a sidecar or the journal.
        key = self._key
        headers = {k: key.scrub(v) for k, v in response.headers.items()}
        content = key.scrub_bytes(response.content)
        rid = _core.request_id(headers)
        log.debug(
            "%s %s -> %s (request id %s)", method, response.url.path, response.status_code, rid
        )
        if headers.get("idempotency-replayed", "").lower() == "true":
            log.info("the gateway replayed an earlier answer for this Idempotency-Key")
        if 200 <= response.status_code < 300:
            try:
                return _core.task_from(content, what=what)
            except TransportError as exc:
                if method == "POST":
                    raise type(exc)(
                        f"{exc}; the task may have been created, so it was not sent again"
                    ) from None
                bad = exc
            return attempt.decide(bad)
        error = _core.error_for(
            response.status_code,
            content,
            headers,
            key.scrub(response.reason_phrase),
            self._wall_clock(),
        )
        return attempt.decide(error, _core.retry_after_of(error))

    # ------------------------------------------------------------------- the API

    def submit(
        self,
        prompt: str,
        *,
        speed: str | None = None,
        callback_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> Task:
        """Create a task. The prompt is linted first: one with errors raises PayloadError
        and costs nothing."""
        payload = build_payload(prompt, speed=speed, callback_url=callback_url)
        return self.submit_payload(payload, idempotency_key=idempotency_key)

    def submit_payload(
        self, payload: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Task:
        """Send a body made by :func:`mjprompt.build_payload` (it is not checked again).

        The ``Idempotency-Key`` is the one given (to resend a request whose outcome was
        lost) or a fresh one.
        """
        key = _core.check_idempotency_key(idempotency_key or _core.new_idempotency_key())
        body = json.dumps(dict(payload), ensure_ascii=False).encode("utf-8")
        return self._api("POST", GENERATIONS_PATH, body=body, idempotency_key=key, what="create")

    def get(self, task_id: str) -> Task:
        """The task's current state. The id is checked before any request."""
        task_id = _core.check_task_id(task_id)
        return self._api("GET", TASKS_PATH + task_id, what="task query")

    def wait(
        self,
        task: Task | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """Poll until the task ends. Returns it when completed; raises its TaskError when it
        failed or was cancelled, WaitTimeoutError after ``timeout`` seconds."""
        known = task if isinstance(task, Task) else None
        task_id = _core.check_task_id(task.id if isinstance(task, Task) else task)
        state = WaitState(
            task_id,
            self.polling,
            timeout=timeout,
            estimated_time=known.estimated_time if known else None,
            clock=self._clock,
            rng=self._rng,
            just_created=known is not None,
        )
        current = known
        queried = False
        if current is None:
            current, queried = self._poll(task_id, state), True
        while True:
            if current is not None:
                state.seen(current, queried=queried)
                if on_progress is not None:
                    on_progress(current)
                if current.is_terminal:
                    return _core.finished(current)
            self._sleep(state.sleep_before_next())
            current, queried = self._poll(task_id, state), True

    def _poll(self, task_id: str, state: WaitState) -> Task | None:
        try:
            return self._api(
                "GET", TASKS_PATH + task_id, deadline=state.deadline, attempts=1, what="task query"
            )
        except Exception as error:
            state.after_error(error)
            return None

    def generate(
        self,
        prompt: str,
        *,
        speed: str | None = None,
        callback_url: str | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """``submit`` then ``wait``: the completed task (or the errors of both)."""
        task = self.submit(prompt, speed=speed, callback_url=callback_url)
        return self.wait(task, timeout=timeout, on_progress=on_progress)

    def download(
        self,
        task: Task | str,
        directory: str | os.PathLike[str],
        *,
        prompt: str | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> list[Path]:
        """Save the images of a completed task as ``<task id>-<index>.<ext>`` (index from 0)
        plus the sidecar ``<task id>.json``; returns the image paths."""
        if not isinstance(task, Task):
            task = self.get(task)
        if not task.is_completed:
            raise DownloadError(f"task {task.id} is {task.status}; there is nothing to download")
        _core.check_task_id(task.id)
        folder = prepare_directory(directory)
        remove_stale_parts(folder, task.id)
        saved = []
        for index, url in enumerate(task.results):
            saved.append(self._download_one(url, folder, task.id, index))
        write_sidecar(folder, task, saved, prompt=prompt, payload=payload)
        return saved

    def _download_one(self, url: str, folder: Path, task_id: str, index: int) -> Path:
        where = url_for_message(url)
        if not url.lower().startswith(("https://", "http://")):
            raise DownloadError(f"result {index} of {task_id} is not an http(s) link: {where}")
        attempt = Attempts("GET", self.retrying, clock=self._clock, rng=self._rng)
        while True:
            try:
                # No Authorization header: the key never goes to the media host.
                with self._http.stream("GET", url, follow_redirects=True) as response:
                    if response.status_code >= 400:
                        now = self._wall_clock()
                        retry = _download_failure(response, attempt, where, now)
                        self._sleep(retry.delay)
                        continue
                    with ImageSaver(
                        folder,
                        task_id,
                        index,
                        url,
                        content_type=response.headers.get("content-type"),
                        expected_length=_expected_length(response),
                    ) as saver:
                        for chunk in response.iter_bytes():
                            saver.write(chunk)
                        return saver.commit()
            except (httpx.HTTPError, IncompleteDownloadError) as exc:
                error = (
                    ResponseLostError(str(exc))
                    if isinstance(exc, IncompleteDownloadError)
                    else _core.transport_error(exc, "GET", where)
                )
                try:
                    retry = attempt.decide(error)
                except TransportError as final:
                    raise DownloadError(f"cannot download {where}: {final}") from None
                self._sleep(retry.delay)


def _expected_length(response: httpx.Response) -> int | None:
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        return None  # the length is that of the encoded body
    raw = response.headers.get("content-length")
    return int(raw) if raw is not None and raw.isdigit() else None


def _download_failure(response: httpx.Response, attempt: Attempts, where: str, now: float) -> Retry:
    """A Retry for a transient download failure; DownloadError for a final one."""
    status = response.status_code
    if status in (403, 404, 410):
        raise DownloadError(
            f"{where} answered {status}: the link has expired or the image is gone "
            "(result links are valid for 24 hours)"
        )
    response.read()
    error = _core.error_for(status, response.content, response.headers, response.reason_phrase, now)
    try:
        return attempt.decide(error, _core.retry_after_of(error))
    except Exception as final:
        raise DownloadError(f"cannot download {where}: {final}") from None
