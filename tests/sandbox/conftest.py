"""Fixtures for the sandbox tests: a running sandbox, an httpx client on it, a fake clock,
a PNG reader, and a loopback receiver for callbacks. Everything binds 127.0.0.1 only."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"


class FakeClock:
    """A settable wall clock for SandboxConfig(clock=...)."""

    def __init__(self, start: float = 1_757_165_031.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with config overrides; all are stopped after the test."""
    started: list[Sandbox] = []

    def make(**overrides: Any) -> Sandbox:
        overrides.setdefault("task_duration", 0.3)
        sb = Sandbox(SandboxConfig(**overrides)).start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def client_for() -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(sb: Sandbox, key: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {sb.api_key if key is None else key}"}
        # trust_env=False: no proxy from the environment may catch loopback traffic.
        kw.setdefault("timeout", 5.0)
        c = httpx.Client(base_url=sb.base_url, headers=headers, trust_env=False, **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(sandbox: Sandbox, client_for: Callable[..., httpx.Client]) -> httpx.Client:
    return client_for(sandbox)


@pytest.fixture
def create() -> Callable[..., httpx.Response]:
    """POST a generation request with a default valid body."""

    def post(c: httpx.Client, prompt: str = "a red fox in snow", **fields: Any) -> httpx.Response:
        body: dict[str, Any] = {"model": "mj-v7", "prompt": prompt}
        body.update(fields)
        return c.post(GEN, json=body)

    return post


def wait_status(c: httpx.Client, task_id: str, statuses: set[str], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        body = c.get(f"/v1/tasks/{task_id}").json()
        if body["status"] in statuses or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


@pytest.fixture
def until_status() -> Callable[..., Any]:
    return wait_status


@attrs.frozen
class Png:
    width: int
    height: int
    bit_depth: int
    colour_type: int
    pixels: bytes  # the decompressed scanlines (filter byte + RGB per row)


def read_png(data: bytes) -> Png:
    """Parse a PNG strictly: signature, chunk CRCs, IHDR, IDAT size, IEND last."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "bad signature"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, payload))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, _c, _f, _i = struct.unpack(">IIBBBBB", chunks[0][1])
    pixels = zlib.decompress(b"".join(p for k, p in chunks if k == b"IDAT"))
    assert len(pixels) == height * (1 + 3 * width), "IDAT does not match IHDR"
    return Png(width, height, depth, colour, pixels)


@pytest.fixture
def png() -> Callable[[bytes], Png]:
    return read_png


class Receiver:
    """A loopback HTTP endpoint for callbacks that answers from a script of statuses."""

    def __init__(self, statuses: list[int], delays: list[float] | None = None) -> None:
        self.statuses = list(statuses)
        self.delays = list(delays or [])  # seconds to wait before answering hit 1, 2, ...
        self.hits: list[tuple[float, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.hits.append((time.monotonic(), dict(self.headers), body))
                    statuses = receiver.statuses
                    status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
                    delay = receiver.delays.pop(0) if receiver.delays else 0.0
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", receiver.url("/elsewhere"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(statuses: list[int], delays: list[float] | None = None) -> Receiver:
        r = Receiver(statuses, delays)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def pytest_configure(config: pytest.Config) -> None:
    # Each row of the decision table in docs/sandbox.md is covered by the tests marked
    # with its id; test_decision_table.py checks that every row has one.
    config.addinivalue_line("markers", "decision(*ids): sandbox decision rows this test covers")


SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "evolink-api.md"


@pytest.fixture(scope="session")
def spec_lines() -> list[str]:
    """The lines of shared/spec/evolink-api.md (the documentation the sandbox follows)."""
    if not SPEC.is_file():
        pytest.skip(f"the API fact sheet is not at {SPEC}")
    return SPEC.read_text(encoding="utf-8").splitlines()
