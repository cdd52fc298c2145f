"""Which files hold prompts: the patterns used when a directory is given, and file kinds.

A pattern without ``/`` matches the file name (``*.prompt``); a pattern with ``/``
matches the last components of the path (``prompts/*.txt`` is any ``.txt`` file directly
inside a directory named ``prompts``). The pre-commit hooks use a regular expression
equivalent to :data:`DEFAULT_INCLUDE` (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "file_kind",
    "matches",
    "walk",
]

DEFAULT_INCLUDE: tuple[str, ...] = (
    "*.prompt",
    "*.prompts",
    "*.prompts.txt",
    "*.prompts.jsonl",
    "*.prompts.json",
    "prompts/*.txt",
)

# Directories never entered when walking (hidden directories are skipped too).
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "node_modules",
    "__pycache__",
    "venv",
    "site-packages",
)


def file_kind(name: str) -> str:
    """``json``, ``jsonl`` or ``text``, by the file name's extension."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith(".json"):
        return "json"
    return "text"


def matches(path: str, patterns: Sequence[str]) -> bool:
    """True when ``path`` (``/``-separated, relative) matches one of ``patterns``."""
    parts = path.split("/")
    for pattern in patterns:
        depth = pattern.count("/") + 1
        if len(parts) >= depth and fnmatchcase("/".join(parts[-depth:]), pattern):
            return True
    return False


def walk(
    root: str,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    on_error: Callable[[OSError], object] | None = None,
) -> Iterator[str]:
    """Prompt files under ``root``, in a stable (sorted) order.

    Symbolic links to directories are not followed (so a link loop cannot trap the
    walk); ``on_error`` receives the error of a directory that cannot be listed.
    """
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        # Include patterns see the absolute path, so `prompts/*.txt` matches files of a
        # directory named `prompts` even when that directory is the root given.
        abs_dir = os.path.abspath(dirpath).replace(os.sep, "/").rstrip("/") + "/"
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not matches(rel_dir + d, exclude)
        )
        for name in sorted(filenames):
            if matches(rel_dir + name, exclude):
                continue
            if matches(abs_dir + name, include):
                yield os.path.normpath(os.path.join(dirpath, name))
