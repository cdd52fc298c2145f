"""Sandbox tasks: what a prompt asks for, and the task's state at any moment.

A task's state is a pure function of the clock: it is ``pending`` for the first tenth
of the configured duration, then ``processing`` with a rising ``progress``, then
terminal. Nothing needs to run in the background for a task to advance, so a test
with an injected clock sees exactly the state it expects.

Markers in the prompt text choose the outcome (case-insensitive whole words):

- ``sandbox-fail`` / ``sandbox-fail:CODE``: the task fails with the task error ``CODE``
  (default: the config's ``fail_code``);
- ``sandbox-never``: the task stays ``processing`` forever (progress stops at 99);
- ``sandbox-cancel``: the task ends ``cancelled`` with ``request_cancelled``;
- ``sandbox-images:N``: a completed task has only N results (0-4), as when the
  moderation filters some images.

``cancelled`` and a completion with 0 results are beyond the documentation (its status
enum has no ``cancelled``; it promises 1-4 images): the sandbox produces them only on
these explicit markers (decisions R04, R06 in docs/sandbox.md).
"""

from __future__ import annotations

import math
import re
import secrets
import string
import threading
from collections.abc import Callable
from typing import Any

import attrs

from .. import evolink
from ..evolink import BILLING_RULE, MODEL, estimate_payload

__all__ = [
    "TASK_ERROR_MESSAGES",
    "Outcome",
    "SandboxTask",
    "TaskStore",
    "new_task_id",
    "reserved_credits",
    "task_from_prompt",
]

# Messages of the documented task error codes (evolink-api.md §4.3).
TASK_ERROR_MESSAGES = {code: row.message for code, row in evolink.TASK_ERRORS.items()}

_ID_ALPHABET = string.ascii_lowercase + string.digits
# The seed and aspect ratio that shape the result images; read with two patterns rather
# than the prompt parser, so that no prompt the documented contract accepts can break
# the sandbox (digits are bounded: a 5000-digit seed is simply not a seed).
_SEED = re.compile(r"(?<!\S)--seed\s+(\d{1,12})(?!\S)", re.IGNORECASE)
_ASPECT = re.compile(r"(?<!\S)--(?:ar|aspect)\s+(\d{1,6}):(\d{1,6})(?!\S)", re.IGNORECASE)
_MARKER = re.compile(
    r"(?<![\w-])sandbox-(fail|never|cancel|images)(?::([A-Za-z0-9_]+))?(?![\w-])", re.IGNORECASE
)


class Outcome:
    COMPLETE = "complete"
    FAIL = "fail"
    NEVER = "never"
    CANCEL = "cancel"


def new_task_id(now: float) -> str:
    """``task-unified-<unix>-<8 random characters>``, the documented shape."""
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"{evolink.TASK_ID_PREFIX}{int(now)}-{suffix}"


@attrs.frozen
class SandboxTask:
    """One created task: what was asked, and how it will end."""

    id: str
    created_at: float  # clock seconds
    duration: float
    prompt: str
    speed: str
    callback_url: str | None
    seed: int
    aspect: tuple[float, float]
    outcome: str = Outcome.COMPLETE
    error_code: str | None = None
    result_count: int = evolink.MAX_RESULTS
    error_detail: str | None = None  # appended to the stock message of error_code
    # usage.credits_reserved: the cost model's estimate of the request (decision B02).
    credits_reserved: float = attrs.field(default=0.0, kw_only=True)

    @property
    def ends_at(self) -> float | None:
        """When the task turns terminal, or None if it never does."""
        return None if self.outcome == Outcome.NEVER else self.created_at + self.duration

    def status_at(self, now: float) -> tuple[str, int]:
        """``(status, progress)`` at clock time ``now``."""
        elapsed = now - self.created_at
        ends = self.ends_at
        if ends is not None and now >= ends:
            if self.outcome == Outcome.COMPLETE:
                return evolink.COMPLETED, 100
            # The documented failed example carries progress 0.
            return (evolink.CANCELLED if self.outcome == Outcome.CANCEL else evolink.FAILED), 0
        if self.duration <= 0:
            return evolink.PROCESSING, 99  # a never-ending task with no duration
        if elapsed < self.duration / 10:
            return evolink.PENDING, 0
        return evolink.PROCESSING, max(1, min(99, int(100 * elapsed / self.duration)))

    def credits(self) -> float:
        return self.credits_reserved

    def charged_at(self, now: float) -> float:
        """What the task costs the balance at ``now``: its reserved credits from creation
        on, 0 once it has failed or been cancelled (refunded, decision B03)."""
        status, _ = self.status_at(now)
        return 0.0 if status in evolink.FAILED_STATUSES else self.credits_reserved

    def creation_body(self) -> dict[str, Any]:
        """The create-task response (evolink-api.md §2)."""
        return {
            "created": int(self.created_at),
            "id": self.id,
            "model": MODEL,
            "object": "image.generation.task",
            "progress": 0,
            "status": evolink.PENDING,
            "task_info": {"can_cancel": True, "estimated_time": math.ceil(self.duration)},
            "type": "image",
            "usage": {
                "billing_rule": BILLING_RULE,
                "credits_reserved": self.credits(),
                "user_group": "default",
            },
        }

    def query_body(self, now: float, base_url: str) -> dict[str, Any]:
        """The task-query response at ``now`` (evolink-api.md §3.1); also the callback body."""
        status, progress = self.status_at(now)
        terminal = status in evolink.TERMINAL_STATUSES
        task_info: dict[str, Any] = {"can_cancel": status == evolink.PENDING}
        if not terminal:
            task_info["estimated_time"] = max(0, math.ceil(self.created_at + self.duration - now))
        usage: dict[str, Any] = {
            "billing_rule": BILLING_RULE,
            "credits_reserved": self.credits(),
            "user_group": "default",
        }
        body: dict[str, Any] = {
            "created": int(self.created_at),
            "id": self.id,
            "model": MODEL,
            "object": "image.generation.task",
            "progress": progress,
            "status": status,
            "task_info": task_info,
            "type": "image",
            "usage": usage,
        }
        if status == evolink.COMPLETED:
            usage["credits_used"] = self.credits()
            body["results"] = [self.result_url(base_url, i) for i in range(self.result_count)]
        elif terminal:
            usage["credits_used"] = 0  # failed and cancelled tasks are refunded
            code = self.error_code or evolink.TaskErrorCode.UNKNOWN_ERROR
            message = TASK_ERROR_MESSAGES.get(code, f"Task failed: {code}")
            if self.error_detail:
                message = f"{message}\n{self.error_detail}"
            body["error"] = {"code": code, "message": message, "type": "task_error"}
        return body

    def result_url(self, base_url: str, index: int) -> str:
        return f"{base_url}/files/{self.id}/{index}.png"


