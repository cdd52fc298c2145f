"""Fixtures for the client tests: a scripted fake API (httpx.MockTransport), fake time,
and a driver that runs the same calls on the sync and the async client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mjprompt.client import AsyncClient, Client, Polling, Retrying

API = "https://api.example.test"
KEY = "sk-test-SECRET-0123456789abcdef"
TASK_ID = "task-unified-1757165031-mjv7"

Responder = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def task_json(status: str = "pending", progress: int = 0, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "created": 1757165031,
        "id": TASK_ID,
        "model": "mj-v7",
        "object": "image.generation.task",
        "progress": progress,
        "status": status,
        "task_info": {"can_cancel": status == "pending", "estimated_time": 45},
        "type": "image",
        "usage": {"billing_rule": "per_call", "credits_reserved": 1.8, "user_group": "default"},
    }
    body.update(extra)
    return body


def ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def error(status: int, code: str | int, message: str = "boom", **headers: str) -> httpx.Response:
    envelope = {"error": {"code": code, "message": message, "type": "x"}}
    return httpx.Response(status, json=envelope, headers=headers)


class FakeApi:
    """Answers requests from per-route queues; records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[Responder]] = {}

    def on(self, method: str, path: str, *responders: Responder) -> FakeApi:
        self.routes.setdefault((method, path), []).extend(responders)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.path)
        queue = self.routes.get(key)
        if not queue:
            return httpx.Response(599, text=f"unexpected {request.method} {request.url.path}")
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        if callable(item) and not isinstance(item, httpx.Response):
            return item(request)
        # A fresh copy each time: a response object can be read only once.
        return httpx.Response(item.status_code, headers=item.headers, content=item.content)

    def count(self, method: str, path: str | None = None) -> int:
        return sum(
            1 for r in self.requests if r.method == method and (path is None or r.url.path == path)
        )


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_700_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Driver:
    """Runs client methods on the sync or the async client alike."""

    def __init__(self, mode: str, api: FakeApi, fake_time: FakeTime, **options: Any) -> None:
        self.mode = mode
        common: dict[str, Any] = {
            "base_url": API,
            "clock": fake_time.clock,
            "wall_clock": fake_time.wall,
            "rng": lambda: 0.5,  # no jitter: delays are exact
            "retrying": Retrying(),
            "polling": Polling(),
        }
        common.update(options)
        transport = httpx.MockTransport(api.handler)
        if mode == "sync":
            self.client: Any = Client(KEY, transport=transport, sleep=fake_time.sleep, **common)
        else:
            self.client = AsyncClient(KEY, transport=transport, sleep=fake_time.asleep, **common)

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self.client, name)
        if self.mode == "sync":
            return method(*args, **kwargs)
        return asyncio.run(method(*args, **kwargs))

    def close(self) -> None:
        if self.mode == "sync":
            self.client.close()
        else:
            asyncio.run(self.client.aclose())


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_driver(mode: str, api: FakeApi, fake_time: FakeTime) -> Iterator[Callable[..., Driver]]:
    made: list[Driver] = []

    def make(**options: Any) -> Driver:
        driver = Driver(mode, api, fake_time, **options)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


@pytest.fixture
def driver(make_driver: Callable[..., Driver]) -> Driver:
    return make_driver()


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


class Kit:
    """The helpers above, for test modules (importlib mode: conftest is not importable)."""

    API = API
    KEY = KEY
    TASK_ID = TASK_ID
    task_json = staticmethod(task_json)
    ok = staticmethod(ok)
    error = staticmethod(error)
    body_of = staticmethod(body_of)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
