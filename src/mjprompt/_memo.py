"""A memo's miss path: store a computed value, emptying the memo first when it is full.

The memos of the lint path (the scanner's parameter tokens, the plans, the features
walk's verdicts, the rules' readings per parameter text) are plain dicts read with
``memo.get(key)`` where they are used, and filled here on a miss. A hit only reads the
dict; ``functools.lru_cache`` relinks its list on every hit, which measured 2-3% of a
corpus lint (bench/README.md, seventh round). A full memo is emptied whole rather than
least recently used first: what it held is only computed again.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["remember"]

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` (emptying ``memo`` first when it holds ``limit``
    entries or more), and return it."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
