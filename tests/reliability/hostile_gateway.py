"""A hostile evolink gateway for the tests: the documented mj-v7 endpoints, served on
127.0.0.1 by a thread, misbehaving on demand the ways real gateways do.

It is written for the tests only and shares nothing with :mod:`mjprompt.sandbox` (a
real gateway would not either). It keeps the one promise a real gateway keeps — a POST
whose ``Idempotency-Key`` it has seen is answered with the task that key created — and
counts what costs money: ``tasks_created``.

Faults are queued per route (``"POST"``, ``"GET"`` for task queries, ``"FILE"`` for
result downloads) and consumed one per request; an empty queue answers normally:

- ``Lost()``            the POST creates the task, then the connection is dropped;
- ``Reply(status, body, headers)``  an answer (a POST answered this way creates nothing);
- ``Taken(reply)``      the POST creates the task, then the gateway answers ``reply``;
- ``Huge(size, gzip=False, chunked=False)``  a body of ``size`` bytes (endless when
  ``size`` is None), optionally gzip-compressed on the wire;
- ``Drip(interval)``    the status line and headers, then one byte every ``interval`` s;
- ``Deep(depth)``       a 200 whose JSON nests ``depth`` arrays;
- ``Redirect(location)``  a 302.

``statuses`` scripts the status of each query of a task (then ``completed``), ``results``
how many result links a completed task has, ``image`` what a result link serves.
"""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

GEN = "/v1/images/generations"
TASKS = "/v1/tasks/"
FILES = "/files/"


