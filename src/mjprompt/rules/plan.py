"""Which of the selected rules run on a prompt, from what the prompt has.

A rule with triggers (:data:`mjprompt.rules.facts.TRIGGERS`) can only report when the
prompt has one of them, so it is skipped otherwise. Prompts of a dataset share a few
feature sets (`--ar`, `--v`, text), so the choice is remembered per feature set: for
most prompts, picking the rules costs one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import Rule
from .facts import TRIGGERS

__all__ = ["Plan"]

# Enough for every feature set of a large dataset; past it the memo starts again.
_MEMO_LIMIT = 4096


class Plan:
    """The selected rules (in code order), with their triggers and a memo."""

    __slots__ = ("_memo", "rules", "triggers")

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self.triggers = tuple(TRIGGERS.get(r.func) for r in self.rules)
        self._memo: dict[frozenset[str], tuple[Rule, ...]] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def for_features(self, present: set[str]) -> tuple[Rule, ...]:
        """The rules that can report on a prompt with these features."""
        key = frozenset(present)
        chosen = self._memo.get(key)
        if chosen is None:
            chosen = tuple(
                r
                for r, needs in zip(self.rules, self.triggers, strict=True)
                if needs is None or not needs.isdisjoint(key)
            )
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = chosen
        return chosen
