"""Settings from ``[tool.mjprompt]`` in the nearest ``pyproject.toml``.

The search starts in the working directory and goes up; the first ``pyproject.toml``
that has a ``[tool.mjprompt]`` table is used (one without it does not stop the search,
so a package inside a monorepo can still use the root's settings). ``--config PATH``
names a file instead, ``--isolated`` ignores configuration. The command line wins over
the file.

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

import attrs

from ..rules.base import PROFILES

__all__ = ["KEYS", "Config", "ConfigError", "find_config", "load_config", "toml_module"]

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


# key in [tool.mjprompt] -> validator (the value's type or the choices)
KEYS: dict[str, Callable[[Any], Any]] = {
    "profile": _choice(*PROFILES),
    "select": _strings,
    "ignore": _strings,
    "fail-on": _choice("error", "warning", "info"),
    "format": _choice("text", "json", "sarif", "github"),
    "show-source": _bool,
    "unsafe-fixes": _bool,
    "json-key": _string,
    "include": _strings,
    "exclude": _strings,
    "jobs": _jobs,
}


@attrs.frozen
class Config:
    """Validated settings (keys of :data:`KEYS`) and the file they came from."""

    path: str | None
    values: dict[str, Any] = attrs.field(factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_config(start: str | None = None) -> str | None:
    """The nearest ``pyproject.toml`` with a ``[tool.mjprompt]`` table, or None."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8", errors="replace") as fh:
                    if _MARKER.search(fh.read()):
                        return candidate
            except OSError:
                pass
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def toml_module() -> Any:
    """``tomllib``, or ``tomli`` on Python 3.10 (imported on first use)."""
    name = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10 without the dependency
        raise ConfigError(
            "reading pyproject.toml needs the `tomli` package on Python 3.10: pip install tomli"
        ) from None


def _key_line(text: str, key: str) -> str:
    """``:LINE`` of ``key = …`` inside the [tool.mjprompt] table, when it can be found."""
    marker = _MARKER.search(text)
    if marker is None:
        return ""
    found = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE).search(
        text, marker.end()
    )
    return f":{text.count(chr(10), 0, found.start()) + 1}" if found else ""


def load_config(path: str) -> Config:
    """Read and validate ``[tool.mjprompt]`` of ``path``."""
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
    table = document.get("tool", {}).get("mjprompt", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.mjprompt] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        check = KEYS.get(key)
        if check is None:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(
                f"{path}{_key_line(text, key)}: unknown setting `{key}` in [tool.mjprompt] "
                f"(known: {known})"
            )
        try:
            values[key] = check(value)
        except TypeError as exc:
            raise ConfigError(
                f"{path}{_key_line(text, key)}: [tool.mjprompt] `{key}` must be {exc}"
            ) from None
    return Config(path, values)
