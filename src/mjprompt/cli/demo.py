"""``mjprompt demo``: lint and fix a sample prompt, then generate it against the offline
sandbox (no key, no network): what ``check``, ``fix`` and ``generate`` do, in one go.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..findings_text import diagnostic_text
from . import argtypes
from .generate import run_generate
from .prompt_input import PromptEntry

__all__ = ["DEMO_PROMPT", "register"]

# What the demo starts from: a sample with a mistake people really make (an en dash
# typed by a phone or a word processor instead of `--`), for `check` and `fix` to show.
DEMO_PROMPT = "a lighthouse on a cliff at dusk, oil painting, warm light \u2013ar 3:2 --seed 42"

DEMO_DIR = "mjprompt-demo"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo",
        help="lint and fix a sample prompt, then generate it against the offline sandbox",
        description="Lint a sample prompt with a visible mistake and fix it (what `mjprompt "
        "check` and `mjprompt fix` do), then start the offline sandbox on a free loopback "
        "port and generate the fixed prompt into a folder: four placeholder images. "
        "No key, no network.",
    )
    p.add_argument(
        "--out", metavar="DIR", default=DEMO_DIR, help=f"where to save (default: ./{DEMO_DIR})"
    )
    p.add_argument(
        "--prompt",
        default=DEMO_PROMPT,
        help="the prompt to lint, fix and generate (default: a sample with an en dash)",
    )
    p.add_argument(
        "--duration",
        type=argtypes.seconds,
        default=3.0,
        metavar="SECONDS",
        help="how long the sandbox takes per task (default 3)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="also show the client's retries and waits"
    )
    p.set_defaults(func=_cmd_demo)


def _demo_lint(prompt: str) -> str:
    """Show what ``check`` finds in ``prompt`` and what ``fix`` makes of it; returns the
    fixed prompt (standard error: standard output carries the saved files)."""
    from .. import fix, lint
    from .terminal import printable

    err = sys.stderr
    found = lint(prompt)
    err.write(f"1. the prompt:\n   {printable(prompt)}\n")
    if not found:
        err.write("2. `mjprompt check` finds nothing to fix\n")
        return prompt
    err.write("2. `mjprompt check` finds:\n")
    for d in found:
        err.write(f"   {printable(diagnostic_text(d, prompt, label='<prompt>'))}\n")
    fixed = fix(prompt).text
    if fixed != prompt:
        err.write(f"3. `mjprompt fix` rewrites it:\n   {printable(fixed)}\n")
    return fixed


def _demo_gitignore(out: str) -> None:
    # The folder holds throw-away placeholders: keep them out of a repository.
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# made by `mjprompt demo`: sandbox placeholders\n*\n", "utf-8")
    except OSError:
        pass  # the download reports an unusable folder with its own message


def _cmd_demo(ns: argparse.Namespace) -> int:
    from ..sandbox import Sandbox, SandboxConfig

    prompt = _demo_lint(ns.prompt)
    _demo_gitignore(ns.out)
    sys.stderr.write("4. generating it with the offline sandbox (no key, no network)...\n")
    with Sandbox(SandboxConfig(task_duration=ns.duration)) as sandbox:
        sys.stderr.write(f"sandbox listening on {sandbox.base_url}\n")
        code = run_generate(
            [PromptEntry("<prompt>", prompt)],
            out=ns.out,
            speed=None,
            callback_url=None,
            base_url=sandbox.base_url,
            timeout=max(60.0, ns.duration * 10),
            concurrency=1,
            journaled=False,
            as_json=ns.json,
            client_options={"api_key": sandbox.api_key},
            verbose=ns.verbose,
        )
    if code == 0 and not ns.json:
        sys.stderr.write(
            f"done: {ns.out} holds the sandbox's placeholder images (generated locally, not "
            "by Midjourney) and their JSON sidecar.\nWith a key (export "
            "EVOLINK_API_KEY=...), `mjprompt generate` sends the same prompt to the real API.\n"
        )
    return code
