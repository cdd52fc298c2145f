"""The ``mjprompt`` command line.

Each command lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``func``. :data:`COMMANDS` maps command names to those modules, and
``main`` imports only the module of the command being run, so that ``mjprompt check``
never imports the HTTP client (cold start matters for pre-commit hooks).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["COMMANDS", "main"]

# command name -> (module, one-line help shown by `mjprompt --help`)
COMMANDS: dict[str, tuple[str, str]] = {}


def _top_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="mjprompt",
        description="Parse, lint, fix and send Midjourney V7 prompts (evolink.ai mj-v7).",
    )
    parser.add_argument("--version", action="version", version=f"mjprompt {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 clean, 1 findings, 2 usage error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in args if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        if name == wanted:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    ns = parser.parse_args(args)
    func = getattr(ns, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    code: int = func(ns)
    return code
