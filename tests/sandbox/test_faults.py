"""Switchable faults, driven with plain httpx over 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mjprompt.sandbox import Sandbox, parse_fault_spec
from mjprompt.sandbox.faults import FaultKind, fault_kind

GEN = "/v1/images/generations"
TASK = "/v1/tasks/task-unified-1757165031-nothere"


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.decision("E01", "E04")
@pytest.mark.parametrize(
    ("kind", "path", "status", "code", "type_"),
    [
        ("rate_limit", GEN, 429, "rate_limit_exceeded", "rate_limit_error"),
        ("rate_limit", TASK, 429, "rate_limit_exceeded", "evo_api_error"),
        ("quota", GEN, 402, "insufficient_quota", "insufficient_quota"),
        ("quota", TASK, 402, "quota_exceeded", "insufficient_quota"),
        ("forbidden", GEN, 403, "model_access_denied", "invalid_request_error"),
        ("forbidden", TASK, 403, "permission_denied", "invalid_request_error"),
        ("server_error", GEN, 500, "internal_error", "api_error"),
        ("server_error", TASK, 500, "internal_error", "api_error"),
        ("bad_gateway", GEN, 502, "bad_gateway", "api_error"),
        ("unavailable", GEN, 503, "service_unavailable", "api_error"),
        ("429", TASK, 429, "rate_limit_exceeded", "evo_api_error"),
        ("503", TASK, 503, "service_unavailable", "api_error"),
    ],
)
def test_http_error_faults_answer_the_documented_envelope(
    sandbox: Sandbox,
    client: httpx.Client,
    kind: str,
    path: str,
    status: int,
    code: str,
    type_: str,
) -> None:
    sandbox.inject(kind)
    body = {"model": "mj-v7", "prompt": "a cat"}
    response = client.post(path, json=body) if path == GEN else client.get(path)
    assert response.status_code == status
    error = error_of(response)
    assert (error["code"], error["type"]) == (code, type_)
    assert error["message"]
    assert "retry-after" not in response.headers
    assert sandbox.tasks() == []  # an error answer creates nothing
    assert sandbox.requests[0].fault == fault_kind(kind).value
    assert sandbox.requests[0].status == status
    # count=1: the next request is served normally
    again = client.post(GEN, json=body) if path == GEN else client.get(path)
    assert again.status_code in (200, 404)
    assert sandbox.requests[1].fault is None


@pytest.mark.decision("E04")
@pytest.mark.parametrize(
    ("kind", "retry_after", "shown"), [("rate_limit", 2, "2"), ("503", 0.5, "0.5")]
)
def test_retry_after_header(
    sandbox: Sandbox, client: httpx.Client, kind: str, retry_after: float, shown: str
) -> None:
    sandbox.inject(kind, retry_after=retry_after)
    response = client.get(TASK)
    assert response.headers["retry-after"] == shown


def test_status_override(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("server_error", status=504)
    response = client.get(TASK)
    assert response.status_code == 504
    assert "error" in response.json()


def test_count_path_and_method_select_requests(sandbox: Sandbox, client: httpx.Client) -> None:
    fault = sandbox.inject("rate_limit", path="/v1/tasks/", method="GET", count=2)
    assert client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).status_code == 200
    assert client.get(TASK).status_code == 429
    assert client.get(TASK).status_code == 429
    assert client.get(TASK).status_code == 404
    assert fault.fired == 2
    assert sandbox.faults.active() == []


def test_until_cleared_and_every(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("server_error", count=None)
    assert [client.get(TASK).status_code for _ in range(3)] == [500, 500, 500]
    sandbox.clear_faults()
    assert client.get(TASK).status_code == 404
    fault = sandbox.inject("rate_limit", every=3, count=None)
    codes = [client.get(TASK).status_code for _ in range(7)]
    assert codes == [404, 404, 429, 404, 404, 429, 404]
    sandbox.clear_fault(fault)
    assert client.get(TASK).status_code == 404


def test_first_injected_fault_wins(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("quota")
    sandbox.inject("forbidden")
    assert client.get(TASK).status_code == 402
    assert client.get(TASK).status_code == 403


def test_slow_answers_after_the_delay(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("slow", delay=0.3)
    started = time.monotonic()
    response = client.get(TASK)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 404  # then the normal answer


def test_stall_never_answers_but_creates_the_task(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client]
) -> None:
    sandbox.inject("stall", path=GEN, delay=5)
    c = client_for(sandbox, timeout=0.3)
    with pytest.raises(httpx.ReadTimeout):
        c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"})
    assert len(sandbox.tasks()) == 1
    assert sandbox.requests[0].fault == "stall"
    # stop() wakes the stalled handler rather than waiting 5 s (the fixture stops it)


def test_drop_before_reading_creates_nothing(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("drop_before", path=GEN)
    with pytest.raises(httpx.TransportError):
        client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"})
    assert sandbox.tasks() == []
    (record,) = sandbox.requests.snapshot()
    assert (record.method, record.body, record.status, record.fault) == (
        "POST",
        None,
        None,
        "drop_before",
    )
    # the sandbox keeps serving
    assert client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).status_code == 200


def test_drop_after_reading_creates_the_task(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("drop_after", path=GEN)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"})
    (task,) = sandbox.tasks()
    (record,) = sandbox.requests.snapshot()
    assert record.json == {"model": "mj-v7", "prompt": "a cat"}
    assert record.status is None
    # the task is real: a client that learns its id can follow it
    assert sandbox.task(task.id) is not None


def test_malformed_json_is_cut_but_the_request_handled(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    sandbox.inject("malformed_json", path=GEN)
    response = client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert response.text.startswith('{"created"')
    assert len(sandbox.tasks()) == 1


def test_html_error_page(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("html")
    response = client.get(TASK)
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")
    sandbox.inject("html", status=504)
    assert client.get(TASK).status_code == 504


def test_truncated_download(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    tid = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).json()["id"]
    url = c.get(f"/v1/tasks/{tid}").json()["results"][0]
    full = c.get(url).content
    sb.inject("truncated_download", path="/files/")
    with httpx.stream("GET", url, trust_env=False) as response:
        assert int(response.headers["content-length"]) == len(full)
        received = bytearray()

        def read_all() -> None:
            for chunk in response.iter_raw():
                received.extend(chunk)

        with pytest.raises(httpx.RemoteProtocolError):
            read_all()
    assert 0 < len(received) < len(full)
    assert full.startswith(bytes(received))
    assert c.get(url).content == full  # count=1: the next download is whole


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("rate_limit", {"kind": FaultKind.RATE_LIMIT, "count": None, "path": None}),
        (
            "429,retry_after=2,count=3",
            {"kind": FaultKind.RATE_LIMIT, "retry_after": 2.0, "count": 3},
        ),
        ("drop, path=/v1/images/generations", {"kind": FaultKind.DROP_BEFORE, "path": GEN}),
        ("slow,delay=0.5,method=get", {"kind": FaultKind.SLOW, "delay": 0.5, "method": "GET"}),
        (
            "server-error,every=4,count=0",
            {"kind": FaultKind.SERVER_ERROR, "every": 4, "count": None},
        ),
        ("html,status=504", {"kind": FaultKind.HTML, "status": 504}),
    ],
)
def test_parse_fault_spec(spec: str, expected: dict[str, Any]) -> None:
    fault = parse_fault_spec(spec)
    for key, value in expected.items():
        assert getattr(fault, key) == value


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("explode", "unknown fault 'explode'; choose one of"),
        ("429,count", "must look like key=value"),
        ("429,count=x", "count needs an integer"),
        ("slow,delay=soon", "delay needs a number"),
        ("429,path=v1", "must start with '/'"),
        ("429,colour=red", "unknown fault option 'colour'"),
    ],
)
def test_parse_fault_spec_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault_spec(spec)


def test_inject_checks_its_arguments(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        sandbox.inject("boom")
    with pytest.raises(ValueError, match="count"):
        sandbox.inject("429", count=0)
    with pytest.raises(ValueError, match="every"):
        sandbox.inject("429", every=0)
