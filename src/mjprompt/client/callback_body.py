"""The body the API posts to a callback URL, read into a :class:`~.task.Task`.

Treat it as a hint only: the callbacks are unsigned, so a receiver uses the body to
learn *which* task to re-fetch with ``Client.get`` (docs/callbacks.md). This module
does not import httpx (a receiver parses bodies without the HTTP client).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..callbacks import MAX_CALLBACK_BODY_LENGTH, CallbackError
from .task import Task

__all__ = ["parse_callback_body"]


def parse_callback_body(body: bytes | str | Mapping[str, Any]) -> Task:
    """Parse the JSON the API posts to a callback URL into a :class:`Task`.

    The body has the shape of ``GET /v1/tasks/{id}``. Raises :class:`CallbackError`
    (with a position for bad JSON) when it is not a JSON object with a task id.
    The callback is unsigned: use the result to know *which* task to re-fetch.
    """
    data: Any
    if isinstance(body, Mapping):
        data = body
    else:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if len(text) > MAX_CALLBACK_BODY_LENGTH:
            raise CallbackError(
                f"callback body is {len(text)} characters, more than {MAX_CALLBACK_BODY_LENGTH}"
            )
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CallbackError(
                f"callback body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        except RecursionError:
            raise CallbackError("callback body is JSON nested too deeply to read") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise CallbackError(f"callback body cannot be read: {str(exc)[:120]}") from None
    if not isinstance(data, Mapping):
        raise CallbackError("callback body must be a JSON object")
    task_id = data.get("id")
    if not isinstance(task_id, str) or not task_id:
        raise CallbackError("callback body has no task id")
    return Task.from_json(data)
