"""The journal of a batch run: ``mjprompt-journal.jsonl`` in the output directory.

Every event is one JSON line, appended with a single ``write`` and ``fsync``'d before
the run goes on, so that what the journal says survives a crash or a kill:

- ``submitting`` — written *before* the POST: the job's key, prompt, payload and the
  ``Idempotency-Key`` the POST will carry;
- ``created`` — the task id, written the moment the API returns it;
- ``not_taken`` — the API surely did not take the request (refused with a 4xx or 503,
  or the connection was never made) *and* no earlier POST of the job may have made a
  task: the job may be submitted again, with the same ``Idempotency-Key``;
- ``unknown`` — the POST's outcome is unknown (answer lost, 5xx, ``409
  idempotency_conflict``, or any refusal of a *resend* after an unknown outcome): a task
  may exist. Only ``--resubmit-unknown`` sends it again, with the same key;
- ``failed`` — the task ended without images (its code, message and status);
- ``saved`` — the images and the sidecar are on disk (with ``credits_used`` when the
  task said);
- ``left`` — not submitted in this run: the budget would have been exceeded, or an
  earlier POST was refused for credits (402). A rerun submits it like a new job.

``created`` carries the task's ``credits_reserved`` (the truth about its cost) when the
answer had it.

The ``Idempotency-Key`` written with the first ``submitting`` of a job is reused by every
later POST of that job, in any run, until a task id is known: a gateway that took the
first POST answers the resend with the same task instead of making a second one. The
states and transitions are tabulated in docs/reliability.md.

A job is identified by a hash of its payload plus its occurrence number (the same prompt
twice in a file is two jobs), so a run started again over the same file finds its jobs
even if lines were added, removed or reordered.

A job whose last event is ``submitting`` was interrupted while its POST was in flight:
the task may or may not exist. It is *not* submitted again unless the caller says so
(and then with the same Idempotency-Key), because a generation is paid for.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from ..evolink import TASK_ID_PREFIX

__all__ = ["JOURNAL_NAME", "JobState", "Journal", "JournalError", "job_key"]

JOURNAL_NAME = "mjprompt-journal.jsonl"

EVENTS = ("submitting", "created", "not_taken", "unknown", "failed", "saved", "left")

# A journal larger than this is not a journal mjprompt wrote (one line per event, a few
# hundred bytes each): refuse it rather than read it into memory.
MAX_JOURNAL_BYTES = 256 * 1024 * 1024
_SALVAGE_KEY = re.compile(rb'"key"\s*:\s*"([0-9a-f]{20}#[0-9]{1,9})"')
_SALVAGE_TASK = re.compile(
    rb'"task_id"\s*:\s*"(' + re.escape(TASK_ID_PREFIX.encode()) + rb'[A-Za-z0-9._-]{1,180})"'
)


class JournalError(Exception):
    """The journal cannot be used (unwritable directory or file, not a regular file,
    locked by another run, disk full). The message names the journal."""


def job_key(payload: Mapping[str, Any], occurrence: int) -> str:
    """A stable key for the ``occurrence``-th job (from 0) with this exact payload."""
    canonical = json.dumps(dict(payload), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
    return f"{digest}#{occurrence}"


@attrs.define
class JobState:
    """What the journal knows about one job (the fold of its events)."""

    key: str
    # The job's state: submitting | created | not_taken | unknown | failed | saved —
    # the last event, except that `not_taken` after a possibly-taken POST stays `unknown`.
    status: str
    prompt: str | None = None
    payload: dict[str, Any] | None = None
    idempotency_key: str | None = None
    task_id: str | None = None
    files: tuple[str, ...] = ()
    error: str | None = None
    # True once a POST with ``idempotency_key`` may have created a task: from then on no
    # refusal proves the job was not taken, until a task id is known.
    maybe_taken: bool = False
    task_status: str | None = None  # the task's status when it was journaled `failed`
    credits_reserved: float | None = None  # usage.credits_reserved of the create answer
    credits_used: float | None = None  # usage.credits_used of the completed task


class Journal:
    """An append-only, fsync'd JSONL journal, locked against a second concurrent run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / JOURNAL_NAME
        self.jobs: dict[str, JobState] = {}
        self.skipped_lines = 0
        self.warnings: list[str] = []  # "journal:line: why", one per line skipped
        self._fh: IO[bytes] | None = None

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> Journal:
        journal = cls(Path(directory))
        journal._open()
        return journal

    def _open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not self.path.is_file():
                # Opening a FIFO for appending fails obscurely ("not seekable"); say why.
                raise JournalError(
                    f"{self.path} is not a regular file; remove it or use another --out"
                )
            self._fh = open(self.path, "a+b")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise JournalError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        # A FIFO or a device (`/dev/zero`) in the journal's place would block or fill
        # memory on the read below: only a regular file of sane size is a journal.
        try:
            info = os.fstat(self._fh.fileno())
        except OSError as exc:  # pragma: no cover - fstat of an open file
            self._fh.close()
            raise JournalError(f"cannot read {self.path}: {exc.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            self._fh.close()
            raise JournalError(f"{self.path} is not a regular file; remove it or use another --out")
        if info.st_size > MAX_JOURNAL_BYTES:
            self._fh.close()
            raise JournalError(
                f"{self.path} is {info.st_size} bytes, more than a journal can be "
                f"({MAX_JOURNAL_BYTES}); it was not written by mjprompt"
            )
        self._lock()
        try:
            self._fh.seek(0)
            data = self._fh.read(MAX_JOURNAL_BYTES + 1)
        except OSError as exc:
            self._fh.close()
            raise JournalError(f"cannot read {self.path}: {exc.strerror}") from None
        for number, line in enumerate(data.splitlines(), 1):
            self._replay(line, number)
        if data and not data.endswith(b"\n"):
            # A line torn by a kill: end it so the next event starts on its own line.
            self._append(b"\n")

    def _lock(self) -> None:
        assert self._fh is not None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, documented
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.close()
            raise JournalError(
                f"{self.path} is in use by another mjprompt run; wait for it to finish"
            ) from None

    def _replay(self, line: bytes, number: int = 0) -> None:
        if not line.strip():
            return
        event: Any = None
        why = ""
        try:
            event = json.loads(line)
        except RecursionError:
            why = "nested too deeply"
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, huge integers
            why = f"not JSON ({type(exc).__name__})"
        if not why and not isinstance(event, dict):
            why = "not a JSON object"
        elif not why and event.get("event") not in EVENTS:
            why = "not a known event"
        elif not why and not isinstance(event.get("key"), str):
            why = "no job key"
        if why:
            self._skip(line, number, why)
            return
        self._apply(event["key"], event)

    def _skip(self, line: bytes, number: int, why: str) -> None:
        """Skip a bad line with a warning, salvaging a task id it names: a task id is
        what stops a rerun from paying again, so it is never thrown away."""
        self.skipped_lines += 1
        key, task = _SALVAGE_KEY.search(line), _SALVAGE_TASK.search(line)
        note = ""
        if key is not None and task is not None:
            job, task_id = key.group(1).decode(), task.group(1).decode()
            known = self.jobs.get(job)
            if known is None or known.task_id != task_id:
                self._apply(job, {"event": "created", "key": job, "task_id": task_id})
                note = f"; kept its task id {task_id}"
        self.warnings.append(f"{self.path}:{number}: line skipped: {why}{note}")

    def _apply(self, key: str, event: Mapping[str, Any]) -> None:
        kind = str(event["event"])
        state = self.jobs.get(key) or JobState(key=key, status=kind)
        previous = state.status if key in self.jobs else None
        new_key = event.get("idempotency_key")
        if kind == "submitting":
            if previous in ("submitting", "unknown"):
                # The earlier POST of this job never got an answer that was journaled.
                state.maybe_taken = True
            if state.task_id is not None and isinstance(new_key, str):
                # A new purchase after a finished task (--retry-failed): a new key.
                state.maybe_taken = False
                state.task_id = None
        elif kind == "unknown":
            state.maybe_taken = True
        elif kind == "created":
            state.maybe_taken = False
        state.status = kind
        if kind in ("not_taken", "left") and state.maybe_taken:
            state.status = "unknown"  # a refusal of a resend proves nothing (issue 12)
        if isinstance(event.get("prompt"), str):
            state.prompt = event["prompt"]
        if isinstance(event.get("payload"), dict):
            state.payload = event["payload"]
        if isinstance(new_key, str):
            state.idempotency_key = new_key
        if isinstance(event.get("task_id"), str):
            state.task_id = event["task_id"]
        files = event.get("files")
        if isinstance(files, list):
            state.files = tuple(str(f) for f in files)
        state.error = event.get("error") if isinstance(event.get("error"), str) else None
        for name in ("credits_reserved", "credits_used"):
            value = event.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                setattr(state, name, float(value))
        task_status = event.get("task_status")
        state.task_status = task_status if isinstance(task_status, str) else None
        self.jobs[key] = state

    def _append(self, data: bytes) -> None:
        assert self._fh is not None
        try:
            self._fh.write(data)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise JournalError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def record(self, event: str, key: str, **fields: Any) -> None:
        """Append one event and make it durable before returning."""
        if event not in EVENTS:
            raise ValueError(f"unknown journal event {event!r}")
        entry: dict[str, Any] = {
            "event": event,
            "key": key,
            "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        entry.update({k: v for k, v in fields.items() if v is not None})
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))
        self._apply(key, entry)

    def state(self, key: str) -> JobState | None:
        return self.jobs.get(key)

    def close(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[JobState]:
        return iter(self.jobs.values())
