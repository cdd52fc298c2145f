"""The task object returned by create, query and callbacks (evolink-api.md §2, §3.1, §5).

Parsing is tolerant: no field is required except the id, unknown fields are kept in
``raw``, numbers that arrive as strings are accepted, and unknown statuses are kept as
they are. This module does not import httpx (callbacks parse tasks without it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from .. import evolink

__all__ = [
    "ACTIVE_STATUSES",
    "DOCUMENTED_STATUSES",
    "FAILED_STATUSES",
    "TASK_ID_PREFIX",
    "TERMINAL_STATUSES",
    "Task",
    "TaskErrorInfo",
    "task_id_problem",
]

TASK_ID_PREFIX = evolink.TASK_ID_PREFIX

# The end states (mjprompt.evolink): `completed` is the only success, `failed` the
# documented failure, `cancelled` a failure seen in callbacks and vendor code. Every
# other status — the documented `pending`/`processing` and any word we have never seen
# (`generating`, `queued`, …) — means "not finished": the client keeps waiting (warning
# once about an undocumented word) rather than giving up on, or re-buying, a task that
# may still complete (issue 12 item 2). The wait's deadline still bounds it.
TERMINAL_STATUSES = evolink.TERMINAL_STATUSES
FAILED_STATUSES = evolink.FAILED_STATUSES
DOCUMENTED_STATUSES = evolink.DOCUMENTED_STATUSES
# Kept for callers of the earlier API: the in-progress words we know by name.
ACTIVE_STATUSES = evolink.IN_PROGRESS_STATUSES


def task_id_problem(task_id: object) -> str | None:
    """Why ``task_id`` is not a task id the API accepts; None when it looks right."""
    if not isinstance(task_id, str):
        return f"task id must be a string, not {type(task_id).__name__}"
    if not task_id.startswith(TASK_ID_PREFIX):
        return f"invalid task id {task_id!r}: it must start with {TASK_ID_PREFIX!r}"
    rest = task_id[len(TASK_ID_PREFIX) :]
    if not rest or len(task_id) > 200:
        return f"invalid task id {task_id!r}"
    bad = next((c for c in rest if not (c.isascii() and (c.isalnum() or c in "-_."))), None)
    if bad is not None:
        return f"invalid task id {task_id!r}: unexpected character {bad!r}"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return int(number) if math.isfinite(number) else None
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


@attrs.frozen
class TaskErrorInfo:
    """The ``error`` object of a failed task (evolink-api.md §4.3)."""

    code: str
    message: str
    type: str | None = None
    suggestion: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> TaskErrorInfo | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            code=_str(data.get("code")) or evolink.TaskErrorCode.UNKNOWN_ERROR,
            message=_str(data.get("message")) or "",
            type=_str(data.get("type")),
            suggestion=_str(data.get("suggestion")),
        )


def _results(data: Mapping[str, Any]) -> tuple[str, ...]:
    raw = data.get("results")
    urls: list[str] = []
    if isinstance(raw, list):
        urls = [u for u in raw if isinstance(u, str) and u]
    if not urls and isinstance(data.get("result_data"), list):
        # Vendor code models `result_data: [{"image_url": …}]` for some models.
        for item in data["result_data"]:
            if isinstance(item, Mapping) and isinstance(item.get("image_url"), str):
                urls.append(item["image_url"])
    return tuple(urls)


@attrs.frozen
class Task:
    """A generation task. ``raw`` holds the JSON object as received (unknown fields too).

    ``status`` is the string the server sent, lower-cased; see :attr:`is_terminal`.
    """

    id: str
    status: str = evolink.PENDING
    progress: int = 0
    results: tuple[str, ...] = ()
    error: TaskErrorInfo | None = None
    estimated_time: float | None = None
    can_cancel: bool | None = None
    created: int | None = None
    model: str | None = None
    credits_reserved: float | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Task:
        """Build a task from a create/query/callback body (never raises on odd fields)."""
        info = data.get("task_info")
        info = info if isinstance(info, Mapping) else {}
        usage = data.get("usage")
        usage = usage if isinstance(usage, Mapping) else {}
        progress = _int(data.get("progress"))
        status = _str(data.get("status"))
        can_cancel = info.get("can_cancel")
        return cls(
            id=_str(data.get("id")) or "",
            status=(status or evolink.PENDING).strip().lower(),
            progress=max(0, min(100, progress)) if progress is not None else 0,
            results=_results(data),
            error=TaskErrorInfo.from_json(data.get("error")),
            estimated_time=_float(info.get("estimated_time")),
            can_cancel=can_cancel if isinstance(can_cancel, bool) else None,
            created=_int(data.get("created")),
            model=_str(data.get("model")),
            credits_reserved=_float(usage.get("credits_reserved")),
            raw=dict(data),
        )

    @property
    def is_terminal(self) -> bool:
        """True once the task will not change any more: completed, failed or cancelled.

        An unknown status is not terminal: the task may still complete."""
        return self.status in TERMINAL_STATUSES

    @property
    def is_failed(self) -> bool:
        """True for a task that ended without images (``failed`` or ``cancelled``)."""
        return self.status in FAILED_STATUSES

    @property
    def is_completed(self) -> bool:
        return self.status == evolink.COMPLETED

    def to_json(self) -> dict[str, Any]:
        """The task as received (for sidecars and ``--json`` output)."""
        if self.raw:
            return dict(self.raw)
        out: dict[str, Any] = {"id": self.id, "status": self.status, "progress": self.progress}
        if self.results:
            out["results"] = list(self.results)
        if self.error is not None:
            out["error"] = attrs.asdict(self.error)
        return out
