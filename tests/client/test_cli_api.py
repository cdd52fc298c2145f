"""The real CLI (a subprocess) against the sandbox on a free loopback port: payload,
submit, status, wait, generate (one prompt, a file, faults, failures, a run killed and
resumed) and demo. Exit codes 0/1/2, no tracebacks, the key never printed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
KEY = "sk-cli-test-SECRET-4242"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=0.3, api_key=KEY, stall_timeout=5.0)) as sb:
        yield sb


def _env(sandbox: Sandbox | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVOLINK_", "MJPROMPT_"))}
    if sandbox is not None:
        env["EVOLINK_API_KEY"] = sandbox.api_key
        env["EVOLINK_BASE_URL"] = sandbox.base_url
    env.update(extra)
    return env


def cli(
    *args: str,
    sandbox: Sandbox | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mjprompt", *args],
        capture_output=True,
        text=True,
        env=env if env is not None else _env(sandbox),
        input=stdin,
        timeout=60,
        cwd=cwd,
        check=False,
    )
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert KEY not in stream
    return result


class InProcess:
    """``mjprompt.cli.main`` in this process: for the quick checks (argument handling,
    payloads, exit codes), where a subprocess would only add start-up time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        from mjprompt.cli import main

        for name in list(os.environ):
            if name.startswith(("EVOLINK_", "MJPROMPT_")):
                self.monkeypatch.delenv(name)
        for name, value in (env or {}).items():
            self.monkeypatch.setenv(name, value)
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits 2 on a bad option value
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = self.capsys.readouterr()
        assert "Traceback" not in out + err
        assert KEY not in out + err
        return subprocess.CompletedProcess(list(args), code, out, err)


@pytest.fixture
def inproc(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> InProcess:
    return InProcess(monkeypatch, capsys)


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    return {"EVOLINK_API_KEY": sandbox.api_key, "EVOLINK_BASE_URL": sandbox.base_url, **extra}


def posts(sandbox: Sandbox) -> list[Any]:
    return sandbox.requests.matching("POST", GEN)


def images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".png")


# ------------------------------------------------------------------------- payload


def test_payload_prints_the_body() -> None:
    result = cli("payload", "a cat --ar 2:3 --turbo --v 7", "--callback-url", "https://e.com/h")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "model": "mj-v7",
        "prompt": "a cat --ar 2:3",
        "model_params": {"speed": "turbo"},
        "callback_url": "https://e.com/h",
    }


def test_payload_from_stdin_and_speed_option(inproc: InProcess) -> None:
    result = inproc("payload", "-", "--speed", "draft", stdin="a cat\n")
    assert json.loads(result.stdout) == {
        "model": "mj-v7",
        "prompt": "a cat",
        "model_params": {"speed": "draft"},
    }


def test_payload_refuses_lint_errors(inproc: InProcess) -> None:
    result = inproc("payload", "a cat \u2013ar 2:3")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "<prompt>:1:7: MJ101 error" in result.stderr  # the label of `check -p` too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["payload", "a cat", "--callback-url", "https://127.0.0.1/h"], "loopback"),
        (["payload", "a cat", "--speed", "relax"], "invalid choice"),
        (["payload", "a cat --turbo", "--speed", "fast"], "contradicts"),
    ],
)
def test_payload_bad_arguments(inproc: InProcess, args: list[str], message: str) -> None:
    result = inproc(*args)
    assert result.returncode in (1, 2)
    assert message in result.stderr


