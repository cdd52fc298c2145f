"""Options shared by ``check``, ``fix`` and ``format``, and their resolution into settings.

Every option that ``[tool.mjprompt]`` can also set defaults to None here, so that
:func:`resolve` can tell "not given" from "given": the command line wins, then the
configuration file, then the built-in default.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, TextIO

from .._record import Record
from ..diagnostics import Severity
from ..profiles import NAMES as PROFILES
from ..rules import REGISTRY
from .config import FORMAT_NAMES, Config, ConfigError, find_config, load_config
from .discovery import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
from .errors import UsageError
from .selection import RuleChoice
from .suppression import UNUSED_CODE, UNUSED_NAME

__all__ = [
    "ChoiceFinder",
    "Settings",
    "UsageError",
    "add_input_arguments",
    "add_report_arguments",
    "add_rule_arguments",
    "resolve",
    "use_color",
]


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="prompt files, directories (searched recursively for prompt files) "
        "or - for standard input; default: the current directory",
    )
    parser.add_argument(
        "-p",
        "--prompt",
        action="append",
        dest="prompts",
        metavar="TEXT",
        default=[],
        help="a prompt to process (repeatable)",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name shown for standard input; its extension picks the input kind",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        default=None,
        help="apply `exclude` (and .gitignore) to files named on the command line too "
        "(for pre-commit, which names every staged file)",
    )
    parser.add_argument(
        "--json-key",
        metavar="KEY",
        help='the field of JSON objects that holds the prompt (default "prompt")',
    )


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", choices=PROFILES, help="the target: evolink (default) or midjourney"
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: code prefixes or rule names, comma-separated (ALL = all)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="skip these rules: code prefixes or rule names, comma-separated "
        "(the more specific selector wins: --select MJ101 --ignore MJ1 keeps MJ101)",
    )
    parser.add_argument(
        "--extend-select",
        action="append",
        metavar="CODES",
        help="rules to run in addition to those selected (configuration or --select)",
    )
    parser.add_argument(
        "--extend-ignore",
        action="append",
        metavar="CODES",
        help="rules to skip in addition to those ignored (configuration or --ignore)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for large inputs (default 0 = all cores; 1 = no workers)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="use this configuration file for every input (mjprompt.toml, .mjprompt.toml "
        "or a pyproject.toml with [tool.mjprompt]) instead of searching",
    )
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only, no summary"
    )


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=FORMAT_NAMES,
        help="output format (default text)",
    )
    parser.add_argument(
        "-o",
        "--output-file",
        metavar="PATH",
        help="write the report to this file instead of standard output",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        default=None,
        help="exit 0 even when findings are reported (input errors still exit 2)",
    )
    parser.add_argument(
        "--show-source",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the source line and a caret under each finding (text format)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per code instead of the findings",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        help="the lowest severity that makes the exit code 1 (default error)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (default: auto, on a terminal)",
    )


class Settings(Record):
    """Everything a run needs, resolved from the command line and the configuration.

    ``select`` is the explicit list of codes that run on inputs without a file of their
    own configuration (``-p`` prompts, stdin, files under the run's configuration);
    :meth:`choice_for` gives the choice of any file (nearest configuration wins).
    """

    __slots__ = (  # noqa: RUF023 - field order
        "profile",
        "select",
        "ignore",
        "choices",
        "fail_on",
        "output_format",
        "show_source",
        "unsafe_fixes",
        "json_key",
        "include",
        "exclude",
        "jobs",
        "quiet",
        "statistics",
        "force_exclude",
        "respect_gitignore",
        "exit_zero",
    )
    profile: str
    select: tuple[str, ...] | None
    ignore: tuple[str, ...] | None
    choices: Any  # a ChoiceFinder (None: every file uses `select`)
    fail_on: Severity
    output_format: str
    show_source: bool
    unsafe_fixes: bool
    json_key: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    jobs: int
    quiet: bool
    statistics: bool
    force_exclude: bool
    respect_gitignore: bool
    exit_zero: bool

    def __init__(
        self,
        profile: str = "evolink",
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] | None = None,
        choices: Any = None,
        fail_on: Severity = Severity.ERROR,
        output_format: str = "text",
        show_source: bool = False,
        unsafe_fixes: bool = False,
        json_key: str = "prompt",
        include: tuple[str, ...] = DEFAULT_INCLUDE,
        exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
        jobs: int = 0,
        quiet: bool = False,
        statistics: bool = False,
        force_exclude: bool = False,
        respect_gitignore: bool = True,
        exit_zero: bool = False,
    ) -> None:
        self._set_fields(
            profile,
            select,
            ignore,
            choices,
            fail_on,
            output_format,
            show_source,
            unsafe_fixes,
            json_key,
            include,
            exclude,
            jobs,
            quiet,
            statistics,
            force_exclude,
            respect_gitignore,
            exit_zero,
        )


def _check_selectors(option: str, selectors: tuple[str, ...] | None) -> None:
    # A selector that matches no rule is almost always a typo: say so rather than
    # silently checking nothing (or everything).
    for selector in selectors or ():
        upper = selector.upper()
        if upper == "ALL":
            continue
        if UNUSED_CODE.startswith(upper) or selector == UNUSED_NAME:
            continue
        if not any(code.startswith(upper) or r.name == selector for code, r in REGISTRY.items()):
            raise UsageError(
                f"{option}: `{selector}` matches no rule (see `mjprompt rules` for the codes)"
            )


def _load(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _config(ns: argparse.Namespace) -> Config:
    if getattr(ns, "isolated", False):
        return Config(None)
    path = getattr(ns, "config", None) or find_config()
    return Config(None) if path is None else _load(path)


_SELECTION_KEYS = ("select", "ignore", "extend-select", "extend-ignore")


def _choice(ns: argparse.Namespace, config: Config) -> RuleChoice:
    """The rule choice of ``config`` with the command line on top (checked)."""
    lists: dict[str, tuple[str, ...] | None] = {}
    for key in _SELECTION_KEYS:
        attr = key.replace("-", "_")
        given = _split(getattr(ns, attr, None))
        from_file = config.get(key)
        _check_selectors(f"{config.path}: {key}", from_file)
        _check_selectors(f"--{key}", given)
        if key.startswith("extend"):
            lists[key] = (*(from_file or ()), *(given or ()))  # both add
        else:
            lists[key] = given if given is not None else from_file
    per_file = config.get("per-file-ignores") or {}
    for pattern, codes in per_file.items():
        _check_selectors(f"{config.path}: per-file-ignores `{pattern}`", codes)
    given_profile = getattr(ns, "profile", None)
    return RuleChoice(
        profile=given_profile or config.get("profile", "evolink"),
        select=lists["select"],
        extend_select=lists["extend-select"] or (),
        ignore=lists["ignore"] or (),
        extend_ignore=lists["extend-ignore"] or (),
        per_file_ignores=tuple(per_file.items()),
        base=config.directory,
    )


class ChoiceFinder:
    """The rule choice of each file: its nearest configuration, the command line on top.

    Configurations are read once per file found; the choice (and its codes) once per
    directory.
    """

    def __init__(
        self, ns: argparse.Namespace, run: RuleChoice, run_path: str | None, search: bool
    ) -> None:
        self.ns = ns
        self.run = run
        self.search = search
        self._configs: dict[str | None, RuleChoice] = {run_path: run}
        self._dirs: dict[str, str | None] = {}

    def choice(self, path: str) -> RuleChoice:
        if not self.search:
            return self.run
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._dirs:
            self._dirs[directory] = find_config(directory)
        found = self._dirs[directory]
        if found not in self._configs:
            self._configs[found] = _choice(self.ns, _load(found) if found else Config(None))
        return self._configs[found]


def resolve(ns: argparse.Namespace) -> Settings:
    """The settings of a parsed command line (raises :class:`UsageError`)."""
    config = _config(ns)

    def pick(attr: str, key: str, default: Any) -> Any:
        given = getattr(ns, attr, None)
        return given if given is not None else config.get(key, default)

    run_choice = _choice(ns, config)
    # --config names one file for every input; --isolated means none: no search.
    search = not (getattr(ns, "isolated", False) or getattr(ns, "config", None))
    choices = ChoiceFinder(ns, run_choice, config.path, search)
    jobs = pick("jobs", "jobs", 0)
    if jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if jobs == 0:
        from .engine import default_jobs

        jobs = default_jobs()
    unsafe = getattr(ns, "unsafe_fixes", None)
    settings = Settings(
        profile=run_choice.profile,
        select=run_choice.codes(None),
        ignore=None,
        choices=choices,
        fail_on=Severity(pick("fail_on", "fail-on", "error")),
        output_format=pick("format", "format", "text"),
        show_source=bool(pick("show_source", "show-source", False)),
        unsafe_fixes=bool(unsafe if unsafe else config.get("unsafe-fixes", False)),
        json_key=pick("json_key", "json-key", "prompt"),
        include=tuple(config.get("include", DEFAULT_INCLUDE)),
        exclude=tuple(config.get("exclude", DEFAULT_EXCLUDE)),
        jobs=jobs,
        quiet=bool(getattr(ns, "quiet", False)),
        statistics=bool(getattr(ns, "statistics", False)),
        force_exclude=bool(pick("force_exclude", "force-exclude", False)),
        respect_gitignore=bool(config.get("respect-gitignore", True)),
        exit_zero=bool(getattr(ns, "exit_zero", None)),
    )
    if settings.statistics and settings.output_format not in ("text", "json"):
        raise UsageError("--statistics works with --format text or json")
    return settings


def use_color(choice: str, stream: TextIO) -> bool:
    """Colour when asked, or on a terminal unless NO_COLOR is set (FORCE_COLOR forces it)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
