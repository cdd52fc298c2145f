"""API commands: ``payload``, ``submit``, ``status``, ``wait``, ``generate`` and ``demo``.

The key comes from ``EVOLINK_API_KEY`` only (a key on the command line would end up in
shell history and process lists) and is never printed. The base URL comes from
``--base-url``, else ``EVOLINK_BASE_URL``, else the real API.

Exit codes: 0 success; 1 lint errors, a failed or timed-out task, an API or download
failure; 2 usage or input errors (bad arguments, unreadable prompt file, no key, bad
task id, bad callback URL); 130 on Ctrl-C (a ``generate --file`` run resumes when
started again).

Progress goes to standard error: a live bar (status, percent, elapsed time) on a
terminal, plain lines otherwise. Results go to standard output (the saved files, or
JSON with ``--json``).

httpx is imported only by the commands that talk to the API (``payload`` does not).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .. import evolink
from ..callbacks import callback_url_problem
from ..diagnostics import Severity
from ..payload import SPEEDS, PayloadError, build_payload
from .errors import UsageError

if TYPE_CHECKING:
    from ..client import AsyncClient, Task
    from ..client.batch import Job, JobResult

__all__ = ["SAMPLE_PROMPT", "register"]

SAMPLE_PROMPT = "a lighthouse on a cliff at dusk, oil painting, warm light --ar 3:2 --seed 42"
# What the demo starts from: the sample with a mistake people really make (an en dash
# typed by a phone or a word processor instead of `--`), for `check` and `fix` to show.
DEMO_PROMPT = "a lighthouse on a cliff at dusk, oil painting, warm light \u2013ar 3:2 --seed 42"

DEMO_DIR = "mjprompt-demo"


# ------------------------------------------------------------------------- register


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _add_payload_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--speed", choices=SPEEDS, help="model_params.speed (default: the API's, fast)")
    p.add_argument("--callback-url", metavar="URL", help="https URL the API posts the task to")


def _credits_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"not a number of credits (0 or more): {text!r}")
    return value


def _retries(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected 0 to 10 retries, got {text!r}")
    return value


def _add_api_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"API base URL (default: $EVOLINK_BASE_URL or {evolink.BASE_URL}); "
        "the key is read from $EVOLINK_API_KEY",
    )
    p.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="retries of a request that failed in a way that is safe to retry (default 3)",
    )


def _add_wait_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=1200.0,
        metavar="SECONDS",
        help="give up waiting after this long (default 1200 = 20 minutes)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show the client's retries and the waits before them",
    )


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "payload",
        help="print the JSON body that would be sent for a prompt",
        description=f"Print the request body of POST {evolink.GENERATIONS_PATH} for a prompt "
        "(lint errors refuse it). Needs no key and makes no request.",
    )
    p.add_argument("prompt", help="the prompt ('-' reads it from standard input)")
    _add_payload_options(p)
    p.set_defaults(func=_cmd_payload)

    p = subparsers.add_parser("submit", help="create a task and print its id")
    p.add_argument("prompt", help="the prompt ('-' reads it from standard input)")
    _add_payload_options(p)
    _add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the created task as JSON")
    p.set_defaults(func=_cmd_submit)

    p = subparsers.add_parser("status", help="print the state of a task")
    p.add_argument("task_id", metavar="TASK_ID", help="the task id `submit` printed")
    _add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the task as JSON")
    p.set_defaults(func=_cmd_status)

    p = subparsers.add_parser(
        "credits",
        help=f"print the balance of the account and of the key (GET {evolink.CREDITS_PATH})",
        description="Print the credits left: the account's, the key's, and what this key "
        "can spend (the smaller of the two unless the key is unlimited). Costs nothing.",
    )
    _add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the balance as JSON")
    p.set_defaults(func=_cmd_credits)

    p = subparsers.add_parser("wait", help="wait for a task, optionally saving its images")
    p.add_argument("task_id", metavar="TASK_ID", help="the task id `submit` printed")
    p.add_argument("--out", metavar="DIR", help="save the images (and a sidecar) in DIR")
    _add_api_options(p)
    _add_wait_options(p)
    p.set_defaults(func=_cmd_wait)

    p = subparsers.add_parser(
        "generate",
        help="submit, wait and save the images of one prompt or a file of prompts",
        description="Generate images and save them in --out as <task id>-<index>.<ext> with "
        "a <task id>.json sidecar. With --file, every task id is journaled in DIR the "
        "moment it is created: run the same command again to resume an interrupted run "
        "without paying twice.",
    )
    p.add_argument("prompt", nargs="?", help="the prompt ('-' reads it from standard input)")
    p.add_argument(
        "--file",
        metavar="FILE",
        help="prompts, one per line ('#' comments and blank lines skipped; .jsonl: a "
        "string or an object with a 'prompt' field per line; '-' for standard input)",
    )
    p.add_argument("--out", metavar="DIR", default=".", help="where to save (default: .)")
    p.add_argument(
        "--concurrency",
        type=_positive_int,
        default=4,
        metavar="N",
        help="tasks in flight at once with --file (default 4)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="with --file: submit a NEW task (paid again) for each prompt whose task "
        "failed in an earlier run",
    )
    p.add_argument(
        "--resubmit-unknown",
        action="store_true",
        help="with --file: send again, with the same Idempotency-Key, prompts whose "
        "submission an earlier run was interrupted in (the task may exist)",
    )
    p.add_argument(
        "--budget",
        type=_credits_arg,
        metavar="CREDITS",
        help="refuse, before paying anything, when the estimate of the prompts still to "
        f"pay for is over CREDITS or over the balance (GET {evolink.CREDITS_PATH})",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="with --budget: submit in order while the credits reserved stay within the "
        "budget, then stop (a rerun goes on with the rest)",
    )
    _add_payload_options(p)
    _add_api_options(p)
    _add_wait_options(p)
    p.set_defaults(func=_cmd_generate)

    p = subparsers.add_parser(
        "demo",
        help="lint and fix a sample prompt, then generate it against the offline sandbox",
        description="Lint a sample prompt with a visible mistake and fix it (what `mjprompt "
        "check` and `mjprompt fix` do), then start the offline sandbox on a free loopback "
        "port and generate the fixed prompt into a folder: four placeholder images. "
        "No key, no network.",
    )
    p.add_argument(
        "--out", metavar="DIR", default=DEMO_DIR, help=f"where to save (default: ./{DEMO_DIR})"
    )
    p.add_argument(
        "--prompt",
        default=DEMO_PROMPT,
        help="the prompt to lint, fix and generate (default: a sample with an en dash)",
    )
    p.add_argument(
        "--duration",
        type=_seconds,
        default=3.0,
        metavar="SECONDS",
        help="how long the sandbox takes per task (default 3)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="also show the client's retries and waits"
    )
    p.set_defaults(func=_cmd_demo)


# ------------------------------------------------------------------------- helpers


def _prompt_arg(text: str) -> str:
    if text == "-":
        return _read_stdin_prompt()
    _check_text("prompt", text)
    return text


def _check_text(label: str, text: str, column_offset: int | None = None) -> None:
    """A usage error (exit 2) with the position for a prompt that is not text: a byte
    that was not UTF-8 in the argument, or a lone surrogate from a JSON escape."""
    from ..diagnostics import line_col
    from ..payload import surrogate_problem

    bad = surrogate_problem(text)
    if bad is not None:
        index, why = bad
        line, col = line_col(text, index)
        where = f"{line}:{col}" if column_offset is None else f"{col + column_offset}"
        raise UsageError(f"{label}:{where}: the prompt contains {why}; nothing was submitted")


def _read_stdin_prompt() -> str:
    """The prompt on standard input (one final line break dropped), decoded strictly:
    invalid UTF-8, a NUL byte or a megabyte of text is an input error, not a prompt."""
    from .sources import MAX_LINE_BYTES

    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream put in place of stdin (tests, embedding)
        data = sys.stdin.read(MAX_LINE_BYTES + 1).encode("utf-8", "surrogateescape")
    else:
        data = buffer.read(MAX_LINE_BYTES + 1)
    if len(data) > MAX_LINE_BYTES:
        raise UsageError(
            f"<stdin>: longer than {MAX_LINE_BYTES} bytes; a prompt has at most "
            f"{evolink.MAX_PROMPT_LENGTH} characters"
        )
    try:
        prompt = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = len(head[head.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise UsageError(
            f"<stdin>:{line}:{column}: invalid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    if "\x00" in prompt:
        before = prompt[: prompt.index("\x00")]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise UsageError(f"<stdin>:{line}:{column}: NUL byte; a prompt is text")
    for end in ("\r\n", "\n"):
        if prompt.endswith(end):
            return prompt[: -len(end)]
    return prompt


def _check_callback(url: str | None) -> None:
    if url is not None:
        problem = callback_url_problem(url)
        if problem is not None:
            raise UsageError(f"--callback-url: {problem}")


def _print_refusal(
    label: str, prompt: str, err: PayloadError, column_offset: int | None = None
) -> None:
    """``label:line:col: CODE message`` for a prompt given alone (``label`` names it),
    ``label:col: …`` for a prompt of a file (``label`` is ``file:line``; the prompt's
    first character is at ``column_offset`` on that line)."""
    from ..diagnostics import line_col
    from .terminal import printable

    label = printable(label)
    shown = [d for d in err.diagnostics if d.severity is Severity.ERROR] or list(err.diagnostics)
    if not shown:
        sys.stderr.write(f"{label}: {printable(str(err))}\n")
        return
    for d in shown:
        line, col = line_col(prompt, d.span.start)
        where = f"{line}:{col}" if column_offset is None else f"{col + column_offset}"
        sys.stderr.write(f"{label}:{where}: {d.code} {d.severity} {printable(d.message)}\n")


def _json_out(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _make_client(base_url: str | None, retries: int = 3, **options: Any) -> AsyncClient:
    from ..client import AsyncClient, ConfigurationError, Retrying

    try:
        client = AsyncClient(base_url=base_url, **options)
    except ConfigurationError as exc:
        if "no API key" in str(exc):
            # Say how, for the command line (the library's message names `api_key=`).
            raise UsageError(
                "no API key: set it in the environment, `export EVOLINK_API_KEY=...` "
                "(keys: https://evolink.ai/dashboard/keys); to try mjprompt without one, "
                "run `mjprompt demo` or `mjprompt sandbox`"
            ) from None
        raise UsageError(str(exc)) from None
    # No special pace for a loopback host: the polling follows the task's
    # estimated_time (a sandbox task is short, so it is polled often) and the retries
    # follow the server's Retry-After — the same rules as against the real API.
    client.retrying = Retrying(attempts=retries + 1)
    return client


def _check_task_id(task_id: str) -> None:
    from ..client.task import task_id_problem

    problem = task_id_problem(task_id)
    if problem is not None:
        raise UsageError(problem)


def _api_failure(exc: Exception) -> int:
    from .terminal import printable

    # The message may quote the server: no control characters reach the terminal.
    sys.stderr.write(f"mjprompt: {printable(str(exc))}\n")
    return 1


def _read_prompts(path: str) -> list[tuple[str, str, int | None]]:
    """(``file:line``, prompt, column offset) for each prompt of a file ('-': stdin).

    Read as ``mjprompt check`` reads it (:mod:`.sources`): the kind from the extension
    (text, ``.jsonl``/``.ndjson``, ``.json``), any line ending, an optional BOM; invalid
    UTF-8, NUL bytes, over-long lines and bad JSON are input errors, each with its
    position, and then nothing is submitted.
    """
    import os

    from .discovery import file_kind
    from .reporters.base import problem_text
    from .sources import Problem, PromptItem, Source, read_source

    label = "<stdin>" if path == "-" else path
    if path != "-":
        if not os.path.lexists(path):
            raise UsageError(f"{label}: no such file")
        if os.path.isdir(path):
            raise UsageError(f"{label}: is a directory; --file takes a file of prompts")
    source = Source(label, file_kind(path), stdin=path == "-")
    stdin = sys.stdin.buffer if path == "-" else None
    problems: list[Problem] = []
    out: list[tuple[str, str, int | None]] = []
    for item in read_source(source, stdin=stdin):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, PromptItem):
            origin, text = item.origin, item.text
            where = f"{label}:{origin.line}"
            if origin.raw is None:  # a line of a text file: trimmed
                out.append((where, text.strip(), len(text) - len(text.lstrip())))
            else:  # a JSON string: its column in the line when written without escapes
                out.append((where, text, origin.column if origin.raw == text else 0))
    if problems:
        for problem in problems:
            sys.stderr.write(problem_text(problem) + "\n")
        noun = "input error" if len(problems) == 1 else "input errors"
        raise UsageError(f"{label}: {len(problems)} {noun}; nothing was submitted")
    if not out:
        raise UsageError(f"{label}: no prompts found")
    for where, text, offset in out:
        _check_text(where, text, offset or 0)  # `where` is file:line
    return out


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


class _ProgressLog(logging.Handler):
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


def _make_progress(verbose: bool = False) -> Progress:
    live = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
    progress = Progress(sys.stderr, live=live, clock=time.monotonic, verbose=verbose)
    if verbose:
        logger = logging.getLogger("mjprompt.client")
        logger.setLevel(logging.INFO)
        logger.addHandler(_ProgressLog(progress))
    return progress


# ------------------------------------------------------------------------ commands


def _cmd_payload(ns: argparse.Namespace) -> int:
    prompt = _prompt_arg(ns.prompt)
    _check_callback(ns.callback_url)
    try:
        body = build_payload(prompt, speed=ns.speed, callback_url=ns.callback_url)
    except PayloadError as err:
        _print_refusal("<prompt>", prompt, err)
        return 1
    _json_out(body)
    return 0


def _cmd_submit(ns: argparse.Namespace) -> int:
    prompt = _prompt_arg(ns.prompt)
    _check_callback(ns.callback_url)
    try:
        payload = build_payload(prompt, speed=ns.speed, callback_url=ns.callback_url)
    except PayloadError as err:
        _print_refusal("<prompt>", prompt, err)
        return 1
    client = _make_client(ns.base_url, ns.retries)

    async def run() -> Task:
        async with client:
            return await client.submit_payload(payload)

    from ..client import EvolinkError

    try:
        task = asyncio.run(run())
    except EvolinkError as exc:
        return _api_failure(exc)
    if ns.json:
        _json_out(task.to_json())
    else:
        sys.stdout.write(task.id + "\n")
    return 0


def _cmd_status(ns: argparse.Namespace) -> int:
    _check_task_id(ns.task_id)
    client = _make_client(ns.base_url, ns.retries)

    async def run() -> Task:
        async with client:
            return await client.get(ns.task_id)

    from ..client import EvolinkError

    try:
        task = asyncio.run(run())
    except EvolinkError as exc:
        return _api_failure(exc)
    if ns.json:
        _json_out(task.to_json())
    else:
        line = f"{task.id}: {task.status} {task.progress}%"
        if task.error is not None:
            line += f" ({task.error.code}: {' '.join(task.error.message.split())})"
        elif task.is_completed:
            line += f" ({len(task.results)} images)"
        sys.stdout.write(line + "\n")
    return 1 if task.is_terminal and not task.is_completed else 0


def _cmd_credits(ns: argparse.Namespace) -> int:
    from ..client import EvolinkError
    from ..evolink import Balance, format_credits

    client = _make_client(ns.base_url, ns.retries)

    async def run() -> Balance:
        async with client:
            return await client.credits()

    try:
        balance = asyncio.run(run())
    except EvolinkError as exc:
        return _api_failure(exc)
    if ns.json:
        data = balance.to_json()["data"]
        _json_out({**data, "available": balance.available})
        return 0
    key = (
        "unlimited"
        if balance.token_unlimited
        else f"{format_credits(balance.token_remaining)} credits left"
    )
    sys.stdout.write(
        f"available: {format_credits(balance.available)} credits\n"
        f"account:   {format_credits(balance.user_remaining)} credits left, "
        f"{format_credits(balance.user_used)} used\n"
        f"key:       {key}, {format_credits(balance.token_used)} used\n"
    )
    return 0


def _cmd_wait(ns: argparse.Namespace) -> int:
    _check_task_id(ns.task_id)
    client = _make_client(ns.base_url, ns.retries)
    progress = _make_progress(ns.verbose)
    label = ns.task_id

    async def run() -> tuple[Task, list[Path]]:
        ticker = asyncio.ensure_future(progress.tick()) if progress.live else None
        try:
            async with client:
                progress.update(label, "waiting", 0)
                task = await client.wait(
                    ns.task_id,
                    timeout=ns.timeout,
                    on_progress=lambda t: progress.update(label, t.status, t.progress),
                )
                paths: list[Path] = []
                if ns.out is not None:
                    progress.update(label, "downloading", 100)
                    paths = await client.download(task, ns.out)
                progress.update(label, "saved" if ns.out else "completed", 100)
                return task, paths
        finally:
            if ticker is not None:
                ticker.cancel()
            progress.close()

    from ..client import EvolinkError, TaskError, WaitTimeoutError

    try:
        task, paths = asyncio.run(run())
    except (TaskError, WaitTimeoutError) as exc:
        if ns.json:
            task_json = exc.task.to_json() if exc.task is not None else None
            _json_out({"task": task_json, "error": str(exc)})
        return _api_failure(exc)
    except EvolinkError as exc:
        return _api_failure(exc)
    if ns.json:
        _json_out({"task": task.to_json(), "files": [str(p) for p in paths]})
    else:
        for path in paths:
            sys.stdout.write(f"{path}\n")
        if not paths:
            sys.stdout.write(f"{task.id}: completed, {len(task.results)} images\n")
    return 0


def _cmd_generate(ns: argparse.Namespace) -> int:
    if (ns.prompt is None) == (ns.file is None):
        raise UsageError("give either a prompt or --file FILE (one of them)")
    _check_callback(ns.callback_url)
    if ns.file is not None:
        entries = _read_prompts(ns.file)
    else:
        entries = [("<prompt>", _prompt_arg(ns.prompt), None)]
    return _generate(
        entries,
        out=ns.out,
        speed=ns.speed,
        callback_url=ns.callback_url,
        base_url=ns.base_url,
        retries=ns.retries,
        timeout=ns.timeout,
        concurrency=ns.concurrency if ns.file is not None else 1,
        journaled=ns.file is not None,
        retry_failed=ns.retry_failed,
        resubmit_unknown=ns.resubmit_unknown,
        budget=ns.budget,
        partial=ns.partial,
        as_json=ns.json,
        json_list=ns.file is not None,
        verbose=ns.verbose,
    )


def _generate(
    entries: Sequence[tuple[str, str, int | None]],
    *,
    out: str,
    speed: str | None,
    callback_url: str | None,
    base_url: str | None,
    timeout: float,
    concurrency: int,
    journaled: bool,
    retries: int = 3,
    retry_failed: bool = False,
    resubmit_unknown: bool = False,
    as_json: bool = False,
    json_list: bool = False,
    client_options: dict[str, Any] | None = None,
    verbose: bool = False,
    budget: float | None = None,
    partial: bool = False,
) -> int:
    from ..client.batch import plan_jobs

    if partial and budget is None:
        raise UsageError("--partial needs --budget CREDITS")

    jobs, refused = plan_jobs(
        [(label, prompt) for label, prompt, _ in entries], speed=speed, callback_url=callback_url
    )
    if refused:
        # Nothing is submitted while any prompt has errors: fix the file first.
        offsets = {label: offset for label, _, offset in entries}
        for label, prompt, err in refused:
            _print_refusal(label, prompt, err, offsets.get(label))
        noun = "prompt has" if len(refused) == 1 else "prompts have"
        sys.stderr.write(f"mjprompt: {len(refused)} {noun} errors; nothing was submitted\n")
        return 1

    client = _make_client(base_url, retries, **(client_options or {}))
    from ..client import EvolinkError
    from ..client.batch import run_batch
    from ..client.budget import BudgetExceededError
    from ..client.journal import Journal, JournalError

    journal: Journal | None = None
    if journaled:
        try:
            journal = Journal.open(out)
        except JournalError as exc:
            raise UsageError(str(exc)) from None
        for warning in journal.warnings:  # bad lines are skipped, never fatal
            sys.stderr.write(f"mjprompt: warning: {warning}\n")
    progress = _make_progress(verbose)

    async def run() -> list[JobResult]:
        ticker = asyncio.ensure_future(progress.tick()) if progress.live else None
        try:
            async with client:
                return await run_batch(
                    client,
                    jobs,
                    journal,
                    out,
                    concurrency=concurrency,
                    timeout=timeout,
                    retry_failed=retry_failed,
                    resubmit_unknown=resubmit_unknown,
                    on_event=progress.on_event,
                    budget=budget,
                    partial=partial,
                )
        finally:
            if ticker is not None:
                ticker.cancel()
            progress.close()

    try:
        results = asyncio.run(run())
    except KeyboardInterrupt:
        if journal is not None:
            sys.stderr.write(
                "mjprompt: interrupted; run the same command (with --file) again to resume "
                f"without paying twice (journal: {journal.path})\n"
            )
        elif progress.created:
            for task_id in progress.created.values():
                sys.stderr.write(
                    f"mjprompt: interrupted; the task was created: `mjprompt wait {task_id} "
                    f"--out {out}` saves its images when it is done (do not generate again: "
                    "that pays for a new task)\n"
                )
        else:
            sys.stderr.write("mjprompt: interrupted before a task was created\n")
        raise
    except BudgetExceededError as exc:
        if as_json:
            _json_out(exc.to_json())
        return _budget_refusal(exc)
    except EvolinkError as exc:  # e.g. a download directory that cannot be created
        return _api_failure(exc)
    except JournalError as exc:  # disk full, a journal that became unwritable
        raise UsageError(f"{exc}; run the same command again once it is fixed") from None
    finally:
        if journal is not None:
            journal.close()
    code = _report(results, out, as_json=as_json, json_list=json_list, partial=partial)
    if journaled:
        sys.stderr.write(_summary(results) + "\n")
    return code


def _budget_refusal(exc: Any) -> int:
    """Say what the batch would cost and why it was refused (nothing was paid)."""
    from ..evolink import format_credits
    from .terminal import printable

    lines = [
        "mjprompt: over budget; nothing was submitted",
        f"  estimate:  ≈{format_credits(exc.estimate)} credits (estimate) "
        f"for {exc.jobs} prompts still to pay for",
    ]
    if exc.budget is not None:
        lines.append(f"  budget:    {format_credits(exc.budget)} credits")
    if exc.available is not None:
        lines.append(f"  balance:   {format_credits(exc.available)} credits available")
    lines.append("  most expensive:")
    for label, credits in exc.costliest:
        lines.append(f"    {printable(label)}: ≈{format_credits(credits)} credits (estimate)")
    sys.stderr.write("\n".join(lines) + "\n")
    return 1


def _summary(results: Sequence[JobResult]) -> str:
    """The batch's end: tasks, images saved, and estimated vs reserved vs used credits."""
    from ..evolink import format_credits

    tasks = sum(1 for r in results if r.task_id)
    images = sum(len(r.files) for r in results if r.status == "saved")
    left = sum(1 for r in results if r.status == "left")

    def total(values: list[float | None], prefix: str = "") -> str:
        known = [v for v in values if v is not None]
        if not known:
            return "-"
        text = prefix + format_credits(sum(known))
        return text if len(known) == len(values) else f"{text} (of {len(known)})"

    # "estimated" covers the tasks this run created, to set against their reserved.
    paid = [r for r in results if r.estimated is not None and r.task_id]
    estimated = total([r.estimated for r in paid], "≈")
    reserved = total([r.reserved for r in paid])
    used = total([r.used for r in paid])
    return (
        f"summary: {tasks} tasks, {images} images saved"
        + (f", {left} prompts left" if left else "")
        + f"; credits of the {len(paid)} tasks created in this run: {estimated} estimated, "
        f"{reserved} reserved, {used} used"
    )