def test_payload_does_not_import_httpx() -> None:
    code = (
        "import sys; from mjprompt.cli import main; main(['payload', 'a cat']);"
        "sys.exit(3 if 'httpx' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0


# ----------------------------------------------------------- submit, status, wait


def test_submit_status_wait(inproc: InProcess, sandbox: Sandbox, tmp_path: Path) -> None:
    result = cli("submit", "a red apple --fast", sandbox=sandbox)
    assert result.returncode == 0, result.stderr
    task_id = result.stdout.strip()
    assert task_id.startswith("task-unified-")
    (post,) = posts(sandbox)
    assert post.json == {
        "model": "mj-v7",
        "prompt": "a red apple",
        "model_params": {"speed": "fast"},
    }
    assert post.header("authorization") == f"Bearer {KEY}"

    status = cli("status", task_id, sandbox=sandbox)
    assert status.returncode == 0
    assert status.stdout.startswith(f"{task_id}: ")

    waited = cli("wait", task_id, "--out", str(tmp_path), sandbox=sandbox)
    assert waited.returncode == 0, waited.stderr
    assert len(images(tmp_path)) == 4
    assert waited.stdout.split() == [str(p) for p in images(tmp_path)]
    assert f"{task_id}: completed 100%" in waited.stderr  # plain progress lines (no TTY)

    as_json = json.loads(inproc("status", task_id, "--json", env=sandbox_env(sandbox)).stdout)
    assert as_json["status"] == "completed" and len(as_json["results"]) == 4
    assert len(posts(sandbox)) == 1


def test_submit_json(inproc: InProcess, sandbox: Sandbox) -> None:
    result = inproc("submit", "a red apple", "--json", env=sandbox_env(sandbox))
    assert json.loads(result.stdout)["status"] in ("pending", "processing")


def test_failed_task_status_and_wait(sandbox: Sandbox) -> None:
    task_id = cli(
        "submit", "a red apple sandbox-fail:service_error", sandbox=sandbox
    ).stdout.strip()
    waited = cli("wait", task_id, sandbox=sandbox)
    assert waited.returncode == 1
    assert "service_error" in waited.stderr
    status = cli("status", task_id, sandbox=sandbox)
    assert status.returncode == 1
    assert "failed" in status.stdout


def test_wait_timeout(inproc: InProcess, sandbox: Sandbox) -> None:
    env = sandbox_env(sandbox)
    task_id = inproc("submit", "a red apple sandbox-never", env=env).stdout.strip()
    result = inproc("wait", task_id, "--timeout", "1", env=env)
    assert result.returncode == 1
    assert "did not finish within 1 s" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "nope"], "task-unified-"),
        (["wait", "task-unified-x y"], "unexpected character"),
        (["generate"], "either a prompt or --file"),
        (["generate", "a cat", "--file", "x.txt"], "either a prompt or --file"),
        (["generate", "--file", "missing.txt"], "no such file"),
        (["generate", "a cat", "--concurrency", "0"], ">= 1"),
        (["generate", "a cat", "--callback-url", "http://e.com/h"], "https"),
    ],
)
def test_usage_errors_exit_2(
    sandbox: Sandbox, args: list[str], message: str, tmp_path: Path
) -> None:
    result = cli(*args, sandbox=sandbox, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(sandbox.requests) == 0


def test_missing_key_exits_2(inproc: InProcess, sandbox: Sandbox) -> None:
    result = inproc("status", "task-unified-1-abc", env={"EVOLINK_BASE_URL": sandbox.base_url})
    assert result.returncode == 2
    assert "EVOLINK_API_KEY" in result.stderr


def test_wrong_key_exits_1_without_showing_it(inproc: InProcess, sandbox: Sandbox) -> None:
    env = sandbox_env(sandbox, EVOLINK_API_KEY="sk-wrong-SECRET-9999")
    result = inproc("status", "task-unified-1-abc", env=env)
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr
    assert "sk-wrong-SECRET-9999" not in result.stderr + result.stdout


def test_unreachable_api_exits_1(inproc: InProcess) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"EVOLINK_API_KEY": KEY, "EVOLINK_BASE_URL": f"http://127.0.0.1:{port}"}
    result = inproc("status", "task-unified-1-abc", "--retries", "0", env=env)
    assert result.returncode == 1
    assert "cannot connect" in result.stderr


# ------------------------------------------------------------------------ generate


