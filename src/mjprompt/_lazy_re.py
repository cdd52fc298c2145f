"""Regular expressions compiled on first use, for module-level patterns (cold start).

Compiling a pattern takes 10-260 µs; the rule modules define some thirty at import, most
of which a one-prompt ``check -p`` never runs (issue 17, cold start: ~1.9 ms of the
start). ``lazy_pattern(...)`` stands where ``re.compile(...)`` stood and compiles at the
first use of a method or attribute; from then on the pattern's bound methods are read
from the object's own attributes, at the cost of a compiled pattern's.

The object is typed as the ``re.Pattern`` it stands for: it answers every method and
attribute of one (``search``, ``match``, ``finditer``, ``sub``, ``pattern``...), but is
not an instance of ``re.Pattern`` and is not meant to be pickled or copied.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["lazy_pattern"]


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Python calls this only for an attribute the object lacks: on first use, when
        # it has none but `_source`. Compile, and keep what the pattern offers as the
        # object's own attributes, so that no later lookup comes here.
        if name.startswith("__"):
            raise AttributeError(name)  # `copy`, `pickle` and friends probing
        compiled = re.compile(*self._source)
        for attr in dir(compiled):
            if not attr.startswith("_"):
                setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source[0]!r}, {self._source[1]!r})"


def lazy_pattern(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, int(flags)))