def _report(
    results: Sequence[JobResult], out: str, *, as_json: bool, json_list: bool, partial: bool = False
) -> int:
    from .terminal import printable

    unsaved = [r for r in results if r.status != "saved"]
    # Prompts left by --partial at the budget are what was asked for, not a failure.
    failures = [r for r in unsaved if not (partial and r.status == "left" and r.code == "budget")]
    for r in unsaved:
        where = f" (task {r.task_id})" if r.task_id else ""
        hint = " — run again to resume" if r.status == "timeout" else ""
        error = printable(str(r.error))
        sys.stderr.write(f"{printable(r.job.label)}: {r.status}{where}: {error}{hint}\n")
    if as_json:
        items = []
        for r in results:
            item = r.to_json()
            item["files"] = [str(Path(out) / f) for f in r.files]
            items.append(item)
        _json_out(items if json_list else items[0])
    else:
        for r in results:
            for name in r.files:
                sys.stdout.write(f"{Path(out) / name}\n")
            if r.status == "saved" and not r.files:
                sys.stderr.write(f"{r.job.label}: the task completed with no images\n")
    return 1 if failures else 0


def _demo_lint(prompt: str) -> str:
    """Show what ``check`` finds in ``prompt`` and what ``fix`` makes of it; returns the
    fixed prompt (standard error: standard output carries the saved files)."""
    from .. import fix, lint
    from .terminal import printable

    err = sys.stderr
    found = lint(prompt)
    err.write(f"1. the prompt:\n   {printable(prompt)}\n")
    if not found:
        err.write("2. `mjprompt check` finds nothing to fix\n")
        return prompt
    err.write("2. `mjprompt check` finds:\n")
    for d in found:
        err.write(
            f"   <prompt>:1:{d.span.start + 1}: {d.code} {d.severity} {printable(d.message)}\n"
        )
    fixed = fix(prompt).text
    if fixed != prompt:
        err.write(f"3. `mjprompt fix` rewrites it:\n   {printable(fixed)}\n")
    return fixed


