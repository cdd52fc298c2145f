"""Every knob of the sandbox in one frozen attrs class (documented in the package docstring)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import attrs

from .. import evolink

__all__ = [
    "BEHAVIOURS",
    "DEFAULT_API_KEY",
    "DEFAULT_CREDITS",
    "DOCUMENTED",
    "STRICT",
    "SandboxConfig",
]

DEFAULT_API_KEY = "sk-sandbox"
DEFAULT_CREDITS = 1_000_000.0
# What the sandbox accepts (docs/sandbox.md, "Behaviours"): `documented` checks only the
# request contract the evolink docs state and is permissive where they are silent;
# `strict` refuses everything our own library would (unknown fields, lint errors).
DOCUMENTED = "documented"
STRICT = "strict"
BEHAVIOURS = (DOCUMENTED, STRICT)


def _behaviour(_inst: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if value not in BEHAVIOURS:
        raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}, got {value!r}")


def _non_negative(_inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def _credits(_inst: object, _attribute: attrs.Attribute[float], value: float) -> None:
    # NaN or infinity cannot be written in the JSON of GET /v1/credits.
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise ValueError(f"credits must be a finite number >= 0, got {value!r}")


def _delays(
    _inst: object, _attribute: attrs.Attribute[tuple[float, ...]], value: tuple[float, ...]
) -> None:
    if any(d < 0 for d in value):
        raise ValueError(f"callback_retry_delays must all be >= 0, got {value}")


def _port(_inst: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if not 0 <= value <= 65535:
        raise ValueError(f"port must be between 0 and 65535, got {value}")


def _long_side(_inst: object, _attribute: attrs.Attribute[int], value: int) -> None:
    # 14:1 is the widest ratio the rules allow; below 14 px the short side would vanish.
    if not 14 <= value <= 1024:
        raise ValueError(f"image_long_side must be between 14 and 1024, got {value}")


@attrs.frozen(kw_only=True)
class SandboxConfig:
    """How a :class:`~mjprompt.sandbox.Sandbox` behaves. All times are in seconds."""

    host: str = "127.0.0.1"
    port: int = attrs.field(default=0, validator=_port)  # 0: the OS picks a free port
    api_key: str = DEFAULT_API_KEY
    # Creation to completion; the first tenth is `pending`, the rest `processing`.
    task_duration: float = attrs.field(default=6.0, validator=_non_negative)
    # How long result links stay valid after completion (the real API's lifetime).
    result_ttl: float = attrs.field(
        default=evolink.LINK_LIFETIME_HOURS * 3600.0, validator=_non_negative
    )
    image_long_side: int = attrs.field(default=64, validator=_long_side)
    # The task error code of a prompt containing the bare `sandbox-fail` marker.
    fail_code: str = evolink.TaskErrorCode.GENERATION_FAILED_NO_CONTENT
    # Accept http(s) callback URLs to 127.0.0.1 / ::1 / localhost (tests need them);
    # every other URL still goes through the library's callback_url rule.
    allow_loopback_callbacks: bool = False
    callback_timeout: float = attrs.field(default=10.0, validator=_non_negative)
    # Waits before the retries after a failed delivery (evolink: 1 s, 2 s, 4 s).
    callback_retry_delays: tuple[float, ...] = attrs.field(
        default=(1.0, 2.0, 4.0), converter=tuple, validator=_delays
    )
    # `documented` (the evolink docs, permissive where silent) or `strict` (our linter).
    behaviour: str = attrs.field(default=DOCUMENTED, validator=_behaviour)
    # How long a `stall` fault holds a connection when it gives no `delay`.
    stall_timeout: float = attrs.field(default=30.0, validator=_non_negative)
    # Base of the result links when the sandbox is reached through another address.
    public_base_url: str | None = None
    # Wall clock (Unix seconds) for task timing and link expiry; tests may inject one.
    clock: Callable[[], float] = time.time
    # Keep every request in `Sandbox.requests` (a long-running CLI sandbox need not).
    record_requests: bool = True
    # One line per handled request (the CLI prints them); None: silent.
    log: Callable[[str], None] | None = None
    # The account's starting balance in credits (GET /v1/credits); each task reserves
    # its cost from the cost model (mjprompt.evolink) and a POST the balance cannot pay
    # for is 402 insufficient_quota. The default is far more than any test spends.
    credits: float = attrs.field(default=DEFAULT_CREDITS, validator=_credits)
