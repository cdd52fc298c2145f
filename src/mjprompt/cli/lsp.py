"""``mjprompt lsp``: start the language server (needs the ``[lsp]`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from .errors import UsageError

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="run the language server for editors (stdio)",
        description="Run the mjprompt language server over standard input and output.",
    )
    # Editors' generic clients often pass --stdio; it is the only transport.
    parser.add_argument("--stdio", action="store_true", help="talk over stdio (the default)")
    parser.set_defaults(func=run_lsp)


def run_lsp(ns: argparse.Namespace) -> int:
    try:
        from ..lsp.server import main
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs"):
            raise
        raise UsageError(
            f"the language server needs the [lsp] extra ({exc.name} is missing): "
            "pip install 'mjprompt[lsp]'"
        ) from None
    return main()
