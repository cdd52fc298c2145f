"""Both clients against the real sandbox on a free loopback port: success, every fault,
failed, cancelled and never-ending tasks, downloads. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mjprompt.client import (
    AsyncClient,
    AuthenticationError,
    Client,
    ConnectionFailedError,
    InsufficientQuotaError,
    InternalServerError,
    InvalidTaskIdError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    Polling,
    ResponseLostError,
    Retrying,
    ServerError,
    TaskCancelledError,
    WaitTimeoutError,
)
from mjprompt.client import errors as E
from mjprompt.payload import PayloadError
from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
FAST_POLL = Polling(minimum=0.05, maximum=0.2, first_default=0.05, first_fraction=0.1)
FAST_RETRY = Retrying(attempts=4, base=0.05, cap=0.2)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=0.2, stall_timeout=3.0)) as sb:
        assert sb.base_url.startswith("http://127.0.0.1:")
        yield sb


class Runner:
    """The same calls on the sync and the async client."""

    def __init__(self, mode: str, sandbox: Sandbox, **options: Any) -> None:
        self.mode = mode
        opts: dict[str, Any] = {
            "base_url": sandbox.base_url,
            "polling": FAST_POLL,
            "retrying": FAST_RETRY,
            "timeout": 2.0,
        }
        opts.update(options)
        key = opts.pop("api_key", sandbox.api_key)
        self.client: Any = Client(key, **opts) if mode == "sync" else AsyncClient(key, **opts)

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.mode == "sync":
            return getattr(self.client, name)(*args, **kwargs)

        async def run() -> Any:
            # A fresh AsyncClient per event loop: connections are bound to their loop.
            opts = {
                "base_url": self.client.base_url,
                "polling": self.client.polling,
                "retrying": self.client.retrying,
                "timeout": 2.0,
            }
            async with AsyncClient(self.client._key.reveal(), **opts) as client:
                return await getattr(client, name)(*args, **kwargs)

        return asyncio.run(run())

    def close(self) -> None:
        if self.mode == "sync":
            self.client.close()


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Runner]:
    """Both clients (for the main paths)."""
    runner = Runner(str(request.param), sandbox)
    yield runner
    runner.close()


@pytest.fixture
def sync_run(sandbox: Sandbox) -> Iterator[Runner]:
    """The sync client only (fault matrices: the retry logic is shared by both clients)."""
    runner = Runner("sync", sandbox)
    yield runner
    runner.close()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def posts(sandbox: Sandbox) -> list[Any]:
    return sandbox.requests.matching("POST", GEN)


def test_generate_and_download(run: Runner, sandbox: Sandbox, tmp_path: Path) -> None:
    progress: list[int] = []
    text = "a lighthouse at dusk --ar 16:9 --seed 7 --turbo"
    task = run("generate", text, on_progress=lambda t: progress.append(t.progress))
    assert task.is_completed
    assert len(task.results) == 4
    assert progress[-1] == 100 and progress == sorted(progress)
    paths = run("download", task, tmp_path, prompt=text, payload={"k": 1})
    assert [p.name for p in paths] == [f"{task.id}-{i}.png" for i in range(4)]
    width, height = png_size(paths[0])
    assert width > height  # the shape follows --ar 16:9
    sidecar = json.loads((tmp_path / f"{task.id}.json").read_text())
    assert sidecar["prompt"] == text and sidecar["task"]["status"] == "completed"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in paths] + [f"{task.id}.json"]
    )
    (post,) = posts(sandbox)
    assert post.json == {
        "model": "mj-v7",
        "prompt": "a lighthouse at dusk --ar 16:9 --seed 7",
        "model_params": {"speed": "turbo"},
    }
    assert post.header("authorization") == f"Bearer {sandbox.api_key}"
    assert post.header("content-type") == "application/json"
    assert post.header("idempotency-key")


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("rate_limit", {"retry_after": 0.1}),
        ("rate_limit", {}),
        ("unavailable", {"retry_after": 0.1}),
        ("unavailable", {}),
    ],
)
def test_post_faults_that_are_retried(
    sync_run: Runner, sandbox: Sandbox, kind: str, options: dict[str, Any]
) -> None:
    sandbox.inject(kind, path=GEN, method="POST", **options)
    task = sync_run("submit", "a red apple")
    assert task.id.startswith("task-unified-")
    assert len(posts(sandbox)) == 2
    assert len(sandbox.tasks()) == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("server_error", InternalServerError),
        ("bad_gateway", E.BadGatewayError),
        ("html", ServerError),
        ("quota", InsufficientQuotaError),
        ("forbidden", PermissionDeniedError),
        ("malformed_json", MalformedResponseError),
        ("drop_after", ResponseLostError),
        ("drop_before", ResponseLostError),
        ("truncate", ResponseLostError),
    ],
)
def test_post_faults_that_are_not_retried(
    sync_run: Runner, sandbox: Sandbox, kind: str, error: type
) -> None:
    sandbox.inject(kind, path=GEN, method="POST")
    with pytest.raises(error):
        sync_run("submit", "a red apple")
    assert len(posts(sandbox)) == 1  # never a second POST
    assert len(sandbox.tasks()) <= 1


def test_stalled_post_times_out_without_a_second_post(sandbox: Sandbox) -> None:
    runner = Runner("sync", sandbox, timeout=0.3)
    sandbox.inject("stall", path=GEN, method="POST", delay=1.0)
    with pytest.raises(ResponseLostError, match="may have been created"):
        runner("submit", "a red apple")
    assert len(posts(sandbox)) == 1
    runner.close()


def test_slow_answers_are_fine(run: Runner, sandbox: Sandbox) -> None:
    sandbox.inject("slow", delay=0.2, count=3)
    assert run("generate", "a red apple").is_completed


@pytest.mark.parametrize(
    "kind", ["server_error", "bad_gateway", "unavailable", "rate_limit", "malformed_json", "html"]
)
def test_query_faults_while_waiting(sync_run: Runner, sandbox: Sandbox, kind: str) -> None:
    sandbox.inject(kind, path="/v1/tasks/", method="GET", count=2)
    assert sync_run("generate", "a red apple").is_completed


@pytest.mark.parametrize("kind", ["drop_before", "drop_after", "truncate", "stall"])
def test_dropped_queries_are_retried(sandbox: Sandbox, kind: str) -> None:
    runner = Runner("sync", sandbox, timeout=0.5)
    sandbox.inject(kind, path="/v1/tasks/", method="GET", delay=1.0)
    assert runner("generate", "a red apple").is_completed
    runner.close()


def test_truncated_image_download_is_retried(run: Runner, sandbox: Sandbox, tmp_path: Path) -> None:
    task = run("generate", "a red apple")
    sandbox.inject("truncate", path="/files/", method="GET")
    paths = run("download", task, tmp_path)
    assert len(paths) == 4
    for path in paths:
        png_size(path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_failed_task(run: Runner) -> None:
    with pytest.raises(E.ContentPolicyViolationError) as info:
        run("generate", "a red apple sandbox-fail:content_policy_violation")
    assert info.value.code == "content_policy_violation"
    assert info.value.task.status == "failed"


def test_default_failure_code(sync_run: Runner) -> None:
    with pytest.raises(E.GenerationFailedNoContentError):
        sync_run("generate", "a red apple sandbox-fail")


def test_cancelled_task(run: Runner) -> None:
    with pytest.raises(TaskCancelledError):
        run("generate", "a red apple sandbox-cancel")


def test_task_that_never_finishes_times_out(run: Runner) -> None:
    with pytest.raises(WaitTimeoutError) as info:
        run("generate", "a red apple sandbox-never", timeout=0.5)
    assert info.value.task is not None and info.value.task.status == "processing"


def test_fewer_images(sync_run: Runner, tmp_path: Path) -> None:
    task = sync_run("generate", "a red apple sandbox-images:2")
    assert len(sync_run("download", task, tmp_path)) == 2


def test_wrong_key(sandbox: Sandbox) -> None:
    runner = Runner("sync", sandbox, api_key="sk-wrong-key")
    with pytest.raises(AuthenticationError):
        runner("submit", "a red apple")
    runner.close()


def test_task_ids(run: Runner, sandbox: Sandbox) -> None:
    with pytest.raises(InvalidTaskIdError):
        run("get", "not-a-task")
    assert len(sandbox.requests) == 0
    with pytest.raises(NotFoundError):
        run("get", "task-unified-1-doesnotexist")


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = Client("sk-x", base_url=f"http://127.0.0.1:{port}", retrying=FAST_RETRY)
    with client, pytest.raises(ConnectionFailedError, match="cannot connect"):
        client.submit("a red apple")


def test_lint_errors_cost_nothing(run: Runner, sandbox: Sandbox) -> None:
    with pytest.raises(PayloadError):
        run("submit", "a red apple \u2013ar 2:3")
    assert len(sandbox.requests) == 0


def test_key_not_in_debug_logs_of_a_real_connection(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "mjprompt", ""):
        logging.getLogger(name).setLevel(logging.DEBUG)
    sandbox.inject("rate_limit", path=GEN, method="POST", retry_after=0.05)
    runner = Runner("sync", sandbox)
    task = runner("generate", "a red apple")
    runner("download", task, tmp_path)
    runner.close()
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert sandbox.api_key not in caplog.text
    for record in caplog.records:
        assert sandbox.api_key not in record.getMessage()
        assert sandbox.api_key not in repr(record.args)
