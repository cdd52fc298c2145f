"""Which files hold prompts: the patterns used when a directory is given, and file kinds.

``include`` patterns (which files a walk picks) are shell-style: a pattern without
``/`` matches the file name (``*.prompt``); a pattern with ``/`` matches the last
components of the path (``prompts/*.txt`` is any ``.txt`` file directly inside a
directory named ``prompts``). The pre-commit hooks use a regular expression equivalent
to :data:`DEFAULT_INCLUDE` (a test keeps the two in step).

``exclude`` patterns and ``.gitignore`` files use git's own wildcard syntax, through
``pathspec`` (the library black and pre-commit use): ``drafts`` is any file or
directory of that name, ``/drafts`` only the one at the root, ``archive/*.prompt`` the
files of ``archive`` at the root, ``**/old/*.prompt`` those of any ``old``. Exclude
patterns are matched against the path relative to the directory being walked (for
``--force-exclude``, relative to the working directory); each ``.gitignore`` against
the path relative to its own directory, as git does.

A walk never leaves its root: a symbolic link (to a file or a directory) whose target
lies outside the walked directory is not followed, and is reported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase
from typing import Any

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "GitIgnore",
    "excluded",
    "file_kind",
    "inside",
    "matches",
    "walk",
]

DEFAULT_INCLUDE: tuple[str, ...] = (
    "prompts.txt",
    "prompts.jsonl",
    "prompts.json",
    "*.prompt",
    "*.prompts",
    "*.prompts.txt",
    "*.prompts.jsonl",
    "*.prompts.json",
    "prompts/*.txt",
    "prompts/*.jsonl",
    "prompts/*.json",
)

# Never entered when walking (hidden directories are skipped too).
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
    """True when ``path`` (``/``-separated) matches one of the ``include`` patterns."""
    parts = path.split("/")
    for pattern in patterns:
        depth = pattern.count("/") + 1
        if len(parts) >= depth and fnmatchcase("/".join(parts[-depth:]), pattern):
            return True
    return False


def _spec(patterns: Sequence[str]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def excluded(relative: str, patterns: Sequence[str], *, directory: bool = False) -> bool:
    """True when ``relative`` (``/``-separated) matches the ``exclude`` patterns."""
    if not patterns:
        return False
    return bool(_spec(tuple(patterns)).match_file(relative + ("/" if directory else "")))


def inside(path: str, root: str) -> bool:
    """True when ``path`` resolves (links followed) to ``root`` or below it."""
    real_root = os.path.realpath(root)
    target = os.path.realpath(path)
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


class GitIgnore:
    """The ``.gitignore`` files met on a walk (and those above it up to the repository
    root), each applying to its own directory and below."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, Any]] = []  # (directory, spec), outermost first

    def add(self, directory: str) -> None:
        """Read ``directory/.gitignore`` if there is one (unreadable ones are skipped)."""
        path = os.path.join(directory, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
        except OSError:
            return
        self._specs.append((os.path.abspath(directory), _spec(lines)))

    def add_parents(self, root: str) -> None:
        """The ``.gitignore`` files above ``root``, up to the directory holding ``.git``."""
        chain = []
        directory = os.path.abspath(root)
        while True:
            parent = os.path.dirname(directory)
            if os.path.exists(os.path.join(directory, ".git")) or parent == directory:
                break
            directory = parent
            chain.append(directory)
        if not os.path.exists(os.path.join(directory, ".git")):
            return  # not in a repository: only the walk's own .gitignore files count
        for parent in reversed(chain):
            self.add(parent)

    def ignored(self, path: str, *, directory: bool = False) -> bool:
        """True when a ``.gitignore`` whose directory holds ``path`` ignores it."""
        absolute = os.path.abspath(path)
        for base, spec in self._specs:
            if not absolute.startswith(base.rstrip(os.sep) + os.sep):
                continue
            relative = os.path.relpath(absolute, base).replace(os.sep, "/")
            if spec.match_file(relative + ("/" if directory else "")):
                return True
        return False


def walk(
    root: str,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    on_error: Callable[[OSError], object] | None = None,
    on_outside: Callable[[str], object] | None = None,
    *,
    gitignore: bool = True,
) -> Iterator[str]:
    """Prompt files under ``root``, in a stable (sorted) order.

    Symbolic links to directories are not followed (so a link loop cannot trap the
    walk); ``on_error`` receives the error of a directory that cannot be listed, and
    ``on_outside`` the path of a link (to a file or directory) that leads out of
    ``root``. Excluded and git-ignored files and directories are skipped.
    """
    exclude_spec = _spec(tuple(exclude)) if exclude else None
    ignore = GitIgnore() if gitignore else None
    if ignore is not None:
        ignore.add_parents(root)
    real_root = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        if ignore is not None:
            ignore.add(dirpath)
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        # Include patterns see the absolute path, so `prompts/*.txt` matches files of a
        # directory named `prompts` even when that directory is the root given.
        abs_dir = os.path.abspath(dirpath).replace(os.sep, "/").rstrip("/") + "/"

        def skip(name: str, directory: bool, rel_dir: str = rel_dir, here: str = dirpath) -> bool:
            suffix = "/" if directory else ""
            if exclude_spec is not None and exclude_spec.match_file(rel_dir + name + suffix):
                return True
            path = os.path.join(here, name)
            return ignore is not None and ignore.ignored(path, directory=directory)

        kept = []
        for d in sorted(dirnames):
            if d.startswith(".") or skip(d, True):
                continue
            path = os.path.join(dirpath, d)
            if os.path.islink(path):
                # Not followed; one that leads out of the tree is reported.
                if on_outside is not None and not inside(path, real_root):
                    on_outside(os.path.normpath(path))
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not matches(abs_dir + name, include) or skip(name, False):
                continue
            path = os.path.normpath(os.path.join(dirpath, name))
            if os.path.islink(path) and not inside(path, real_root):
                if on_outside is not None:
                    on_outside(path)
                continue
            yield path
