"""The evolink ``mj-v7`` wire contract, in one place (issue 18 item 1, started by issue 20).

This module holds facts about the API, not behaviour, and is the only module that
writes them (``tests/meta/test_contract_literals.py`` fails when another ``src`` module
types one again): the model id, the base URL and endpoint paths, the request fields, the
prompt and callback URL length limits, the speeds, which prompt flags the API strips and
the version lock, the task-id prefix, the Idempotency-Key header and pattern, the task
statuses (documented, terminal, failed, in progress), the documented error tables of the
three endpoints and the task error codes, the result count and the result links'
lifetime; and the **cost model** (credits per call and what multiplies them, each value
labelled with its source and whether that source is the documentation or secondary),
and pure functions over the documented bodies:

- :func:`estimate_prompt` / :func:`estimate_payload`: the credits one call will
  probably reserve (an :class:`Estimate`, always labelled as one);
- :func:`parse_usage`: ``usage`` of a create/query body (``credits_reserved`` is the
  truth after creation, ``credits_used`` after completion when present);
- :func:`parse_credits_response`: the body of ``GET /v1/credits`` as a
  :class:`Balance`, or a typed error (:class:`CreditsErrorResponse` for the documented
  error envelope, whose ``code`` is an integer on that endpoint and a string elsewhere;
  :class:`MalformedCreditsResponse` for anything else).

It imports only the standard library (no ``httpx``, no parser, no attrs), so the
linter, the sandbox and the client can all read it cheaply. The prompt's flags are read
with small patterns, the way the gateway sees them (ASCII ``--name``), not with the
prompt parser; the sources are the keys of ``shared/spec/evolink-api.md`` §0 and
``v7-syntax.md``. The table is rendered in ``docs/cost.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ._record import Record

__all__ = [
    "BASE_URL",
    "BILLING_RULE",
    "CANCELLED",
    "COMPLETED",
    "COST_TABLE",
    "CREDITS_ERRORS",
    "CREDITS_PATH",
    "DEFAULT_SPEED",
    "DOCUMENTED",
    "DOCUMENTED_STATUSES",
    "FAILED",
    "FAILED_STATUSES",
    "GENERATIONS_PATH",
    "GENERATION_ERRORS",
    "IDEMPOTENCY_HEADER",
    "IDEMPOTENCY_KEY",
    "IDEMPOTENCY_KEY_RULE",
    "IDEMPOTENCY_REPLAYED_HEADER",
    "INFERRED",
    "IN_PROGRESS_STATUSES",
    "LINK_LIFETIME_HOURS",
    "LOCKED_VERSION",
    "LOCKED_VERSION_TEXTS",
    "MAX_CALLBACK_URL_LENGTH",
    "MAX_PROMPT_LENGTH",
    "MAX_RESULTS",
    "MODEL",
    "MODEL_PARAMS_FIELDS",
    "OREF_FACTOR",
    "PENDING",
    "PROCESSING",
    "QUALITY_FACTORS",
    "REQUEST_FIELDS",
    "SECONDARY",
    "SOURCES",
    "SPEEDS",
    "SPEED_CREDITS",
    "STRIPPED_SPEED_FLAGS",
    "TASKS_PATH",
    "TASK_ERRORS",
    "TASK_ID_PREFIX",
    "TASK_QUERY_ERRORS",
    "TERMINAL_STATUSES",
    "Balance",
    "CostRow",
    "CreditsErrorResponse",
    "CreditsResponseError",
    "ErrorRow",
    "Estimate",
    "Factor",
    "MalformedCreditsResponse",
    "Source",
    "TaskErrorCode",
    "TaskErrorRow",
    "Usage",
    "estimate_payload",
    "estimate_prompt",
    "format_credits",
    "is_locked_version",
    "parse_credits_response",
    "parse_usage",
    "weakest_status",
]

MODEL = "mj-v7"  # ImageGenerationRequest.model enum: the only model this library sends
BASE_URL = "https://api.evolink.ai"
GENERATIONS_PATH = "/v1/images/generations"  # POST: create a task
TASKS_PATH = "/v1/tasks/"  # GET, + task id: query a task
CREDITS_PATH = "/v1/credits"  # GET: the balance
REQUEST_FIELDS = ("model", "prompt", "model_params", "callback_url")  # of the POST body
MODEL_PARAMS_FIELDS = ("speed",)  # of model_params
MAX_PROMPT_LENGTH = 8192  # ImageGenerationRequest.prompt maxLength, in code points
MAX_CALLBACK_URL_LENGTH = 2048  # callback_url maxLength
SPEEDS = ("draft", "fast", "turbo")  # model_params.speed enum
DEFAULT_SPEED = "fast"  # model_params.speed default
BILLING_RULE = "per_call"  # usage.billing_rule of mj-v7: one charge per call, not per image

# What the API strips from a prompt (evolink-api.md §1, §7): the speed flags (`--draft`,
# `--fast`, `--turbo`: the speed travels in `model_params.speed`), and `--v`/`--version`
# because the endpoint locks the model: a version that *is* the lock is redundant, any
# other is another model. These are the values that mean V7 (after the trailing
# punctuation a value can carry is dropped).
STRIPPED_SPEED_FLAGS = SPEEDS
LOCKED_VERSION = "7"
LOCKED_VERSION_TEXTS = (LOCKED_VERSION, LOCKED_VERSION + ".0")


def is_locked_version(value: str) -> bool:
    """Whether ``--v VALUE`` selects the version the endpoint is locked to (V7)."""
    return value in LOCKED_VERSION_TEXTS


# Task ids (`task-unified-<unix>-<suffix>`) and the Idempotency-Key header of the POST.
TASK_ID_PREFIX = "task-unified-"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_REPLAYED_HEADER = "Idempotency-Replayed"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._-]{16,96}\Z")  # what the gateway accepts
IDEMPOTENCY_KEY_RULE = "16-96 characters of A-Z a-z 0-9 . _ -"

# Task statuses. The documented enum is pending/processing/completed/failed; callbacks,
# the error catalogue and vendor code add `cancelled` (evolink-api.md §3.1). `completed`
# is the only success; every status outside TERMINAL_STATUSES means "not finished".
PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
CANCELLED = "cancelled"
DOCUMENTED_STATUSES = frozenset({PENDING, PROCESSING, COMPLETED, FAILED})
TERMINAL_STATUSES = frozenset({COMPLETED, FAILED, CANCELLED})
FAILED_STATUSES = frozenset({FAILED, CANCELLED})
# The in-progress words known by name (the documented two and the vendors' others).
IN_PROGRESS_STATUSES = frozenset(
    {PENDING, PROCESSING, "queued", "queueing", "running", "in_progress", "submitted"}
)

MAX_RESULTS = 4  # images per completed task: 4, possibly fewer (moderation)
LINK_LIFETIME_HOURS = 24  # how long a result link stays valid (changed from 30 days)


# --- the documented error tables (evolink-api.md §4) ----------------------------------


class ErrorRow(Record):
    """One row of a documented error table: ``{"error": {"code", "type", "message"}}``.

    ``code`` is a string on the generation and task endpoints, the HTTP status as an
    integer on ``GET /v1/credits``; ``fallback_suggestion`` is documented on some rows
    of the latter.
    """

    __slots__ = ("code", "type", "message", "fallback_suggestion")  # noqa: RUF023 - field order
    code: str | int
    type: str
    message: str
    fallback_suggestion: str | None

    def __init__(
        self, code: str | int, type: str, message: str, fallback_suggestion: str | None = None
    ) -> None:
        self._set_fields(code, type, message, fallback_suggestion)


# status -> row for POST /v1/images/generations (§4.1)
GENERATION_ERRORS: dict[int, ErrorRow] = {
    400: ErrorRow("invalid_request", "invalid_request_error", "Invalid request parameters"),
    401: ErrorRow("unauthorized", "authentication_error", "Invalid or expired token"),
    402: ErrorRow(
        "insufficient_quota",
        "insufficient_quota",
        "Insufficient quota. Please top up your account.",
    ),
    403: ErrorRow(
        "model_access_denied",
        "invalid_request_error",
        f"Token does not have access to model: {MODEL}",
    ),
    429: ErrorRow(
        "rate_limit_exceeded", "rate_limit_error", "Too many requests, please try again later"
    ),
    500: ErrorRow("internal_error", "api_error", "Internal server error"),
}

# status -> row for GET /v1/tasks/{id} (§4.2)
TASK_QUERY_ERRORS: dict[int, ErrorRow] = {
    400: ErrorRow(
        "invalid_task_id",
        "invalid_request_error",
        f"Invalid task ID format, must start with '{TASK_ID_PREFIX}'",
    ),
    401: ErrorRow("unauthorized", "authentication_error", "Authentication required"),
    402: ErrorRow(
        "quota_exceeded",
        "insufficient_quota",
        "Insufficient quota. Please top up your account.",
    ),
    403: ErrorRow(
        "permission_denied",
        "invalid_request_error",
        "You don't have permission to access this task",
    ),
    404: ErrorRow(
        "task_not_found", "invalid_request_error", "The requested task could not be found"
    ),
    429: ErrorRow("rate_limit_exceeded", "evo_api_error", "Rate limit exceeded"),
    500: ErrorRow("internal_error", "api_error", "Failed to retrieve task status"),
}

# status -> row for GET /v1/credits: the same envelope with the HTTP status as an integer
# code, and a fallback_suggestion on some rows ([CRED]).
CREDITS_ERRORS: dict[int, ErrorRow] = {
    400: ErrorRow(400, "invalid_request_error", "Invalid request"),
    401: ErrorRow(401, "authentication_error", "Invalid or expired token"),
    403: ErrorRow(403, "permission_error", "Access denied"),
    429: ErrorRow(429, "rate_limit_error", "Rate limit exceeded", "retry after 60 seconds"),
    500: ErrorRow(500, "internal_server_error", "Internal server error", "try again later"),
    502: ErrorRow(502, "upstream_error", "Upstream service error", "try again later"),
    503: ErrorRow(
        503,
        "service_unavailable_error",
        "Service temporarily unavailable",
        "retry after 30 seconds",
    ),
}


class TaskErrorCode:
    """The ``error.code`` values of a failed task (§4.3)."""

    CONTENT_POLICY_VIOLATION = "content_policy_violation"
    INVALID_PARAMETERS = "invalid_parameters"
    IMAGE_PROCESSING_ERROR = "image_processing_error"
    IMAGE_DIMENSION_MISMATCH = "image_dimension_mismatch"
    REQUEST_CANCELLED = "request_cancelled"
    GENERATION_FAILED_NO_CONTENT = "generation_failed_no_content"
    SERVICE_ERROR = "service_error"
    GENERATION_TIMEOUT = "generation_timeout"
    RESOURCE_EXHAUSTED = "resource_exhausted"
    QUOTA_EXCEEDED = "quota_exceeded"
    SERVICE_UNAVAILABLE = "service_unavailable"
    RESOURCE_NOT_FOUND = "resource_not_found"
    UNKNOWN_ERROR = "unknown_error"


class TaskErrorRow(Record):
    """One documented task error: its message (title, then advice) and whether the
    documentation's advice is to retry the same request later (the server-side rows)."""

    __slots__ = ("message", "retryable")
    message: str
    retryable: bool

    def __init__(self, message: str, retryable: bool) -> None:
        self._set_fields(message, retryable)