def reserved_credits(prompt: str, speed: str) -> float:
    """``usage.credits_reserved`` of a request: the shared cost model's estimate of the
    body as the API runs it (decision B02), so that what the sandbox reserves and what
    ``mjprompt estimate`` prints cannot drift apart."""
    return estimate_payload({"prompt": prompt, "model_params": {"speed": speed}}).credits


def _prompt_facts(prompt: str) -> tuple[int | None, tuple[float, float]]:
    """The ``--seed`` and ``--ar`` of a prompt (None / 1:1 when absent or invalid)."""
    seed_match = _SEED.search(prompt)
    seed = int(seed_match.group(1)) % 2**32 if seed_match else None
    aspect = (1.0, 1.0)
    ar = _ASPECT.search(prompt)
    if ar is not None:
        w, h = float(ar.group(1)), float(ar.group(2))
        if w > 0 and h > 0:
            aspect = (w, h)
    return seed, aspect


def task_from_prompt(
    task_id: str,
    now: float,
    *,
    prompt: str,
    speed: str,
    callback_url: str | None,
    duration: float,
    fail_code: str,
    invalid: str | None = None,
    credits: float | None = None,
) -> SandboxTask:
    """A task for ``prompt``: seed and aspect from its parameters, outcome from its markers.

    ``invalid`` (why the documented contract refuses the prompt's content) makes the
    task fail with ``invalid_parameters`` whatever its markers say. ``credits`` is its
    ``usage.credits_reserved``; None: :func:`reserved_credits` of the prompt and speed.
    """
    if credits is None:
        credits = reserved_credits(prompt, speed)
    seed, aspect = _prompt_facts(prompt)
    if seed is None:
        seed = secrets.randbelow(2**32)  # Midjourney picks a random seed
    if invalid is not None:
        return SandboxTask(
            task_id,
            now,
            duration,
            prompt,
            speed,
            callback_url,
            seed,
            aspect,
            Outcome.FAIL,
            evolink.TaskErrorCode.INVALID_PARAMETERS,
            0,
            invalid,
            credits_reserved=credits,
        )
    outcome, error_code, count = Outcome.COMPLETE, None, evolink.MAX_RESULTS
    for m in _MARKER.finditer(prompt):
        word, arg = m.group(1).lower(), m.group(2)
        if word == "fail":
            outcome, error_code = Outcome.FAIL, (arg.lower() if arg else fail_code)
        elif word == "never":
            outcome = Outcome.NEVER
        elif word == "cancel":
            outcome, error_code = Outcome.CANCEL, evolink.TaskErrorCode.REQUEST_CANCELLED
        elif word == "images" and arg is not None and arg.isdigit():
            count = min(evolink.MAX_RESULTS, int(arg))
    return SandboxTask(
        task_id,
        now,
        duration,
        prompt,
        speed,
        callback_url,
        seed,
        aspect,
        outcome,
        error_code,
        count,
        credits_reserved=credits,
    )


class TaskStore:
    """Thread-safe tasks by id, plus the Idempotency-Key replay table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, SandboxTask] = {}
        # Idempotency-Key -> (fingerprint of the request body, created task id)
        self._idempotency: dict[str, tuple[str, str]] = {}

    def add(self, task: SandboxTask) -> None:
        with self._lock:
            self._tasks[task.id] = task

    def get(self, task_id: str) -> SandboxTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def all(self) -> list[SandboxTask]:
        with self._lock:
            return list(self._tasks.values())

    def create(
        self,
        make: Callable[[], SandboxTask],
        key: str | None,
        fingerprint: str,
        *,
        conflict_creates: bool = False,
        admit: Callable[[list[SandboxTask]], None] | None = None,
    ) -> tuple[SandboxTask, bool] | None:
        """Create a task, or replay the one an earlier request with ``key`` created.

        Returns ``(task, replayed)``. When ``key`` was used for a different body: None,
        or with ``conflict_creates`` a new task (the key stays bound to the first).
        The check and the creation happen under one lock, so two concurrent requests
        with one key create one task. ``admit`` (given the tasks so far) may raise to
        refuse a new task (the balance check, B04); a replay is never refused, it is
        paid already. It runs under the same lock, so concurrent requests cannot
        together spend more than the balance.
        """
        with self._lock:
            if key is not None and key in self._idempotency:
                prior_fingerprint, task_id = self._idempotency[key]
                if prior_fingerprint == fingerprint:
                    return self._tasks[task_id], True
                if not conflict_creates:
                    return None
                key = None  # a new task; the key keeps naming the first one
            if admit is not None:
                admit(list(self._tasks.values()))
            task = make()
            self._tasks[task.id] = task
            if key is not None:
                self._idempotency[key] = (fingerprint, task.id)
            return task, False