def test_generate_one_prompt(sandbox: Sandbox, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("generate", "a red apple --ar 2:1", "--out", str(out), sandbox=sandbox)
    assert result.returncode == 0, result.stderr
    files = images(out)
    assert len(files) == 4
    assert result.stdout.split() == [str(p) for p in files]
    (sidecar,) = out.glob("task-unified-*.json")
    data = json.loads(sidecar.read_text())
    assert data["prompt"] == "a red apple --ar 2:1"
    assert data["payload"] == {"model": "mj-v7", "prompt": "a red apple --ar 2:1"}
    assert not (out / "mjprompt-journal.jsonl").exists()


def test_generate_json(inproc: InProcess, sandbox: Sandbox, tmp_path: Path) -> None:
    env = sandbox_env(sandbox)
    result = inproc("generate", "a red apple", "--out", str(tmp_path), "--json", env=env)
    data = json.loads(result.stdout)
    assert data["status"] == "saved"
    assert len(data["files"]) == 4 and all(Path(f).exists() for f in data["files"])


def test_generate_failed_task_exits_1(sandbox: Sandbox, tmp_path: Path) -> None:
    result = cli(
        "generate",
        "a red apple sandbox-fail:content_policy_violation",
        "--out",
        str(tmp_path),
        sandbox=sandbox,
    )
    assert result.returncode == 1
    assert "content_policy_violation" in result.stderr
    assert images(tmp_path) == []


def test_generate_timeout_exits_1(sandbox: Sandbox, tmp_path: Path) -> None:
    result = cli(
        "generate",
        "a red apple sandbox-never",
        "--out",
        str(tmp_path),
        "--timeout",
        "1",
        sandbox=sandbox,
    )
    assert result.returncode == 1
    assert "timeout" in result.stderr


@pytest.mark.parametrize(
    ("fault", "options", "code", "post_count"),
    [
        ("rate_limit", {"retry_after": 0.2}, 0, 2),
        ("unavailable", {}, 0, 2),
        ("server_error", {}, 1, 1),
        ("drop_after", {}, 1, 1),
        ("malformed_json", {}, 1, 1),
    ],
)
def test_generate_with_post_faults(
    inproc: InProcess,
    sandbox: Sandbox,
    tmp_path: Path,
    fault: str,
    options: dict[str, Any],
    code: int,
    post_count: int,
) -> None:
    sandbox.inject(fault, path=GEN, method="POST", **options)
    result = inproc("generate", "a red apple", "--out", str(tmp_path), env=sandbox_env(sandbox))
    assert result.returncode == code, result.stderr
    assert len(posts(sandbox)) == post_count
    assert len(images(tmp_path)) == (4 if code == 0 else 0)


def test_generate_with_query_and_download_faults(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.inject("server_error", path="/v1/tasks/", count=1)
    sandbox.inject("drop_before", path="/v1/tasks/", count=1)
    sandbox.inject("truncate", path="/files/", count=2)
    result = cli("generate", "a red apple", "--out", str(tmp_path), sandbox=sandbox)
    assert result.returncode == 0, result.stderr
    assert len(images(tmp_path)) == 4
    assert not list(tmp_path.glob(".*.part"))


def _write_prompts(path: Path, prompts: list[str]) -> None:
    path.write_text("# prompts\n\n" + "\n".join(prompts) + "\n", encoding="utf-8")


def test_generate_file_with_lint_errors_submits_nothing(
    inproc: InProcess, sandbox: Sandbox, tmp_path: Path
) -> None:
    prompts = tmp_path / "p.txt"
    _write_prompts(prompts, ["a red apple", "  a cat \u2013ar 2:3", "a green pear"])
    args = ["generate", "--file", str(prompts), "--out", str(tmp_path / "o")]
    result = inproc(*args, env=sandbox_env(sandbox))
    assert result.returncode == 1
    assert f"{prompts}:4:9: MJ101" in result.stderr
    assert "nothing was submitted" in result.stderr
    assert len(sandbox.requests) == 0


def test_generate_file_jsonl_and_json_output(sandbox: Sandbox, tmp_path: Path) -> None:
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('"a red apple"\n{"prompt": "a green pear", "id": 7}\n', encoding="utf-8")
    out = tmp_path / "o"
    result = cli("generate", "--file", str(prompts), "--out", str(out), "--json", sandbox=sandbox)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["label"] for d in data] == [f"{prompts}:1", f"{prompts}:2"]
    assert [d["status"] for d in data] == ["saved", "saved"]
    assert len(images(out)) == 8


def _journal_events(out: Path) -> list[dict[str, Any]]:
    path = out / "mjprompt-journal.jsonl"
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):  # a line being written right now
            events.append(json.loads(line))
    return events


