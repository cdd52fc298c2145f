"""Every documented HTTP error (evolink-api.md §4.1, §4.2) and every retry decision."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest

from mjprompt.client import errors as E

POST = ("POST", "/v1/images/generations")

# evolink-api.md §4.1: the generation endpoint.
GENERATION_ERRORS = [
    (400, "invalid_request", E.BadRequestError),
    (401, "unauthorized", E.AuthenticationError),
    (402, "insufficient_quota", E.InsufficientQuotaError),
    (403, "model_access_denied", E.PermissionDeniedError),
    (429, "rate_limit_exceeded", E.RateLimitError),
    (500, "internal_error", E.InternalServerError),
]
# §4.2: the task query endpoint.
QUERY_ERRORS = [
    (400, "invalid_task_id", E.BadRequestError),
    (401, "unauthorized", E.AuthenticationError),
    (402, "quota_exceeded", E.InsufficientQuotaError),
    (403, "permission_denied", E.PermissionDeniedError),
    (404, "task_not_found", E.NotFoundError),
    (429, "rate_limit_exceeded", E.RateLimitError),
    (500, "internal_error", E.InternalServerError),
]
# Undocumented for mj-v7 but seen elsewhere (§4.1 notes, vendor code).
OTHER_ERRORS = [
    (502, "bad_gateway", E.BadGatewayError),
    (503, "service_unavailable", E.ServiceUnavailableError),
    (504, "gateway_timeout", E.GatewayTimeoutError),
    (413, "request_too_large", E.RequestTooLargeError),
    (409, "idempotency_conflict", E.IdempotencyConflictError),
    (402, "token_daily_quota_exceeded", E.InsufficientQuotaError),
    (418, "teapot", E.APIError),
]

RETRY_POST = {429, 503}
RETRY_GET = {429, 500, 502, 503, 504}


@pytest.mark.parametrize(("status", "code", "cls"), GENERATION_ERRORS + OTHER_ERRORS)
def test_generation_errors_are_typed(
    make_driver: Any, api: Any, kit: Any, fake_time: Any, status: int, code: str, cls: type
) -> None:
    driver = make_driver(retrying=E_retrying(attempts=3))
    api.on(*POST, kit.error(status, code, "Something\nwent wrong", **{"x-request-id": "req-1"}))
    with pytest.raises(cls) as info:
        driver("submit", "a cat")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.code == code
    assert err.message == "Something went wrong"
    assert err.request_id == "req-1"
    assert f"HTTP {status}" in str(err) and code in str(err) and "req-1" in str(err)
    expected_posts = 3 if status in RETRY_POST else 1
    assert api.count("POST") == expected_posts


@pytest.mark.parametrize(("status", "code", "cls"), QUERY_ERRORS + OTHER_ERRORS)
def test_query_errors_are_typed(
    make_driver: Any, api: Any, kit: Any, status: int, code: str, cls: type
) -> None:
    driver = make_driver(retrying=E_retrying(attempts=3))
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", kit.error(status, code))
    with pytest.raises(cls):
        driver("get", kit.TASK_ID)
    assert api.count("GET") == (3 if status in RETRY_GET else 1)


def E_retrying(**kw: Any) -> Any:
    from mjprompt.client import Retrying

    return Retrying(**kw)


def test_integer_error_code_and_non_json_body(driver: Any, api: Any, kit: Any) -> None:
    api.on(*POST, httpx.Response(402, json={"code": 402, "type": "x", "message": "pay up"}))
    with pytest.raises(E.InsufficientQuotaError) as info:
        driver("submit", "a cat")
    assert info.value.code == 402
    api.routes.clear()
    api.on(*POST, httpx.Response(403, text="<html>Forbidden</html>"))
    with pytest.raises(E.PermissionDeniedError, match="HTTP 403"):
        driver("submit", "a cat")


@pytest.mark.parametrize("status", sorted(RETRY_POST))
def test_post_is_retried_on_429_and_503_then_succeeds(
    driver: Any, api: Any, kit: Any, fake_time: Any, status: int
) -> None:
    api.on(*POST, kit.error(status, "busy"), kit.error(status, "busy"), kit.ok(kit.task_json()))
    task = driver("submit", "a cat")
    assert task.id == kit.TASK_ID
    assert api.count("POST") == 3
    keys = {r.headers["Idempotency-Key"] for r in api.requests}
    assert len(keys) == 1  # a retry is the same request
    assert fake_time.sleeps == [1.0, 2.0]  # exponential backoff without Retry-After


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_is_not_retried_when_the_server_may_have_taken_it(
    driver: Any, api: Any, kit: Any, status: int
) -> None:
    api.on(*POST, kit.error(status, "x"), kit.ok(kit.task_json()))
    with pytest.raises(E.ServerError):
        driver("submit", "a cat")
    assert api.count("POST") == 1


def test_retry_after_seconds_is_honoured(driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    api.on(
        *POST,
        kit.error(429, "rate_limit_exceeded", **{"Retry-After": "7"}),
        kit.ok(kit.task_json()),
    )
    driver("submit", "a cat")
    assert fake_time.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(driver: Any, api: Any, kit: Any, fake_time: Any) -> None:
    when = email.utils.formatdate(fake_time.wall() + 12, usegmt=True)
    api.on(*POST, kit.error(503, "busy", **{"Retry-After": when}), kit.ok(kit.task_json()))
    driver("submit", "a cat")
    assert len(fake_time.sleeps) == 1
    assert 11.0 <= fake_time.sleeps[0] <= 12.0


def test_retry_after_in_the_past_or_garbage(
    driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    past = email.utils.formatdate(fake_time.wall() - 100, usegmt=True)
    api.on(
        *POST,
        kit.error(429, "x", **{"Retry-After": past}),
        kit.error(429, "x", **{"Retry-After": "soon"}),
        kit.ok(kit.task_json()),
    )
    driver("submit", "a cat")
    assert fake_time.sleeps == [0.0, 2.0]  # garbage: back to backoff


def test_too_long_retry_after_is_not_waited_for(
    driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    api.on(*POST, kit.error(429, "rate_limit_exceeded", **{"Retry-After": "3600"}))
    with pytest.raises(E.RateLimitError) as info:
        driver("submit", "a cat")
    assert info.value.retry_after == 3600.0
    assert fake_time.sleeps == []
    assert api.count("POST") == 1


def test_retries_give_up_after_the_attempt_limit(
    driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    api.on(*POST, kit.error(503, "busy"))
    with pytest.raises(E.ServiceUnavailableError):
        driver("submit", "a cat")
    assert api.count("POST") == 4
    assert fake_time.sleeps == [1.0, 2.0, 4.0]


def test_connection_refused_is_retried_for_post(driver: Any, api: Any, kit: Any) -> None:
    api.on(*POST, httpx.ConnectError("[Errno 111] Connection refused"), kit.ok(kit.task_json()))
    assert driver("submit", "a cat").id == kit.TASK_ID
    assert api.count("POST") == 2


def test_connection_refused_every_time(driver: Any, api: Any) -> None:
    api.on(*POST, httpx.ConnectError("refused"))
    with pytest.raises(E.ConnectionFailedError) as info:
        driver("submit", "a cat")
    assert info.value.request_sent is False
    assert api.count("POST") == 4


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteTimeout("write timed out"),
    ],
)
def test_post_whose_answer_was_lost_is_not_sent_again(
    driver: Any, api: Any, kit: Any, exc: Exception
) -> None:
    api.on(*POST, exc, kit.ok(kit.task_json()))
    with pytest.raises(E.ResponseLostError, match="may have been created") as info:
        driver("submit", "a cat")
    assert info.value.request_sent is True
    assert api.count("POST") == 1


def test_post_with_malformed_json_is_not_sent_again(driver: Any, api: Any, kit: Any) -> None:
    api.on(*POST, httpx.Response(200, text='{"id": "task-unified-1'), kit.ok(kit.task_json()))
    with pytest.raises(E.MalformedResponseError, match="may have been created"):
        driver("submit", "a cat")
    assert api.count("POST") == 1


def test_post_answer_without_task_id(driver: Any, api: Any) -> None:
    api.on(*POST, httpx.Response(200, json={"status": "pending"}))
    with pytest.raises(E.MalformedResponseError, match="task id"):
        driver("submit", "a cat")


@pytest.mark.parametrize(
    "first",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("dropped"),
        httpx.ConnectError("refused"),
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(502, text="<html>Bad gateway</html>"),
    ],
    ids=["read-timeout", "dropped", "refused", "html-200", "html-502"],
)
def test_get_is_retried_on_transient_failures(driver: Any, api: Any, kit: Any, first: Any) -> None:
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", first, kit.ok(kit.task_json("processing", 10)))
    assert driver("get", kit.TASK_ID).progress == 10
    assert api.count("GET") == 2


def test_get_is_not_retried_on_client_errors(driver: Any, api: Any, kit: Any) -> None:
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", kit.error(404, "task_not_found"))
    with pytest.raises(E.NotFoundError):
        driver("get", kit.TASK_ID)
    assert api.count("GET") == 1


def test_rate_limit_error_carries_retry_after(driver: Any, api: Any, kit: Any) -> None:
    api.on(
        "GET",
        f"/v1/tasks/{kit.TASK_ID}",
        kit.error(429, "rate_limit_exceeded", **{"Retry-After": "999"}),
    )
    with pytest.raises(E.RateLimitError) as info:
        driver("get", kit.TASK_ID)
    assert info.value.retry_after == 999.0


def test_code_decides_class_but_5xx_status_wins() -> None:
    err = E.api_error_from_response(402, {"error": {"code": "key_expired"}})
    assert isinstance(err, E.AuthenticationError)
    err = E.api_error_from_response(500, {"error": {"code": "task_not_found"}})
    assert isinstance(err, E.InternalServerError)
    err = E.api_error_from_response(599, None, reason="weird")
    assert isinstance(err, E.ServerError) and err.message == "weird"