_T = TaskErrorCode
TASK_ERRORS: dict[str, TaskErrorRow] = {
    _T.CONTENT_POLICY_VIOLATION: TaskErrorRow(
        "Content policy violation.\nYour request was blocked by safety filters.", False
    ),
    _T.INVALID_PARAMETERS: TaskErrorRow(
        "Invalid parameters.\nThe parameters do not meet the model requirements.", False
    ),
    _T.IMAGE_PROCESSING_ERROR: TaskErrorRow(
        "Image processing error.\nAn input image could not be processed.", False
    ),
    _T.IMAGE_DIMENSION_MISMATCH: TaskErrorRow(
        "Image dimension mismatch.\nResize the image to the requested ratio.", False
    ),
    _T.REQUEST_CANCELLED: TaskErrorRow(
        "Request cancelled.\nThe task was cancelled or interrupted.", False
    ),
    _T.GENERATION_FAILED_NO_CONTENT: TaskErrorRow(
        "Generation failed.\nThe model produced no output.", True
    ),
    _T.SERVICE_ERROR: TaskErrorRow(
        "Service error.\nAn upstream error occurred; retry after 30-60 seconds.", True
    ),
    _T.GENERATION_TIMEOUT: TaskErrorRow(
        "Generation timeout.\nThe task exceeded the allowed time.", True
    ),
    _T.RESOURCE_EXHAUSTED: TaskErrorRow(
        "Resource exhausted.\nUpstream capacity is depleted; wait 1-5 minutes.", True
    ),
    _T.QUOTA_EXCEEDED: TaskErrorRow("Quota exceeded.\nReduce the request frequency.", True),
    _T.SERVICE_UNAVAILABLE: TaskErrorRow("Service unavailable.\nRetry in a few minutes.", True),
    _T.RESOURCE_NOT_FOUND: TaskErrorRow(
        "Resource not found.\nThe task ID is invalid or expired.", False
    ),
    _T.UNKNOWN_ERROR: TaskErrorRow("Unknown error.\nContact support.", False),
}


