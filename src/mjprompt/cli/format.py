"""``mjprompt format``: rewrite every prompt in its canonical form (``mjprompt.render``).

Only the prompts change: comments, blank lines, line endings, a BOM and, in JSON files,
everything but the prompt strings are kept byte for byte. ``--check`` reports the files
that would change (exit 1), ``--diff`` prints the changes (exit 1 if any).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .options import add_input_arguments, resolve
from .reporters.base import Reporter
from .runner import Runner, iter_sources
from .tables import add_table_arguments, is_table_run, run_tables
from .terminal import utf8_stream

__all__ = ["register", "run_format"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "format",
        help="rewrite prompts in the canonical form",
        description="Rewrite prompts in the canonical form: image URLs, text, then the "
        "parameters with `--` markers and canonical names in a fixed order.",
    )
    add_input_arguments(parser)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file would change"
    )
    parser.add_argument(
        "--diff", action="store_true", help="write nothing; print the changes as a diff"
    )
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes")
    parser.add_argument("--config", metavar="PATH", help="read this pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    add_table_arguments(parser, report=False)
    parser.set_defaults(func=run_format)


def run_format(ns: argparse.Namespace) -> int:
    settings = resolve(ns)
    if is_table_run(ns):  # .parquet / .csv inputs (mjprompt[data])
        return run_tables(ns, settings, "format")
    out = utf8_stream(sys.stdout)
    err = utf8_stream(sys.stderr)
    runner = Runner(
        "format",
        settings,
        Reporter(out, err, quiet=settings.quiet),
        out=out,
        err=err,
        stdin=sys.stdin.buffer if "-" in ns.paths else None,
        write=not (ns.check or ns.diff),
        diff=ns.diff,
    )
    return runner.run(iter_sources(ns.paths, ns.prompts, settings, ns.stdin_filename))
