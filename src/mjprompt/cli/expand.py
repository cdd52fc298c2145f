"""``mjprompt expand``: print the prompts a ``{a, b}`` permutation prompt expands to.

The evolink API does not expand permutations (a prompt with braces is an error there);
this command does what Midjourney would, so each prompt can be sent on its own.
Prompts come from the arguments, or one per line from standard input with ``-``
(``#`` comments and blank lines skipped). Each expansion is printed on its own line;
``--format json`` prints ``[{"prompt": …, "expansions": […]}]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from ..findings_text import diagnostic_text, position_text
from .decoding import InvalidUtf8, decode_utf8
from .errors import UsageError
from .terminal import utf8_stream

__all__ = ["register", "run_expand"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "expand",
        help="print the prompts a {a, b} permutation expands to",
        description="Print every prompt a permutation prompt expands to, one per line.",
    )
    parser.add_argument(
        "prompts", nargs="+", metavar="PROMPT", help="a prompt, or - to read prompts from stdin"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="refuse a prompt that expands to more than N prompts (default 40, Midjourney's cap)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(func=run_expand)


def _inputs(args: list[str]) -> Iterator[tuple[str, int, str]]:
    """(name, line, prompt): ``<prompt>`` and line N for the N-th argument (the label
    and numbering of ``check -p``), ``<stdin>`` and its line."""
    for number, arg in enumerate(args, 1):
        if arg != "-":
            yield "<prompt>", number, arg
            continue
        try:
            text = decode_utf8(sys.stdin.buffer.read(), strip_bom=True)
        except InvalidUtf8 as exc:
            where = position_text("<stdin>", exc.line, exc.column)
            raise UsageError(f"{where}: {exc}") from None
        for line_number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                yield "<stdin>", line_number, line


def _expand(name: str, first_line: int, prompt: str, limit: int) -> list[str]:
    from ..expand import expand
    from ..parsing import PromptSyntaxError

    try:
        return expand(prompt, limit=limit)
    except PromptSyntaxError as exc:
        if not exc.diagnostics:
            raise UsageError(f"{position_text(name, first_line)}: {exc}") from None
        text = diagnostic_text(exc.diagnostics[0], prompt, label=name, first_line=first_line)
        raise UsageError(text) from None
    except ValueError as exc:  # ExpansionError, NestingError
        raise UsageError(f"{position_text(name, first_line)}: {exc}") from None


def run_expand(ns: argparse.Namespace) -> int:
    from ..expand import DEFAULT_LIMIT

    limit = DEFAULT_LIMIT if ns.limit is None else ns.limit
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    out = utf8_stream(sys.stdout)
    results = []
    for name, line, prompt in _inputs(ns.prompts):
        expansions = _expand(name, line, prompt, limit)
        if ns.format == "json":
            results.append({"prompt": prompt, "expansions": expansions})
        else:
            out.writelines(e + "\n" for e in expansions)
    if ns.format == "json":
        out.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0
