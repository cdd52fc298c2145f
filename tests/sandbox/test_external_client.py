"""Somebody else's client (``external_client.py``: urllib, written from the docs only)
against the sandbox, unchanged but for the base URL.

It sends an extra field (``size``, as a popular third-party CLI does) and an unknown
prompt flag (``--hd``), polls every 3 s and downloads the results. The default
(``documented``) sandbox must serve it; the ``strict`` one refuses it exactly where the
decision table says (G08: unknown fields, P06: unknown flags).
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mjprompt.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
GEN = "/v1/images/generations"
PROMPT = "a lighthouse at dusk --ar 16:9 --hd"
EXTRA = {"size": "1024x1024"}
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    spec = importlib.util.spec_from_file_location("external_client", HERE / "external_client.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Standard library only: none of our code (nor httpx) helps it.
    tree = ast.parse((HERE / "external_client.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {
        "__future__"
    }
    return module


def flow(client: Any, out: Path, prompt: str = PROMPT, **extra: Any) -> list[Path]:
    """The external client's whole job, with its own assertions."""
    created = client.create(prompt, "fast", **extra)
    assert created["status"] == "pending"
    done = client.wait(created["id"])
    assert done["status"] == "completed"
    files = client.download(done, out)
    assert len(files) == 4
    assert all(f.read_bytes().startswith(PNG) for f in files)
    return list(files)


@pytest.mark.decision("G08", "P06")
def test_the_documented_sandbox_serves_it_with_a_3_second_poll(
    make_sandbox: Callable[..., Sandbox], clock: Any, ext: ModuleType, tmp_path: Path
) -> None:
    # The client's own sleep advances the sandbox's clock: it polls every 3 s of
    # sandbox time and the test takes no wall time at all.
    sb = make_sandbox(clock=clock, task_duration=10)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    client = ext.Client(sb.base_url, sb.api_key, sleep=sleep)
    files = flow(client, tmp_path, **EXTRA)
    assert slept == [3.0, 3.0, 3.0, 3.0]  # polls at 0, 3, 6, 9 s; done at 12 s
    assert len(sb.requests.matching("GET", "/v1/tasks/")) == 5
    (post,) = sb.requests.matching("POST", GEN)
    assert post.json["size"] == "1024x1024" and post.json["prompt"] == PROMPT
    assert sorted(f.name for f in files) == [f"{sb.tasks()[0].id}-{i}.png" for i in range(4)]


@pytest.mark.decision("G08", "P06")
@pytest.mark.parametrize(
    ("extra", "prompt", "decision", "fragment"),
    [
        (EXTRA, "a lighthouse at dusk --ar 16:9", "G08", "unknown field 'size'"),
        ({}, PROMPT, "P06", "`--hd`"),
    ],
)
def test_the_strict_sandbox_fails_it_where_the_table_says(
    make_sandbox: Callable[..., Sandbox],
    ext: ModuleType,
    tmp_path: Path,
    extra: dict[str, Any],
    prompt: str,
    decision: str,
    fragment: str,
) -> None:
    strict = make_sandbox(behaviour="strict", task_duration=0.05)
    client = ext.Client(strict.base_url, strict.api_key, poll_interval=0.02)
    with pytest.raises(ext.ApiError) as info:
        flow(client, tmp_path, prompt, **extra)
    assert info.value.status == 400 and fragment in info.value.error["message"], decision
    assert strict.tasks() == []
    # The same request, in the default behaviour: served.
    documented = make_sandbox(task_duration=0.05)
    client = ext.Client(documented.base_url, documented.api_key, poll_interval=0.02)
    assert len(flow(client, tmp_path, prompt, **extra)) == 4
    # Without the extra field and the unknown flag, the strict sandbox serves it too.
    client = ext.Client(strict.base_url, strict.api_key, poll_interval=0.02)
    assert len(flow(client, tmp_path, "a lighthouse at dusk --ar 16:9")) == 4


@pytest.fixture
def cli_sandbox() -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> str:
        cmd = [sys.executable, "-m", "mjprompt", "sandbox", "--quiet", "--exit-after", "60"]
        p = subprocess.Popen([*cmd, *args], stdout=subprocess.PIPE, text=True)
        procs.append(p)
        assert p.stdout is not None
        first = p.stdout.readline()
        assert first.startswith("sandbox listening on "), first
        return first.split()[-1]

    yield start
    for p in procs:
        p.terminate()
        p.wait(10)


@pytest.mark.slow
@pytest.mark.decision("G08", "P06")
def test_the_external_client_script_against_the_command(
    cli_sandbox: Callable[..., str], tmp_path: Path
) -> None:
    """The recipe of docs/sandbox.md, end to end: `mjprompt sandbox`, then the script."""
    script = [sys.executable, str(HERE / "external_client.py"), "--key", "sk-sandbox"]
    for behaviour, code in (("documented", 0), ("strict", 1)):
        url = cli_sandbox("--duration", "0.2", "--behaviour", behaviour)
        run = subprocess.run(
            [
                *script,
                "--base-url",
                url,
                "--poll",
                "0.05",
                "--out",
                str(tmp_path / behaviour),
                PROMPT,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == code, (behaviour, run.stderr)
        if code == 0:
            assert len(run.stdout.split()) == 4
        else:
            assert "HTTP 400: invalid_request" in run.stderr and "--hd" in run.stderr
