"""The HTTP side: a threaded standard-library server, the faults, and :class:`Sandbox`."""

from __future__ import annotations

import ipaddress
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .app import Response, SandboxApp, endpoint_of, error_response
from .config import SandboxConfig
from .envelope import http_error
from .faults import Fault, FaultKind, FaultPlan, fault_kind
from .recording import CallbackAttempt, Log, RecordedRequest, RequestLog
from .tasks import SandboxTask

__all__ = ["Sandbox"]

MAX_BODY = 1 << 20  # far above any valid request (a prompt is at most 8192 characters)
SLOW_DEFAULT = 1.0

_HTML_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: Sandbox


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API gateway
    disable_nagle_algorithm = True  # headers and body are separate writes
    server: _Server

    def version_string(self) -> str:
        return "mjprompt-sandbox"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the sandbox logs one line per request itself (config.log)

    def _handle(self) -> None:
        sb = self.server.sandbox
        split = urlsplit(self.path)
        path, query = split.path, split.query
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = sb.faults.take(self.command, path)
        kind = fault.kind if fault is not None else None
        if kind == FaultKind.DROP_BEFORE:
            sb._record(self.command, path, query, headers, None, kind, None)
            self._drop()
            return
        body, too_large = self._read_body()
        index = sb._record(self.command, path, query, headers, body, kind, None)
        response: Response | None
        if too_large is not None:
            response = error_response(too_large)
        elif fault is not None and kind is not None and kind.status is not None:
            response = self._error_fault(fault, kind.status, path)
        elif kind == FaultKind.HTML:
            response = Response(fault.status or 502 if fault else 502, _HTML_PAGE, "text/html")
        elif kind == FaultKind.STALL:
            assert fault is not None
            sb._app.handle(self.command, path, headers, body)  # a POST does create the task
            hold = sb.config.stall_timeout if fault.delay is None else fault.delay
            sb._app.stop_event.wait(hold)
            response = None
        else:
            if kind == FaultKind.SLOW:
                assert fault is not None
                sb._app.stop_event.wait(SLOW_DEFAULT if fault.delay is None else fault.delay)
            response = sb._app.handle(self.command, path, headers, body)
            if kind == FaultKind.DROP_AFTER:
                response = None
        status = None if response is None else response.status
        sb._finish(index, status, kind)
        if response is None:
            self._drop()
        else:
            self._send(response, kind)

    def _error_fault(self, fault: Fault, default_status: int, path: str) -> Response:
        headers: tuple[tuple[str, str], ...] = ()
        if fault.retry_after is not None:
            seconds = fault.retry_after
            shown = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
            headers = (("Retry-After", shown),)
        error = http_error(fault.status or default_status, endpoint_of(path), headers=headers)
        return error_response(error)

    def _read_body(self) -> tuple[bytes | None, Any]:
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b"", None
        try:
            length = int(raw_length)
        except ValueError:
            self.close_connection = True
            return None, http_error(400, message=f"Bad Content-Length {raw_length!r}")
        if length > MAX_BODY:
            self.close_connection = True  # the unread body would poison the connection
            return None, http_error(413, message=f"The body is larger than {MAX_BODY} bytes")
        return self.rfile.read(length), None

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
        status: int | None,
    ) -> int:
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError):
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
            status,
        )
        return self.requests.append(record)

    def _finish(self, index: int, status: int | None, kind: FaultKind | None) -> None:
        record = self.requests[index]
        self.requests.replace(index, _with_status(record, status))
        log = self.config.log
        if log is not None:
            shown = "-" if status is None else str(status)
            extra = f" [fault: {kind.value}]" if kind is not None else ""
            log(f"{record.method} {record.path} {shown}{extra}")

    def _request_id(self) -> str:
        with self._lock:
            return f"sandbox-{next(self._ids)}"


def _with_status(record: RecordedRequest, status: int | None) -> RecordedRequest:
    import attrs

    return attrs.evolve(record, status=status)
