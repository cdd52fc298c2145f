"""API commands: ``payload``, ``submit``, ``status``, ``credits`` and ``wait``.

``generate`` (:mod:`.generate`) and ``demo`` (:mod:`.demo`) have modules of their own;
the options, client and output they share are in :mod:`.api_common`, the prompt input
in :mod:`.prompt_input`, the progress display in :mod:`.progress`.

Exit codes: 0 success; 1 lint errors, a failed or timed-out task, an API or download
failure; 2 usage or input errors (bad arguments, unreadable prompt, no key, bad task
id, bad callback URL); 130 on Ctrl-C.

httpx is imported only by the commands that talk to the API (``payload`` does not).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..evolink import CREDITS_PATH, GENERATIONS_PATH
from ..payload import PayloadError, build_payload
from .api_common import (
    add_api_options,
    add_payload_options,
    add_wait_options,
    api_failure,
    check_callback,
    check_task_id,
    json_out,
    make_client,
)
from .progress import make_progress
from .prompt_input import PromptEntry, print_refusal, prompt_arg

if TYPE_CHECKING:
    from ..client import AsyncClient, Task

T = TypeVar("T")

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "payload",
        help="print the JSON body that would be sent for a prompt",
        description=f"Print the request body of POST {GENERATIONS_PATH} for a prompt "
        "(lint errors refuse it). Needs no key and makes no request.",
    )
    p.add_argument("prompt", help="the prompt ('-' reads it from standard input)")
    add_payload_options(p)
    p.set_defaults(func=_cmd_payload)

    p = subparsers.add_parser("submit", help="create a task and print its id")
    p.add_argument("prompt", help="the prompt ('-' reads it from standard input)")
    add_payload_options(p)
    add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the created task as JSON")
    p.set_defaults(func=_cmd_submit)

    p = subparsers.add_parser("status", help="print the state of a task")
    p.add_argument("task_id", metavar="TASK_ID", help="the task id `submit` printed")
    add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the task as JSON")
    p.set_defaults(func=_cmd_status)

    p = subparsers.add_parser(
        "credits",
        help=f"print the balance of the account and of the key (GET {CREDITS_PATH})",
        description="Print the credits left: the account's, the key's, and what this key "
        "can spend (the smaller of the two unless the key is unlimited). Costs nothing.",
    )
    add_api_options(p)
    p.add_argument("--json", action="store_true", help="print the balance as JSON")
    p.set_defaults(func=_cmd_credits)

    p = subparsers.add_parser("wait", help="wait for a task, optionally saving its images")
    p.add_argument("task_id", metavar="TASK_ID", help="the task id `submit` printed")
    p.add_argument("--out", metavar="DIR", help="save the images (and a sidecar) in DIR")
    add_api_options(p)
    add_wait_options(p)
    p.set_defaults(func=_cmd_wait)


def _payload_of(ns: argparse.Namespace) -> dict[str, Any] | None:
    """The request body for the PROMPT argument and the payload options; None (after
    saying why on standard error) when the prompt is refused."""
    prompt = prompt_arg(ns.prompt)
    check_callback(ns.callback_url)
    try:
        return build_payload(prompt, speed=ns.speed, callback_url=ns.callback_url)
    except PayloadError as err:
        print_refusal(PromptEntry("<prompt>", prompt), err)
        return None


def _ask(ns: argparse.Namespace, request: Callable[[AsyncClient], Awaitable[T]]) -> T | None:
    """One request with a client made from the API options; None (after saying why on
    standard error) when it fails."""
    from ..client import EvolinkError

    client = make_client(ns.base_url, ns.retries)

    async def run() -> T:
        async with client:
            return await request(client)

    try:
        return asyncio.run(run())
    except EvolinkError as exc:
        api_failure(exc)
        return None


def _cmd_payload(ns: argparse.Namespace) -> int:
    body = _payload_of(ns)
    if body is None:
        return 1
    json_out(body)
    return 0


def _cmd_submit(ns: argparse.Namespace) -> int:
    payload = _payload_of(ns)
    if payload is None:
        return 1
    task = _ask(ns, lambda client: client.submit_payload(payload))
    if task is None:
        return 1
    if ns.json:
        json_out(task.to_json())
    else:
        sys.stdout.write(task.id + "\n")
    return 0


def _cmd_status(ns: argparse.Namespace) -> int:
    check_task_id(ns.task_id)
    task = _ask(ns, lambda client: client.get(ns.task_id))
    if task is None:
        return 1
    if ns.json:
        json_out(task.to_json())
    else:
        line = f"{task.id}: {task.status} {task.progress}%"
        if task.error is not None:
            line += f" ({task.error.code}: {' '.join(task.error.message.split())})"
        elif task.is_completed:
            line += f" ({len(task.results)} images)"
        sys.stdout.write(line + "\n")
    return 1 if task.is_terminal and not task.is_completed else 0


def _cmd_credits(ns: argparse.Namespace) -> int:
    from ..evolink import format_credits

    balance = _ask(ns, lambda client: client.credits())
    if balance is None:
        return 1
    if ns.json:
        data = balance.to_json()["data"]
        json_out({**data, "available": balance.available})
        return 0
    key = (
        "unlimited"
        if balance.token_unlimited
        else f"{format_credits(balance.token_remaining)} credits left"
    )
    sys.stdout.write(
        f"available: {format_credits(balance.available)} credits\n"
        f"account:   {format_credits(balance.user_remaining)} credits left, "
        f"{format_credits(balance.user_used)} used\n"
        f"key:       {key}, {format_credits(balance.token_used)} used\n"
    )
    return 0


def _cmd_wait(ns: argparse.Namespace) -> int:
    check_task_id(ns.task_id)
    client = make_client(ns.base_url, ns.retries)
    progress = make_progress(ns.verbose)
    label = ns.task_id

    async def run() -> tuple[Task, list[Path]]:
        ticker = asyncio.ensure_future(progress.tick()) if progress.live else None
        try:
            async with client:
                progress.update(label, "waiting", 0)
                task = await client.wait(
                    ns.task_id,
                    timeout=ns.timeout,
                    on_progress=lambda t: progress.update(label, t.status, t.progress),
                )
                paths: list[Path] = []
                if ns.out is not None:
                    progress.update(label, "downloading", 100)
                    paths = await client.download(task, ns.out)
                progress.update(label, "saved" if ns.out else "completed", 100)
                return task, paths
        finally:
            if ticker is not None:
                ticker.cancel()
            progress.close()

    from ..client import EvolinkError, TaskError, WaitTimeoutError

    try:
        task, paths = asyncio.run(run())
    except (TaskError, WaitTimeoutError) as exc:
        if ns.json:
            task_json = exc.task.to_json() if exc.task is not None else None
            json_out({"task": task_json, "error": str(exc)})
        return api_failure(exc)
    except EvolinkError as exc:
        return api_failure(exc)
    if ns.json:
        json_out({"task": task.to_json(), "files": [str(p) for p in paths]})
    else:
        for path in paths:
            sys.stdout.write(f"{path}\n")
        if not paths:
            sys.stdout.write(f"{task.id}: completed, {len(task.results)} images\n")
    return 0
