"""The evolink ``mj-v7`` API client: :class:`Client` (sync) and :class:`AsyncClient`.

``Task``, the errors and the task-id check import without httpx (callback receivers
use them); ``Client`` and ``AsyncClient`` load httpx on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .callback_body import parse_callback_body
from .errors import (
    APIError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigurationError,
    ConnectionFailedError,
    ContentPolicyViolationError,
    DownloadError,
    EvolinkError,
    GatewayTimeoutError,
    GenerationFailedNoContentError,
    GenerationTimeoutError,
    IdempotencyConflictError,
    ImageDimensionMismatchError,
    ImageProcessingError,
    IncompleteDownloadError,
    InsufficientQuotaError,
    InternalServerError,
    InvalidParametersError,
    InvalidTaskIdError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    ResourceExhaustedError,
    ResourceNotFoundError,
    ResponseLostError,
    ResponseTooLargeError,
    ServerError,
    ServiceErrorTaskError,
    ServiceUnavailableError,
    TaskCancelledError,
    TaskError,
    TaskQuotaExceededError,
    TaskServiceUnavailableError,
    TransportError,
    UnknownTaskError,
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
    "BadGatewayError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConnectionFailedError",
    "ContentPolicyViolationError",
    "DownloadError",
    "EvolinkError",
    "GatewayTimeoutError",
    "GenerationFailedNoContentError",
    "GenerationTimeoutError",
    "IdempotencyConflictError",
    "ImageDimensionMismatchError",
    "ImageProcessingError",
    "IncompleteDownloadError",
    "InsufficientQuotaError",
    "InternalServerError",
    "InvalidParametersError",
    "InvalidTaskIdError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "Polling",
    "RateLimitError",
    "RequestTooLargeError",
    "ResourceExhaustedError",
    "ResourceNotFoundError",
    "ResponseLostError",
    "ResponseTooLargeError",
    "Retrying",
    "ServerError",
    "ServiceErrorTaskError",
    "ServiceUnavailableError",
    "Task",
    "TaskCancelledError",
    "TaskError",
    "TaskErrorInfo",
    "TaskQuotaExceededError",
    "TaskServiceUnavailableError",
    "TransportError",
    "UnknownTaskError",
    "WaitTimeoutError",
    "parse_callback_body",
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