# How much a value can be trusted.
DOCUMENTED = "documented"  # stated by evolink's own API documentation
SECONDARY = "secondary"  # a vendor summary, third-party site or Midjourney's own docs
INFERRED = "inferred"  # our reading of documented facts (no source states the number)


class Source(Record):
    """Where a fact comes from (the keys of evolink-api.md §0 and v7-syntax.md)."""

    __slots__ = ("key", "title", "status")  # noqa: RUF023 - field order
    key: str
    title: str
    status: str  # DOCUMENTED or SECONDARY

    def __init__(self, key: str, title: str, status: str) -> None:
        self._set_fields(key, title, status)


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("MJ7", "evolink mj-v7 image generation reference", DOCUMENTED),
        Source("PG7", "evolink Midjourney V7 prompt guide", DOCUMENTED),
        Source("CRED", "evolink GET /v1/credits reference", DOCUMENTED),
        Source("MJREPO", "EvoLinkAI/midjourney-api docs/pricing.md (vendor summary)", SECONDARY),
        Source("MCP", "EvoLinkAI/evolink-mcp (vendor client code)", SECONDARY),
        Source("OFF", "Midjourney's own documentation (GPU time, not evolink credits)", SECONDARY),
        Source("3P", "third-party Midjourney guides", SECONDARY),
    )
}


