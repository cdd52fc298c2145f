"""What the sync and async clients share: configuration, the key, the retry rules,
polling delays, and turning responses into tasks or typed errors. No I/O here.

Retry rules (PRODUCT.md §7: a generation is never sent twice unless the server surely
did not take it):

============================  ======================  ==============================
outcome                       POST /v1/images/…       GET (task query, downloads)
============================  ======================  ==============================
429                           retry (Retry-After)     retry (Retry-After)
503                           retry (Retry-After)     retry (Retry-After)
500, 502, 504                 raise (may be taken)    retry
other 4xx                     raise                   raise
connection not made           retry                   retry
sent, answer lost / timeout   raise ResponseLost      retry
2xx but not JSON              raise Malformed         retry
============================  ======================  ==============================
"""

from __future__ import annotations

import email.utils
import logging
import math
import os
import random
import re
import uuid
import weakref
import zlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from .. import evolink
from ..evolink import Balance, CreditsResponseError, parse_credits_response
from .errors import (
    APIError,
    ConfigurationError,
    ConnectionFailedError,
    InvalidTaskIdError,
    MalformedResponseError,
    NotFoundError,
    RateLimitError,
    ResponseLostError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    WaitTimeoutError,
    api_error_from_response,
    task_error,
)
from .task import DOCUMENTED_STATUSES, Task, task_id_problem

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "Polling",
    "Retrying",
    "Secret",
    "check_task_id",
    "new_idempotency_key",
    "parse_retry_after",
    "resolve_api_key",
    "resolve_base_url",
]

log = logging.getLogger("mjprompt.client")

DEFAULT_BASE_URL = evolink.BASE_URL
API_KEY_ENV = "EVOLINK_API_KEY"
BASE_URL_ENV = "EVOLINK_BASE_URL"
GENERATIONS_PATH = evolink.GENERATIONS_PATH
TASKS_PATH = evolink.TASKS_PATH
DEFAULT_TIMEOUT = 30.0  # one API request, connection to last byte
DEFAULT_DOWNLOAD_TIMEOUT = 300.0  # one image, connection to last byte
MAX_RESPONSE_BYTES = 1024 * 1024  # an API answer (a task object is a few KiB)
MAX_ERROR_BODY_BYTES = 64 * 1024  # what is read of a failed download's body
DEFAULT_WAIT_TIMEOUT = 1200.0  # the API's own task timeout is about 20 minutes
SAFE_POST_RETRY_STATUSES = frozenset({429, 503})
GET_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _any_case(hex_digits: str) -> str:
    """A pattern for hex digits in either case (``6b`` -> ``6[bB]``)."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in hex_digits)


class Secret:
    """Holds the API key; every printable form of it is ``'***'``.

    The key is only ever read by :meth:`reveal` when the Authorization header of an API
    request is built. Keeping it out of ``__dict__``-style reprs and exception text is
    the point: it is never in a repr, log line, exception or traceback.
    """

    __slots__ = ("__weakref__", "_bytes_pattern", "_pattern", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        # Every spelling a server may echo the key in: each character plain, JSON-escaped
        # (\u0073, \/) or percent-encoded (%73), in any mix and any hex case.
        pieces = []
        for char in value:
            code = ord(char)
            forms = [
                re.escape(char),
                r"\\u" + _any_case(f"{code:04x}"),
                "%" + _any_case(f"{code:02x}"),
            ]
            if char == "/":
                forms.append(r"\\/")
            pieces.append("(?:" + "|".join(forms) + ")")
        source = "".join(pieces)
        self._pattern = re.compile(source) if value else None
        self._bytes_pattern = re.compile(source.encode("ascii")) if value else None

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with the key replaced by ``***`` (for what a server sends back: a
        gateway may echo the Authorization header in an error message), in its plain,
        JSON-escaped and percent-encoded spellings."""
        if self._pattern is None:
            return text
        return self._pattern.sub("***", text)

    def scrub_bytes(self, data: bytes) -> bytes:
        """:meth:`scrub` for a raw body."""
        if self._bytes_pattern is None:
            return data
        return self._bytes_pattern.sub(b"***", data)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickled with the key inside
        raise TypeError("the API key cannot be pickled")


