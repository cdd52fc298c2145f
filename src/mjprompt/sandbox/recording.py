"""Thread-safe logs of what the sandbox received and what its callbacks did."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["CallbackAttempt", "Log", "RecordedRequest", "RequestLog"]

T = TypeVar("T")


@attrs.frozen
class RecordedRequest:
    """One request as received. ``body`` is None when a fault dropped it unread."""

    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]  # names lower-cased
    body: bytes | None
    json: Any  # the parsed body, or None when absent or not JSON
    at: float  # time.monotonic() on arrival
    fault: str | None = None  # the fault that fired on it
    status: int | None = None  # the status answered; None when nothing was sent

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@attrs.frozen
class CallbackAttempt:
    """One delivery attempt of a callback."""

    task_id: str
    url: str
    attempt: int  # 1 = first delivery, 2.. = retries
    at: float  # time.monotonic() when the attempt started
    waited: float  # the configured delay before this attempt (0 for the first)
    status: int | None  # HTTP status received, None on a network error or timeout
    error: str | None  # why the attempt failed to get a response
    body: dict[str, Any]  # the task JSON posted

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Log(Generic[T]):
    """An append-only list that many threads write and tests read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[T] = []
        self._changed = threading.Condition(self._lock)

    def append(self, item: T) -> int:
        with self._lock:
            self._items.append(item)
            self._changed.notify_all()
            return len(self._items) - 1

    def replace(self, index: int, item: T) -> None:
        with self._lock:
            self._items[index] = item
            self._changed.notify_all()

    def snapshot(self) -> list[T]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def wait_for(self, count: int, timeout: float) -> list[T]:
        """Block until at least ``count`` items are logged (or ``timeout``); the items."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._items) >= count, timeout)
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.snapshot())

    def __getitem__(self, index: int) -> T:
        with self._lock:
            return self._items[index]


class RequestLog(Log[RecordedRequest]):
    """The requests a sandbox received, in arrival order."""

    def matching(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """The requests with this method and whose path starts with ``path``."""
        return [
            r
            for r in self.snapshot()
            if (method is None or r.method == method.upper())
            and (path is None or r.path.startswith(path))
        ]
