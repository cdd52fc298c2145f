"""Typed errors for every documented HTTP error and task error code (evolink-api.md §4).

Hierarchy::

    EvolinkError
    ├── ConfigurationError          no API key, bad base URL
    ├── InvalidTaskIdError          a task id that does not start with task-unified- (local)
    ├── APIError                    an HTTP error response (status, code, type, message)
    │   ├── BadRequestError         400 invalid_request / invalid_task_id / others
    │   ├── AuthenticationError     401
    │   ├── InsufficientQuotaError  402 (every quota / balance / key-limit code)
    │   ├── PermissionDeniedError   403 model_access_denied / permission_denied
    │   ├── NotFoundError           404 task_not_found
    │   ├── IdempotencyConflictError  idempotency_conflict (any status)
    │   ├── RequestTooLargeError    413
    │   ├── RateLimitError          429 (``retry_after`` seconds when the server said)
    │   └── ServerError             5xx: InternalServerError 500, BadGatewayError 502,
    │                               ServiceUnavailableError 503, GatewayTimeoutError 504
    ├── TransportError              no usable HTTP response
    │   ├── ConnectionFailedError   the connection was refused / never made (not sent)
    │   ├── ResponseLostError       sent, but the answer never came (may have been taken)
    │   └── MalformedResponseError  an answer that is not the JSON we expect
    │       └── ResponseTooLargeError  a body over the size limit (after decompression)
    ├── TaskError                   a task that ended without images (``task``, ``code``)
    │   ├── one class per task error code of §4.3 (ContentPolicyViolationError, …)
    │   └── TaskCancelledError      status ``cancelled`` (or request_cancelled)
    ├── WaitTimeoutError            the deadline passed before the task ended
    └── DownloadError               an image could not be saved
        └── IncompleteDownloadError fewer bytes than announced (retried)

Messages carry the server's code and message and the request id when there is one;
they never contain the API key (the client never puts it anywhere but the header).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import evolink
from ..evolink import TaskErrorCode as _T
from .task import Task

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
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
    "RateLimitError",
    "RequestTooLargeError",
    "ResourceExhaustedError",
    "ResourceNotFoundError",
    "ResponseLostError",
    "ResponseTooLargeError",
    "ServerError",
    "ServiceErrorTaskError",
    "ServiceUnavailableError",
    "TaskCancelledError",
    "TaskError",
    "TaskQuotaExceededError",
    "TaskServiceUnavailableError",
    "TransportError",
    "UnknownTaskError",
    "WaitTimeoutError",
    "api_error_from_response",
    "task_error",
]


class EvolinkError(Exception):
    """Base class of every error raised by the client."""


class ConfigurationError(EvolinkError):
    """The client cannot be used as configured (e.g. no API key)."""


class InvalidTaskIdError(EvolinkError, ValueError):
    """A task id that the API would refuse; raised before any request is made."""


class APIError(EvolinkError):
    """The API answered with an error status.

    ``status_code``, ``code`` (the envelope's ``error.code``, a string or an integer),
    ``type``, ``message``, ``param``, ``request_id``, ``retry_after`` (seconds, from the
    ``Retry-After`` header) and ``body`` (the parsed JSON, or None) describe it.
    """

    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | int | None = None,
        type: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.code = code
        self.type = type
        self.param = param
        self.request_id = request_id
        self.body = body
        parts = [f"HTTP {status_code}"]
        if code is not None:
            parts.append(str(code))
        text = " ".join(parts) + (f": {message}" if message else "")
        if request_id:
            text += f" (request id {request_id})"
        super().__init__(text)


class BadRequestError(APIError):
    """400: the request was invalid (``invalid_request``, ``invalid_task_id``)."""


class AuthenticationError(APIError):
    """401: the API key is missing, invalid or expired."""


class InsufficientQuotaError(APIError):
    """402: no credits left, or a key/account limit reached (see ``code``)."""


class PermissionDeniedError(APIError):
    """403: the key may not use this model, or may not read this task."""


class NotFoundError(APIError):
    """404: the task does not exist (or has expired)."""


class IdempotencyConflictError(APIError):
    """The Idempotency-Key was reused with a different request."""


class RequestTooLargeError(APIError):
    """413: the request body is too large."""


class RateLimitError(APIError):
    """429: too many requests; ``retry_after`` is the server's advice in seconds, if any."""


class ServerError(APIError):
    """A 5xx answer."""


class InternalServerError(ServerError):
    """500: the server failed."""


class BadGatewayError(ServerError):
    """502: an upstream failed."""


class ServiceUnavailableError(ServerError):
    """503: no capacity right now (e.g. no available channel for the model)."""


class GatewayTimeoutError(ServerError):
    """504: an upstream timed out."""


class TransportError(EvolinkError):
    """No usable HTTP answer. ``request_sent`` says whether the server may have acted."""

    request_sent: bool = True


class ConnectionFailedError(TransportError):
    """The connection could not be made (refused, DNS, TLS): the request was not sent."""

    request_sent = False


class ResponseLostError(TransportError):
    """The request went out but no complete answer came back (timeout, dropped connection).

    For a generation this means the task may exist: the client does not resend it.
    """


class MalformedResponseError(TransportError):
    """The answer was not the JSON object expected."""


class ResponseTooLargeError(MalformedResponseError):
    """The answer's body (decompressed) was larger than the client accepts; it was not
    read further (a gzip bomb or an endless body costs at most the limit)."""


class WaitTimeoutError(EvolinkError):
    """The deadline passed before the task ended; ``task`` is its last known state."""

    def __init__(self, message: str, task: Task | None = None) -> None:
        super().__init__(message)
        self.task = task


class DownloadError(EvolinkError):
    """An image could not be downloaded or saved (nothing complete-looking is left behind)."""


class IncompleteDownloadError(DownloadError):
    """Fewer bytes arrived than the server announced (retried like a dropped connection)."""


# ----------------------------------------------------------------------- task errors


class TaskError(EvolinkError):
    """A task that ended without images: ``task``, ``code`` and ``remote_message``."""

    retryable = False  # the API's advice: would the same request succeed later?

    def __init__(self, task: Task) -> None:
        self.task = task
        self.code = task.error.code if task.error else task.status
        self.remote_message = task.error.message if task.error else ""
        detail = self.remote_message.replace("\n", " ").strip()
        text = f"task {task.id} {task.status}: {self.code}"
        super().__init__(f"{text}: {detail}" if detail else text)


class ContentPolicyViolationError(TaskError):
    """``content_policy_violation``: blocked by the safety filters."""


class InvalidParametersError(TaskError):
    """``invalid_parameters``: the parameters do not meet the model's requirements."""


class ImageProcessingError(TaskError):
    """``image_processing_error``: an input image was unreachable, unsupported or corrupt."""


class ImageDimensionMismatchError(TaskError):
    """``image_dimension_mismatch``: an input image does not match the requested ratio."""


class TaskCancelledError(TaskError):
    """The task was cancelled (status ``cancelled`` or code ``request_cancelled``)."""


class GenerationFailedNoContentError(TaskError):
    """``generation_failed_no_content``: the model produced nothing."""

    retryable = True


class ServiceErrorTaskError(TaskError):
    """``service_error``: an upstream error; retry after 30-60 s."""

    retryable = True


class GenerationTimeoutError(TaskError):
    """``generation_timeout``: the task ran out of time on the server."""

    retryable = True


class ResourceExhaustedError(TaskError):
    """``resource_exhausted``: upstream capacity depleted; wait 1-5 minutes."""

    retryable = True


class TaskQuotaExceededError(TaskError):
    """``quota_exceeded``: a rate, concurrency or quota limit."""

    retryable = True


class TaskServiceUnavailableError(TaskError):
    """``service_unavailable``: a temporary upstream problem."""

    retryable = True


class ResourceNotFoundError(TaskError):
    """``resource_not_found``: the task id is invalid or expired."""


class UnknownTaskError(TaskError):
    """``unknown_error``, or any code or status this client does not know."""


# One class per documented code (mjprompt.evolink.TASK_ERRORS; a test checks that every
# code has its class and that each class's `retryable` is the documentation's advice).
TASK_ERRORS: dict[str, type[TaskError]] = {
    _T.CONTENT_POLICY_VIOLATION: ContentPolicyViolationError,
    _T.INVALID_PARAMETERS: InvalidParametersError,
    _T.IMAGE_PROCESSING_ERROR: ImageProcessingError,
    _T.IMAGE_DIMENSION_MISMATCH: ImageDimensionMismatchError,
    _T.REQUEST_CANCELLED: TaskCancelledError,
    _T.GENERATION_FAILED_NO_CONTENT: GenerationFailedNoContentError,
    _T.SERVICE_ERROR: ServiceErrorTaskError,
    _T.GENERATION_TIMEOUT: GenerationTimeoutError,
    _T.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    _T.QUOTA_EXCEEDED: TaskQuotaExceededError,
    _T.SERVICE_UNAVAILABLE: TaskServiceUnavailableError,
    _T.RESOURCE_NOT_FOUND: ResourceNotFoundError,
    _T.UNKNOWN_ERROR: UnknownTaskError,
}


def task_error(task: Task) -> TaskError:
    """The error for a task that ended without images (failed, cancelled, unknown)."""
    if task.status == evolink.CANCELLED:
        return TaskCancelledError(task)
    code = task.error.code if task.error else ""
    return TASK_ERRORS.get(code, UnknownTaskError)(task)


# ------------------------------------------------------------------------ HTTP errors

_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientQuotaError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: IdempotencyConflictError,
    413: RequestTooLargeError,
    429: RateLimitError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}

