"""The progress display of ``wait``, ``generate`` and ``demo`` (standard error).

A live bar (status, percent, elapsed time, an estimate of the time left) on a
terminal, plain lines otherwise; ``-v`` routes the client's log of retries through it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import Task
    from ..client.batch import Job

__all__ = ["Progress", "ProgressLog", "make_progress"]


def _elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Shows how jobs are going on standard error.

    On a terminal (``live``): one status line redrawn in place — a bar of the mean
    progress, the status or the counts, the elapsed time and an estimate of the time
    left — fitted to the terminal's width at every redraw (``shutil.get_terminal_size``),
    so it never wraps, which would break the redraw; events (created, saved, and
    failures the moment they happen) are printed above it. Otherwise (a pipe, a file,
    ``TERM=dumb``): one plain line per change, no control sequences.

    The estimate is seeded by the API's ``estimated_time`` of each task, then follows
    the progress the API reports. ``verbose`` also prints the client's retries and the
    waits before them.
    """

    BAR = 24
    MIN_BAR = 5

    def __init__(
        self,
        stream: IO[str],
        *,
        live: bool,
        clock: Callable[[], float],
        width: Callable[[], int] | None = None,
        verbose: bool = False,
    ) -> None:
        self.stream = stream
        self.live = live
        self.clock = clock
        self.width = width or _terminal_width
        self.verbose = verbose
        self.start = clock()
        self.jobs: dict[str, tuple[str, int]] = {}  # label -> (status, percent)
        self.created: dict[str, str] = {}  # label -> task id, as tasks are created
        self.eta: dict[str, tuple[float, float]] = {}  # label -> (created at, estimate)
        self._shown = False

    def _line(self, text: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K" + text + "\n")
            self.render()
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Print a line of its own (above the status line on a terminal)."""
        self._line(text)

    def update(self, label: str, status: str, percent: int, note: str | None = None) -> None:
        before = self.jobs.get(label)
        self.jobs[label] = (status, percent)
        if note is not None:
            self._line(note)
        elif not self.live and before != (status, percent) and status not in ("queued",):
            self._line(f"{label}: {status} {percent}% ({_elapsed(self.clock() - self.start)})")
        elif self.live:
            self.render()

    def _left(self) -> float | None:
        """Seconds left for the slowest unfinished job, when any estimate is known."""
        now = self.clock()
        lefts = []
        for label, (created, estimate) in self.eta.items():
            status, percent = self.jobs.get(label, ("", 0))
            if percent >= 100 or status in _FINISHED:
                continue
            spent = now - created
            if percent > 0:
                # Once the API reports progress, follow its pace.
                lefts.append(spent * (100 - percent) / percent)
            else:
                lefts.append(max(estimate - spent, 0.0))
        return max(lefts) if lefts else None

    def status_line(self) -> str:
        """The status line, fitted to the terminal's width (one column to spare)."""
        states = list(self.jobs.values())
        percent = sum(p for _, p in states) // len(states)
        if len(states) == 1:
            summary = states[0][0]
        else:
            counts: dict[str, int] = {}
            for status, _ in states:
                counts[status] = counts.get(status, 0) + 1
            summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        elapsed = _elapsed(self.clock() - self.start)
        left = self._left()
        tail = f"  {elapsed}" + (f"  ETA {_clock(left)}" if left is not None else "")
        rest = f" {percent:3d}% {summary}{tail}"
        room = max(self.width() - 1, 10)
        bar_width = max(self.MIN_BAR, min(self.BAR, room - len(rest) - 2))
        filled = bar_width * percent // 100
        line = "[" + "#" * filled + "-" * (bar_width - filled) + "]" + rest
        if len(line) > room:  # still too long: keep the bar and percent, cut the rest
            line = line[: room - 1] + "…"
        return line

    def render(self) -> None:
        if not self.live or not self.jobs:
            return
        self.stream.write("\r\x1b[2K" + self.status_line())
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.live and self._shown:
            self.render()
            self.stream.write("\n")
            self.stream.flush()

    async def tick(self, interval: float = 0.2) -> None:
        """Redraw the line (the elapsed time moves) until cancelled."""
        while True:
            await asyncio.sleep(interval)
            self.render()

    def on_event(self, job: Job, event: str, task: Task | None) -> None:
        label = job.label
        tid = task.id if task is not None else ""
        if event == "queued":
            self.update(label, "queued", 0)
        elif event == "submitting":
            self.update(label, "submitting", 0)
        elif event == "created":
            self.created[label] = tid
            if task is not None and task.estimated_time is not None:
                self.eta[label] = (self.clock(), task.estimated_time)
            self.update(label, "pending", 0, f"{label}: created {tid}")
        elif event == "resumed":
            self.update(label, "resuming", 0, f"{label}: resuming the task created earlier")
        elif event == "progress" and task is not None:
            if label not in self.eta and task.estimated_time is not None:
                self.eta[label] = (self.clock(), task.estimated_time)
            self.update(label, task.status, task.progress)
        elif event == "downloading":
            self.update(label, "downloading", 100)
        elif event == "saved":
            self.update(label, "saved", 100, f"{label}: saved" + (f" ({tid})" if tid else ""))
        elif event in ("failed", "timeout", "unknown", "error", "left"):
            percent = self.jobs.get(label, ("", 0))[1]
            # A failure is said the moment it happens, not only in the final report.
            why = ""
            if task is not None and task.error is not None:
                why = f": {task.error.code}"
            where = f" (task {tid})" if tid else ""
            self.update(
                label,
                event,
                100 if event != "timeout" else percent,
                f"{label}: {event}{where}{why}",
            )


_FINISHED = ("saved", "completed", "failed", "timeout", "unknown", "error", "cancelled", "left")


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


class ProgressLog(logging.Handler):
    """``-v``: the client's log (retries and the waits before them) through the progress
    display, so that a line never lands in the middle of the status line."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        from .terminal import printable

        try:
            self.progress.note("mjprompt: " + printable(record.getMessage()))
        except Exception:  # never let a log line break the run
            self.handleError(record)


def make_progress(verbose: bool = False) -> Progress:
    live = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
    progress = Progress(sys.stderr, live=live, clock=time.monotonic, verbose=verbose)
    if verbose:
        logger = logging.getLogger("mjprompt.client")
        logger.setLevel(logging.INFO)
        logger.addHandler(ProgressLog(progress))
    return progress
