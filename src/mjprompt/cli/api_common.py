"""What the API commands share: their common options, the client they make from them,
and how they print results (JSON on standard output) and failures (standard error).

The key comes from ``EVOLINK_API_KEY`` only (a key on the command line would end up in
shell history and process lists) and is never printed. The base URL comes from
``--base-url``, else ``EVOLINK_BASE_URL``, else the real API.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ..callbacks import callback_url_problem
from ..evolink import BASE_URL
from ..payload import SPEEDS
from . import argtypes
from .errors import UsageError

if TYPE_CHECKING:
    from ..client import AsyncClient

__all__ = [
    "add_api_options",
    "add_payload_options",
    "add_wait_options",
    "api_failure",
    "check_callback",
    "check_task_id",
    "json_out",
    "make_client",
]


def add_payload_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--speed", choices=SPEEDS, help="model_params.speed (default: the API's, fast)")
    p.add_argument("--callback-url", metavar="URL", help="https URL the API posts the task to")


def add_api_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"API base URL (default: $EVOLINK_BASE_URL or {BASE_URL}); "
        "the key is read from $EVOLINK_API_KEY",
    )
    p.add_argument(
        "--retries",
        type=argtypes.retries,
        default=3,
        metavar="N",
        help="retries of a request that failed in a way that is safe to retry (default 3)",
    )


def add_wait_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=argtypes.seconds,
        default=1200.0,
        metavar="SECONDS",
        help="give up waiting after this long (default 1200 = 20 minutes)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show the client's retries and the waits before them",
    )


def check_callback(url: str | None) -> None:
    if url is not None:
        problem = callback_url_problem(url)
        if problem is not None:
            raise UsageError(f"--callback-url: {problem}")


def json_out(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def make_client(base_url: str | None, retries: int = 3, **options: Any) -> AsyncClient:
    from ..client import AsyncClient, ConfigurationError, Retrying

    try:
        client = AsyncClient(base_url=base_url, **options)
    except ConfigurationError as exc:
        if "no API key" in str(exc):
            # Say how, for the command line (the library's message names `api_key=`).
            raise UsageError(
                "no API key: set it in the environment, `export EVOLINK_API_KEY=...` "
                "(keys: https://evolink.ai/dashboard/keys); to try mjprompt without one, "
                "run `mjprompt demo` or `mjprompt sandbox`"
            ) from None
        raise UsageError(str(exc)) from None
    # No special pace for a loopback host: the polling follows the task's
    # estimated_time (a sandbox task is short, so it is polled often) and the retries
    # follow the server's Retry-After — the same rules as against the real API.
    client.retrying = Retrying(attempts=retries + 1)
    return client


def check_task_id(task_id: str) -> None:
    from ..client.task import task_id_problem

    problem = task_id_problem(task_id)
    if problem is not None:
        raise UsageError(problem)


def api_failure(exc: Exception) -> int:
    from .terminal import printable

    # The message may quote the server: no control characters reach the terminal.
    sys.stderr.write(f"mjprompt: {printable(str(exc))}\n")
    return 1
