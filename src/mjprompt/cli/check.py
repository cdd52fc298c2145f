"""``mjprompt check`` and ``mjprompt fix``: lint prompt files, apply safe fixes."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .errors import UsageError
from .options import (
    Settings,
    add_input_arguments,
    add_report_arguments,
    add_rule_arguments,
    resolve,
    use_color,
)
from .reporters import Reporter, make_reporter
from .runner import Runner, iter_sources
from .tables import add_table_arguments, is_table_run, run_tables
from .terminal import utf8_stream

__all__ = ["register", "run_check", "run_fix"]

CHECK_HELP = "lint prompts: files, directories, - (stdin) or -p TEXT"
FIX_HELP = "apply the safe fixes in place (check --fix)"


def _fix_arguments(parser: argparse.ArgumentParser, *, with_fix: bool) -> None:
    if with_fix:
        parser.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="apply the unsafe fixes too (they may change what the prompt means)",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the changes the fixes would make as a diff instead of writing them",
    )


def register(subparsers: Any) -> None:
    commands = (
        (
            "check",
            CHECK_HELP,
            "Lint prompts. Exit 0 clean, 1 findings at or above --fail-on, "
            "2 usage or input errors.",
            run_check,
        ),
        (
            "fix",
            FIX_HELP,
            "Apply the safe fixes in place and report what remains. Exit 1 when "
            "a file changed or a finding at or above --fail-on remains.",
            run_fix,
        ),
    )
    for name, help_text, description, func in commands:
        parser = subparsers.add_parser(name, help=help_text, description=description)
        add_input_arguments(parser)
        add_rule_arguments(parser)
        add_report_arguments(parser)
        _fix_arguments(parser, with_fix=name == "check")
        add_table_arguments(parser)
        parser.set_defaults(func=func)


def _run(ns: argparse.Namespace, settings: Settings, mode: str) -> int:
    if is_table_run(ns):  # .parquet / .csv inputs (mjprompt[data])
        return run_tables(ns, settings, mode)
    if not ns.output_file:
        return _run_to(ns, settings, mode, None)
    try:
        report = open(ns.output_file, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"--output-file {ns.output_file}: {exc.strerror or exc}") from None
    with report:
        return _run_to(ns, settings, mode, report)


def _run_to(ns: argparse.Namespace, settings: Settings, mode: str, report: TextIO | None) -> int:
    out = utf8_stream(sys.stdout)
    err = utf8_stream(sys.stderr)
    to_stdout = ns.prompts or "-" in ns.paths
    # When fixing stdin or -p, standard output carries the fixed text.
    report_to = err if mode == "fix" and to_stdout and not ns.diff else out
    if report is not None:
        report_to = report
    reporter: Reporter
    if ns.diff:
        reporter = Reporter(out, err, quiet=settings.quiet)  # the diff is the output
    else:
        reporter = make_reporter(
            settings.output_format,
            report_to,
            err,
            profile=settings.profile,
            color=use_color(ns.color, report_to) and settings.output_format == "text",
            show_source=settings.show_source,
            quiet=settings.quiet,
            statistics=settings.statistics,
        )
    runner = Runner(
        mode,
        settings,
        reporter,
        out=out,
        err=err,
        stdin=sys.stdin.buffer if "-" in ns.paths else None,
        write=not ns.diff,
        diff=ns.diff,
    )
    return runner.run(iter_sources(ns.paths, ns.prompts, settings, ns.stdin_filename))


def run_check(ns: argparse.Namespace) -> int:
    settings = resolve(ns)
    if ns.diff and not ns.fix:
        raise UsageError("--diff goes with --fix (or use `mjprompt fix --diff`)")
    return _run(ns, settings, "fix" if ns.fix else "check")


def run_fix(ns: argparse.Namespace) -> int:
    return _run(ns, resolve(ns), "fix")
