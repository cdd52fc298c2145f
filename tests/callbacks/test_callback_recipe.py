"""Runs the callback recipe of docs/callbacks.md against the sandbox: signed URLs,
forged posts refused, the task re-fetched, the API's retries handled idempotently."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mjprompt.callbacks import signed_callback_url
from mjprompt.sandbox import Sandbox, SandboxConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "callbacks.md"
KEY = "recipe-signing-key-0123456789"


def recipe_source() -> str:
    text = DOC.read_text(encoding="utf-8")
    after = text.split("<!-- recipe -->", 1)[1]
    return after.split("```python\n", 1)[1].split("```", 1)[0]


class Receiver:
    """A local HTTP server that hands every POST to the recipe's handle_callback."""

    def __init__(self, handle: Any, fail_first: int) -> None:
        self.handle = handle
        self.fail_first = fail_first
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    status = 500  # as if our service hiccupped: the API must retry
                else:
                    status = receiver.handle(self.path, body)
                receiver.answers.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    config = SandboxConfig(
        task_duration=0.2, allow_loopback_callbacks=True, callback_retry_delays=(0.05, 0.05, 0.05)
    )
    with Sandbox(config) as sandbox:
        monkeypatch.setenv("MJ_CALLBACK_KEY", KEY)
        monkeypatch.setenv("EVOLINK_API_KEY", sandbox.api_key)
        monkeypatch.setenv("EVOLINK_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("MJ_OUT_DIR", str(tmp_path / "images"))
        namespace: dict[str, Any] = {"__name__": "recipe"}
        exec(compile(recipe_source(), str(DOC), "exec"), namespace)
        receiver = Receiver(namespace["handle_callback"], fail_first=1)
        try:
            yield {
                "ns": namespace,
                "sandbox": sandbox,
                "receiver": receiver,
                "out": tmp_path / "images",
            }
        finally:
            receiver.close()
            namespace["client"].close()


def _submit_via_loopback(world: dict[str, Any], prompt: str) -> str:
    """The recipe's submit(), with the callback URL pointed at the local receiver (the
    library refuses loopback callback URLs; the sandbox is told to accept them)."""
    ns = world["ns"]
    signed = signed_callback_url(ns["PUBLIC_HOOK"], KEY)
    local = signed.url.replace(ns["PUBLIC_HOOK"], world["receiver"].base + "/mj")
    with ns["lock"]:
        ns["jobs"][signed.ref] = {"prompt": prompt, "task_id": None, "state": "submitted"}
    payload = {"model": "mj-v7", "prompt": prompt, "callback_url": local}
    task = ns["client"].submit_payload(payload)
    with ns["lock"]:
        ns["jobs"][signed.ref]["task_id"] = task.id
    return str(signed.ref)


def test_recipe_handles_a_retried_delivery_once(world: dict[str, Any]) -> None:
    sandbox, receiver, ns = world["sandbox"], world["receiver"], world["ns"]
    ref = _submit_via_loopback(world, "a red apple --ar 2:3")
    attempts = sandbox.callbacks.wait_for(2, timeout=10)
    assert [a.status for a in attempts] == [500, 200]  # the API retried after our 500
    job = ns["jobs"][ref]
    assert job["state"] == "saved"
    images = sorted(world["out"].glob("*.png"))
    assert [p.name for p in images] == [f"{job['task_id']}-{i}.png" for i in range(4)]
    gets = len(sandbox.requests.matching("GET", "/v1/tasks/"))
    assert gets == 1  # the task was re-fetched, once

    # The same delivery again (the API never saw our 2xx): acknowledged, no new work.
    body = httpx.get(
        f"{sandbox.base_url}/v1/tasks/{job['task_id']}",
        headers={"Authorization": f"Bearer {sandbox.api_key}"},
    ).content
    url = attempts[-1].url.replace(receiver.base, "")
    assert ns["handle_callback"](url, body) == 200
    assert len(sandbox.requests.matching("GET", "/v1/tasks/")) == gets + 1  # only ours above
    assert sorted(world["out"].glob("*.png")) == images


def test_recipe_refuses_forged_and_foreign_posts(world: dict[str, Any]) -> None:
    ns = world["ns"]
    handle = ns["handle_callback"]
    body = (
        b'{"id": "task-unified-1-evil", "status": "completed", "results": ["https://evil/x.png"]}'
    )
    assert handle("/mj", body) == 403  # no signature
    assert handle("/mj?mjp_ref=abc&mjp_sig=00", body) == 403  # wrong signature
    signed = signed_callback_url(ns["PUBLIC_HOOK"], KEY, ref="nobody")
    assert handle(signed.url, body) == 200  # signed by us, but no such job: ignored
    assert handle(signed.url, b"not json") == 400
    assert not world["out"].exists()


def test_recipe_refetches_instead_of_trusting_the_body(world: dict[str, Any]) -> None:
    ns, sandbox = world["ns"], world["sandbox"]
    world["receiver"].fail_first = 10**6  # keep the API's real deliveries out of the way
    ref = _submit_via_loopback(world, "a red apple sandbox-never")
    task_id = ns["jobs"][ref]["task_id"]
    lie = f'{{"id": "{task_id}", "status": "completed", "results": ["https://evil/x.png"]}}'
    signed = signed_callback_url(ns["PUBLIC_HOOK"], KEY, ref=ref)
    assert ns["handle_callback"](signed.url, lie.encode()) == 200
    assert ns["jobs"][ref]["state"] == "submitted"  # the API says: still processing
    assert not world["out"].exists()
    assert sandbox.requests.matching("GET", f"/v1/tasks/{task_id}")