# Codes that decide the class whatever the status: the documented codes take the class
# of their row's status (mjprompt.evolink's two tables); vendor code sends all key and
# balance rejections as 402, and names idempotency conflicts by code.
_BY_CODE: dict[str, type[APIError]] = {
    **{
        row.code: _BY_STATUS[status]
        for table in (evolink.GENERATION_ERRORS, evolink.TASK_QUERY_ERRORS)
        for status, row in table.items()
        if isinstance(row.code, str)
    },
    "key_disabled": AuthenticationError,
    "key_expired": AuthenticationError,
    "user_disabled": AuthenticationError,
    "insufficient_user_quota": InsufficientQuotaError,
    "quota_not_enough": InsufficientQuotaError,
    "account_balance_insufficient": InsufficientQuotaError,
    "insufficient_token_quota": InsufficientQuotaError,
    "key_quota_exhausted": InsufficientQuotaError,
    "token_daily_quota_exceeded": InsufficientQuotaError,
    "key_daily_quota_exhausted": InsufficientQuotaError,
    "key_model_not_allowed": PermissionDeniedError,
    "idempotency_conflict": IdempotencyConflictError,
    "service_unavailable": ServiceUnavailableError,
    "no_available_channel": ServiceUnavailableError,
    "model_unavailable": ServiceUnavailableError,
}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def api_error_from_response(
    status_code: int,
    body: Any,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
    reason: str = "",
) -> APIError:
    """The typed error for an HTTP error answer (``body`` is the parsed JSON or None)."""
    envelope: Mapping[str, Any] = {}
    if isinstance(body, Mapping):
        inner = body.get("error")
        envelope = inner if isinstance(inner, Mapping) else body
    raw_code = envelope.get("code")
    code: str | int | None = (
        raw_code if isinstance(raw_code, (str, int)) and not isinstance(raw_code, bool) else None
    )
    message = _text(envelope.get("message")) or reason or "request failed"
    message = " ".join(message.split())
    cls: type[APIError] | None = None
    if isinstance(code, str):
        cls = _BY_CODE.get(code)
        if cls is not None and status_code >= 500 and not issubclass(cls, ServerError):
            cls = None  # trust the status of a 5xx whatever the code says
    if cls is None:
        cls = _BY_STATUS.get(status_code)
    if cls is None:
        cls = ServerError if status_code >= 500 else APIError
    err = cls(
        message,
        status_code=status_code,
        code=code,
        type=_text(envelope.get("type")),
        param=_text(envelope.get("param")),
        request_id=request_id or _text(envelope.get("request_id")),
        body=body,
    )
    err.retry_after = retry_after
    return err
