"""The emulated API without the HTTP plumbing: a request in, a :class:`Response` out.

Routes (evolink-api.md §1-§3):

- ``POST /v1/images/generations``: bearer auth, validation (the documented contract of
  :mod:`.contract`, or with ``behaviour="strict"`` our library's rules of
  :mod:`.validate`), an optional ``Idempotency-Key`` (same key and body: the same task,
  ``Idempotency-Replayed: true``; same key, other body: a new task, or 409
  ``idempotency_conflict`` when strict), then the creation body.
- ``GET /v1/tasks/{id}``: bearer auth; ``invalid_task_id`` unless the id starts with
  ``task-unified-``, ``task_not_found`` for an unknown id, else the task's state now.
- ``GET /v1/credits``: bearer auth; the balance (the starting ``credits`` of the config
  minus what the tasks reserved, failed and cancelled ones refunded). A POST whose
  reserved credits the balance cannot pay is 402 ``insufficient_quota`` and creates
  nothing (decisions B01-B05).
- ``GET /files/{id}/{i}.png``: the result images (no auth, like a CDN link); 404 before
  the task completes, 410 once the link expired.
- ``GET /``: a small JSON description of the sandbox.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .. import evolink
from . import contract
from .callbacks import CallbackDispatcher
from .config import STRICT, SandboxConfig
from .envelope import ApiError, Endpoint, http_error, invalid_request
from .jsonbody import BodyError, parse_json
from .png import image_size, render_image
from .recording import CallbackAttempt, Log
from .tasks import SandboxTask, TaskStore, new_task_id, reserved_credits, task_from_prompt
from .validate import validate

__all__ = ["Response", "SandboxApp", "endpoint_of"]

GENERATIONS = evolink.GENERATIONS_PATH
TASKS = evolink.TASKS_PATH
CREDITS = evolink.CREDITS_PATH
FILES = "/files/"
# An index of at most 3 digits: a 5000-digit one must be a 404, not an int() error.
_FILE = re.compile(r"/files/(?P<task>[^/]+)/(?P<index>\d{1,3})\.png")


@attrs.frozen
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def json_response(body: Mapping[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(200, json.dumps(body).encode(), headers=headers)


def error_response(error: ApiError) -> Response:
    return Response(error.status, error.body(), headers=error.headers)


def endpoint_of(path: str) -> str:
    """Which documented error table a path answers from."""
    if path == GENERATIONS:
        return Endpoint.GENERATION
    if path.startswith(TASKS):
        return Endpoint.TASK
    if path == CREDITS:
        return Endpoint.CREDITS
    return Endpoint.OTHER


@functools.lru_cache(maxsize=256)
def _png(seed: int, index: int, width: int, height: int) -> bytes:
    return render_image(seed, index, width, height)


class SandboxApp:
    """The state of one sandbox: tasks, callbacks, and the request router."""

    def __init__(self, config: SandboxConfig, base_url: Callable[[], str]) -> None:
        self.config = config
        self._base_url = base_url
        self.tasks = TaskStore()
        self.callbacks: Log[CallbackAttempt] = Log()
        self.stop_event = threading.Event()
        self.dispatcher = CallbackDispatcher(
            tasks=self.tasks.all,
            body=lambda task: task.query_body(self.config.clock(), self.results_base),
            clock=config.clock,
            timeout=config.callback_timeout,
            delays=config.callback_retry_delays,
            log=self.callbacks,
            stop=self.stop_event,
        )

    @property
    def results_base(self) -> str:
        return (self.config.public_base_url or self._base_url()).rstrip("/")

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | None
    ) -> Response:
        """Answer one request; ``headers`` have lower-case names."""
        try:
            return self._route(method, path, headers, body)
        except ApiError as e:
            return error_response(e)

    def _route(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | None
    ) -> Response:
        if path == GENERATIONS:
            self._allow(method, "POST", path)
            self._authorize(headers, Endpoint.GENERATION)
            return self._create(headers, body)
        if path.startswith(TASKS):
            self._allow(method, "GET", path)
            self._authorize(headers, Endpoint.TASK)
            return self._query(path[len(TASKS) :])
        if path == CREDITS:
            self._allow(method, "GET", path)
            self._authorize(headers, Endpoint.CREDITS)
            return json_response(self.balance().to_json())
        if path.startswith(FILES):
            self._allow(method, "GET", path)
            return self._file(path)
        if path == "/":
            self._allow(method, "GET", path)
            return json_response(
                {
                    "service": "mjprompt sandbox",
                    "emulates": f"evolink.ai {evolink.MODEL}",
                    "behaviour": self.config.behaviour,
                    "endpoints": [
                        f"POST {GENERATIONS}",
                        f"GET {TASKS}{{task_id}}",
                        f"GET {CREDITS}",
                    ],
                }
            )
        raise http_error(404, message=f"No route for {method} {path}")

    def _allow(self, method: str, allowed: str, path: str) -> None:
        if method == allowed or (allowed == "GET" and method == "HEAD"):
            return
        raise http_error(
            405,
            message=f"{method} is not allowed on {path}; use {allowed}",
            headers=(("Allow", allowed),),
        )

    def _authorize(self, headers: Mapping[str, str], endpoint: str) -> None:
        scheme, _, token = headers.get("authorization", "").strip().partition(" ")
        expected = self.config.api_key.encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
            raise http_error(401, endpoint)

    def balance(self, tasks: list[SandboxTask] | None = None) -> evolink.Balance:
        """The balance now (B01): the starting credits minus what the tasks reserved;
        failed and cancelled tasks are refunded (B03). The key and the account are one
        here, so both parts of the body carry the same numbers."""
        now = self.config.clock()
        used = round(
            sum(t.charged_at(now) for t in (self.tasks.all() if tasks is None else tasks)), 4
        )
        remaining = round(max(0.0, self.config.credits - used), 4)
        return evolink.Balance(
            user_remaining=remaining,
            user_used=used,
            token_remaining=remaining,
            token_used=used,
            token_unlimited=False,
        )

    def _admit(self, cost: float) -> Callable[[list[SandboxTask]], None]:
        def admit(tasks: list[SandboxTask]) -> None:
            # B04: refused when the balance cannot pay the whole reservation.
            if self.balance(tasks).available < cost:
                raise http_error(402, Endpoint.GENERATION)

        return admit

    def _create(self, headers: Mapping[str, str], raw: bytes | None) -> Response:
        strict = self.config.behaviour == STRICT
        try:
            payload = parse_json(raw or b"")
        except BodyError as e:  # G02, E03
            raise invalid_request(str(e)) from None
        invalid: str | None = None
        if strict:
            checked = validate(
                payload, strict=True, allow_loopback=self.config.allow_loopback_callbacks
            )
            prompt, speed, callback_url = checked.prompt, checked.speed, checked.callback_url
        else:
            request = contract.check_request(
                payload, allow_loopback=self.config.allow_loopback_callbacks
            )
            prompt, speed, callback_url = request.prompt, request.speed, request.callback_url
            invalid = contract.prompt_failure(prompt, speed)
        key = headers.get(evolink.IDEMPOTENCY_HEADER.lower())
        # I02: what evolink's own client sends (evolink-api.md §6.2)
        if strict and key is not None and not evolink.IDEMPOTENCY_KEY.match(key):
            raise invalid_request(
                f"{evolink.IDEMPOTENCY_HEADER} must be {evolink.IDEMPOTENCY_KEY_RULE}",
                param=evolink.IDEMPOTENCY_HEADER,
            )
        if key is not None and not key:
            key = None  # I02: an empty header names no key
        fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        now = self.config.clock()
        cost = reserved_credits(prompt, speed)  # B02

        def make() -> SandboxTask:
            return task_from_prompt(
                new_task_id(now),
                now,
                prompt=prompt,
                speed=speed,
                callback_url=callback_url,
                duration=self.config.task_duration,
                fail_code=self.config.fail_code,
                invalid=invalid,
                credits=cost,
            )

        created = self.tasks.create(
            make, key, fingerprint, conflict_creates=not strict, admit=self._admit(cost)
        )
        if created is None:  # I03, strict only
            raise http_error(
                409,
                message=f"{evolink.IDEMPOTENCY_HEADER} was already used for a different "
                "request body",
                param=evolink.IDEMPOTENCY_HEADER,
            )
        task, replayed = created
        self.dispatcher.wake()
        extra = ((evolink.IDEMPOTENCY_REPLAYED_HEADER, "true"),) if replayed else ()
        return json_response(task.creation_body(), extra)

    def _query(self, task_id: str) -> Response:
        if not task_id.startswith(evolink.TASK_ID_PREFIX) or "/" in task_id:
            raise http_error(400, Endpoint.TASK, param="task_id")
        task = self.tasks.get(task_id)
        if task is None:
            raise http_error(404, Endpoint.TASK)
        return json_response(task.query_body(self.config.clock(), self.results_base))

    def _file(self, path: str) -> Response:
        m = _FILE.fullmatch(path)
        task = self.tasks.get(m.group("task")) if m else None
        if m is None or task is None:
            raise http_error(404, message=f"No such file: {path}")
        now = self.config.clock()
        index = int(m.group("index"))
        status, _ = task.status_at(now)
        if status != evolink.COMPLETED or index >= task.result_count:
            raise http_error(404, message=f"No such file: {path}")
        ends = task.ends_at
        if ends is not None and now >= ends + self.config.result_ttl:
            raise http_error(410, message=f"The result link has expired: {path}")
        width, height = image_size(*task.aspect, self.config.image_long_side)
        return Response(200, _png(task.seed, index, width, height), "image/png")