def _demo_gitignore(out: str) -> None:
    # The folder holds throw-away placeholders: keep them out of a repository.
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# made by `mjprompt demo`: sandbox placeholders\n*\n", "utf-8")
    except OSError:
        pass  # the download reports an unusable folder with its own message


def _cmd_demo(ns: argparse.Namespace) -> int:
    from ..sandbox import Sandbox, SandboxConfig

    prompt = _demo_lint(ns.prompt)
    _demo_gitignore(ns.out)
    sys.stderr.write("4. generating it with the offline sandbox (no key, no network)...\n")
    with Sandbox(SandboxConfig(task_duration=ns.duration)) as sandbox:
        sys.stderr.write(f"sandbox listening on {sandbox.base_url}\n")
        code = _generate(
            [("<prompt>", prompt, None)],
            out=ns.out,
            speed=None,
            callback_url=None,
            base_url=sandbox.base_url,
            timeout=max(60.0, ns.duration * 10),
            concurrency=1,
            journaled=False,
            as_json=ns.json,
            client_options={"api_key": sandbox.api_key},
            verbose=ns.verbose,
        )
    if code == 0 and not ns.json:
        sys.stderr.write(
            f"done: {ns.out} holds the sandbox's placeholder images (generated locally, not "
            "by Midjourney) and their JSON sidecar.\nWith a key (export "
            "EVOLINK_API_KEY=...), `mjprompt generate` sends the same prompt to the real API.\n"
        )
    return code
