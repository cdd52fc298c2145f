"""The emulated endpoints over real HTTP on 127.0.0.1, driven with plain httpx."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
ERROR_KEYS = {"code", "message", "type"}


def envelope(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= ERROR_KEYS
    error: dict[str, Any] = body["error"]
    return error


def test_create_then_poll_to_completion_then_download(
    sandbox: Sandbox,
    client: httpx.Client,
    create: Callable[..., httpx.Response],
    until_status: Callable[..., Any],
    png: Callable[[bytes], Any],
) -> None:
    created = create(
        client, "a red fox in snow --ar 16:9 --seed 99", model_params={"speed": "fast"}
    )
    assert created.status_code == 200
    assert created.headers["content-type"] == "application/json"
    task = created.json()
    assert re.fullmatch(r"task-unified-\d+-[a-z0-9]{8}", task["id"])
    assert (task["status"], task["progress"], task["object"]) == (
        "pending",
        0,
        "image.generation.task",
    )
    assert task["task_info"]["estimated_time"] == 1  # ceil(0.3 s)
    assert task["usage"]["billing_rule"] == "per_call"

    done = until_status(client, task["id"], {"completed"})
    assert done["status"] == "completed" and done["progress"] == 100
    assert len(done["results"]) == 4
    images = []
    for i, url in enumerate(done["results"]):
        assert url == f"{sandbox.base_url}/files/{task['id']}/{i}.png"
        response = httpx.get(url, trust_env=False)  # result links need no key
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        image = png(response.content)
        assert (image.width, image.height) == (64, 36)
        images.append(response.content)
    assert len(set(images)) == 4


@pytest.mark.decision("R02")
def test_progress_is_reported_while_processing(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    clock: Any,
) -> None:
    sb = make_sandbox(task_duration=10, clock=clock)
    c = client_for(sb)
    tid = create(c).json()["id"]
    seen = []
    for _ in range(12):
        body = c.get(f"/v1/tasks/{tid}").json()
        seen.append((body["status"], body["progress"]))
        clock.advance(1)
    assert seen[0] == ("pending", 0)
    assert ("processing", 50) in seen
    assert seen[-1] == ("completed", 100)
    statuses = [s for s, _ in seen]
    assert statuses == sorted(statuses, key=["pending", "processing", "completed"].index)


@pytest.mark.parametrize(
    ("ratio", "size"), [("1:1", (64, 64)), ("2:3", (43, 64)), ("21:9", (64, 27)), ("1:4", (16, 64))]
)
def test_image_shape_follows_ar(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    png: Callable[[bytes], Any],
    ratio: str,
    size: tuple[int, int],
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    tid = create(c, f"a lighthouse --ar {ratio}").json()["id"]
    url = c.get(f"/v1/tasks/{tid}").json()["results"][0]
    image = png(c.get(url).content)
    assert (image.width, image.height) == size


def test_pixels_follow_the_seed(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)

    def first_image(prompt: str) -> bytes:
        tid = create(c, prompt).json()["id"]
        return c.get(c.get(f"/v1/tasks/{tid}").json()["results"][0]).content

    assert first_image("a cat --seed 1") == first_image("a cat --seed 1")
    assert first_image("a cat --seed 1") != first_image("a cat --seed 2")


def test_image_long_side_is_configurable(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    png: Callable[[bytes], Any],
) -> None:
    sb = make_sandbox(task_duration=0, image_long_side=32)
    c = client_for(sb)
    tid = create(c, "a cat --ar 2:1").json()["id"]
    image = png(c.get(c.get(f"/v1/tasks/{tid}").json()["results"][0]).content)
    assert (image.width, image.height) == (32, 16)


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("POST", GEN, {"model": "mj-v7", "prompt": "a cat"}, "Invalid or expired token"),
        ("GET", "/v1/tasks/task-unified-1-abc", None, "Authentication required"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-key", "Basic c2stc2FuZGJveA==", "sk-sandbox", "Bearer"]
)
def test_bad_credentials_get_401(
    sandbox: Sandbox,
    method: str,
    path: str,
    body: Any,
    message: str,
    authorization: str | None,
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(base_url=sandbox.base_url, trust_env=False) as c:
        response = c.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert envelope(response) == {
        "code": "unauthorized",
        "message": message,
        "type": "authentication_error",
    }
    assert sandbox.tasks() == []


def test_configured_key_is_the_one_accepted(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sb = make_sandbox(api_key="sk-other-key")
    assert sb.api_key == "sk-other-key"
    assert create(client_for(sb)).status_code == 200
    assert create(client_for(sb, key="sk-sandbox")).status_code == 401


@pytest.mark.decision("P06")
def test_strict_lint_error_is_a_400_naming_the_first_error(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sandbox = make_sandbox(behaviour="strict")
    client = client_for(sandbox)
    response = create(client, "a cat --foo 3 –ar 16:9")
    assert response.status_code == 400
    error = envelope(response)
    assert (error["code"], error["type"], error["param"]) == (
        "invalid_request",
        "invalid_request_error",
        "prompt",
    )
    assert "prompt:1:7: MJ301 error" in error["message"]
    assert sandbox.tasks() == []


def test_body_that_is_not_json(client: httpx.Client) -> None:
    response = client.post(GEN, content=b'{"model": "mj-v7", "prompt": ')
    assert response.status_code == 400
    message = envelope(response)["message"]
    assert "not valid JSON" in message and "line 1, column" in message
    assert client.post(GEN, content=b"\xff\xfe").status_code == 400
    assert client.post(GEN).status_code == 400  # no body at all


@pytest.mark.decision("R07")
@pytest.mark.parametrize(
    ("task_id", "status", "code"),
    [
        ("abc", 400, "invalid_task_id"),
        ("task-123", 400, "invalid_task_id"),
        ("", 400, "invalid_task_id"),
        ("task-unified-1757165031-nothere", 404, "task_not_found"),
    ],
)
def test_task_query_errors(client: httpx.Client, task_id: str, status: int, code: str) -> None:
    response = client.get(f"/v1/tasks/{task_id}")
    assert response.status_code == status
    error = envelope(response)
    assert error["code"] == code
    assert error["type"] == "invalid_request_error"
    if code == "invalid_task_id":
        assert error["param"] == "task_id"
        assert "task-unified-" in error["message"]


@pytest.mark.decision("R10")
def test_every_response_has_a_request_id(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.inject("rate_limit", path="/v1/tasks/")
    responses = [
        client.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}),
        client.post(GEN, json={"model": "mj-v7"}),
        client.get("/v1/tasks/task-unified-1-a"),
        client.get("/nowhere"),
    ]
    assert [r.status_code for r in responses] == [200, 400, 429, 404]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(re.fullmatch(r"sandbox-\d+", i) for i in ids)
    assert len(set(ids)) == 4


@pytest.mark.decision("E02")
def test_unknown_route_and_wrong_method(client: httpx.Client) -> None:
    missing = client.get("/v1/models")
    assert missing.status_code == 404 and envelope(missing)["code"] == "not_found"
    wrong = client.get(GEN)
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert client.delete("/v1/tasks/task-unified-1-a").status_code == 405
    assert client.get("/").json()["emulates"] == "evolink.ai mj-v7"
    assert client.get("/").json()["behaviour"] == "documented"


def test_every_request_is_recorded(
    sandbox: Sandbox, client: httpx.Client, create: Callable[..., httpx.Response]
) -> None:
    tid = create(client, "a cat", model_params={"speed": "turbo"}).json()["id"]
    client.get(f"/v1/tasks/{tid}?x=1", headers={"X-Extra": "yes"})
    first, second = sandbox.requests.snapshot()
    assert (first.method, first.path, first.status) == ("POST", GEN, 200)
    assert first.json == {"model": "mj-v7", "prompt": "a cat", "model_params": {"speed": "turbo"}}
    assert first.header("Authorization") == f"Bearer {sandbox.api_key}"
    assert first.header("content-type") == "application/json"
    assert (second.method, second.path, second.query) == ("GET", f"/v1/tasks/{tid}", "x=1")
    assert second.header("x-extra") == "yes" and second.body == b""
    assert sandbox.requests.matching("POST") == [first]
    assert sandbox.requests.matching(path="/v1/tasks/") == [second]
    assert len(sandbox.requests) == 2


@pytest.mark.decision("I01")
@pytest.mark.parametrize("behaviour", ["documented", "strict"])
def test_idempotency_key_replays_the_same_task(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], behaviour: str
) -> None:
    sandbox = make_sandbox(behaviour=behaviour)
    client = client_for(sandbox)
    body = {"model": "mj-v7", "prompt": "a cat"}
    key = {"Idempotency-Key": "mjp-0123456789abcdef"}
    first = client.post(GEN, json=body, headers=key)
    again = client.post(GEN, json=body, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert len(sandbox.tasks()) == 1
    # without a key every POST is a new task
    client.post(GEN, json=body)
    client.post(GEN, json=body)
    assert len(sandbox.tasks()) == 3


@pytest.mark.decision("I03")
def test_idempotency_conflict_is_a_409_only_when_strict(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    key = {"Idempotency-Key": "mjp-0123456789abcdef"}
    strict = make_sandbox(behaviour="strict")
    c = client_for(strict)
    first = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}, headers=key)
    conflict = c.post(GEN, json={"model": "mj-v7", "prompt": "a dog"}, headers=key)
    assert conflict.status_code == 409
    assert envelope(conflict)["code"] == "idempotency_conflict"
    assert [t.id for t in strict.tasks()] == [first.json()["id"]]

    documented = make_sandbox()
    c = client_for(documented)
    first = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}, headers=key)
    other = c.post(GEN, json={"model": "mj-v7", "prompt": "a dog"}, headers=key)
    assert other.status_code == 200 and "idempotency-replayed" not in other.headers
    assert other.json()["id"] != first.json()["id"]
    assert [t.prompt for t in documented.tasks()] == ["a cat", "a dog"]
    # the key still names the first task
    again = c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}, headers=key)
    assert again.json()["id"] == first.json()["id"]
    assert len(documented.tasks()) == 2


@pytest.mark.decision("I02")
@pytest.mark.parametrize("key", ["short", "x" * 97, "has space in it!!", ""])
def test_idempotency_key_format_is_checked_only_when_strict(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], key: str
) -> None:
    body = {"model": "mj-v7", "prompt": "a cat"}
    strict = make_sandbox(behaviour="strict")
    bad = client_for(strict).post(GEN, json=body, headers={"Idempotency-Key": key})
    assert bad.status_code == 400 and envelope(bad)["param"] == "Idempotency-Key"
    assert strict.tasks() == []
    documented = make_sandbox()
    c = client_for(documented)
    ok = c.post(GEN, json=body, headers={"Idempotency-Key": key})
    assert ok.status_code == 200
    replay = c.post(GEN, json=body, headers={"Idempotency-Key": key})
    # a non-empty key of any shape is honoured; an empty header names no key
    assert (replay.json()["id"] == ok.json()["id"]) is bool(key)


@pytest.mark.parametrize(
    ("marker", "status", "code"),
    [
        ("sandbox-fail", "failed", "generation_failed_no_content"),
        ("sandbox-fail:content_policy_violation", "failed", "content_policy_violation"),
        ("sandbox-cancel", "cancelled", "request_cancelled"),
    ],
)
def test_markers_make_tasks_fail(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    marker: str,
    status: str,
    code: str,
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    tid = create(c, f"a cat {marker}").json()["id"]
    body = c.get(f"/v1/tasks/{tid}").json()
    assert body["status"] == status
    assert body["error"]["code"] == code and body["error"]["type"] == "task_error"
    assert "results" not in body
    assert c.get(f"/files/{tid}/0.png").status_code == 404


def test_fail_code_is_configurable(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sb = make_sandbox(task_duration=0, fail_code="service_error")
    c = client_for(sb)
    tid = create(c, "a cat sandbox-fail").json()["id"]
    assert c.get(f"/v1/tasks/{tid}").json()["error"]["code"] == "service_error"


def test_never_marker_never_finishes(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    clock: Any,
) -> None:
    sb = make_sandbox(task_duration=5, clock=clock)
    c = client_for(sb)
    tid = create(c, "a cat sandbox-never").json()["id"]
    clock.advance(3 * 3600)
    body = c.get(f"/v1/tasks/{tid}").json()
    assert (body["status"], body["progress"]) == ("processing", 99)


def test_fewer_images_marker(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    tid = create(c, "a cat sandbox-images:3").json()["id"]
    results = c.get(f"/v1/tasks/{tid}").json()["results"]
    assert len(results) == 3
    assert c.get(f"/files/{tid}/3.png").status_code == 404


@pytest.mark.decision("R08")
def test_files_before_completion_and_after_expiry(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
    clock: Any,
) -> None:
    sb = make_sandbox(task_duration=10, result_ttl=60, clock=clock)
    c = client_for(sb)
    tid = create(c).json()["id"]
    url = f"/files/{tid}/0.png"
    assert c.get(url).status_code == 404  # not generated yet
    clock.advance(10)
    assert c.get(url).status_code == 200
    head = c.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    clock.advance(59.9)
    assert c.get(url).status_code == 200
    clock.advance(0.1)
    expired = c.get(url)
    assert expired.status_code == 410
    assert envelope(expired)["code"] == "link_expired"
    # the task itself stays queryable, with its (now dead) links
    assert c.get(f"/v1/tasks/{tid}").json()["status"] == "completed"


@pytest.mark.parametrize(
    "path",
    ["/files/task-unified-1-x/0.png", "/files/nothing", "/files/a/b/c.png", "/files/x/0.jpg"],
)
def test_unknown_files_are_404(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_public_base_url_shapes_result_links(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Callable[..., httpx.Response],
) -> None:
    sb = make_sandbox(task_duration=0, public_base_url="http://images.test/")
    c = client_for(sb)
    tid = create(c).json()["id"]
    assert c.get(f"/v1/tasks/{tid}").json()["results"][0] == f"http://images.test/files/{tid}/0.png"


def test_task_snapshot_api(
    sandbox: Sandbox, client: httpx.Client, create: Callable[..., httpx.Response]
) -> None:
    tid = create(client).json()["id"]
    snapshot = sandbox.task(tid)
    assert snapshot is not None and snapshot["id"] == tid
    assert sandbox.task("task-unified-0-none") is None
    assert [t.id for t in sandbox.tasks()] == [tid]


def test_concurrent_requests_are_all_served(
    sandbox: Sandbox, client: httpx.Client, create: Callable[..., httpx.Response]
) -> None:
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda i: create(client, f"a cat number {i}"), range(24)))
    assert all(r.status_code == 200 for r in responses)
    assert len({r.json()["id"] for r in responses}) == 24
    assert len(sandbox.requests) == 24


def test_chunked_request_body(sandbox: Sandbox, client: httpx.Client) -> None:
    def parts() -> Any:
        yield b'{"model": "mj-v7", '
        yield b'"prompt": "a chunked cat"}'

    response = client.post(GEN, content=parts(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert sandbox.requests[0].header("transfer-encoding") == "chunked"
    assert sandbox.requests[0].json == {"model": "mj-v7", "prompt": "a chunked cat"}


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        (b"Content-Length: -5\r\n\r\n", b"400"),
        (b"Content-Length: ten\r\n\r\n", b"400"),
        (b"Content-Length: 99999999\r\n\r\n", b"413"),
        (b"Transfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n", b"400"),
        (b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
    ],
)
def test_bad_body_framing(sandbox: Sandbox, framing: bytes, status: bytes) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", sandbox.port)) as s:
        s.settimeout(5)
        s.sendall(b"POST /v1/images/generations HTTP/1.1\r\nHost: x\r\n" + framing)
        reply = b""
        while chunk := s.recv(4096):  # the sandbox closes such a connection
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 " + status)
    assert b'"error"' in reply


def test_a_bug_in_the_sandbox_is_a_500_envelope(
    sandbox: Sandbox, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    monkeypatch.setattr(sandbox, "_log", lines.append)

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox._app, "handle", broken)
    response = client.get("/v1/tasks/task-unified-1-a")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert any("RuntimeError: boom" in line for line in lines)


def test_log_lines_and_no_recording(make_sandbox: Callable[..., Sandbox]) -> None:
    lines: list[str] = []
    sb = make_sandbox(record_requests=False, log=lines.append)
    sb.inject("503", path="/v1/tasks/")
    with httpx.Client(base_url=sb.base_url, trust_env=False) as c:
        c.get("/v1/tasks/x")
        c.get("/")
    assert lines == ["GET /v1/tasks/x 503 [fault: unavailable]", "GET / 200"]
    assert len(sb.requests) == 0


def test_lifecycle() -> None:
    sb = Sandbox()
    with pytest.raises(RuntimeError, match="not running"):
        _ = sb.base_url
    with sb:
        assert sb.running and sb.base_url == f"http://127.0.0.1:{sb.port}"
        with pytest.raises(RuntimeError, match="already running"):
            sb.start()
    assert not sb.running
    sb.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="cannot be restarted"):
        sb.start()


def test_serve_forever_returns_after_duration() -> None:
    sb = Sandbox()
    sb.serve_forever(0.05)
    assert not sb.running


def test_ipv6_loopback(client_for: Callable[..., httpx.Client]) -> None:
    import socket

    # Whether this machine can listen on ::1 is asked of a plain socket, not of the
    # sandbox: a sandbox that fails to bind ::1 where a socket can is a bug, not a skip.
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    sb = Sandbox(SandboxConfig(host="::1", task_duration=0)).start()
    try:
        assert sb.base_url.startswith("http://[::1]:")
        assert client_for(sb).get("/").status_code == 200
    finally:
        sb.stop()


def test_stop_closes_kept_alive_connections(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox()
    c = client_for(sb)
    assert c.get("/").status_code == 200  # leaves a pooled keep-alive connection
    sb.stop()
    with pytest.raises(httpx.TransportError):
        c.get("/")
