"""The progress display of ``generate`` under a real pseudo-terminal (pexpect), read
back through a terminal emulator (pyte), at 40 and 120 columns; and its plain form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pyte
import pytest

from mjprompt.cli.progress import Progress
from mjprompt.sandbox import Sandbox, SandboxConfig

from .conftest import clean_env, console_script

BAR = re.compile(r"\[[#-]+\]")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=2.0)) as sb:
        yield sb


def _run_in_pty(sandbox: Sandbox, out: Path, columns: int, **env: str) -> tuple[str, int]:
    command = console_script()
    environment = clean_env(
        EVOLINK_API_KEY=sandbox.api_key, EVOLINK_BASE_URL=sandbox.base_url, **env
    )
    # The width must come from the terminal itself (its window size), not from $COLUMNS.
    environment.pop("COLUMNS", None)
    environment.pop("LINES", None)
    child = pexpect.spawn(
        command[0],
        [*command[1:], "generate", "a lighthouse at dusk --ar 3:2", "--out", str(out)],
        env=environment,
        dimensions=(24, columns),
        encoding="utf-8",
        timeout=60,
    )
    output = child.read()
    child.close()
    return output, child.exitstatus


@pytest.mark.parametrize("columns", [40, 120])
def test_the_live_line_fits_the_terminal_and_ends_complete(sandbox, tmp_path, columns):
    output, code = _run_in_pty(sandbox, tmp_path / "out", columns, TERM="xterm")
    assert code == 0, output
    screen = pyte.Screen(columns, 24)
    pyte.Stream(screen).feed(output.replace("\n", "\r\n"))
    rows = [row.rstrip() for row in screen.display]
    # A status line that wrapped would leave its first part on the row above each redraw:
    # exactly one row shows the bar, and it ends with the elapsed time.
    bars = [row for row in rows if BAR.search(row)]
    assert len(bars) == 1, "\n".join(rows)
    assert re.fullmatch(r"\[#+\] 100% saved  00:0\d", bars[0]), bars[0]
    assert len(bars[0]) < columns
    assert any(row.startswith("<prompt>: created task-") for row in rows), rows
    assert any(row.startswith(str(tmp_path / "out")[: columns - 1]) for row in rows), rows
    # The bar shrinks in a narrow terminal and has its full width in a wide one.
    width = len(BAR.search(bars[0]).group()) - 2
    assert width == (24 if columns == 120 else 40 - 1 - len(" 100% saved  00:00") - 2)


def test_dumb_terminals_get_plain_lines(sandbox, tmp_path):
    output, code = _run_in_pty(sandbox, tmp_path / "out", 80, TERM="dumb")
    assert code == 0, output
    assert "\x1b[" not in output and "\r\x1b" not in output
    assert "<prompt>: created task-" in output
    assert "<prompt>: saved (task-" in output


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Stream:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


class _Task:
    def __init__(self, status: str, progress: int, estimated: float | None) -> None:
        self.id = "task-1"
        self.status = status
        self.progress = progress
        self.estimated_time = estimated
        self.error = None


class _Job:
    label = "a.prompts.txt:3"


def test_eta_is_seeded_by_the_estimated_time_then_follows_progress():
    clock = _Clock()
    progress = Progress(_Stream(), live=True, clock=clock, width=lambda: 120)
    progress.on_event(_Job(), "created", _Task("pending", 0, 30.0))  # type: ignore[arg-type]
    clock.now += 10
    assert progress.status_line().endswith("ETA 0:20")  # 30 s estimated, 10 s spent
    progress.on_event(_Job(), "progress", _Task("processing", 80, 30.0))  # type: ignore[arg-type]
    assert progress.status_line().endswith("ETA 0:03")  # 80 % in 10 s: 2.5 s left
    progress.on_event(_Job(), "saved", _Task("completed", 100, 30.0))  # type: ignore[arg-type]
    assert "ETA" not in progress.status_line()


@pytest.mark.parametrize("columns", [20, 40, 60, 200])
def test_the_status_line_never_exceeds_the_width(columns):
    clock = _Clock()
    progress = Progress(_Stream(), live=True, clock=clock, width=lambda: columns)
    for n in range(6):
        job = type("J", (), {"label": f"file.prompts.txt:{n}"})()
        status = ("processing", "pending", "failed")[n % 3]
        progress.on_event(job, "progress", _Task(status, 10 * n, 60.0))  # type: ignore[arg-type]
    line = progress.status_line()
    assert len(line) <= max(columns - 1, 10)
    assert line.startswith("[")


def test_failures_are_printed_when_they_happen():
    stream = _Stream()
    progress = Progress(stream, live=False, clock=_Clock())
    task = _Task("failed", 40, None)
    task.error = type("E", (), {"code": "content_policy_violation"})()  # type: ignore[assignment]
    progress.on_event(_Job(), "failed", task)  # type: ignore[arg-type]
    assert "a.prompts.txt:3: failed (task task-1): content_policy_violation\n" in stream.text


def test_verbose_prints_the_clients_retries_through_the_display():
    import logging

    from mjprompt.cli.progress import ProgressLog

    stream = _Stream()
    progress = Progress(stream, live=True, clock=_Clock(), width=lambda: 60)
    progress.on_event(_Job(), "progress", _Task("processing", 50, None))  # type: ignore[arg-type]
    logger = logging.getLogger("mjprompt.client.test-verbose")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = ProgressLog(progress)
    logger.addHandler(handler)
    try:
        logger.info("retrying %s in %.1f s after: %s", "POST", 2.0, "HTTP 503")
    finally:
        logger.removeHandler(handler)
    # The note clears the status line, is printed whole, and the status line comes back.
    note = "\r\x1b[2Kmjprompt: retrying POST in 2.0 s after: HTTP 503\n\r\x1b[2K["
    assert note in stream.text
