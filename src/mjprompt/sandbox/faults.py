"""Switchable faults: what goes wrong, on which requests, and how many times.

A :class:`Fault` matches requests by method and path prefix. It fires on the next
``count`` matching requests (``None``: until cleared), or, with ``every=N``, on every
N-th matching request (``count`` then limits the firings). Faults are checked in the
order they were injected; the first that fires wins.
"""

from __future__ import annotations

import enum
import threading

import attrs

__all__ = ["Fault", "FaultKind", "FaultPlan", "parse_fault_spec"]


class FaultKind(str, enum.Enum):
    """Every fault the sandbox can inject."""

    RATE_LIMIT = "rate_limit"  # 429, with Retry-After when `retry_after` is set
    QUOTA = "quota"  # 402 insufficient quota
    FORBIDDEN = "forbidden"  # 403 access denied
    SERVER_ERROR = "server_error"  # 500 internal_error
    BAD_GATEWAY = "bad_gateway"  # 502 (JSON envelope)
    UNAVAILABLE = "unavailable"  # 503 service_unavailable, with Retry-After when set
    SLOW = "slow"  # wait `delay` seconds, then answer normally
    STALL = "stall"  # handle the request, never answer; hold the connection `delay` s
    DROP_BEFORE = "drop_before"  # close the connection before reading the body: nothing done
    DROP_AFTER = "drop_after"  # handle the request (a task IS created), then close silently
    MALFORMED_JSON = "malformed_json"  # handle the request, send half of the JSON body
    HTML = "html"  # a proxy's HTML error page (status 502 unless `status` is set)
    TRUNCATE = "truncate"  # handle, then send half the body under the full Content-Length

    @property
    def status(self) -> int | None:
        """The HTTP status an error fault answers with."""
        return _STATUS.get(self)


_STATUS = {
    FaultKind.RATE_LIMIT: 429,
    FaultKind.QUOTA: 402,
    FaultKind.FORBIDDEN: 403,
    FaultKind.SERVER_ERROR: 500,
    FaultKind.BAD_GATEWAY: 502,
    FaultKind.UNAVAILABLE: 503,
}

# Short names accepted by inject() and --fault.
ALIASES = {
    "429": FaultKind.RATE_LIMIT,
    "402": FaultKind.QUOTA,
    "403": FaultKind.FORBIDDEN,
    "500": FaultKind.SERVER_ERROR,
    "502": FaultKind.BAD_GATEWAY,
    "503": FaultKind.UNAVAILABLE,
    "drop": FaultKind.DROP_BEFORE,
    "truncated_download": FaultKind.TRUNCATE,
}


def fault_kind(name: str | FaultKind) -> FaultKind:
    """The kind for a name or alias; ValueError listing the choices otherwise."""
    if isinstance(name, FaultKind):
        return name
    key = name.strip().lower().replace("-", "_")
    if key in ALIASES:
        return ALIASES[key]
    try:
        return FaultKind(key)
    except ValueError:
        choices = ", ".join([k.value for k in FaultKind] + sorted(ALIASES))
        raise ValueError(f"unknown fault {name!r}; choose one of: {choices}") from None


@attrs.define
class Fault:
    """One injected fault. Mutable only through :class:`FaultPlan`, under its lock."""

    kind: FaultKind
    path: str | None = None  # path prefix, e.g. "/v1/tasks/"; None: every path
    method: str | None = None  # e.g. "POST"; None: every method
    count: int | None = 1  # firings left; None: until cleared
    every: int | None = None  # fire on every N-th matching request
    retry_after: float | None = None  # Retry-After header (429, 503)
    delay: float | None = None  # seconds, for slow and stall
    status: int | None = None  # overrides the status of error faults and html
    seen: int = 0  # matching requests so far
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)


class FaultPlan:
    """The injected faults of one sandbox (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.count is not None and fault.count < 1:
            raise ValueError(f"count must be >= 1 or None, got {fault.count}")
        if fault.every is not None and fault.every < 1:
            raise ValueError(f"every must be >= 1, got {fault.every}")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that fires on this request, if any; counts it."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                fault.seen += 1
                if fault.every is not None and fault.seen % fault.every != 0:
                    continue
                fault.fired += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                return fault
            return None


_INT_KEYS = ("count", "every", "status")
_FLOAT_KEYS = ("retry_after", "delay")


def parse_fault_spec(spec: str) -> Fault:
    """A fault from ``KIND[,key=value...]`` (keys: path, method, count, every,
    retry_after, delay, status; ``count=0`` means until stopped). ValueError says what
    is wrong."""
    name, *pairs = [p.strip() for p in spec.split(",")]
    fault = Fault(fault_kind(name), count=None)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not value:
            raise ValueError(f"fault option {pair!r} must look like key=value")
        if key == "path":
            if not value.startswith("/"):
                raise ValueError(f"fault path must start with '/', got {value!r}")
            fault.path = value
        elif key == "method":
            fault.method = value.upper()
        elif key in _INT_KEYS:
            try:
                number = int(value)
            except ValueError:
                raise ValueError(f"fault option {key} needs an integer, got {value!r}") from None
            if key == "count":
                fault.count = number or None
            else:
                setattr(fault, key, number)
        elif key in _FLOAT_KEYS:
            try:
                setattr(fault, key, float(value))
            except ValueError:
                raise ValueError(f"fault option {key} needs a number, got {value!r}") from None
        else:
            options = ", ".join(("path", "method", *_INT_KEYS, *_FLOAT_KEYS))
            raise ValueError(f"unknown fault option {key!r}; choose from {options}")
    return fault