def png_bytes() -> bytes:
    """A whole 1×1 PNG (signature, IHDR, IDAT, IEND, every CRC right)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@attrs.frozen
class Lost:
    """Create the task, then drop the connection without an answer."""


@attrs.frozen
class Reply:
    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class Taken:
    """Create the task (or replay the key's), then answer ``reply`` anyway: a gateway or
    proxy that lies about the outcome."""

    reply: Reply


@attrs.frozen
class Huge:
    size: int | None  # None: endless
    gzip: bool = False
    chunked: bool = False
    status: int = 200


@attrs.frozen
class Drip:
    interval: float = 1.0
    total: int = 10_000
    status: int = 200


@attrs.frozen
class Deep:
    depth: int = 100_000


@attrs.frozen
class Redirect:
    location: str


Fault = Lost | Reply | Taken | Huge | Drip | Deep | Redirect


def error_body(code: str, message: str = "refused") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": "gateway_error"}}


class Gateway:
    """The gateway's state and its script; ``url`` once started (use as a context manager)."""

    def __init__(self, *, estimated_time: int = 1) -> None:
        self.lock = threading.Lock()
        self.faults: dict[str, list[Fault]] = {"POST": [], "GET": [], "FILE": []}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.posts: list[str | None] = []  # the Idempotency-Key of each POST
        self.queries = 0
        self.statuses: list[str] = []
        self.results = 1
        self.image: bytes = png_bytes()
        self.estimated_time = estimated_time
        self.seen_headers: list[dict[str, str]] = []
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # ----------------------------------------------------------------- script

    def script(self, route: str, *faults: Fault) -> Gateway:
        with self.lock:
            self.faults[route].extend(faults)
        return self

    def next_fault(self, route: str) -> Fault | None:
        with self.lock:
            queue = self.faults[route]
            return queue.pop(0) if queue else None

    @property
    def tasks_created(self) -> int:
        return len(self.tasks)

    # ------------------------------------------------------------------ tasks

    def create(self, key: str | None) -> tuple[dict[str, Any], bool]:
        """The task for this key (replayed) or a new one."""
        with self.lock:
            if key is not None and key in self.by_key:
                return self.task_json(self.by_key[key]), True
            task_id = f"task-unified-{1757000000 + len(self.tasks)}-hostile"
            self.tasks[task_id] = {"queries": 0, "statuses": list(self.statuses)}
            if key is not None:
                self.by_key[key] = task_id
            return self.task_json(task_id), False

    def task_json(self, task_id: str, status: str = "pending") -> dict[str, Any]:
        body: dict[str, Any] = {
            "created": 1757165031,
            "id": task_id,
            "model": "mj-v7",
            "object": "image.generation.task",
            "progress": 100 if status == "completed" else 0,
            "status": status,
            "task_info": {"can_cancel": True, "estimated_time": self.estimated_time},
            "type": "image",
        }
        if status == "completed":
            body["results"] = [f"{self.url}{FILES}{task_id}-{i}.png" for i in range(self.results)]
        return body

    def query(self, task_id: str) -> dict[str, Any] | None:
        with self.lock:
            task = self.tasks.get(task_id)
            self.queries += 1
            if task is None:
                return None
            task["queries"] += 1
            script = task["statuses"]
            status = script.pop(0) if script else "completed"
        return self.task_json(task_id, status)

    # ----------------------------------------------------------------- server

    def __enter__(self) -> Gateway:
        gateway = self

        class Handler(_Handler):
            pass

        Handler.gateway = gateway
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gateway: Gateway

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # -------------------------------------------------------------- plumbing

    def _send(self, status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _huge(self, fault: Huge) -> None:
        self.send_response(fault.status)
        self.send_header("Content-Type", "application/json")
        if fault.gzip:
            self.send_header("Content-Encoding", "gzip")
        if fault.chunked or fault.size is None or fault.gzip:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(fault.size))
        self.end_headers()
        chunked = fault.chunked or fault.size is None or fault.gzip
        try:
            for piece in _pieces(fault):
                if chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client hung up, as it should
            pass
        self.close_connection = True

    def _drip(self, fault: Drip) -> None:
        self.send_response(fault.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(fault.total))
        self.end_headers()
        try:
            for _ in range(fault.total):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(fault.interval)
        except OSError:
            pass
        self.close_connection = True

    def _fault(self, fault: Fault) -> bool:
        """Serve a scripted fault that needs no route logic; False for Lost/Reply."""
        if isinstance(fault, Huge):
            self._huge(fault)
        elif isinstance(fault, Drip):
            self._drip(fault)
        elif isinstance(fault, Deep):
            self._send(200, b"[" * fault.depth + b"]" * fault.depth)
        elif isinstance(fault, Redirect):
            self._send(302, {}, (("Location", fault.location),))
        else:
            return False
        return True

    # ---------------------------------------------------------------- routes

    def do_POST(self) -> None:
        gateway = self.gateway
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        gateway.seen_headers.append(dict(self.headers.items()))
        key = self.headers.get("Idempotency-Key")
        with gateway.lock:
            gateway.posts.append(key)
        if self.path != GEN:
            self._send(404, error_body("not_found"))
            return
        fault = gateway.next_fault("POST")
        if fault is not None and self._fault(fault):
            return
        if isinstance(fault, Reply):
            self._send(fault.status, fault.body, fault.headers)
            return
        task, replayed = gateway.create(key)
        if isinstance(fault, Taken):
            self._send(fault.reply.status, fault.reply.body, fault.reply.headers)
            return
        if isinstance(fault, Lost):
            self.close_connection = True  # the task exists; the answer never leaves
            return
        headers = (("Idempotency-Replayed", "true"),) if replayed else ()
        self._send(200, task, headers)

    def do_GET(self) -> None:
        gateway = self.gateway
        gateway.seen_headers.append(dict(self.headers.items()))
        if self.path.startswith(TASKS):
            fault = gateway.next_fault("GET")
            if fault is not None and self._fault(fault):
                return
            if isinstance(fault, Reply):
                self._send(fault.status, fault.body, fault.headers)
                return
            task = gateway.query(self.path[len(TASKS) :])
            if task is None:
                self._send(404, error_body("task_not_found", "no such task"))
            else:
                self._send(200, task)
        elif self.path.startswith(FILES):
            fault = gateway.next_fault("FILE")
            if fault is not None and self._fault(fault):
                return
            if isinstance(fault, Reply):
                self._send(fault.status, fault.body, fault.headers)
                return
            data = gateway.image
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self._send(404, error_body("not_found"))


def _pieces(fault: Huge) -> Iterator[bytes]:
    """The body of a Huge fault, 64 KiB at a time (gzip-compressed if asked)."""
    block = b"0" * 65536
    if not fault.gzip:
        sent = 0
        while fault.size is None or sent < fault.size:
            piece = block if fault.size is None else block[: fault.size - sent]
            sent += len(piece)
            yield piece
        return
    # A gzip bomb: `size` bytes of zeros compress about a thousandfold.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    sent = 0
    while fault.size is None or sent < fault.size:
        piece = block if fault.size is None else block[: fault.size - sent]
        sent += len(piece)
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


__all__ = [
    "FILES",
    "GEN",
    "TASKS",
    "Deep",
    "Drip",
    "Gateway",
    "Huge",
    "Lost",
    "Redirect",
    "Reply",
    "Taken",
    "error_body",
    "png_bytes",
]
