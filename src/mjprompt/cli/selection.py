"""Which rules run on a file: select/ignore with their extensions, and per-file ignores.

As in ruff, the **more specific selector wins**: ``--select MJ101 --ignore MJ1`` keeps
MJ101 (a full code beats the prefix ``MJ1``), ``--select MJ1 --ignore MJ101`` drops it.
A selector's specificity is its length (``ALL`` = 0, a rule name = a full code); on a
tie the ignore wins. ``select`` (default: every rule of the profile) is replaced by the
command line, ``extend-select`` / ``extend-ignore`` add to it. ``per-file-ignores``
maps git-style patterns (relative to the configuration's directory) to codes that are
ignored in the matching files, whatever was selected.

The result is an explicit list of codes, passed to the linter as its ``select``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .._record import Record
from .config import Config, config_for

__all__ = ["RuleChoice", "codes_for", "specificity"]


def specificity(selector: str, code: str, name: str) -> int:
    """How precisely ``selector`` names the rule (-1: it does not)."""
    upper = selector.strip().upper()
    if upper == "ALL":
        return 0
    if selector.strip() == name:
        return len(code)
    if code.startswith(upper):
        return len(upper)
    return -1


def _best(selectors: Iterable[str], code: str, name: str) -> int:
    return max((specificity(s, code, name) for s in selectors), default=-1)


class RuleChoice(Record):
    """The rule selection of one configuration plus the command line."""

    __slots__ = (  # noqa: RUF023 - field order
        "profile",
        "select",
        "extend_select",
        "ignore",
        "extend_ignore",
        "per_file_ignores",
        "base",
    )
    profile: str
    select: tuple[str, ...] | None
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_ignore: tuple[str, ...]
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    base: str  # the directory per-file-ignores patterns are relative to

    def __init__(
        self,
        profile: str = "evolink",
        select: tuple[str, ...] | None = None,
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        extend_ignore: tuple[str, ...] = (),
        per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        base: str = "",
    ) -> None:
        self._set_fields(
            profile, select, extend_select, ignore, extend_ignore, per_file_ignores, base
        )

    @classmethod
    def from_config(cls, config: Config) -> RuleChoice:
        """The choice a configuration makes on its own (no command line): what an editor
        uses, with ``config_for(path)``; see :func:`codes_for`."""
        return cls(
            profile=config.get("profile", "evolink"),
            select=config.get("select"),
            extend_select=config.get("extend-select") or (),
            ignore=config.get("ignore") or (),
            extend_ignore=config.get("extend-ignore") or (),
            per_file_ignores=tuple((config.get("per-file-ignores") or {}).items()),
            base=config.directory,
        )

    def codes(self, path: str | None = None) -> tuple[str, ...]:
        """The codes that run on the file at ``path`` (None: a ``-p`` prompt, stdin)."""
        from .rules import all_rules

        enable = (*(("ALL",) if self.select is None else self.select), *self.extend_select)
        disable = (*self.ignore, *self.extend_ignore)
        # A per-file ignore is absolute for its files: it beats any select.
        dropped = self._file_ignores(path)
        out = []
        for code, rule in sorted(all_rules().items()):
            if not rule.runs_in(self.profile):
                continue
            on = _best(enable, code, rule.name)
            if on < 0 or on <= _best(disable, code, rule.name):
                continue
            if _best(dropped, code, rule.name) >= 0:
                continue
            out.append(code)
        return tuple(out)

    def _file_ignores(self, path: str | None) -> tuple[str, ...]:
        if path is None or not self.per_file_ignores:
            return ()
        import pathspec

        relative = os.path.relpath(os.path.abspath(path), self.base or os.getcwd())
        relative = relative.replace(os.sep, "/")
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(relative):
                out.extend(codes)
        return tuple(out)


def codes_for(path: str) -> tuple[str, str, tuple[str, ...]]:
    """``(profile, config path or "", codes)`` for the file at ``path``, as ``mjprompt
    check`` chooses them with no options: the nearest configuration, its select/ignore
    and per-file-ignores (raises ``ConfigError`` for an invalid file). Suppression
    comments come on top (:mod:`.suppression`)."""
    config = config_for(path)
    choice = RuleChoice.from_config(config)
    return choice.profile, config.path or "", choice.codes(path)
