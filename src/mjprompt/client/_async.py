"""The asynchronous client, and the source of the synchronous one.

``tools/unasync.py`` writes :mod:`._sync` from this module (the same code without
``async``/``await``); edit this file, run the tool, and a test checks the two agree."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from ..evolink import CREDITS_PATH, IDEMPOTENCY_HEADER, LINK_LIFETIME_HOURS, Balance
from ..payload import PayloadError, build_payload
from . import _core
from ._core import (
    DEFAULT_DOWNLOAD_TIMEOUT,
    DEFAULT_TIMEOUT,
    DEFAULT_WAIT_TIMEOUT,
    GENERATIONS_PATH,
    MAX_ERROR_BODY_BYTES,
    MAX_RESPONSE_BYTES,
    TASKS_PATH,
    Attempts,
    Polling,
    Retry,
    Retrying,
    WaitState,
)
from ._files import (
    MAX_IMAGE_BYTES,
    ImageSaver,
    prepare_directory,
    remove_stale_parts,
    url_for_message,
    write_sidecar,
)
from .errors import (
    ConnectionFailedError,
    DownloadError,
    IncompleteDownloadError,
    ResponseLostError,
    ResponseTooLargeError,
    TransportError,
)
from .task import Task

__all__ = ["AsyncClient"]

log = logging.getLogger("mjprompt.client")

ProgressCallback = Callable[[Task], object]
_T = TypeVar("_T")


class AsyncClient:
    """The asynchronous twin of :class:`mjprompt.Client`: the same arguments, except that
    ``sleep`` is a coroutine function and ``transport`` an ``httpx.AsyncBaseTransport``.
    ``on_progress`` may be a plain or a coroutine function.

    A client of the evolink ``mj-v7`` API.

    ``api_key`` defaults to ``$EVOLINK_API_KEY`` and ``base_url`` to ``$EVOLINK_BASE_URL``
    or ``https://api.evolink.ai``. ``transport`` (an ``httpx.BaseTransport``, e.g.
    ``httpx.MockTransport``), ``clock`` (monotonic seconds), ``wall_clock`` (Unix
    seconds, for HTTP-date ``Retry-After``), ``sleep`` and ``rng`` are injectable for
    tests. ``retrying`` and ``polling`` tune the retry and polling policies.

    Every read is bounded: an API request (connection to last byte) ends within
    ``timeout`` seconds and a download within ``download_timeout``, however slowly the
    server sends; an API answer may have at most ``max_response_bytes`` after
    decompression.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        retrying: Retrying | None = None,
        polling: Polling | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: Callable[[], float] | None = None,
        download_timeout: float = DEFAULT_DOWNLOAD_TIMEOUT,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._key = _core.resolve_api_key(api_key)
        self.timeout = timeout
        self.download_timeout = download_timeout
        self.max_response_bytes = max_response_bytes
        self.base_url = _core.resolve_base_url(base_url)
        self.retrying = retrying or Retrying()
        self.polling = polling or Polling()
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rng = rng or _core.default_rng()
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": _core.user_agent()},
            # A loopback base (the sandbox) is never reached through HTTP(S)_PROXY: the
            # key would go to the proxy in clear text. Other bases honour the proxy
            # variables and NO_PROXY (https is tunnelled: the proxy sees no key).
            trust_env=not _core.is_loopback_host(urlsplit(self.base_url).hostname or ""),
        )

    def __repr__(self) -> str:
        return _core.client_repr(type(self).__name__, self.base_url)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ requests

    async def _api(
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
        """One request whose answer is a task."""

        def parse(content: bytes) -> Task:
            return _core.task_from(content, what=what)

        return await self._call(
            method,
            path,
            body=body,
            idempotency_key=idempotency_key,
            deadline=deadline,
            attempts=attempts,
            parse=parse,
        )

    async def _call(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[bytes], _T],
        body: bytes | None = None,
        idempotency_key: str | None = None,
        deadline: float | None = None,
        attempts: int | None = None,
    ) -> _T:
        """One API request with retries: its 2xx answer as ``parse`` reads it, or the
        typed error."""
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
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        url = self.base_url + path
        while True:
            outcome: _T | Retry
            # One overall deadline per request, within the caller's (a wait's) deadline.
            limit = self._clock() + self.timeout
            if deadline is not None:
                limit = min(limit, deadline)
            try:
                response, content = await asyncio.wait_for(
                    self._exchange(method, url, body, headers, limit),
                    max(0.001, limit - self._clock()) + 0.5,
                )
                outcome = self._outcome(method, response, content, attempt, parse)
            except asyncio.TimeoutError:
                outcome = attempt.decide(self._late(method))
            except httpx.HTTPError as exc:
                error = _core.transport_error(exc, method, self.base_url)
                outcome = attempt.decide(error)
            except TransportError as exc:  # too large, too slow, badly encoded, not sent
                if method == "POST" and exc.request_sent:
                    raise _core.maybe_created(exc) from None
                outcome = attempt.decide(exc)
            if not isinstance(outcome, Retry):
                return outcome
            await self._sleep(outcome.delay)

    def _late(self, method: str) -> TransportError:
        error = ResponseLostError(
            f"no complete answer from {self.base_url} within {self.timeout:g} s"
        )
        return _core.maybe_created(error) if method == "POST" else error

    async def _exchange(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], limit: float
    ) -> tuple[httpx.Response, bytes]:
        """One request; its status line and headers, and its body read within bounds."""
        remaining = limit - self._clock()
        if remaining <= 0:
            raise ConnectionFailedError(f"not sent to {self.base_url}: the deadline has passed")
        timeout = _core.request_timeout(self.timeout, remaining)
        async with self._http.stream(
            method, url, content=body, headers=headers, timeout=timeout
        ) as response:
            reader = _core.BodyReader(
                _core.reader_headers(response),
                limit=self.max_response_bytes,
                deadline=limit,
                clock=self._clock,
                where=self.base_url,
            )
            parts = [reader.feed(raw) async for raw in _raw(response)]
            parts.append(reader.finish())
        return response, b"".join(parts)

    def _outcome(
        self,
        method: str,
        response: httpx.Response,
        content: bytes,
        attempt: Attempts,
        parse: Callable[[bytes], _T],
    ) -> _T | Retry:
        # Everything the server says is scrubbed of the key before it can reach a
        # message, a log line, a Task, a sidecar or the journal.
        key = self._key
        headers = {k: key.scrub(v) for k, v in response.headers.items()}
        content = key.scrub_bytes(content)
        rid = _core.request_id(headers)
        log.debug(
            "%s %s -> %s (request id %s)", method, response.url.path, response.status_code, rid
        )
        if headers.get("idempotency-replayed", "").lower() == "true":
            log.info("the gateway replayed an earlier answer for this Idempotency-Key")
        if 200 <= response.status_code < 300:
            try:
                return parse(content)
            except TransportError as exc:
                if method == "POST":
                    raise _core.maybe_created(exc) from None
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

    async def submit(
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
        return await self.submit_payload(payload, idempotency_key=idempotency_key)

    async def submit_payload(
        self, payload: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> Task:
        """Send a body made by :func:`mjprompt.build_payload` (it is not checked again).

        The ``Idempotency-Key`` is the one given (to resend a request whose outcome was
        lost) or a fresh one.
        """
        key = _core.check_idempotency_key(idempotency_key or _core.new_idempotency_key())
        try:
            body = json.dumps(dict(payload), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: not text, cannot be sent
            raise PayloadError(
                f"the payload is not valid text: {exc.reason} at index {exc.start}; not sent"
            ) from None
        return await self._api(
            "POST", GENERATIONS_PATH, body=body, idempotency_key=key, what="create"
        )

    async def get(self, task_id: str) -> Task:
        """The task's current state. The id is checked before any request."""
        task_id = _core.check_task_id(task_id)
        return await self._api("GET", TASKS_PATH + task_id, what="task query")

    async def credits(self) -> Balance:
        """The balances of ``GET /v1/credits`` (the account's and this key's).

        Read within the same bounds as every API answer; retried like any GET; an error
        answer raises the client's typed error (``code`` kept as an integer or a string,
        both documented here), a body that is not a balance MalformedResponseError."""
        return await self._call("GET", CREDITS_PATH, parse=_core.balance_from)

    async def wait(
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
            current, queried = await self._poll(task_id, state), True
        while True:
            if current is not None:
                state.seen(current, queried=queried)
                if on_progress is not None:
                    result = on_progress(current)
                    if asyncio.iscoroutine(result):
                        await result
                if current.is_terminal:
                    return _core.finished(current)
            await self._sleep(state.sleep_before_next())
            current, queried = await self._poll(task_id, state), True

    async def _poll(self, task_id: str, state: WaitState) -> Task | None:
        try:
            return await self._api(
                "GET", TASKS_PATH + task_id, deadline=state.deadline, attempts=1, what="task query"
            )
        except Exception as error:
            state.after_error(error)
            return None

    async def generate(
        self,
        prompt: str,
        *,
        speed: str | None = None,
        callback_url: str | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """``submit`` then ``wait``: the completed task (or the errors of both)."""
        task = await self.submit(prompt, speed=speed, callback_url=callback_url)
        return await self.wait(task, timeout=timeout, on_progress=on_progress)

    async def download(
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
            task = await self.get(task)
        if not task.is_completed:
            raise DownloadError(f"task {task.id} is {task.status}; there is nothing to download")
        _core.check_task_id(task.id)
        _core.check_results(task, self.base_url)
        folder = prepare_directory(directory)
        remove_stale_parts(folder, task.id)
        saved = []
        for index, url in enumerate(task.results):
            saved.append(await self._download_one(url, folder, task.id, index))
        write_sidecar(folder, task, saved, prompt=prompt, payload=payload)
        return saved

    async def _download_one(self, url: str, folder: Path, task_id: str, index: int) -> Path:
        where = url_for_message(url)
        attempt = Attempts("GET", self.retrying, clock=self._clock, rng=self._rng)
        # One deadline for the whole image, retries and redirects included.
        limit = self._clock() + self.download_timeout
        attempt.deadline = limit
        while True:
            try:
                outcome = await self._fetch(url, folder, task_id, index, attempt, limit)
            except (httpx.HTTPError, IncompleteDownloadError) as exc:
                error = (
                    ResponseLostError(str(exc))
                    if isinstance(exc, IncompleteDownloadError)
                    else _core.transport_error(exc, "GET", where)
                )
                try:
                    outcome = attempt.decide(error)
                except TransportError as final:
                    raise DownloadError(f"cannot download {where}: {final}") from None
            except TransportError as exc:  # too large, too slow, badly encoded
                raise DownloadError(f"cannot download {where}: {exc}") from None
            if isinstance(outcome, Path):
                return outcome
            await self._sleep(outcome.delay)

    async def _fetch(
        self, url: str, folder: Path, task_id: str, index: int, attempt: Attempts, limit: float
    ) -> Path | Retry:
        """One try: the saved image, or a Retry; redirects are followed only on the link's
        own host (never to another host, never to a private address)."""
        where = url_for_message(url)
        current = url
        for _hop in range(_core.MAX_REDIRECTS + 1):
            remaining = limit - self._clock()
            if remaining <= 0:
                raise ResponseLostError(f"no complete image within {self.download_timeout:g} s")
            timeout = _core.request_timeout(self.download_timeout, remaining)
            # No Authorization header: the key never goes to the media host.
            async with self._http.stream("GET", current, timeout=timeout) as response:
                if response.is_redirect:
                    current = _core.redirect_target(url, current, response.headers.get("location"))
                    continue
                if response.status_code >= 400:
                    return await self._download_failure(response, attempt, where, limit)
                reader = _core.BodyReader(
                    _core.reader_headers(response),
                    limit=MAX_IMAGE_BYTES,
                    deadline=limit,
                    clock=self._clock,
                    where=where,
                )
                with ImageSaver(
                    folder,
                    task_id,
                    index,
                    url,
                    content_type=response.headers.get("content-type"),
                    expected_length=_expected_length(response),
                ) as saver:
                    async for raw in _raw(response):
                        saver.write(reader.feed(raw))
                    saver.write(reader.finish())
                    return saver.commit()
        raise DownloadError(f"cannot download {where}: more than {_core.MAX_REDIRECTS} redirects")

    async def _download_failure(
        self, response: httpx.Response, attempt: Attempts, where: str, limit: float
    ) -> Retry:
        """A Retry for a transient download failure; DownloadError for a final one."""
        status = response.status_code
        if status in (403, 404, 410):
            raise DownloadError(
                f"{where} answered {status}: the link has expired or the image is gone "
                f"(result links are valid for {LINK_LIFETIME_HOURS} hours)"
            )
        # The error body is read within bounds and scrubbed like an API answer's.
        reader = _core.BodyReader(
            _core.reader_headers(response, length=False),
            limit=MAX_ERROR_BODY_BYTES,
            deadline=limit,
            clock=self._clock,
            where=where,
        )
        content = b""
        try:
            async for raw in _raw(response):
                content += reader.feed(raw)
        except ResponseTooLargeError:
            pass  # the start of it is enough for a message
        key = self._key
        headers = {k: key.scrub(v) for k, v in response.headers.items()}
        error = _core.error_for(
            status,
            key.scrub_bytes(content),
            headers,
            key.scrub(response.reason_phrase),
            self._wall_clock(),
        )
        try:
            return attempt.decide(error, _core.retry_after_of(error))
        except Exception as final:
            raise DownloadError(f"cannot download {where}: {final}") from None


def _raw(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as it came over the wire. A response already read in full (a
    ``MockTransport``'s) is given as is — then its content coding is already undone,
    which :func:`_core.reader_headers` tells the reader."""
    if response.is_stream_consumed:
        return _once(response.content)
    return response.aiter_raw()


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _expected_length(response: httpx.Response) -> int | None:
    if response.headers.get("content-encoding", "identity").lower() != "identity":
        return None  # the length is that of the encoded body
    raw = response.headers.get("content-length")
    return int(raw) if raw is not None and raw.isdigit() else None
