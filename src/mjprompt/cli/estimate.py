"""``mjprompt estimate``: what a file of prompts will probably cost, before paying.

No network and no key: each prompt is priced with the cost model of
:mod:`mjprompt.evolink` (credits by speed times the prompt's multipliers, ``docs/cost.md``)
and every number is printed as an estimate. Prompt files are read as ``check`` and
``generate --file`` read them (:mod:`.sources`: text, JSON Lines, JSON; ``-`` is stdin);
``-p TEXT`` gives a prompt on the command line. An input error (no such file, invalid
UTF-8, bad JSON) is printed with its position and nothing is estimated (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from ..evolink import SPEEDS
from .errors import UsageError

__all__ = ["register", "run_estimate"]

HELP = "estimate the credits of prompts before sending them (no network)"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help=HELP,
        description=(
            "Estimate the evolink credits each prompt will reserve, and the total, from the "
            "cost model in docs/cost.md. Nothing is sent; the numbers are estimates (after "
            "creation a task's usage.credits_reserved is the truth)."
        ),
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="a file of prompts (text, .jsonl, .json); - stdin"
    )
    parser.add_argument(
        "-p",
        "--prompt",
        action="append",
        default=[],
        metavar="TEXT",
        help="a prompt to estimate (repeatable)",
    )
    parser.add_argument(
        "--speed",
        choices=SPEEDS,
        default=None,
        help="the speed every prompt is sent with (default: the prompt's own flag, else fast)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(func=run_estimate)


def _prompts(ns: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """(where, prompt) for every ``-p`` prompt, then every prompt of every file."""
    from .discovery import file_kind
    from .reporters.base import problem_text
    from .sources import Problem, PromptItem, Source, read_source

    # The label `check` gives -p prompts: `<prompt>`, with the line when there are several.
    several = len(ns.prompt) > 1
    for number, prompt in enumerate(ns.prompt, 1):
        yield (f"<prompt>:{number}" if several else "<prompt>"), prompt
    problems: list[str] = []
    for path in ns.files:
        label = "<stdin>" if path == "-" else path
        if path != "-" and not os.path.lexists(path):
            problems.append(f"{label}: error: no such file")
            continue
        if os.path.isdir(path):
            problems.append(f"{label}: error: is a directory; give a file of prompts")
            continue
        source = Source(label, file_kind(path), stdin=path == "-")
        stdin = sys.stdin.buffer if path == "-" else None
        for item in read_source(source, stdin=stdin):
            if isinstance(item, Problem):
                problems.append(problem_text(item))
            elif isinstance(item, PromptItem):
                text = item.text if item.origin.raw is not None else item.text.strip()
                yield f"{label}:{item.origin.line}", text
    if problems:
        for line in problems:
            sys.stderr.write(line + "\n")
        noun = "input error" if len(problems) == 1 else "input errors"
        raise UsageError(f"{len(problems)} {noun}; nothing was estimated")


def run_estimate(ns: argparse.Namespace) -> int:
    from ..evolink import estimate_prompt as estimate
    from ..evolink import format_credits, weakest_status
    from .terminal import printable, utf8_stream

    if not ns.files and not ns.prompt:
        raise UsageError("give a FILE of prompts, - (stdin) or -p TEXT")
    # Read everything first: an input error anywhere means no partial estimate.
    rows = [(where, prompt, estimate(prompt, ns.speed)) for where, prompt in _prompts(ns)]
    if not rows:
        raise UsageError("no prompts found")
    total = round(sum(e.credits for _, _, e in rows), 4)
    weakest = weakest_status(e.status for _, _, e in rows)
    out = utf8_stream(sys.stdout)
    if ns.format == "json":
        document = {
            "estimate": True,
            "unit": "credits",
            "count": len(rows),
            "total": total,
            "status": weakest,
            "prompts": [{"where": w, "prompt": p, **e.to_json()} for w, p, e in rows],
        }
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return 0
    for where, _prompt, e in rows:
        parts = [e.speed] + [f"{f.label} x{f.multiplier:g}" for f in e.factors]
        out.write(f"{printable(where)}: {e.label()}  {', '.join(parts)}\n")
        for note in e.notes:
            out.write(f"  note: {printable(note)}\n")
    noun = "prompt" if len(rows) == 1 else "prompts"
    out.write(f"total: ≈{format_credits(total)} credits (estimate) for {len(rows)} {noun}\n")
    out.write(
        f"  the model's values are {weakest} (docs/cost.md); "
        "a task's usage.credits_reserved is the real charge\n"
    )
    return 0