# Keys of the clients alive now; the log filter below scrubs them from log records.
_LIVE_KEYS: weakref.WeakSet[Secret] = weakref.WeakSet()

# The loggers that may quote what a server sent (httpx logs the status line, httpcore
# the response headers at DEBUG): a gateway echoing the Authorization header back would
# put the key there. Filters run only on the logger a record is made on, hence the list.
_QUOTING_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "mjprompt.client",
)


class _ScrubKeys(logging.Filter):
    """Replaces any live key in a record's message by ``***`` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        keys = list(_LIVE_KEYS)
        if not keys:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is left to logging
            return True
        clean = message
        for key in keys:
            clean = key.scrub(clean)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_SCRUB_FILTER = _ScrubKeys()


def _guard_logs(key: Secret) -> None:
    _LIVE_KEYS.add(key)
    for name in _QUOTING_LOGGERS:
        logger = logging.getLogger(name)
        if _SCRUB_FILTER not in logger.filters:
            logger.addFilter(_SCRUB_FILTER)


def resolve_api_key(api_key: str | None) -> Secret:
    """The key from the argument, else from ``EVOLINK_API_KEY``; ConfigurationError if none."""
    value = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if value is None or not value.strip():
        raise ConfigurationError(
            f"no API key: pass api_key=... or set the {API_KEY_ENV} environment variable"
        )
    value = value.strip()
    if any(c.isspace() or ord(c) < 0x20 for c in value) or not value.isascii():
        raise ConfigurationError("the API key contains spaces or non-ASCII characters")
    secret = Secret(value)
    _guard_logs(secret)
    return secret


def is_loopback_host(host: str) -> bool:
    """``localhost``, or an IP literal in 127.0.0.0/8 or ``::1`` — written the one
    canonical way. A *name* that merely starts with ``127.`` (``127.evil.example``) is not
    loopback: it resolves wherever its owner wants."""
    import ipaddress

    host = host.lower()
    if host == "localhost":
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    if str(addr) != host:  # 0x7f.1, 0177.0.0.1, …: not accepted as spellings of 127.x
        return False
    if isinstance(addr, ipaddress.IPv4Address):
        return addr in ipaddress.IPv4Network("127.0.0.0/8")
    return addr == ipaddress.IPv6Address("::1")


def resolve_base_url(base_url: str | None) -> str:
    """The API base URL: the argument, else ``EVOLINK_BASE_URL``, else the real API.

    ``https`` is required except for loopback hosts (the sandbox): the key must never
    cross a network in clear text. Loopback means ``localhost``, ``127.0.0.0/8`` or
    ``[::1]`` as IP literals — ``http://127.evil.example`` is refused.
    """
    url = base_url if base_url is not None else os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ConfigurationError(f"invalid base URL {url!r}: expected https://host") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(f"invalid base URL {url!r}: expected https://host")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError("the base URL must not contain user info")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(
            f"refusing to send the API key over plain http to {host}; use https "
            "(plain http is for localhost, 127.0.0.0/8 and [::1] only)"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError("the base URL must not have a query or fragment")
    return url


def check_task_id(task_id: object) -> str:
    """``task_id`` if it looks like a task id; InvalidTaskIdError (no request made) if not."""
    problem = task_id_problem(task_id)
    if problem is not None:
        raise InvalidTaskIdError(problem)
    assert isinstance(task_id, str)
    return task_id


def new_idempotency_key() -> str:
    """A fresh key: 16-96 characters from ``[A-Za-z0-9._-]`` (what the gateway accepts)."""
    return "mjp-" + uuid.uuid4().hex


def check_idempotency_key(key: str) -> str:
    if not evolink.IDEMPOTENCY_KEY.match(key):
        raise ConfigurationError(
            f"an {evolink.IDEMPOTENCY_HEADER} must be {evolink.IDEMPOTENCY_KEY_RULE}"
        )
    return key


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


@attrs.frozen
class Retrying:
    """How transient failures are retried.

    ``attempts`` counts every try (first included). Without ``Retry-After`` the wait is
    ``min(cap, base * 2**n)`` with ±``jitter`` (a fraction); a ``Retry-After`` longer
    than ``max_retry_after`` is not waited for (the error is raised, with the advice).
    """

    attempts: int = 4
    base: float = 1.0
    cap: float = 30.0
    jitter: float = 0.25
    max_retry_after: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, rng: Callable[[], float]) -> float:
        if retry_after is not None:
            return retry_after
        raw = min(self.cap, self.base * (2.0**attempt))
        return raw * (1 + self.jitter * (2 * rng() - 1))


@attrs.frozen
class Polling:
    """How ``wait`` paces its queries: by the task's ``estimated_time``, never by host.

    The first query comes after ``first_fraction`` of the task's ``estimated_time``
    (``first_default`` when the server gave none), then each delay grows by ``factor``;
    every delay is kept within [``minimum``, ``maximum``] and jittered by ±``jitter``.
    When the server expects the task to take less than ``4 * minimum`` seconds, the
    bounds shrink with it (a quarter and the whole of the estimate, never below
    ``floor``): a fast task is polled fast, whoever serves it. Every query of an
    unfinished task costs the gateway an upstream poll, so the defaults stay a few
    seconds apart. ``created_grace``: how long a 404 on the first query of a task just
    created is taken for replication lag and retried.
    """

    minimum: float = 2.0
    maximum: float = 10.0
    factor: float = 1.5
    jitter: float = 0.2
    first_fraction: float = 0.5
    first_default: float = 3.0
    floor: float = 0.25
    created_grace: float = 10.0

    def first(self, estimated_time: float | None) -> float:
        base = (
            self.first_default if estimated_time is None else estimated_time * self.first_fraction
        )
        return self._clamp(base, estimated_time)

    def next(self, previous: float, estimated_time: float | None = None) -> float:
        return self._clamp(previous * self.factor, estimated_time)

    def jittered(self, delay: float, rng: Callable[[], float]) -> float:
        return max(0.0, delay * (1 + self.jitter * (2 * rng() - 1)))

    def bounds(self, estimated_time: float | None) -> tuple[float, float]:
        """The (shortest, longest) delay for a task expected to take ``estimated_time``."""
        if estimated_time is None:
            return self.minimum, self.maximum
        low = max(self.floor, min(self.minimum, estimated_time / 4))
        high = max(low, min(self.maximum, estimated_time))
        return low, high

    def _clamp(self, value: float, estimated_time: float | None = None) -> float:
        low, high = self.bounds(estimated_time)
        return max(low, min(high, value))


def default_rng() -> Callable[[], float]:
    return random.Random().random


def request_id(headers: Mapping[str, str]) -> str | None:
    return headers.get("x-request-id") or headers.get("x-oneapi-request-id")


def decode_json(content: bytes) -> Any:
    """The JSON value of a body, or raise MalformedResponseError (never RecursionError or
    ValueError, whatever the body: deep nesting and 5000-digit numbers included)."""
    import json

    try:
        return json.loads(content.decode("utf-8"))
    except RecursionError:
        raise MalformedResponseError(
            "the API answered with JSON nested too deeply to read"
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        detail = str(exc)[:200]
        raise MalformedResponseError(
            f"the API answered with something that is not JSON ({detail})"
        ) from None


def error_for(
    status: int,
    content: bytes,
    headers: Mapping[str, str],
    reason: str,
    now: float,
) -> APIError:
    """The typed error for an error answer."""
    try:
        body: Any = decode_json(content)
    except MalformedResponseError:
        body = None
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    return api_error_from_response(
        status, body, request_id=request_id(headers), retry_after=retry_after, reason=reason
    )


def task_from(content: bytes, *, what: str) -> Task:
    """Parse a task body (create or query answer)."""
    data = decode_json(content)
    if not isinstance(data, Mapping):
        raise MalformedResponseError(f"the {what} answer is not a JSON object")
    task = Task.from_json(data)
    if task_id_problem(task.id) is not None:
        raise MalformedResponseError(f"the {what} answer has no valid task id ({task.id!r})")
    return task


def balance_from(content: bytes) -> Balance:
    """Parse a ``GET /v1/credits`` success body; MalformedResponseError when it is not a
    balance (the evolink parser's own errors mapped onto the client's)."""
    try:
        return parse_credits_response(decode_json(content), 200)
    except CreditsResponseError as exc:
        raise MalformedResponseError(f"the credits answer is not a balance: {exc}") from None


def client_repr(name: str, base_url: str) -> str:
    return f"{name}(base_url={base_url!r}, api_key=***)"


def user_agent() -> str:
    from .. import __version__

    return f"mjprompt/{__version__}"


# ------------------------------------------------------------------ bounded bodies


class BodyReader:
    """Turns the raw (wire) chunks of one answer into its body, within bounds.

    At most ``limit`` bytes *after decompression* are kept — gzip and deflate are
    decoded here, with a bounded output per step, so a gzip bomb costs the limit and not
    its expansion — and the whole read must end by ``deadline`` (``clock`` seconds):
    a server dripping one byte a second cannot hold the client past it. Any other
    content coding is refused (we never ask for one).
    """

    def __init__(
        self,
        headers: Mapping[str, str],
        *,
        limit: int,
        deadline: float,
        clock: Callable[[], float],
        where: str,
    ) -> None:
        self.limit = limit
        self.deadline = deadline
        self.clock = clock
        self.where = where
        self.size = 0
        coding = headers.get("content-encoding", "identity").strip().lower()
        if coding in ("gzip", "x-gzip", "deflate"):
            # 32 + 15: a gzip or a zlib header, detected.
            self._inflate: zlib._Decompress | None = zlib.decompressobj(47)
        elif coding in ("", "identity"):
            self._inflate = None
        else:
            raise MalformedResponseError(
                f"{where} answered with the content coding {coding[:40]!r}, which was not asked for"
            )
        declared = headers.get("content-length", "")
        if self._inflate is None and declared.isdigit() and int(declared) > limit:
            raise self._too_large()

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"{self.where} answered with more than {self.limit} bytes; not read further"
        )

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise self._too_large()
        return data

    def feed(self, raw: bytes) -> bytes:
        """The decoded bytes of one raw chunk; raises past the limit or the deadline."""
        if self.clock() > self.deadline:
            raise ResponseLostError(
                f"{self.where} did not finish its answer in time (overall deadline)"
            )
        if self._inflate is None:
            return self._count(raw)
        try:
            out = self._inflate.decompress(raw, self.limit - self.size + 1)
        except zlib.error:
            raise MalformedResponseError(f"{self.where} sent a corrupt compressed body") from None
        if self._inflate.unconsumed_tail:
            raise self._too_large()
        return self._count(out)

    def finish(self) -> bytes:
        if self._inflate is None:
            return b""
        try:
            out = self._inflate.flush(self.limit - self.size + 1)
        except zlib.error:
            raise MalformedResponseError(f"{self.where} sent a corrupt compressed body") from None
        return self._count(out)


MAX_RESULTS = evolink.MAX_RESULTS
MAX_REDIRECTS = 5


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    scheme = parts.scheme.lower()
    default = {"https": 443, "http": 80}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


def result_url_problem(url: str, base_url: str) -> str | None:
    """Why a result link must not be fetched; None when it may.

    A result link is untrusted input: ``https`` to a public host, or exactly the
    configured API base's scheme, host and port (the sandbox serves its images itself).
    Never user info, never a local name or a non-public address (pinned table).
    """
    from ..callbacks import host_problem

    if not isinstance(url, str) or len(url) > 4096:
        return "not a usable link"
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        return "the link has spaces, control characters or backslashes"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "the link cannot be parsed"
    if parts.username is not None or parts.password is not None:
        return "the link carries user info"
    if _origin(url) == _origin(base_url):
        return None
    if parts.scheme.lower() != "https":
        return f"not an https link ({parts.scheme or 'no scheme'})"
    host = parts.netloc.rsplit("@", 1)[-1]
    host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return host_problem(host)


def check_results(task: Task, base_url: str) -> None:
    """Refuse a completed task whose result links cannot be fetched safely."""
    from .errors import DownloadError

    if len(task.results) > MAX_RESULTS:
        raise MalformedResponseError(
            f"task {task.id} lists {len(task.results)} results; the API gives at most "
            f"{MAX_RESULTS} (protocol error: nothing was downloaded)"
        )
    for index, url in enumerate(task.results):
        problem = result_url_problem(url, base_url)
        if problem is not None:
            shown = url.split("?")[0][:200]
            raise DownloadError(f"result {index} of {task.id} refused ({shown!r}): {problem}")


def redirect_target(original: str, current: str, location: str | None) -> str:
    """Where a redirect of a result link may go: the same scheme, host and port only."""
    from urllib.parse import urljoin

    from .errors import DownloadError

    if not location:
        raise DownloadError(f"{original.split('?')[0]} redirected without a Location")
    target = urljoin(current, location.strip())
    if _origin(target) != _origin(original):
        shown = target.split("?")[0][:200]
        raise DownloadError(
            f"{original.split('?')[0]} redirected to another host ({shown}); not followed"
        )
    return target


def reader_headers(response: Any, *, length: bool = True) -> dict[str, str]:
    """The headers a :class:`BodyReader` needs from an httpx response: its content coding
    (none when httpx already read and decoded the body) and, if ``length``, its length."""
    headers = {}
    if not response.is_stream_consumed:
        headers["content-encoding"] = response.headers.get("content-encoding", "identity")
    if length and response.headers.get("content-length") is not None:
        headers["content-length"] = response.headers["content-length"]
    return headers


def request_timeout(per_request: float, remaining: float) -> float:
    """The socket timeout for a request with ``remaining`` seconds to its deadline."""
    return max(0.001, min(per_request, remaining))


# ----------------------------------------------------------------- request attempts


def transport_error(exc: BaseException, method: str, where: str) -> TransportError:
    """Classify an httpx exception: was the request surely not sent?"""
    import httpx

    name = type(exc).__name__
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return ConnectionFailedError(f"cannot connect to {where} ({name}: {exc})")
    if isinstance(exc, httpx.TimeoutException):
        detail = f"no answer from {where} in time ({name})"
    else:
        detail = f"the connection to {where} failed before the answer was complete ({name})"
    if method == "POST":
        detail += "; the task may have been created, so it was not sent again"
    return ResponseLostError(detail)


def maybe_created(error: TransportError) -> TransportError:
    """``error`` for a POST: says the task may exist (so it was not sent again)."""
    if "may have been created" in str(error):
        return error
    return type(error)(f"{error}; the task may have been created, so it was not sent again")


@attrs.define
class Retry:
    """Wait ``delay`` seconds, then try again."""

    delay: float
    error: Exception


class Attempts:
    """The retry decisions for one logical request (see the module's table)."""

    def __init__(
        self,
        method: str,
        retrying: Retrying,
        *,
        clock: Callable[[], float],
        rng: Callable[[], float],
        deadline: float | None = None,
        attempts: int | None = None,
    ) -> None:
        self.method = method
        self.retrying = retrying
        self.clock = clock
        self.rng = rng
        self.deadline = deadline
        self.limit = retrying.attempts if attempts is None else attempts
        self.count = 0

    def retryable(self, error: Exception) -> bool:
        if isinstance(error, ConnectionFailedError):
            return True
        if isinstance(error, APIError):
            allowed = SAFE_POST_RETRY_STATUSES if self.method == "POST" else GET_RETRY_STATUSES
            return error.status_code in allowed
        if isinstance(error, (ResponseLostError, MalformedResponseError)):
            return self.method != "POST"
        return False

    def decide(self, error: Exception, retry_after: float | None = None) -> Retry:
        """A Retry for a transient error within the limits; raises ``error`` otherwise."""
        self.count += 1
        if not self.retryable(error) or self.count >= self.limit:
            raise error
        if retry_after is not None and retry_after > self.retrying.max_retry_after:
            raise error
        delay = self.retrying.delay(self.count - 1, retry_after, self.rng)
        if self.deadline is not None and self.clock() + delay > self.deadline:
            raise error
        log.info("retrying %s in %.1f s after: %s", self.method, delay, error)
        return Retry(delay, error)


def retry_after_of(error: Exception) -> float | None:
    return error.retry_after if isinstance(error, APIError) else None


class WaitState:
    """The pacing and the deadline of one ``wait``."""

    def __init__(
        self,
        task_id: str,
        polling: Polling,
        *,
        timeout: float,
        estimated_time: float | None,
        clock: Callable[[], float],
        rng: Callable[[], float],
        just_created: bool = False,
    ) -> None:
        if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout >= 0):
            raise ValueError(f"timeout must be a number of seconds >= 0, got {timeout!r}")
        self.task_id = task_id
        self.polling = polling
        self.clock = clock
        self.rng = rng
        self.timeout = float(timeout)
        self.started = clock()
        self.deadline = self.started + self.timeout
        self.estimate = estimated_time
        self.delay = polling.first(estimated_time)
        self.last: Task | None = None
        # A task created a moment ago may not be visible to queries yet (a gateway's
        # replicas lag): 404s before the first successful query are retried for
        # `created_grace` seconds from the first of them.
        self.just_created = just_created
        self.grace_until: float | None = None
        self.queried = False
        self.warned: set[str] = set()

    def seen(self, task: Task, *, queried: bool = True) -> None:
        self.last = task
        self.queried = self.queried or queried
        if task.estimated_time is not None:
            self.estimate = task.estimated_time
        status = task.status
        undocumented = status not in DOCUMENTED_STATUSES and not task.is_terminal
        if undocumented and status not in self.warned:
            self.warned.add(status)
            log.warning(
                "task %s has the undocumented status %r; treating it as still running",
                self.task_id,
                status,
            )

    def sleep_before_next(self) -> float:
        """How long to sleep before the next query; raises WaitTimeoutError at the deadline."""
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise self.timeout_error()
        delay = self.polling.jittered(self.delay, self.rng)
        self.delay = self.polling.next(self.delay, self.estimate)
        return min(delay, remaining)

    def after_error(self, error: Exception) -> None:
        """A transient query failure: keep waiting (Retry-After honoured); else raise."""
        transient = isinstance(error, (TransportError, ServerError, RateLimitError))
        if isinstance(error, NotFoundError) and self.in_grace():
            # Not visible yet: query again soon (from the shortest delay).
            transient = True
            self.delay = self.polling.bounds(self.estimate)[0]
        if not transient:
            raise error
        log.info("query of %s failed, will retry: %s", self.task_id, error)
        advice = retry_after_of(error)
        if advice is not None:
            self.delay = max(self.delay, advice)

    def in_grace(self) -> bool:
        """Whether a 404 now may still be the lag after a task's creation."""
        if not self.just_created or self.queried:
            return False
        if self.grace_until is None:
            self.grace_until = self.clock() + self.polling.created_grace
        return self.clock() < self.grace_until

    def timeout_error(self) -> WaitTimeoutError:
        last = self.last
        state = f" (last seen {last.status}, {last.progress}%)" if last is not None else ""
        return WaitTimeoutError(
            f"task {self.task_id} did not finish within {self.timeout:g} s{state}; "
            f"it may still complete: query it again later",
            last,
        )


def finished(task: Task) -> Task:
    """The task if it completed; its typed TaskError otherwise."""
    if task.is_completed:
        return task
    raise task_error(task)