class CostRow(Record):
    """One value of the cost model, with what it applies to and why we believe it."""

    __slots__ = ("applies_to", "value", "kind", "status", "sources", "note")  # noqa: RUF023 - field order
    applies_to: str  # e.g. "speed fast", "--q 2"
    value: float  # credits (kind "credits") or a multiplier (kind "factor")
    kind: str  # "credits" or "factor"
    status: str  # DOCUMENTED, SECONDARY or INFERRED
    sources: tuple[str, ...]
    note: str

    def __init__(
        self,
        applies_to: str,
        value: float,
        kind: str,
        status: str,
        sources: tuple[str, ...],
        note: str,
    ) -> None:
        self._set_fields(applies_to, value, kind, status, sources, note)


# Credits per call by speed. The numbers are the vendor price list converted at the
# display rate 1 USD = 68 credits [MCP]; the documentation itself only orders the speeds
# (draft cheapest and "half cost", turbo about twice fast), which these numbers agree with.
SPEED_CREDITS: dict[str, CostRow] = {
    "draft": CostRow(
        "speed draft",
        2.7,
        "credits",
        SECONDARY,
        ("MJREPO", "MCP"),
        "$0.040 per call; evolink's docs say draft is the cheapest, at half the cost [MJ7][PG7]",
    ),
    "fast": CostRow(
        "speed fast (the default)",
        5.4,
        "credits",
        SECONDARY,
        ("MJREPO", "MCP"),
        "$0.079 per call; billed per call, not per image",
    ),
    "turbo": CostRow(
        "speed turbo",
        10.8,
        "credits",
        SECONDARY,
        ("MJREPO", "MCP"),
        "$0.159 per call; evolink's docs say turbo is about twice fast [MJ7]",
    ),
}

