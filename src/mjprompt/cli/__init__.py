"""The ``mjprompt`` command line.

Each command lives in its own module with a ``register(subparsers)`` function that adds
its parser(s) and sets ``func``. :data:`COMMANDS` maps command names to those modules, and
``main`` imports only the module of the command being run, so that ``mjprompt check``
never imports the HTTP client (cold start matters for pre-commit hooks). A module may
register several commands (``check`` and ``fix``); it is imported once and registers
them all.

Whatever goes wrong, the user gets a message and an exit code, not a traceback: 2 for a
usage error (:class:`~mjprompt.cli.errors.UsageError`) or an unexpected failure (set
``MJPROMPT_DEBUG=1`` to see its traceback), 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..evolink import MODEL
from .errors import UsageError

__all__ = ["COMMANDS", "UsageError", "main"]

# command name -> (module, one-line help shown by `mjprompt --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("mjprompt.cli.check", "lint prompts: files, directories, - (stdin) or -p TEXT"),
    "fix": ("mjprompt.cli.check", "apply the safe fixes in place (check --fix)"),
    "format": ("mjprompt.cli.format", "rewrite prompts in the canonical form"),
    "expand": ("mjprompt.cli.expand", "print the prompts a {a, b} permutation expands to"),
    "estimate": ("mjprompt.cli.estimate", "estimate the credits of prompts (no network)"),
    "rules": ("mjprompt.cli.rules", "list every rule"),
    "explain": ("mjprompt.cli.rules", "print the documentation of a rule"),
    "payload": ("mjprompt.cli.api", "print the JSON body that would be sent for a prompt"),
    "submit": ("mjprompt.cli.api", "create a task and print its id"),
    "status": ("mjprompt.cli.api", "print the state of a task"),
    "credits": ("mjprompt.cli.api", "print the balance of the account and of the key"),
    "wait": ("mjprompt.cli.api", "wait for a task, optionally saving its images"),
    "generate": ("mjprompt.cli.generate", "submit, wait and save images (one prompt or --file)"),
    "demo": ("mjprompt.cli.demo", "generate four images with the offline sandbox (no key)"),
    "sandbox": ("mjprompt.cli.sandbox", f"run an offline emulator of the evolink {MODEL} API"),
    "lsp": ("mjprompt.cli.lsp", "run the language server for editors (stdio)"),
    "completion": ("mjprompt.cli.completion", "print a shell completion script (bash, zsh, fish)"),
}


def _columns() -> int:
    # What shutil.get_terminal_size() gives argparse: $COLUMNS, else the terminal's width
    # (of the real standard output), else 80.
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        return (stdout is not None and os.get_terminal_size(stdout.fileno()).columns) or 80
    except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
        return 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter at argparse's width, found without importing ``shutil``.

    argparse builds a formatter for every ``add_argument`` (to check the metavar) and
    imports ``shutil`` (with zlib, bz2 and lzma) for its width: a few milliseconds of a
    one-prompt check's start (issue 17).
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = _columns() - 2 if width is None else width  # argparse keeps 2 columns free
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help formatter is :class:`_HelpFormatter` (the
    commands' parsers, made by ``add_subparsers``, are of this class too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _top_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="mjprompt",
        description=f"Parse, lint, fix and send Midjourney V7 prompts (evolink.ai {MODEL}).",
    )
    parser.add_argument("--version", action="version", version=f"mjprompt {__version__}")
    return parser


def _dispatch(args: list[str]) -> int:
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    at = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
    wanted = args[at] if at is not None else None
    if wanted in COMMANDS and not {"-h", "--help"} & set(args[:at]):
        # Only the command being run (and those its module registers with it): the
        # others' parsers would serve the list of commands in the top-level help, which
        # this run does not print, and each costs argparse's gettext lookups.
        importlib.import_module(COMMANDS[wanted][0]).register(sub)
    else:
        for name, (_, help_text) in COMMANDS.items():
            sub.add_parser(name, help=help_text, add_help=False)
    ns = parser.parse_args(args)
    func = getattr(ns, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    code: int = func(ns)
    return code


def _quiet_broken_pipe() -> None:
    # The reader went away (`mjprompt check … | head`): stop without a second error
    # when Python flushes standard output at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 clean, 1 findings, 2 usage error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except UsageError as exc:
        sys.stderr.write(f"mjprompt: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("mjprompt: interrupted\n")
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 1
    except Exception as exc:
        if os.environ.get("MJPROMPT_DEBUG"):
            raise
        sys.stderr.write(
            f"mjprompt: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mjprompt; run with MJPROMPT_DEBUG=1 to see where.\n"
        )
        return 2
