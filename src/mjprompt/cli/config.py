"""Settings from ``.mjprompt.toml``, ``mjprompt.toml`` or ``[tool.mjprompt]`` in
``pyproject.toml``, as ruff reads ``.ruff.toml``, ``ruff.toml`` and ``[tool.ruff]``.

The standalone files hold the same keys as the ``[tool.mjprompt]`` table, at their top
level. The search starts in a directory and goes up; in each directory ``.mjprompt.toml``,
then ``mjprompt.toml``, then a ``pyproject.toml`` *with* a ``[tool.mjprompt]`` table is
taken (a ``pyproject.toml`` without it does not stop the search, so a package inside a
monorepo can still use the root's settings). The CLI searches from each file's own
directory (nearest wins) for the rule choice, and from the working directory for the
run's own options; ``--config PATH`` names one file for everything, ``--isolated``
ignores configuration. The command line wins over the file.

For an editor: ``load_config(find_config(os.path.dirname(path)))`` is the configuration
of the file at ``path`` (``find_config`` returns None when there is none).

The TOML parser (``tomllib``, or ``tomli`` on Python 3.10) is only imported when a
candidate file is found, so runs without configuration do not pay for it.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from .._record import Record
from ..profiles import NAMES as PROFILES

__all__ = [
    "CONFIG_NAMES",
    "FORMAT_NAMES",
    "KEYS",
    "Config",
    "ConfigError",
    "config_for",
    "find_config",
    "load_config",
    "toml_module",
]

# Looked for in each directory, in this order (the first found wins).
CONFIG_NAMES = (".mjprompt.toml", "mjprompt.toml", "pyproject.toml")

_MARKER = re.compile(r"^\s*\[\s*tool\s*\.\s*mjprompt\s*\]", re.MULTILINE)


class ConfigError(Exception):
    """Invalid configuration; the message names the file (and line where known)."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a string")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    # A list of strings, or one comma-separated string.
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError("a list of strings")


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return value


def _jobs(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("a whole number (0 = all cores)")
    return value


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise TypeError("one of " + ", ".join(choices))
        return str(value)

    return check


def _per_file(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise TypeError('a table of pattern = [codes], e.g. { "legacy/*.txt" = ["MJ402"] }')
    out = {}
    for pattern, codes in value.items():
        try:
            out[pattern] = _strings(codes)
        except TypeError:
            raise TypeError(f"a table whose values are lists of codes (`{pattern}`)") from None
    return out


# The output formats of `check` (the reporters' names).
FORMAT_NAMES = ("text", "json", "json-lines", "sarif", "github", "gitlab", "junit")

# key in [tool.mjprompt] -> validator (the value's type or the choices)
KEYS: dict[str, Callable[[Any], Any]] = {
    "profile": _choice(*PROFILES),
    "select": _strings,
    "ignore": _strings,
    "extend-select": _strings,
    "extend-ignore": _strings,
    "per-file-ignores": _per_file,
    "fail-on": _choice("error", "warning", "info"),
    "format": _choice(*FORMAT_NAMES),
    "show-source": _bool,
    "unsafe-fixes": _bool,
    "json-key": _string,
    "include": _strings,
    "exclude": _strings,
    "jobs": _jobs,
    "force-exclude": _bool,
    "respect-gitignore": _bool,
}


class Config(Record):
    """Validated settings (keys of :data:`KEYS`) and the file they came from."""

    __slots__ = ("path", "values")
    path: str | None
    values: dict[str, Any]

    def __init__(self, path: str | None, values: dict[str, Any] | None = None) -> None:
        self._set_fields(path, {} if values is None else values)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def directory(self) -> str:
        """The directory relative patterns (``per-file-ignores``) are matched from."""
        return os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()


def _is_pyproject(path: str) -> bool:
    return os.path.basename(path) == "pyproject.toml"


def _candidate(directory: str) -> str | None:
    for name in CONFIG_NAMES:
        candidate = os.path.join(directory, name)
        if not os.path.isfile(candidate):
            continue
        if not _is_pyproject(candidate):
            return candidate
        try:
            with open(candidate, encoding="utf-8", errors="replace") as fh:
                if _MARKER.search(fh.read()):
                    return candidate
        except OSError:
            pass
    return None


def find_config(start: str | None = None) -> str | None:
    """The nearest configuration file from directory ``start`` (default: the working
    directory) upward: ``.mjprompt.toml``, ``mjprompt.toml``, or a ``pyproject.toml``
    with a ``[tool.mjprompt]`` table; None when there is none."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        found = _candidate(directory)
        if found is not None:
            return found
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def config_for(path: str) -> Config:
    """The configuration that applies to the file at ``path`` (nearest wins); raises
    :class:`ConfigError` for an invalid file. An empty :class:`Config` when none."""
    found = find_config(os.path.dirname(os.path.abspath(path)))
    return Config(None) if found is None else load_config(found)


def toml_module() -> Any:
    """``tomllib``, or ``tomli`` on Python 3.10 (imported on first use)."""
    name = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10 without the dependency
        raise ConfigError(
            "reading pyproject.toml needs the `tomli` package on Python 3.10: pip install tomli"
        ) from None


def _key_line(text: str, key: str, standalone: bool = False) -> str:
    """``:LINE`` of ``key = …`` inside the [tool.mjprompt] table, when it can be found."""
    marker = _MARKER.search(text)
    if marker is None and not standalone:
        return ""
    found = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE).search(
        text, 0 if marker is None else marker.end()
    )
    return f":{text.count(chr(10), 0, found.start()) + 1}" if found else ""


def load_config(path: str) -> Config:
    """Read and validate a configuration file: ``[tool.mjprompt]`` of a
    ``pyproject.toml``, the top level of any other file (``mjprompt.toml``)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    toml = toml_module()
    try:
        text = data.decode("utf-8")
        document = toml.loads(text)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid UTF-8") from None
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    standalone = not _is_pyproject(path)
    if standalone:
        table, where = document, ""
    else:
        table, where = document.get("tool", {}).get("mjprompt", {}), "[tool.mjprompt] "
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.mjprompt] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        check = KEYS.get(key)
        line = _key_line(text, key, standalone)
        if check is None:
            known = ", ".join(sorted(KEYS))
            inside = "" if standalone else " in [tool.mjprompt]"
            raise ConfigError(f"{path}{line}: unknown setting `{key}`{inside} (known: {known})")
        try:
            values[key] = check(value)
        except TypeError as exc:
            raise ConfigError(f"{path}{line}: {where}`{key}` must be {exc}") from None
    return Config(path, values)
