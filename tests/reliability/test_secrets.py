"""The API key never shows: one canary key, every CLI command and error path, every
place a key could leak to.

A random ``sk-canary-…`` key is the only key in play. Scanned for it (and for its
random part alone, in case a leak is cut or re-quoted):

- standard output and standard error of every command, run as a real process, on
  success and on each error path (bad key, refused connection, 5xx, lost answers,
  failed and never-ending tasks, cut downloads, bad task ids, bad callback URLs, lint
  errors, a key with a space), and the traceback ``MJPROMPT_DEBUG=1`` prints;
- every log record at DEBUG, of every logger (httpx and httpcore included), through a
  handler on the root logger, for the same paths run in this process;
- the message, ``repr`` and formatted traceback of every exception raised, with their
  chained causes;
- ``repr``/``str``/``vars`` of the clients, the pickling refusal;
- every file written to ``--out`` (images, sidecars, the journal);
- requests to anything but the API: image downloads carry no Authorization header;
- what a hostile server echoes back: a gateway that quotes the key in its error or in
  a task body does not get it printed, logged or saved.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import secrets
import threading
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import mjprompt
from mjprompt.client import AsyncClient, Client, EvolinkError, Polling, Retrying
from mjprompt.sandbox import Sandbox, SandboxConfig

TOKEN = secrets.token_hex(12)
CANARY = f"sk-canary-{TOKEN}"
NEEDLES = (CANARY, TOKEN, TOKEN[4:16])
GEN = "/v1/images/generations"


def assert_clean(text: str | bytes, where: str) -> None:
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    for needle in NEEDLES:
        assert needle not in data, f"the key leaked into {where}"


def assert_folder_clean(folder: Path) -> int:
    files = [p for p in folder.rglob("*") if p.is_file()]
    for path in files:
        assert_clean(path.read_bytes(), str(path))
    return len(files)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    config = SandboxConfig(api_key=CANARY, task_duration=0.2, stall_timeout=2.0)
    with Sandbox(config) as sb:
        yield sb


@pytest.fixture
def other_sandbox() -> Iterator[Sandbox]:
    """A sandbox that accepts another key: the canary gets 401."""
    with Sandbox(SandboxConfig(task_duration=0.2)) as sb:
        yield sb


def _closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class EchoHandler(BaseHTTPRequestHandler):
    """A hostile gateway: quotes the Authorization header back, in errors and in tasks."""

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        auth = self.headers.get("Authorization", "")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith("/v1/tasks/"):
            body = {
                "id": self.path.rsplit("/", 1)[1],
                "status": "failed",
                "error": {"code": "unknown_error", "message": f"bad {auth}", "type": "x"},
            }
            status = 200
        else:
            body = {"error": {"code": "invalid_api_key", "message": f"no: {auth}", "type": "x"}}
            status = 401
        data = json.dumps(body).replace("/", "\\/").encode()
        self.send_response(status, f"Denied {auth}")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", auth)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------- helpers


def _env(base_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVOLINK_", "MJPROMPT_"))}
    env.update({"EVOLINK_API_KEY": CANARY, "EVOLINK_BASE_URL": base_url, **extra})
    return env


class Records(logging.Handler):
    """Every record, formatted as a handler would write it (traceback included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.args))
        self.texts.append(repr(record.__dict__))


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    names = ("httpx", "httpcore", "mjprompt", "asyncio")
    saved = root.level, {n: logging.getLogger(n).level for n in names}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def _exception_texts(exc: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # hidden causes too
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        current = current.__cause__ or current.__context__
    return texts


def _task(sb: Sandbox, prompt: str) -> str:
    with Client(CANARY, base_url=sb.base_url) as client:
        return client.submit(prompt).id


# --------------------------------------------------------------------- in this process


def test_commands_and_error_paths_in_process(
    sandbox: Sandbox,
    other_sandbox: Sandbox,
    echo_server: str,
    tmp_path: Path,
    records: Records,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every command and error path through ``mjprompt.cli.main``: outputs and logs."""
    from mjprompt.cli import main

    done = _task(sandbox, "a red apple --seed 1")
    never = _task(sandbox, "a red apple sandbox-never")
    prompts = tmp_path / "p.prompts"
    prompts.write_text("a red apple\na green pear\n", encoding="utf-8")
    sb, other, echo, closed = sandbox.base_url, other_sandbox.base_url, echo_server, _closed_port()
    out = tmp_path / "out"
    runs: list[tuple[list[str], str, set[int]]] = [
        (["check", "-p", "a cat \u2013ar 2:3"], sb, {1}),
        (["fix", "-p", "a cat \u2013ar 2:3"], sb, {1}),
        (["format", "-p", "a  cat"], sb, {0}),
        (["expand", "a {b, c}"], sb, {0}),
        (["rules"], sb, {0}),
        (["explain", "MJ101"], sb, {0}),
        (["payload", "a cat"], sb, {0}),
        (["payload", "a cat \u2013ar 2:3"], sb, {1}),
        (["payload", "a", "--callback-url", "https://127.0.0.1/x"], sb, {2}),
        (["submit", "a cat"], sb, {0}),
        (["submit", "a cat", "--json"], sb, {0}),
        (["submit", "a cat"], other, {1}),  # 401
        (["submit", "a cat", "--retries", "0"], closed, {1}),  # refused
        (["submit", "a cat", "--retries", "0"], echo, {1}),  # the gateway quotes the key
        (["status", done], sb, {0}),
        (["status", done, "--json"], sb, {0}),
        (["status", "nope"], sb, {2}),
        (["status", "task-unified-1-unknown"], sb, {1}),
        (["status", "task-unified-1-echo", "--json"], echo, {1}),
        (["wait", done, "--out", str(out / "wait"), "--json"], sb, {0}),
        (["wait", never, "--timeout", "0.3"], sb, {1}),
        (["generate", "a cat", "--out", str(out / "one")], sb, {0}),
        (["generate", "--file", str(prompts), "--out", str(out / "file"), "--json"], sb, {0}),
        (["generate", "a sandbox-fail cat", "--out", str(out / "failed")], sb, {1}),
        (["generate", "a cat", "--out", str(out / "refused")], other, {1}),
        (["generate", "a cat", "--out", str(out / "echo"), "--retries", "0"], echo, {1}),
    ]
    for name in list(os.environ):
        if name.startswith(("EVOLINK_", "MJPROMPT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EVOLINK_API_KEY", CANARY)
    faults = {
        "server_error": {"path": GEN, "method": "POST"},
        "stall": {"path": GEN, "method": "POST", "delay": 0.5},
        "truncate": {"path": "/files/", "count": None},
    }
    for kind in faults:  # error paths of a journaled batch
        runs.append((["generate", "--file", str(prompts), "--out", str(out / kind)], sb, {1}))
    for args, base_url, codes in runs:
        monkeypatch.setenv("EVOLINK_BASE_URL", base_url)
        kind = args[-1].rsplit("/", 1)[-1] if args[0] == "generate" else ""
        if kind in faults:
            sandbox.clear_faults()
            sandbox.inject(kind, **faults[kind])
        capsys.readouterr()
        try:
            code = main(args)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        stdout, stderr = capsys.readouterr()
        assert code in codes, (args, code, stderr)
        assert "Traceback" not in stdout + stderr
        assert_clean(stdout + stderr, f"the output of mjprompt {' '.join(args)}")
    sandbox.clear_faults()
    assert len(records.texts) > 50  # DEBUG records were produced, and scanned
    for text in records.texts:
        assert_clean(text, "a log record")
    assert assert_folder_clean(out) > 20
    downloads = sandbox.requests.matching("GET", "/files/")
    assert downloads
    assert all(r.header("authorization") is None for r in downloads)


# --------------------------------------------------------------------- the library


def test_library_errors_reprs_and_logs(
    sandbox: Sandbox,
    other_sandbox: Sandbox,
    echo_server: str,
    tmp_path: Path,
    records: Records,
) -> None:
    texts: list[str] = []
    fast = {
        "retrying": Retrying(attempts=2, base=0.01, cap=0.02),
        "polling": Polling(minimum=0.05, maximum=0.1, first_default=0.05),
        "timeout": 0.3,
    }

    def expect_error(call: Callable[[], object]) -> None:
        with pytest.raises((EvolinkError, ValueError)) as info:
            call()
        texts.extend(_exception_texts(info.value))

    with Client(CANARY, base_url=sandbox.base_url, **fast) as client:
        texts += [repr(client), str(client), repr(vars(client)), repr(client._key)]
        with pytest.raises(TypeError) as refused:
            pickle.dumps(client._key)
        texts.append(str(refused.value))
        task = client.wait(client.submit("a red apple"), timeout=5)
        client.download(task, tmp_path / "lib", prompt="a red apple")
        expect_error(lambda: client.get("nope"))
        expect_error(lambda: client.get("task-unified-1-unknown"))
        expect_error(lambda: client.generate("a sandbox-fail apple", timeout=5))
        expect_error(lambda: client.wait(client.submit("a sandbox-never apple"), timeout=0.2))
        for kind, options in (
            ("server_error", {}),
            ("stall", {"delay": 1.0}),
            ("malformed_json", {}),
            ("html", {}),
        ):
            sandbox.inject(kind, path=GEN, method="POST", **options)
            expect_error(lambda: client.submit("a red apple"))
        sandbox.inject("truncate", path="/files/", count=None)
        expect_error(lambda: client.download(task, tmp_path / "cut"))
        sandbox.clear_faults()
    for url in (other_sandbox.base_url, _closed_port(), echo_server):
        with Client(CANARY, base_url=url, **fast) as client:
            expect_error(lambda: client.submit("a red apple"))
            expect_error(lambda: client.wait("task-unified-1-echo", timeout=2))

    async def run_async() -> None:
        async with AsyncClient(CANARY, base_url=echo_server, **fast) as client:
            texts.extend([repr(client), str(client), repr(vars(client))])
            with pytest.raises(EvolinkError) as info:
                await client.submit("a red apple")
            texts.extend(_exception_texts(info.value))

    asyncio.run(run_async())
    expect_error(lambda: Client(CANARY + " x", base_url=sandbox.base_url))
    expect_error(lambda: Client(CANARY + "\u00e9", base_url=sandbox.base_url))
    expect_error(lambda: Client(CANARY, base_url="http://example.com"))
    expect_error(lambda: mjprompt.build_payload("a cat \u2013ar 2:3"))
    assert len(texts) > 40
    for text in texts:
        assert_clean(text, "an exception, repr or message")
    for text in records.texts:
        assert_clean(text, "a log record")
    assert assert_folder_clean(tmp_path) >= 5


# --------------------------------------------------------------------- real processes


def test_real_processes_and_debug_tracebacks(
    cli: Callable[..., Any], sandbox: Sandbox, tmp_path: Path
) -> None:
    """As a user runs it: separate processes, MJPROMPT_DEBUG=1 tracebacks included."""
    prompts = tmp_path / "p.prompts"
    prompts.write_text("a red apple\n", encoding="utf-8")
    out = tmp_path / "out"
    env = _env(sandbox.base_url)
    runs = [
        cli("generate", "--file", str(prompts), "--out", str(out), env=env),
        cli("demo", "--out", str(out / "demo"), "--duration", "0.2", env=env),
        cli("sandbox", "--exit-after", "0.3", "--quiet", env=env),
        cli(
            "status", "task-unified-1-x", env=_env(sandbox.base_url, EVOLINK_API_KEY=CANARY + " x")
        ),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0, 2]
    # An unexpected failure with MJPROMPT_DEBUG=1 prints a real traceback: the key is
    # not in it either (sitecustomize makes the task parser fail inside the client).
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        "import mjprompt.client._core as core\n"
        "def boom(*args, **kwargs):\n"
        "    raise RuntimeError('injected failure')\n"
        "core.task_from = boom\n",
        encoding="utf-8",
    )
    debug = _env(sandbox.base_url, MJPROMPT_DEBUG="1", PYTHONPATH=str(hooks))
    run = cli("submit", "a red apple", env=debug, allow_traceback=True)
    assert run.returncode == 1
    assert "Traceback" in run.stderr
    assert "injected failure" in run.stderr
    runs.append(run)
    quiet = _env(sandbox.base_url, PYTHONPATH=str(hooks))
    run = cli("submit", "a red apple", env=quiet, allow_traceback=True)
    assert "internal error: RuntimeError: injected failure" in run.stderr
    runs.append(run)
    for run in runs:
        assert_clean(run.stdout + run.stderr, f"the output of mjprompt {' '.join(run.args)}")
    assert assert_folder_clean(tmp_path) >= 10
