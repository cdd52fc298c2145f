"""The documented error envelope ``{"error": {"code", "message", "type"}}`` (evolink-api.md §4).

The generation endpoint and the task endpoint document different codes and types for
the same HTTP status (402, 429); :func:`http_error` picks the row of the right table.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

__all__ = ["ApiError", "Endpoint", "http_error"]


class Endpoint:
    """Which documented table an error comes from."""

    GENERATION = "generation"
    TASK = "task"
    CREDITS = "credits"
    OTHER = "other"


# status -> (code, type, message) for POST /v1/images/generations (evolink-api.md §4.1)
_GENERATION: dict[int, tuple[str, str, str]] = {
    400: ("invalid_request", "invalid_request_error", "Invalid request parameters"),
    401: ("unauthorized", "authentication_error", "Invalid or expired token"),
    402: (
        "insufficient_quota",
        "insufficient_quota",
        "Insufficient quota. Please top up your account.",
    ),
    403: (
        "model_access_denied",
        "invalid_request_error",
        "Token does not have access to model: mj-v7",
    ),
    429: ("rate_limit_exceeded", "rate_limit_error", "Too many requests, please try again later"),
    500: ("internal_error", "api_error", "Internal server error"),
}

# status -> (code, type, message) for GET /v1/tasks/{id} (evolink-api.md §4.2)
_TASK: dict[int, tuple[str, str, str]] = {
    400: (
        "invalid_task_id",
        "invalid_request_error",
        "Invalid task ID format, must start with 'task-unified-'",
    ),
    401: ("unauthorized", "authentication_error", "Authentication required"),
    402: (
        "quota_exceeded",
        "insufficient_quota",
        "Insufficient quota. Please top up your account.",
    ),
    403: (
        "permission_denied",
        "invalid_request_error",
        "You don't have permission to access this task",
    ),
    404: ("task_not_found", "invalid_request_error", "The requested task could not be found"),
    429: ("rate_limit_exceeded", "evo_api_error", "Rate limit exceeded"),
    500: ("internal_error", "api_error", "Failed to retrieve task status"),
}

# status -> (code, type, message, fallback_suggestion) for GET /v1/credits: its reference
# documents the same envelope with the HTTP status as an *integer* code, and a
# `fallback_suggestion` on some rows (evolink-api.md §4.2, [CRED]; decision B05).
_CREDITS: dict[int, tuple[int, str, str, str | None]] = {
    400: (400, "invalid_request_error", "Invalid request", None),
    401: (401, "authentication_error", "Invalid or expired token", None),
    403: (403, "permission_error", "Access denied", None),
    429: (429, "rate_limit_error", "Rate limit exceeded", "retry after 60 seconds"),
    500: (500, "internal_server_error", "Internal server error", "try again later"),
    502: (502, "upstream_error", "Upstream service error", "try again later"),
    503: (
        503,
        "service_unavailable_error",
        "Service temporarily unavailable",
        "retry after 30 seconds",
    ),
}

# Undocumented for mj-v7; shaped like the 5xx rows other evolink pages document.
_GATEWAY: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "invalid_request_error", "Not found"),
    405: ("method_not_allowed", "invalid_request_error", "Method not allowed"),
    409: ("idempotency_conflict", "invalid_request_error", "Idempotency-Key reused"),
    410: ("link_expired", "invalid_request_error", "The result link has expired"),
    413: ("request_too_large", "invalid_request_error", "Request body too large"),
    414: ("uri_too_long", "invalid_request_error", "Request URI too long"),
    431: ("headers_too_large", "invalid_request_error", "Request header fields too large"),
    502: ("bad_gateway", "api_error", "Bad gateway: the upstream returned an invalid response"),
    503: (
        "service_unavailable",
        "api_error",
        "No available channel for the requested model, please try again later",
    ),
}


@attrs.frozen
class ApiError(Exception):
    """An HTTP error answered with the envelope; raised by validation and routing."""

    status: int
    code: str | int  # an integer only on GET /v1/credits, as documented there
    type: str
    message: str
    param: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    fallback_suggestion: str | None = None

    def body(self) -> bytes:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "type": self.type}
        if self.param is not None:
            error["param"] = self.param
        if self.fallback_suggestion is not None:
            error["fallback_suggestion"] = self.fallback_suggestion
        return json.dumps({"error": error}).encode()


def http_error(
    status: int,
    endpoint: str = Endpoint.OTHER,
    message: str | None = None,
    *,
    param: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> ApiError:
    """The documented error for ``status`` at ``endpoint``; ``message`` replaces the stock text."""
    credits_row = _CREDITS.get(status) if endpoint == Endpoint.CREDITS else None
    if credits_row is not None:
        number, kind, stock, suggestion = credits_row
        return ApiError(status, number, kind, message or stock, param, headers, suggestion)
    table = _TASK if endpoint == Endpoint.TASK else _GENERATION
    row = table.get(status) or _GATEWAY.get(status) or _GENERATION.get(status)
    if row is None:
        row = ("http_error", "api_error", f"HTTP {status}")
    code, kind, stock = row
    return ApiError(status, code, kind, message or stock, param, headers)
