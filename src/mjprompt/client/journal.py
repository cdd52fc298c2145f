"""The journal of a batch run: ``mjprompt-journal.jsonl`` in the output directory.

Every event is one JSON line, appended with a single ``write`` and ``fsync``'d before
the run goes on, so that what the journal says survives a crash or a kill:

- ``submitting`` — written *before* the POST: the job's key, prompt, payload and the
  ``Idempotency-Key`` the POST will carry;
- ``created`` — the task id, written the moment the API returns it;
- ``not_taken`` — the API surely did not take the request (refused with a 4xx or 503,
  or the connection was never made): the job may be submitted again;
- ``failed`` — the task ended without images (its code and message);
- ``saved`` — the images and the sidecar are on disk.

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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

__all__ = ["JOURNAL_NAME", "JobState", "Journal", "JournalError", "job_key"]

JOURNAL_NAME = "mjprompt-journal.jsonl"

EVENTS = ("submitting", "created", "not_taken", "failed", "saved")


class JournalError(Exception):
    """The journal cannot be used (unwritable directory, locked by another run)."""


def job_key(payload: Mapping[str, Any], occurrence: int) -> str:
    """A stable key for the ``occurrence``-th job (from 0) with this exact payload."""
    canonical = json.dumps(dict(payload), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
    return f"{digest}#{occurrence}"


@attrs.define
class JobState:
    """What the journal knows about one job (the fold of its events)."""

    key: str
    status: str  # the last event: submitting | created | not_taken | failed | saved
    prompt: str | None = None
    payload: dict[str, Any] | None = None
    idempotency_key: str | None = None
    task_id: str | None = None
    files: tuple[str, ...] = ()
    error: str | None = None


class Journal:
    """An append-only, fsync'd JSONL journal, locked against a second concurrent run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / JOURNAL_NAME
        self.jobs: dict[str, JobState] = {}
        self.skipped_lines = 0
        self._fh: IO[bytes] | None = None

    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> Journal:
        journal = cls(Path(directory))
        journal._open()
        return journal

    def _open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a+b")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise JournalError(f"cannot open {self.path}: {exc.strerror}") from None
        self._lock()
        self._fh.seek(0)
        data = self._fh.read()
        for line in data.splitlines():
            self._replay(line)
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

    def _replay(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            event = json.loads(line)
        except ValueError:
            self.skipped_lines += 1
            return
        if not isinstance(event, dict) or event.get("event") not in EVENTS:
            self.skipped_lines += 1
            return
        key = event.get("key")
        if not isinstance(key, str):
            self.skipped_lines += 1
            return
        self._apply(key, event)

    def _apply(self, key: str, event: Mapping[str, Any]) -> None:
        state = self.jobs.get(key) or JobState(key=key, status=str(event["event"]))
        state.status = str(event["event"])
        if isinstance(event.get("prompt"), str):
            state.prompt = event["prompt"]
        if isinstance(event.get("payload"), dict):
            state.payload = event["payload"]
        if isinstance(event.get("idempotency_key"), str):
            state.idempotency_key = event["idempotency_key"]
        if isinstance(event.get("task_id"), str):
            state.task_id = event["task_id"]
        if state.status == "not_taken":
            state.task_id = None
        files = event.get("files")
        if isinstance(files, list):
            state.files = tuple(str(f) for f in files)
        state.error = event.get("error") if isinstance(event.get("error"), str) else None
        self.jobs[key] = state

    def _append(self, data: bytes) -> None:
        assert self._fh is not None
        try:
            self._fh.write(data)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise JournalError(f"cannot write {self.path}: {exc.strerror}") from None

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