# `--q` multipliers. evolink documents only that quality "affects cost"; the factors are
# Midjourney's GPU time as secondary sources report it. `--q 3` is reported to become 4.
QUALITY_FACTORS: dict[str, CostRow] = {
    "1": CostRow("--q 1 (the default)", 1.0, "factor", DOCUMENTED, ("PG7",), "the default"),
    "2": CostRow(
        "--q 2", 2.0, "factor", SECONDARY, ("PG7", "3P"), 'evolink: "affects cost"; about 2x'
    ),
    "3": CostRow("--q 3", 4.0, "factor", SECONDARY, ("3P",), "reported to run as --q 4"),
    "4": CostRow(
        "--q 4", 4.0, "factor", SECONDARY, ("PG7", "3P"), 'evolink: "affects cost"; about 4x'
    ),
}

# `--oref`: "2x cost" in evolink's own prompt guide (and Midjourney's Omni page).
OREF_FACTOR = CostRow("--oref URL", 2.0, "factor", DOCUMENTED, ("PG7", "OFF"), "2x cost")

# How the values combine: the speed's credits times every multiplier. No source states
# the combination; Midjourney prices each multiplier relative to the same job.
_COMBINATION = CostRow(
    "several multipliers",
    1.0,
    "factor",
    INFERRED,
    (),
    "multiplied together: credits(speed) x quality x oref",
)

COST_TABLE: tuple[CostRow, ...] = (
    *SPEED_CREDITS.values(),
    *QUALITY_FACTORS.values(),
    OREF_FACTOR,
    _COMBINATION,
)

# Flags as the gateway reads them: `--name` at the start or after whitespace, ASCII
# dashes (the documentation writes flags that way), any case.
_FLAG = re.compile(r"(?<!\S)--([A-Za-z][A-Za-z0-9_-]*)(?:[ \t\r\n]+([^\s-][^\s]*))?")

_PERMUTATION = re.compile(r"\{[^{}]*,[^{}]*\}")


class Factor(Record):
    """One multiplier applied to an estimate (``--q 2`` x2, ``--oref`` x2)."""

    __slots__ = ("label", "multiplier", "status")
    label: str
    multiplier: float
    status: str

    def __init__(self, label: str, multiplier: float, status: str) -> None:
        self._set_fields(label, multiplier, status)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "multiplier": self.multiplier, "status": self.status}


