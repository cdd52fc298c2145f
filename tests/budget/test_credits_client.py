"""``Client.credits()`` / ``AsyncClient.credits()`` and ``mjprompt credits`` against the
sandbox on a free loopback port (issue 20, balance): the documented body, typed errors
with integer codes, retries, and the bounded read."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator

import httpx
import pytest

from mjprompt.client import (
    AsyncClient,
    AuthenticationError,
    Client,
    MalformedResponseError,
    Retrying,
    ServiceUnavailableError,
)
from mjprompt.client.errors import ResponseTooLargeError
from mjprompt.evolink import CREDITS_PATH, Balance
from mjprompt.sandbox import Sandbox, SandboxConfig

FAST_RETRY = Retrying(attempts=3, base=0.01, cap=0.02)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(credits=123.5, task_duration=0.0)) as sb:
        yield sb


def credits_of(mode: str, sandbox: Sandbox, key: str | None = None) -> Balance:
    opts = {"base_url": sandbox.base_url, "retrying": FAST_RETRY, "timeout": 2.0}
    if mode == "sync":
        with Client(key or sandbox.api_key, **opts) as c:  # type: ignore[arg-type]
            return c.credits()

    async def run() -> Balance:
        async with AsyncClient(key or sandbox.api_key, **opts) as c:  # type: ignore[arg-type]
            return await c.credits()

    return asyncio.run(run())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_credits_is_the_sandboxs_balance(mode: str, sandbox: Sandbox) -> None:
    balance = credits_of(mode, sandbox)
    assert balance == sandbox.balance()
    assert balance.available == 123.5
    gets = sandbox.requests.matching("GET", CREDITS_PATH)
    assert len(gets) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_wrong_key_is_an_authentication_error_with_the_integer_code(
    mode: str, sandbox: Sandbox
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        credits_of(mode, sandbox, key="sk-wrong-key")
    assert caught.value.status_code == 401
    assert caught.value.code == 401  # this endpoint documents an integer code
    assert "sk-wrong-key" not in str(caught.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_transient_503_is_retried_like_any_get(mode: str, sandbox: Sandbox) -> None:
    sandbox.inject("503", path=CREDITS_PATH)
    assert credits_of(mode, sandbox).available == 123.5
    assert len(sandbox.requests.matching("GET", CREDITS_PATH)) == 2


def test_a_lasting_503_is_the_typed_error(sandbox: Sandbox) -> None:
    for _ in range(3):
        sandbox.inject("503", path=CREDITS_PATH)
    with pytest.raises(ServiceUnavailableError):
        credits_of("sync", sandbox)


def _mock(body: bytes, status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == CREDITS_PATH
        return httpx.Response(status, content=body)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": {"token": {}}}',
        b"[1, 2]",
        b"not json",
        b'{"success": false, "message": "nope"}',
    ],
)
def test_a_body_that_is_not_a_balance_is_malformed(body: bytes) -> None:
    with (
        # A read-only GET is retried on a malformed body: fast waits, not the default's 7 s.
        Client(
            "sk-test-key",
            base_url="http://127.0.0.1:1",
            transport=_mock(body),
            retrying=FAST_RETRY,
        ) as c,
        pytest.raises(MalformedResponseError),
    ):
        c.credits()


def test_the_read_is_bounded() -> None:
    body = json.dumps({"data": {}, "pad": "x" * 5000}).encode()
    with (
        Client(
            "sk-test-key",
            base_url="http://127.0.0.1:1",
            transport=_mock(body),
            max_response_bytes=1000,
            retrying=FAST_RETRY,
        ) as c,
        pytest.raises(ResponseTooLargeError),
    ):
        c.credits()


def _cli(
    args: list[str],
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    from mjprompt.cli import main

    for name in list(os.environ):
        if name.startswith(("EVOLINK_", "MJPROMPT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EVOLINK_API_KEY", sandbox.api_key)
    monkeypatch.setenv("EVOLINK_BASE_URL", sandbox.base_url)
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_credits_text_and_json(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(["credits"], sandbox, monkeypatch, capsys)
    assert code == 0
    assert out.splitlines()[0] == "available: 123.5 credits"
    assert "account:   123.5 credits left, 0 used" in out
    code, out, _ = _cli(["credits", "--json"], sandbox, monkeypatch, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["available"] == 123.5
    assert data["user"] == {"remaining_credits": 123.5, "used_credits": 0.0}
    assert data["token"]["unlimited_credits"] is False


def test_cli_credits_error_is_a_message_and_exit_1(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(4):
        sandbox.inject("503", path=CREDITS_PATH)
    code, out, err = _cli(["credits", "--retries", "0"], sandbox, monkeypatch, capsys)
    assert code == 1 and out == ""
    assert err.startswith("mjprompt: HTTP 503")
    assert "Traceback" not in err
