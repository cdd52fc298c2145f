"""Shared helpers of the reliability tests (importlib mode: conftest modules are not
importable, so the helpers are handed out by fixtures).

- ``run_cli``: the real command line in a child process (``python -m mjprompt``) with a
  hard timeout, its exit code, output, CPU time and peak memory (``os.wait4``), and the
  checks every run must pass: no traceback, the process ended by itself.
- ``mjprompt_tests_hostile_gateway`` (hostile_gateway.py) and ``mjprompt_tests_batch_runs``
  (batch_runs.py): modules loaded here under those names, for the tests to import.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[2]


@attrs.frozen
class CliRun:
    """One finished run of the CLI."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    cpu: float  # user + system seconds of the child
    peak_rss_mb: float  # the child's peak resident memory

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any EVOLINK_/MJPROMPT_ setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVOLINK_", "MJPROMPT_"))}
    env.update(extra or {})
    return env


def _peak_mb(raw: float) -> float:
    # Linux reports KiB, macOS bytes.
    return raw / (1024 * 1024) if sys.platform == "darwin" else raw / 1024


# The child is started by this small launcher, not by the test process: on Linux a
# process's peak memory includes what it had before exec, and a child forked from a
# big test process would report the test's memory as its own. The launcher runs the
# command, and writes the child's CPU time and peak memory to the file in argv[1].
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_cli(
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
    allow_traceback: bool = False,
) -> CliRun:
    """Run ``python -m mjprompt ARGS`` to its end, or fail the test if it hangs.

    Output goes to temporary files (no pipe can fill up and block the child); the whole
    process group is killed at the timeout.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stats = folder / "stats"
        (folder / "in").write_bytes(stdin or b"")
        with (
            open(folder / "in", "rb") as inp,
            open(folder / "out", "w+b") as out,
            open(folder / "err", "w+b") as err,
        ):
            command = [sys.executable, "-m", "mjprompt", *args]
            proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(stats), *command],
                stdin=inp if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=dict(env) if env is not None else clean_env(),
                cwd=cwd,
                start_new_session=True,
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"mjprompt {' '.join(args)[:200]} did not finish in {timeout} s")
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            stderr = err.read().decode("utf-8", "replace")
        cpu, rss = (float(x) for x in stats.read_text().split())
    code = proc.returncode
    run = CliRun(
        tuple(args), code if code < 128 else -(code - 128), stdout, stderr, cpu, _peak_mb(rss)
    )
    if not allow_traceback:
        assert "Traceback" not in run.output, run.output[-3000:]
        assert "internal error" not in run.stderr, run.stderr[-3000:]
    assert run.returncode >= 0, f"killed by signal {-run.returncode}: {run.stderr[-2000:]}"
    return run


@pytest.fixture
def cli() -> Callable[..., CliRun]:
    return run_cli


@pytest.fixture
def env_without_api() -> dict[str, str]:
    return clean_env()


# The helper modules are loaded once, here, under fixed names, so that the test modules
# can `import mjprompt_tests_hostile_gateway as hg` (conftest runs first; the tests are
# not a package under --import-mode=importlib): the hostile gateway (hostile_gateway.py)
# and one run of the batch runner against it (batch_runs.py).
GATEWAY_MODULE = "mjprompt_tests_hostile_gateway"
BATCH_RUNS_MODULE = "mjprompt_tests_batch_runs"
for _name, _file in ((GATEWAY_MODULE, "hostile_gateway.py"), (BATCH_RUNS_MODULE, "batch_runs.py")):
    if _name not in sys.modules:
        _spec = importlib.util.spec_from_file_location(_name, Path(__file__).with_name(_file))
        assert _spec is not None and _spec.loader is not None
        sys.modules[_name] = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(sys.modules[_name])


@pytest.fixture
def gateway() -> Iterator[Any]:
    """A hostile gateway on 127.0.0.1, stopped after the test."""
    with sys.modules[GATEWAY_MODULE].Gateway() as gw:
        yield gw
