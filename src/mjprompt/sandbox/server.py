"""The HTTP side: a threaded standard-library server, the faults, and :class:`Sandbox`."""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import attrs

from ..evolink import Balance
from .app import Response, SandboxApp, endpoint_of, error_response
from .config import SandboxConfig
from .envelope import ApiError, http_error
from .faults import Fault, FaultKind, FaultPlan, fault_kind
from .jsonbody import BodyError, parse_json
from .recording import CallbackAttempt, Log, RecordedRequest, RequestLog
from .tasks import SandboxTask

__all__ = ["Sandbox"]

MAX_BODY = 1 << 20  # far above any valid request (a prompt is at most 8192 characters)
SLOW_DEFAULT = 1.0
MAX_LINGER = 16 << 20  # what is read and discarded after refusing an oversized request
MAX_RECORDED_PATH = 2048  # a longer path is recorded cut, with its length

_HTML_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: Sandbox

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    # Open connections are tracked so that stop() can close the idle keep-alive ones:
    # otherwise their handler threads would go on serving after the sandbox stopped.
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-request is normal here (faults provoke it): one line
        # in the request log, not a traceback on stderr.
        error = sys.exc_info()[1]
        self.sandbox._log(f"connection from {client_address[0]} ended: {error!r}")


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API gateway
    disable_nagle_algorithm = True  # headers and body are separate writes
    timeout = 75  # seconds an idle keep-alive connection is kept (nginx's default)
    server: _Server

    def version_string(self) -> str:
        return "mjprompt-sandbox"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> Any:
        # Any other method (`BREW`, `get`) is routed too, to get the 405 or 404 of its
        # path, instead of http.server's 501 for a method it has no do_* for (E02).
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the sandbox logs one line per request itself (config.log)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's answer to a malformed request (bad request line, URI over 64 KiB,
        too many headers, unknown HTTP version): the JSON envelope instead of an HTML
        page, always a 4xx (a malformed request is the client's fault), and recorded (E02).
        """
        status = int(code)
        if status >= 500:
            status = 400
        sb = self.server.sandbox
        method = getattr(self, "command", None) or "-"
        path = getattr(self, "path", None) or self.raw_requestline.decode("latin-1").strip()
        if len(path) > MAX_RECORDED_PATH:
            path = f"{path[:MAX_RECORDED_PATH]}... ({len(path)} characters)"
        headers = {k.lower(): v for k, v in getattr(self, "headers", {}).items()}
        index = sb._record(method, path, "", headers, None, None)
        reason = message or "malformed request"
        error = http_error(status, message=f"Bad request: {reason}")
        sb._finish(index, method, path, status, None)
        self.close_connection = True
        # An unreadable version leaves http.server's HTTP/0.9 default, which would send
        # the body without a status line; the answer is HTTP/1.1 whatever was asked.
        self.request_version = "HTTP/1.1"
        self._send(error_response(error), None)
        self._linger()

    def _handle(self) -> None:
        sb = self.server.sandbox
        try:
            split = urlsplit(self.path)
            path, query = split.path, split.query
        except ValueError:  # e.g. `//[x/`: not a URL at all; routed (to a 404) as it is
            path, query = self.path, ""
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = sb.faults.take(self.command, path)
        kind = fault.kind if fault is not None else None
        if kind == FaultKind.DROP_BEFORE:
            index = sb._record(self.command, path, query, headers, None, kind)
            sb._finish(index, self.command, path, None, kind)
            self._drop()
            return
        body, bad_body = self._read_body()
        index = sb._record(self.command, path, query, headers, body, kind)
        if bad_body is not None:
            response: Response | None = error_response(bad_body)
        else:
            try:
                response = self._respond(fault, path, headers, body)
            except Exception as e:  # a sandbox bug must not become a traceback
                sb._log(f"internal error on {self.command} {path}: {type(e).__name__}: {e}")
                response = error_response(http_error(500, endpoint_of(path)))
        status = None if response is None else response.status
        sb._finish(index, self.command, path, status, kind)
        if response is None:
            self._drop()
        else:
            self._send(response, kind)
            if bad_body is not None:
                self._linger()

    def _respond(
        self, fault: Fault | None, path: str, headers: dict[str, str], body: bytes
    ) -> Response | None:
        """The response to send, or None to close the connection without one."""
        app = self.server.sandbox._app
        if fault is None:
            return app.handle(self.command, path, headers, body)
        kind = fault.kind
        if kind.status is not None:
            return self._error_fault(fault, kind.status, path)
        if kind == FaultKind.HTML:
            return Response(fault.status or 502, _HTML_PAGE, "text/html")
        if kind == FaultKind.SLOW:
            app.stop_event.wait(SLOW_DEFAULT if fault.delay is None else fault.delay)
        response = app.handle(self.command, path, headers, body)
        if kind == FaultKind.STALL:
            # The request was handled (a POST did create its task); the answer never comes.
            hold = self.server.sandbox.config.stall_timeout if fault.delay is None else fault.delay
            app.stop_event.wait(hold)
            return None
        if kind == FaultKind.DROP_AFTER:
            return None
        return response

    def _error_fault(self, fault: Fault, default_status: int, path: str) -> Response:
        headers: tuple[tuple[str, str], ...] = ()
        if fault.retry_after is not None:
            seconds = fault.retry_after
            shown = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
            headers = (("Retry-After", shown),)
        error = http_error(fault.status or default_status, endpoint_of(path), headers=headers)
        return error_response(error)

    def _read_body(self) -> tuple[bytes, ApiError | None]:
        """The request body (Content-Length or chunked), or an error to answer with."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b"", None
        try:
            length = int(raw_length)
            if length < 0:
                raise ValueError(raw_length)
        except ValueError:
            self.close_connection = True
            return b"", http_error(400, message=f"Bad Content-Length {raw_length!r}")
        if length > MAX_BODY:
            self.close_connection = True  # the unread body would poison the connection
            return b"", http_error(413, message=f"The body is larger than {MAX_BODY} bytes")
        return self.rfile.read(length), None

    def _read_chunked(self) -> tuple[bytes, ApiError | None]:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(line, 16)
                if size < 0:
                    raise ValueError(line)
            except ValueError:
                self.close_connection = True
                return b"", http_error(400, message="Bad chunked encoding")
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailer fields
                    pass
                return bytes(body), None
            if len(body) + size > MAX_BODY:
                self.close_connection = True
                return b"", http_error(413, message=f"The body is larger than {MAX_BODY} bytes")
            body.extend(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk

    def _send(self, response: Response, kind: FaultKind | None) -> None:
        body = response.body
        declared = len(body)
        if kind == FaultKind.MALFORMED_JSON:
            body = body[: max(1, len(body) // 2)]
            declared = len(body)
        elif kind == FaultKind.TRUNCATE:
            body = body[: len(body) // 2]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(declared))
        self.send_header("X-Request-Id", self.server.sandbox._request_id())
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        try:
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True
            return
        if kind == FaultKind.TRUNCATE:
            self._drop()

    def _linger(self) -> None:
        """Half-close, then discard what the client still sends (at most 16 MiB, until it
        pauses for 2 s).

        Closing a socket with unread input makes the kernel reset the connection, and a
        client still sending its oversized body would lose the 4xx it was answered.
        """
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(2.0)
            left = MAX_LINGER
            while left > 0:
                chunk = self.connection.recv(min(65536, left))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _drop(self) -> None:
        """Close the connection with no (or no more) response."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Sandbox:
    """An offline emulator of the evolink ``mj-v7`` API, served in a background thread.

    See the package docstring for every knob. Use as a context manager, or call
    :meth:`start` and :meth:`stop`; the CLI uses :meth:`serve_forever`.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.requests = RequestLog()
        self.faults = FaultPlan()
        self._app = SandboxApp(self.config, lambda: self.base_url)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> Sandbox:
        """Bind and serve in a daemon thread; returns self. OSError if the port is taken."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        if self._app.stop_event.is_set():
            raise RuntimeError("a stopped sandbox cannot be restarted; create a new one")
        host = self.config.host
        cls = _Server6 if ":" in host else _Server
        server = cls((host, self.config.port), _Handler)
        server.sandbox = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._app.dispatcher.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake stalled handlers and pending callback retries, free the port."""
        server = self._server
        if server is None:
            return
        self._app.stop_event.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._app.dispatcher.join(5)
        self._server = None

    def __enter__(self) -> Sandbox:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self, duration: float | None = None) -> None:
        """Serve until ``duration`` seconds pass, :meth:`stop` is called, or Ctrl-C."""
        if self._server is None:
            self.start()
        try:
            self._app.stop_event.wait(duration)
        finally:
            self.stop()

    def request_stop(self) -> None:
        """Make :meth:`serve_forever` return (safe from a signal handler)."""
        self._app.stop_event.set()

    @property
    def running(self) -> bool:
        return self._server is not None

    # --- what clients need ---------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def base_url(self) -> str:
        host = self.config.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.config.api_key

    @property
    def loopback_only(self) -> bool:
        return _is_loopback_host(self.config.host)

    @property
    def callbacks(self) -> Log[CallbackAttempt]:
        """Every callback delivery attempt, in order."""
        return self._app.callbacks

    def tasks(self) -> list[SandboxTask]:
        """The tasks created so far (replays of an Idempotency-Key create none)."""
        return self._app.tasks.all()

    def balance(self) -> Balance:
        """The balance ``GET /v1/credits`` answers right now (decision B01)."""
        return self._app.balance()

    def task(self, task_id: str) -> dict[str, Any] | None:
        """The task-query body of a task right now, or None if unknown."""
        task = self._app.tasks.get(task_id)
        if task is None:
            return None
        return task.query_body(self.config.clock(), self._app.results_base)

    # --- faults --------------------------------------------------------------------
    def inject(
        self,
        kind: str | FaultKind,
        *,
        path: str | None = None,
        method: str | None = None,
        count: int | None = 1,
        every: int | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
        status: int | None = None,
    ) -> Fault:
        """Switch a fault on for the next ``count`` matching requests (None: until cleared).

        ``path`` is a path prefix (``"/v1/tasks/"``), ``method`` an HTTP method; see
        :class:`~mjprompt.sandbox.faults.FaultKind` for the kinds. Returns the fault
        (``fault.fired`` counts its firings; pass it to :meth:`clear_fault`).
        """
        fault = Fault(
            fault_kind(kind),
            path=path,
            method=method.upper() if method else None,
            count=count,
            every=every,
            retry_after=retry_after,
            delay=delay,
            status=status,
        )
        return self.faults.add(fault)

    def clear_fault(self, fault: Fault) -> None:
        self.faults.remove(fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    # --- used by the handler ---------------------------------------------------------
    def _record(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes | None,
        kind: FaultKind | None,
    ) -> int:
        """Log the request on arrival (so a stalled one is visible); its index, or -1."""
        if not self.config.record_requests:
            return -1
        parsed: Any = None
        if body:
            try:
                parsed = parse_json(body)
            except BodyError:  # recorded as bytes only; the answer says what is wrong
                parsed = None
        record = RecordedRequest(
            method,
            path,
            query,
            headers,
            body,
            parsed,
            time.monotonic(),
            None if kind is None else kind.value,
        )
        return self.requests.append(record)

    def _finish(
        self, index: int, method: str, path: str, status: int | None, kind: FaultKind | None
    ) -> None:
        if index >= 0:
            self.requests.replace(index, attrs.evolve(self.requests[index], status=status))
        shown = "-" if status is None else str(status)
        extra = f" [fault: {kind.value}]" if kind is not None else ""
        self._log(f"{method} {path} {shown}{extra}")

    def _log(self, line: str) -> None:
        if self.config.log is not None:
            self.config.log(line)

    def _request_id(self) -> str:
        with self._lock:
            return f"sandbox-{next(self._ids)}"
