"""What the client sends: evolink-api.md §1 field by field, headers, task-id checks, the key."""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

import httpx
import pytest

import mjprompt
from mjprompt.client import (
    AsyncClient,
    AuthenticationError,
    Client,
    ConfigurationError,
    ConnectionFailedError,
    InvalidTaskIdError,
    Task,
)
from mjprompt.payload import PayloadError


def test_submit_request_matches_the_documented_body(driver: Any, api: Any, kit: Any) -> None:
    api.on("POST", "/v1/images/generations", kit.ok(kit.task_json()))
    task = driver(
        "submit",
        "a cat on a balcony --ar 16:9 --turbo --v 7",
        callback_url="https://example.com/hook?x=1",
    )
    assert task.id == kit.TASK_ID
    assert task.status == "pending"
    assert task.estimated_time == 45
    (request,) = api.requests
    assert request.method == "POST"
    assert str(request.url) == kit.API + "/v1/images/generations"
    assert kit.body_of(request) == {
        "model": "mj-v7",
        "prompt": "a cat on a balcony --ar 16:9",
        "model_params": {"speed": "turbo"},
        "callback_url": "https://example.com/hook?x=1",
    }
    assert request.headers["Authorization"] == "Bearer " + kit.KEY
    assert request.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[A-Za-z0-9._-]{16,96}", request.headers["Idempotency-Key"])
    assert request.headers["User-Agent"].startswith("mjprompt/")


def test_speed_argument_goes_to_model_params(driver: Any, api: Any, kit: Any) -> None:
    api.on("POST", "/v1/images/generations", kit.ok(kit.task_json()))
    driver("submit", "a cat", speed="draft")
    assert kit.body_of(api.requests[0]) == {
        "model": "mj-v7",
        "prompt": "a cat",
        "model_params": {"speed": "draft"},
    }


def test_each_post_has_its_own_idempotency_key(driver: Any, api: Any, kit: Any) -> None:
    api.on("POST", "/v1/images/generations", kit.ok(kit.task_json()))
    driver("submit", "a cat")
    driver("submit", "a cat")
    keys = {r.headers["Idempotency-Key"] for r in api.requests}
    assert len(keys) == 2


def test_given_idempotency_key_is_used(driver: Any, api: Any, kit: Any) -> None:
    api.on("POST", "/v1/images/generations", kit.ok(kit.task_json()))
    driver("submit_payload", {"model": "mj-v7", "prompt": "x"}, idempotency_key="k" * 20)
    assert api.requests[0].headers["Idempotency-Key"] == "k" * 20
    with pytest.raises(ConfigurationError):
        driver("submit_payload", {"model": "mj-v7", "prompt": "x"}, idempotency_key="short")


def test_get_queries_the_task(driver: Any, api: Any, kit: Any) -> None:
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", kit.ok(kit.task_json("processing", 40)))
    task = driver("get", kit.TASK_ID)
    assert (task.status, task.progress) == ("processing", 40)
    (request,) = api.requests
    assert request.method == "GET"
    assert request.content == b""
    assert "Idempotency-Key" not in request.headers
    assert request.headers["Authorization"] == "Bearer " + kit.KEY


@pytest.mark.parametrize(
    "bad",
    ["", "abc", "task-unified-", "task-1757165031", "task-unified-../../x", "task-unified-a b"],
)
def test_task_ids_are_checked_before_any_request(driver: Any, api: Any, bad: str) -> None:
    with pytest.raises(InvalidTaskIdError, match="task"):
        driver("get", bad)
    with pytest.raises(InvalidTaskIdError):
        driver("wait", bad)
    assert api.requests == []


