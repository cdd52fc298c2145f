"""The evolink ``mj-v7`` API client: :class:`Client` (sync) and :class:`AsyncClient`.

``Task``, the errors and the task-id check import without httpx (callback receivers
use them); ``Client`` and ``AsyncClient`` load httpx on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ConnectionFailedError,
    DownloadError,
    EvolinkError,
    InsufficientQuotaError,
    InvalidTaskIdError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseLostError,
    ServerError,
    ServiceUnavailableError,
    TaskCancelledError,
    TaskError,
    TransportError,
    WaitTimeoutError,
)
from .task import Task, TaskErrorInfo, task_id_problem

if TYPE_CHECKING:
    from ._async import AsyncClient
    from ._core import Polling, Retrying
    from ._sync import Client

__all__ = [
    "APIError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "ConfigurationError",
    "ConnectionFailedError",
    "DownloadError",
    "EvolinkError",
    "InsufficientQuotaError",
    "InvalidTaskIdError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "Polling",
    "RateLimitError",
    "ResponseLostError",
    "Retrying",
    "ServerError",
    "ServiceUnavailableError",
    "Task",
    "TaskCancelledError",
    "TaskError",
    "TaskErrorInfo",
    "TransportError",
    "WaitTimeoutError",
    "task_id_problem",
]

# name -> submodule; these import httpx, so they load on first access only.
_LAZY = {
    "Client": "._sync",
    "AsyncClient": "._async",
    "Polling": "._core",
    "Retrying": "._core",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mjprompt.client' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