class Estimate(Record):
    """The credits one call will probably reserve. It is an estimate, never a price:
    after creation the task's ``usage.credits_reserved`` is the truth.

    ``status`` is the weakest status among the values used (``secondary`` whenever the
    speed's absolute price is used, which is always today).
    """

    __slots__ = ("credits", "speed", "base", "factors", "notes", "status")  # noqa: RUF023 - field order
    credits: float
    speed: str
    base: float  # credits of the speed alone
    factors: tuple[Factor, ...]
    notes: tuple[str, ...]
    status: str

    def __init__(
        self,
        credits: float,
        speed: str,
        base: float,
        factors: tuple[Factor, ...] = (),
        notes: tuple[str, ...] = (),
        status: str = SECONDARY,
    ) -> None:
        self._set_fields(credits, speed, base, factors, notes, status)

    @property
    def is_estimate(self) -> bool:
        return True  # there is no other kind; spelled out for readers of the JSON

    def label(self) -> str:
        """``≈5.4 credits (estimate)``: how every estimate is printed."""
        return f"≈{format_credits(self.credits)} credits (estimate)"

    def to_json(self) -> dict[str, Any]:
        return {
            "estimate": True,
            "credits": self.credits,
            "speed": self.speed,
            "base": self.base,
            "factors": [f.to_json() for f in self.factors],
            "notes": list(self.notes),
            "status": self.status,
        }


