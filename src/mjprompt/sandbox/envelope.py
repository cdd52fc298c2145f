"""The documented error envelope ``{"error": {"code", "message", "type"}}`` (evolink-api.md §4).

The generation endpoint and the task endpoint document different codes and types for
the same HTTP status (402, 429); :func:`http_error` picks the row of the right table.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from .. import evolink

__all__ = ["ApiError", "Endpoint", "http_error", "invalid_request"]


class Endpoint:
    """Which documented table an error comes from."""

    GENERATION = "generation"
    TASK = "task"
    CREDITS = "credits"
    OTHER = "other"


# The documented tables live in mjprompt.evolink (GENERATION_ERRORS, TASK_QUERY_ERRORS,
# CREDITS_ERRORS); the rows below are the sandbox's own.

# Undocumented for mj-v7; shaped like the 5xx rows other evolink pages document.
_GATEWAY: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "invalid_request_error", "Not found"),
    405: ("method_not_allowed", "invalid_request_error", "Method not allowed"),
    409: (
        "idempotency_conflict",
        "invalid_request_error",
        f"{evolink.IDEMPOTENCY_HEADER} reused",
    ),
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
    credits_row = evolink.CREDITS_ERRORS.get(status) if endpoint == Endpoint.CREDITS else None
    if credits_row is not None:
        return ApiError(
            status,
            credits_row.code,
            credits_row.type,
            message or credits_row.message,
            param,
            headers,
            credits_row.fallback_suggestion,
        )
    table = evolink.TASK_QUERY_ERRORS if endpoint == Endpoint.TASK else evolink.GENERATION_ERRORS
    row = table.get(status)
    if row is None and status not in _GATEWAY:
        row = evolink.GENERATION_ERRORS.get(status)  # e.g. a 401 of another endpoint
    if row is not None:
        return ApiError(status, row.code, row.type, message or row.message, param, headers)
    code, kind, stock = _GATEWAY.get(status) or ("http_error", "api_error", f"HTTP {status}")
    return ApiError(status, code, kind, message or stock, param, headers)


def invalid_request(detail: str, *, param: str | None = None) -> ApiError:
    """The documented 400 of the generation endpoint, its message followed by ``detail``."""
    stock = evolink.GENERATION_ERRORS[400].message
    return http_error(400, Endpoint.GENERATION, f"{stock}: {detail}", param=param)
