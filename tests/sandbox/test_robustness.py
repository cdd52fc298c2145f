"""Hostile requests get a recorded 4xx with the JSON envelope: never a 500, never a
dropped connection (issue 12, item 13; decisions E02 and E03)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mjprompt.sandbox import Sandbox
from mjprompt.sandbox.jsonbody import MAX_DEPTH, BodyError, parse_json

GEN = "/v1/images/generations"
BEHAVIOURS = ["documented", "strict"]


def exchange(sb: Sandbox, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Send raw bytes, read the whole answer; its status and JSON body. Fails on a drop."""
    with socket.create_connection(("127.0.0.1", sb.port)) as s:
        s.settimeout(10)
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)  # no more input: the sandbox answers and closes
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 "), f"no answer: {reply[:80]!r}"
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower()
    return status, json.loads(body)


def post_raw(sb: Sandbox, body: bytes) -> tuple[int, dict[str, Any]]:
    request = (
        f"POST {GEN} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sb.api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return exchange(sb, request + body)


def get_raw(sb: Sandbox, path: str, method: str = "GET", version: str = "HTTP/1.1") -> Any:
    request = (
        f"{method} {path} {version}\r\nHost: x\r\nAuthorization: Bearer {sb.api_key}\r\n"
        "Connection: close\r\n\r\n"
    )
    return exchange(sb, request.encode("latin-1"))


def last_request(sb: Sandbox) -> Any:
    requests = sb.requests.wait_for(1, timeout=5)
    assert requests, "the request was not recorded"
    return requests[-1]


@pytest.mark.decision("E03")
@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_million_brackets_is_a_recorded_400(
    make_sandbox: Callable[..., Sandbox], behaviour: str
) -> None:
    sb = make_sandbox(behaviour=behaviour)
    body = b"[" * 10**6
    status, answer = post_raw(sb, body)
    assert status == 400
    assert answer["error"]["code"] == "invalid_request"
    assert f"nested deeper than {MAX_DEPTH} levels" in answer["error"]["message"]
    recorded = last_request(sb)
    assert (recorded.method, recorded.path, recorded.status) == ("POST", GEN, 400)
    assert recorded.body == body and recorded.json is None
    assert sb.tasks() == []


@pytest.mark.decision("E03")
@pytest.mark.parametrize("behaviour", BEHAVIOURS)
@pytest.mark.parametrize(
    "number", ["9" * 5000, "-" + "9" * 5000, "1." + "5" * 5000, "1e" + "9" * 5000]
)
def test_a_5000_digit_number_is_a_recorded_400(
    make_sandbox: Callable[..., Sandbox], behaviour: str, number: str
) -> None:
    sb = make_sandbox(behaviour=behaviour)
    body = f'{{"model": "mj-v7", "prompt": "a cat", "n": {number}}}'.encode()
    status, answer = post_raw(sb, body)
    assert status == 400
    assert "number" in answer["error"]["message"]
    assert last_request(sb).status == 400
    assert sb.tasks() == []


@pytest.mark.decision("E03")
@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_5000_digit_seed_in_the_prompt_is_never_a_500(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], behaviour: str
) -> None:
    sb = make_sandbox(behaviour=behaviour, task_duration=0)
    c = client_for(sb)
    response = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat --seed " + "9" * 5000})
    if behaviour == "strict":  # our linter cannot read it: refused, not crashed
        assert response.status_code == 400
    else:  # passed through (P07); the image seed is simply random
        assert response.status_code == 200
        task = c.get(f"/v1/tasks/{response.json()['id']}").json()
        assert task["status"] == "completed"


@pytest.mark.decision("E02")
def test_an_absurdly_long_path_is_a_recorded_414(sandbox: Sandbox) -> None:
    path = "/v1/tasks/task-unified-" + "a" * 100_000
    status, answer = get_raw(sandbox, path)
    assert status == 414
    assert answer["error"]["code"] == "uri_too_long"
    recorded = last_request(sandbox)
    assert recorded.status == 414
    assert recorded.path.startswith("GET /v1/tasks/task-unified-aaa")
    assert recorded.path.endswith("characters)") and len(recorded.path) < 2200


@pytest.mark.decision("E02")
@pytest.mark.parametrize(
    ("path", "method", "version", "status"),
    [
        ("http://[bad/v1/tasks/x", "GET", "HTTP/1.1", 404),  # urlsplit raised before
        ("/v1/tasks/%00%ff" + "%2e" * 500, "GET", "HTTP/1.1", 400),
        ("/v1/tasks/task-unified-" + "9" * 5000, "GET", "HTTP/1.1", 404),
        ("/v1/tasks/task-unified-1/../../etc/passwd", "GET", "HTTP/1.1", 400),
        ("*", "GET", "HTTP/1.1", 404),
        ("/v1/tasks/x", "BREW", "HTTP/1.1", 405),  # http.server said 501
        ("/nowhere", "get", "HTTP/1.1", 404),
        ("/", "GET", "HTTP/9.9", 400),  # http.server said 505
        ("/", "GET", "HTTP/x", 400),
    ],
)
def test_absurd_requests_get_a_recorded_4xx(
    sandbox: Sandbox, path: str, method: str, version: str, status: int
) -> None:
    got, answer = get_raw(sandbox, path, method, version)
    assert got == status
    assert set(answer["error"]) >= {"code", "message", "type"}
    assert last_request(sandbox).status == status


@pytest.mark.decision("E02")
def test_a_5000_digit_file_index_is_a_404(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    tid = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).json()["id"]
    assert c.get(f"/files/{tid}/0.png").status_code == 200
    response = c.get(f"/files/{tid}/{'9' * 5000}.png")
    assert response.status_code == 404
    assert sb.requests[-1].status == 404


@pytest.mark.decision("E02")
def test_a_header_flood_is_a_recorded_431(sandbox: Sandbox) -> None:
    headers = "".join(f"X-H{i}: v\r\n" for i in range(200))  # http.server allows 100
    status, answer = exchange(sandbox, f"GET / HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
    assert status == 431
    assert answer["error"]["code"] == "headers_too_large"
    assert last_request(sandbox).status == 431


@pytest.mark.decision("E02")
def test_an_oversized_body_still_gets_its_413(sandbox: Sandbox) -> None:
    # The client sends its whole 8 MiB body; the sandbox refuses it from the declared
    # length, and must read it away rather than reset the connection under the client.
    body = b"x" * (8 << 20)
    status, answer = post_raw(sandbox, body)
    assert status == 413
    assert answer["error"]["code"] == "request_too_large"
    assert last_request(sandbox).status == 413


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"[" * 65, "nested deeper than 64 levels at character 65"),
        (b'{"a": "[[[[' + b"[" * 100 + b'"}', None),  # brackets inside a string are text
        (b"1" * 101, "101 digits"),
        (b"1" * 100, None),
        (b"\xff", "not UTF-8 (byte 1)"),
        (b'{"a": 1', "line 1, column 8"),
        (b"NaN", None),
    ],
)
def test_parse_json(raw: bytes, fragment: str | None) -> None:
    if fragment is None:
        parse_json(raw)
        return
    with pytest.raises(BodyError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_json(raw)


def test_depth_limit_is_exact() -> None:
    assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(BodyError):
        parse_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