def format_credits(value: float) -> str:
    """Credits as printed: at most 4 decimals (as ``GET /v1/credits`` gives them), no
    trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _round(value: float) -> float:
    return round(value, 4)


def weakest_status(statuses: Iterable[str]) -> str:
    """The least trusted of ``statuses`` (documented < inferred < secondary)."""
    order = (DOCUMENTED, INFERRED, SECONDARY)
    return max(statuses, key=order.index)


def _flags(prompt: str) -> list[tuple[str, str | None]]:
    return [(m.group(1).lower(), m.group(2)) for m in _FLAG.finditer(prompt)]


def _estimate(flags: list[tuple[str, str | None]], speed: str, notes: list[str]) -> Estimate:
    row = SPEED_CREDITS[speed]
    factors: list[Factor] = []
    statuses = [row.status]
    quality = [value for name, value in flags if name in ("q", "quality")]
    if quality:
        value = quality[-1] or ""
        key = value.rstrip("0").rstrip(".") if "." in value else value
        q = QUALITY_FACTORS.get(key)
        if q is None:
            notes.append(f"--q {value}: not a V7 quality (1, 2, 4); counted as --q 1")
        elif q.value != 1.0:
            factors.append(Factor(f"--q {value}", q.value, q.status))
            statuses.append(q.status)
        if len(quality) > 1:
            notes.append("several --q: the last one counted")
    if any(name == "oref" for name, _ in flags):
        if speed != "fast":
            notes.append(f"--oref needs the fast speed; with {speed} the task fails")
        factors.append(Factor("--oref", OREF_FACTOR.value, OREF_FACTOR.status))
        statuses.append(OREF_FACTOR.status)
    if len(factors) > 1:
        statuses.append(_COMBINATION.status)
    if any(name in ("repeat", "r") for name, _ in flags):
        notes.append("--repeat is not supported by the API (one call, counted once)")
    credits = row.value * math.prod(f.multiplier for f in factors)
    return Estimate(
        _round(credits), speed, row.value, tuple(factors), tuple(notes), weakest_status(statuses)
    )


def estimate_prompt(prompt: str, speed: str | None = None) -> Estimate:
    """The estimate for ``prompt`` sent as ``build_payload(prompt, speed=speed)`` would.

    The speed is ``speed`` when given, else the prompt's own ``--draft``/``--fast``/
    ``--turbo`` (which ``build_payload`` moves to ``model_params.speed``), else ``fast``.
    With two different speed flags (a prompt ``build_payload`` refuses) the dearest is
    counted, so that an estimate never errs low.

    Raises ``ValueError`` for a ``speed`` outside draft/fast/turbo.
    """
    if speed is not None and speed not in SPEEDS:
        raise ValueError(f"speed must be one of {', '.join(SPEEDS)}, got {speed!r}")
    flags = _flags(prompt)
    notes: list[str] = []
    written = [name for name, _ in flags if name in SPEEDS]
    if speed is not None and set(written) - {speed}:
        notes.append(f"the prompt's --{written[0]} contradicts speed {speed} (not sendable)")
    if speed is None:
        if len(set(written)) > 1:
            notes.append(f"several speed flags ({', '.join(written)}): the dearest counted")
        speed = max(written, key=lambda s: SPEED_CREDITS[s].value) if written else DEFAULT_SPEED
    if _PERMUTATION.search(prompt):
        notes.append("a {a, b} permutation: the API does not expand it (mjprompt expand does)")
    return _estimate(flags, speed, notes)


def estimate_payload(body: Mapping[str, Any]) -> Estimate:
    """The estimate for a ``POST /v1/images/generations`` body as the API will run it.

    The speed is ``model_params.speed`` (absent, null or unknown: ``fast``); speed flags
    written in the prompt are ignored, since the API removes them. A missing or
    non-string prompt is estimated as an empty one.
    """
    params = body.get("model_params")
    speed = params.get("speed") if isinstance(params, Mapping) else None
    if speed not in SPEEDS:
        speed = DEFAULT_SPEED
    prompt = body.get("prompt")
    return _estimate(_flags(prompt if isinstance(prompt, str) else ""), str(speed), [])


# --- usage of a task ---------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class Usage(Record):
    """``usage`` of a create/query/callback body; every field may be missing.

    ``credits_reserved`` is documented on creation; ``credits_used`` and ``cost`` are
    undocumented fields evolink's own client reads after completion [MCP].
    """

    __slots__ = ("billing_rule", "credits_reserved", "credits_used", "user_group")
    billing_rule: str | None
    credits_reserved: float | None
    credits_used: float | None
    user_group: str | None

    def __init__(
        self,
        billing_rule: str | None = None,
        credits_reserved: float | None = None,
        credits_used: float | None = None,
        user_group: str | None = None,
    ) -> None:
        self._set_fields(billing_rule, credits_reserved, credits_used, user_group)


def parse_usage(body: object) -> Usage:
    """The ``usage`` of a task body; never raises (odd values become None)."""
    usage = body.get("usage") if isinstance(body, Mapping) else None
    if not isinstance(usage, Mapping):
        return Usage()
    rule = usage.get("billing_rule")
    group = usage.get("user_group")
    used = _number(usage.get("credits_used"))
    cost = usage.get("cost")
    if used is None and isinstance(cost, Mapping):
        used = _number(cost.get("credits"))
    return Usage(
        rule if isinstance(rule, str) else None,
        _number(usage.get("credits_reserved")),
        used,
        group if isinstance(group, str) else None,
    )


# --- GET /v1/credits ---------------------------------------------------------------------


class CreditsResponseError(ValueError):
    """The answer of ``GET /v1/credits`` is not a balance."""


class CreditsErrorResponse(CreditsResponseError):
    """The documented error envelope ``{"error": {"code", "message", "type", ...}}``.

    ``code`` is an integer (the HTTP status) on this endpoint per its reference, a
    string (``"insufficient_quota"``) on the others; both are kept as received.
    """

    def __init__(
        self,
        status: int,
        code: str | int | None,
        type: str | None,
        message: str,
        *,
        param: str | None = None,
        fallback_suggestion: str | None = None,
    ) -> None:
        super().__init__(f"HTTP {status}: {message}" + (f" ({code})" if code is not None else ""))
        self.status = status
        self.code = code
        self.type = type
        self.message = message
        self.param = param
        self.fallback_suggestion = fallback_suggestion


class MalformedCreditsResponse(CreditsResponseError):
    """Neither a balance nor an error envelope; ``where`` names the offending field."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"GET {CREDITS_PATH}: {where}: {problem}")
        self.where = where
        self.problem = problem


