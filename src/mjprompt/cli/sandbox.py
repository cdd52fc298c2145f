"""``mjprompt sandbox``: serve the offline emulator of the evolink ``mj-v7`` API.

The first line on stdout is ``sandbox listening on URL`` (scripts read the port from
it); then one line per request unless ``--quiet``. Stops on Ctrl-C, SIGTERM or after
``--exit-after`` seconds. Exit codes: 0 after a normal stop, 1 when the address cannot
be bound, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from ..evolink import CREDITS_PATH, GENERATIONS_PATH, MODEL, TASKS_PATH, TaskErrorCode
from ..sandbox import DEFAULT_API_KEY, Fault, Sandbox, SandboxConfig, parse_fault_spec
from ..sandbox.config import BEHAVIOURS, DEFAULT_CREDITS, DOCUMENTED
from ..sandbox.faults import FaultKind
from .argtypes import seconds, seconds_list

__all__ = ["register", "run"]

HELP = f"run an offline emulator of the evolink {MODEL} API (no key, no network)"


def _fault(text: str) -> Fault:
    try:
        return parse_fault_spec(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def register(subparsers: Any) -> None:
    kinds = ", ".join(k.value for k in FaultKind)
    p = subparsers.add_parser(
        "sandbox",
        help=HELP,
        description=(
            f"Serve a local emulator of the evolink.ai {MODEL} API: POST {GENERATIONS_PATH}, "
            f"GET {TASKS_PATH}{{id}} and four small PNG results per task. "
            "See docs/sandbox.md."
        ),
        epilog=(
            "Prompt markers: sandbox-fail[:CODE], sandbox-never, sandbox-cancel, "
            f"sandbox-images:N. Fault kinds: {kinds} (aliases 429, 500, 502, 503, drop). "
            "Fault options: path=/prefix, method=GET, count=N (0: forever, the default), "
            "every=N, retry_after=S, delay=S, status=N. "
            f"Example: --fault rate_limit,path={GENERATIONS_PATH},count=2,retry_after=1"
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to bind (default 0: a free port)")
    p.add_argument("--key", default=DEFAULT_API_KEY, help=f"accepted API key ({DEFAULT_API_KEY})")
    p.add_argument(
        "--behaviour",
        "--behavior",
        choices=BEHAVIOURS,
        default=DOCUMENTED,
        help=(
            "documented (default): what the evolink docs state, permissive where they are "
            "silent (unknown fields ignored, unknown prompt flags passed through); "
            "strict: also refuse what mjprompt's own linter refuses (docs/sandbox.md)"
        ),
    )
    p.add_argument(
        "--duration",
        type=seconds,
        default=6.0,
        metavar="S",
        help="seconds from creation to completion of a task (default 6)",
    )
    p.add_argument(
        "--result-ttl",
        type=seconds,
        default=24 * 3600.0,
        metavar="S",
        help="seconds result links stay valid after completion (default 86400)",
    )
    p.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="KIND[,key=value...]",
        help="inject a fault (repeatable); see below",
    )
    p.add_argument(
        "--fail-code",
        default=TaskErrorCode.GENERATION_FAILED_NO_CONTENT,
        metavar="CODE",
        help="the error code of the tasks made to fail "
        f"(default {TaskErrorCode.GENERATION_FAILED_NO_CONTENT})",
    )
    p.add_argument("--image-size", type=int, default=64, metavar="PX", help="long side (64)")
    p.add_argument(
        "--allow-loopback-callbacks",
        action="store_true",
        help="accept http(s) callback URLs on 127.0.0.1/::1/localhost",
    )
    p.add_argument(
        "--callback-timeout",
        type=seconds,
        default=10.0,
        metavar="S",
        help="seconds each callback POST may take (default 10)",
    )
    p.add_argument(
        "--callback-delays",
        type=seconds_list,
        default=(1.0, 2.0, 4.0),
        metavar="S,S,S",
        help="waits before the callback retries (default 1,2,4)",
    )
    p.add_argument("--public-url", default=None, metavar="URL", help="base of result links")
    p.add_argument(
        "--exit-after", type=seconds, default=None, metavar="S", help="stop after S seconds"
    )
    p.add_argument("--quiet", action="store_true", help="do not print a line per request")
    p.add_argument(
        "--credits",
        type=float,
        default=DEFAULT_CREDITS,
        metavar="N",
        help=f"starting balance of GET {CREDITS_PATH}; a POST it cannot pay is 402 "
        "(default 1000000)",
    )
    p.set_defaults(func=run)


def _printer(quiet: bool) -> Callable[[str], None] | None:
    if quiet:
        return None

    def log(line: str) -> None:
        print(line, flush=True)

    return log


def run(args: argparse.Namespace) -> int:
    try:
        config = SandboxConfig(
            host=args.host,
            port=args.port,
            api_key=args.key,
            behaviour=args.behaviour,
            task_duration=args.duration,
            result_ttl=args.result_ttl,
            image_long_side=args.image_size,
            fail_code=args.fail_code,
            allow_loopback_callbacks=args.allow_loopback_callbacks,
            callback_timeout=args.callback_timeout,
            callback_retry_delays=args.callback_delays,
            public_base_url=args.public_url,
            record_requests=False,  # nobody reads the log of a CLI sandbox; keep memory flat
            log=_printer(args.quiet),
            credits=args.credits,
        )
    except ValueError as e:
        print(f"mjprompt sandbox: {e}", file=sys.stderr)
        return 2
    sandbox = Sandbox(config)
    for fault in args.fault:
        sandbox.faults.add(fault)
    try:
        sandbox.start()
    except OSError as e:
        print(f"mjprompt sandbox: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    if not sandbox.loopback_only:
        print(
            f"mjprompt sandbox: warning: listening on {args.host}, reachable from other machines",
            file=sys.stderr,
        )
    print(f"sandbox listening on {sandbox.base_url}", flush=True)
    print(f"  api key: {sandbox.api_key}", flush=True)
    print(f"  behaviour: {config.behaviour}", flush=True)
    print(f"  credits: {config.credits:g}", flush=True)
    print(
        f"  use it: EVOLINK_BASE_URL={sandbox.base_url} EVOLINK_API_KEY={sandbox.api_key}",
        flush=True,
    )
    for fault in args.fault:
        print(f"  fault: {_describe(fault)}", flush=True)
    # SIGTERM stops as cleanly as Ctrl-C (signal handlers only exist in the main thread).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main else None
    if in_main:
        signal.signal(signal.SIGTERM, lambda *_: sandbox.request_stop())
    try:
        sandbox.serve_forever(args.exit_after)
    except KeyboardInterrupt:
        sandbox.stop()
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    print("sandbox stopped", flush=True)
    return 0


def _describe(fault: Fault) -> str:
    where = f"{fault.method or 'any method'} {fault.path or '/'}*"
    times = "until stopped" if fault.count is None else f"{fault.count} time(s)"
    every = f", every {fault.every} request(s)" if fault.every else ""
    return f"{fault.kind.value} on {where}, {times}{every}"