def test_submit_lints_first_and_spends_nothing(driver: Any, api: Any) -> None:
    with pytest.raises(PayloadError) as info:
        driver("submit", "a cat \u2013ar 16:9")
    assert info.value.diagnostics
    with pytest.raises(PayloadError):
        driver("submit", "a cat", callback_url="https://10.0.0.1/hook")
    assert api.requests == []


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch, api: Any, kit: Any) -> None:
    monkeypatch.setenv("EVOLINK_API_KEY", "sk-from-env-123456")
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", kit.ok(kit.task_json()))
    with Client(base_url=kit.API, transport=httpx.MockTransport(api.handler)) as client:
        client.get(kit.TASK_ID)
    assert api.requests[0].headers["Authorization"] == "Bearer sk-from-env-123456"


def test_argument_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch, api: Any, kit: Any
) -> None:
    monkeypatch.setenv("EVOLINK_API_KEY", "sk-from-env-123456")
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", kit.ok(kit.task_json()))
    with Client(
        "sk-argument-7890", base_url=kit.API, transport=httpx.MockTransport(api.handler)
    ) as c:
        c.get(kit.TASK_ID)
    assert api.requests[0].headers["Authorization"] == "Bearer sk-argument-7890"


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVOLINK_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="EVOLINK_API_KEY"):
        Client()
    with pytest.raises(ConfigurationError, match="EVOLINK_API_KEY"):
        AsyncClient(api_key="  ")


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVOLINK_BASE_URL", raising=False)
    with Client("sk-x") as client:
        assert client.base_url == "https://api.evolink.ai"
    monkeypatch.setenv("EVOLINK_BASE_URL", "http://127.0.0.1:9999/")
    with Client("sk-x") as client:
        assert client.base_url == "http://127.0.0.1:9999"


@pytest.mark.parametrize(
    "url", ["http://api.evolink.ai", "ftp://x.example", "https://user:pw@api.example", "nonsense"]
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        Client("sk-x", base_url=url)


def test_key_is_never_shown(
    driver: Any, api: Any, kit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "mjprompt"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    api.on("POST", "/v1/images/generations", kit.error(401, "unauthorized", "Invalid token"))
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", httpx.ConnectError("refused"))
    texts = [repr(driver.client), str(driver.client), repr(driver.client.__dict__)]
    for call in (("submit", "a cat"), ("get", kit.TASK_ID)):
        with pytest.raises((AuthenticationError, ConnectionFailedError)) as info:
            driver(*call)
        texts.append(str(info.value))
        texts.append(repr(info.value))
        texts.append("".join(traceback.format_exception(info.value)))
    texts.extend(r.getMessage() for r in caplog.records)
    texts.append(caplog.text)
    assert len(caplog.records) > 0
    for text in texts:
        assert kit.KEY not in text
        assert "SECRET" not in text


def test_client_repr_masks_key(kit: Any) -> None:
    with Client(kit.KEY, base_url=kit.API) as client:
        assert repr(client) == f"Client(base_url='{kit.API}', api_key=***)"


def test_lazy_exports() -> None:
    assert mjprompt.Client is Client
    assert mjprompt.AsyncClient is AsyncClient


def test_task_parsing_is_tolerant() -> None:
    task = Task.from_json(
        {
            "id": "task-unified-1-x",
            "status": "CANCELLED",
            "progress": "55.5",
            "results": ["https://a/1.png", 3, None],
            "task_info": {"estimated_time": "12"},
            "brand_new_field": {"x": 1},
        }
    )
    assert task.status == "cancelled"
    assert task.is_terminal
    assert not task.is_completed
    assert task.progress == 55
    assert task.results == ("https://a/1.png",)
    assert task.estimated_time == 12.0
    assert task.raw["brand_new_field"] == {"x": 1}
    # Only completed, failed and cancelled end a task; an unknown word may still complete.
    assert not Task.from_json({"id": "task-unified-1-x", "status": "weird-new"}).is_terminal
    assert not Task.from_json({"id": "task-unified-1-x", "status": "processing"}).is_terminal
    assert Task.from_json({"id": "task-unified-1-x", "progress": 500}).progress == 100