class Balance(Record):
    """The balances of ``GET /v1/credits``: the key's (``token``) and the account's
    (``user``). ``available`` is what can be spent with this key."""

    __slots__ = (  # noqa: RUF023 - field order
        "user_remaining",
        "user_used",
        "token_remaining",
        "token_used",
        "token_unlimited",
        "message",
    )
    user_remaining: float
    user_used: float
    token_remaining: float
    token_used: float
    token_unlimited: bool
    message: str

    def __init__(
        self,
        user_remaining: float,
        user_used: float,
        token_remaining: float,
        token_used: float,
        token_unlimited: bool,
        message: str = "",
    ) -> None:
        self._set_fields(
            user_remaining, user_used, token_remaining, token_used, token_unlimited, message
        )

    @property
    def available(self) -> float:
        """The account's remaining credits, capped by the key's unless it is unlimited."""
        if self.token_unlimited:
            return self.user_remaining
        return min(self.user_remaining, self.token_remaining)

    def to_json(self) -> dict[str, Any]:
        """The documented success body (what the sandbox answers)."""
        return {
            "data": {
                "token": {
                    "remaining_credits": self.token_remaining,
                    "unlimited_credits": self.token_unlimited,
                    "used_credits": self.token_used,
                },
                "user": {
                    "remaining_credits": self.user_remaining,
                    "used_credits": self.user_used,
                },
            },
            "message": self.message,
            "success": True,
        }


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _code(value: object) -> str | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        # "402" and 402 are the same code; "insufficient_quota" stays a string.
        return int(stripped) if stripped.isdecimal() and len(stripped) <= 3 else stripped
    return None


def _error_of(body: Mapping[str, Any], status: int) -> CreditsErrorResponse | None:
    error = body.get("error")
    if isinstance(error, Mapping):
        fields: Mapping[str, Any] = error
    elif "code" in body and "data" not in body:
        fields = body  # the inner object without its wrapper
    elif body.get("success") is False:
        fields = {"message": body.get("message")}
    else:
        return None
    return CreditsErrorResponse(
        status,
        _code(fields.get("code")),
        _text(fields.get("type")),
        _text(fields.get("message")) or "the server reported an error",
        param=_text(fields.get("param")),
        fallback_suggestion=_text(fields.get("fallback_suggestion")),
    )


def _credits(part: Mapping[str, Any], where: str, name: str) -> float:
    value = _number(part.get(name))
    if value is None:
        shown = "missing" if name not in part else f"not a number: {part.get(name)!r:.40}"
        raise MalformedCreditsResponse(f"{where}.{name}", shown)
    return value


def _part(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    part = data.get(name)
    if not isinstance(part, Mapping):
        raise MalformedCreditsResponse(f"data.{name}", "missing or not an object")
    return part


def parse_credits_response(body: object, status: int = 200) -> Balance:
    """The :class:`Balance` in a ``GET /v1/credits`` body, or a typed error.

    ``body`` is the decoded JSON, ``status`` the HTTP status. An error envelope (any
    status; ``code`` as an integer or a string) raises :class:`CreditsErrorResponse`;
    a 2xx body without the documented ``data.token``/``data.user`` numbers raises
    :class:`MalformedCreditsResponse`. Unknown fields are ignored; an absent
    ``unlimited_credits`` means False.
    """
    if not isinstance(body, Mapping):
        if status >= 400:
            raise CreditsErrorResponse(status, None, None, f"HTTP {status} without a JSON object")
        raise MalformedCreditsResponse("body", f"not a JSON object: {type(body).__name__}")
    error = _error_of(body, status)
    if error is not None:
        raise error
    if status >= 400:
        raise CreditsErrorResponse(status, None, None, f"HTTP {status} without an error object")
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise MalformedCreditsResponse("data", "missing or not an object")
    token, user = _part(data, "token"), _part(data, "user")
    unlimited = token.get("unlimited_credits", False)
    if not isinstance(unlimited, bool):
        raise MalformedCreditsResponse("data.token.unlimited_credits", "not a boolean")
    return Balance(
        user_remaining=_credits(user, "data.user", "remaining_credits"),
        user_used=_credits(user, "data.user", "used_credits"),
        token_remaining=_credits(token, "data.token", "remaining_credits"),
        token_used=_credits(token, "data.token", "used_credits"),
        token_unlimited=unlimited,
        message=_text(body.get("message")) or "",
    )