def _wait_for(predicate: Any, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


@pytest.mark.parametrize(("concurrency", "created_before_kill"), [(1, 1), (3, 3)])
def test_killed_run_resumes_without_duplicate_posts(
    tmp_path: Path, concurrency: int, created_before_kill: int
) -> None:
    prompts = ["a red apple --seed 1", "a green pear --seed 2", "a yellow lemon --seed 3"]
    with Sandbox(SandboxConfig(task_duration=1.0, api_key=KEY)) as sandbox:
        file = tmp_path / "prompts.txt"
        _write_prompts(file, prompts)
        out = tmp_path / "out"
        args = [
            "generate",
            "--file",
            str(file),
            "--out",
            str(out),
            "--concurrency",
            str(concurrency),
        ]
        proc = subprocess.Popen(
            [sys.executable, "-m", "mjprompt", *args],
            env=_env(sandbox),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(
                lambda: (
                    sum(e["event"] == "created" for e in _journal_events(out))
                    >= created_before_kill
                )
            )
        finally:
            proc.kill()  # SIGKILL: no cleanup, as in a crash
            proc.wait(10)
        assert images(out) == []  # killed before any task completed
        before = len(posts(sandbox))
        assert before == created_before_kill

        result = cli(*args, sandbox=sandbox)
        assert result.returncode == 0, result.stderr
        assert "resuming" in result.stderr
        sent = Counter(p.json["prompt"] for p in posts(sandbox))
        assert sent == Counter(prompts)  # every prompt posted exactly once, over both runs
        assert len(sandbox.tasks()) == 3
        assert len(images(out)) == 12
        assert len(list(out.glob("task-unified-*.json"))) == 3
        saved = [e for e in _journal_events(out) if e["event"] == "saved"]
        assert len(saved) == 3

        again = cli(*args, sandbox=sandbox)  # a third run has nothing left to do
        assert again.returncode == 0
        assert len(posts(sandbox)) == 3
        assert len(again.stdout.split()) == 12


def test_interrupted_submission_is_not_resent_unless_asked(tmp_path: Path) -> None:
    with Sandbox(SandboxConfig(task_duration=0.3, api_key=KEY, stall_timeout=30.0)) as sandbox:
        file = tmp_path / "prompts.txt"
        _write_prompts(file, ["a red apple"])
        out = tmp_path / "out"
        args = ["generate", "--file", str(file), "--out", str(out)]
        sandbox.inject("stall", path=GEN, method="POST", delay=30.0)
        proc = subprocess.Popen(
            [sys.executable, "-m", "mjprompt", *args],
            env=_env(sandbox),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(lambda: len(posts(sandbox)) == 1)
        finally:
            proc.kill()
            proc.wait(10)
        first_key = posts(sandbox)[0].header("idempotency-key")
        assert [e["event"] for e in _journal_events(out)] == ["submitting"]

        result = cli(*args, sandbox=sandbox)
        assert result.returncode == 1
        assert "--resubmit-unknown" in result.stderr
        assert len(posts(sandbox)) == 1

        result = cli(*args, "--resubmit-unknown", sandbox=sandbox)
        assert result.returncode == 0, result.stderr
        assert len(posts(sandbox)) == 2
        assert posts(sandbox)[1].header("idempotency-key") == first_key
        assert len(images(out)) == 4


def test_a_second_concurrent_run_is_refused(
    inproc: InProcess, sandbox: Sandbox, tmp_path: Path
) -> None:
    from mjprompt.client.journal import Journal

    file = tmp_path / "prompts.txt"
    _write_prompts(file, ["a red apple"])
    out = tmp_path / "out"
    with Journal.open(out):  # another run holds the lock (flock is per open file)
        args = ["generate", "--file", str(file), "--out", str(out)]
        result = cli(*args, sandbox=sandbox)
    assert result.returncode == 2
    assert "in use" in result.stderr
    assert len(sandbox.requests) == 0


# ---------------------------------------------------------------------------- demo


def test_demo_needs_no_key(tmp_path: Path) -> None:
    result = cli("demo", "--out", str(tmp_path / "demo"), "--duration", "0.3", env=_env(None))
    assert result.returncode == 0, result.stderr
    files = images(tmp_path / "demo")
    assert len(files) == 4
    assert "sandbox listening on http://127.0.0.1:" in result.stderr
    assert result.stdout.split() == [str(p) for p in files]
