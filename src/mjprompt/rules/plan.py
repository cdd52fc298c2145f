"""Which of the selected rules run on a prompt, from what the prompt has.

A rule with triggers (:data:`mjprompt.rules.facts.TRIGGERS`) can only report when the
prompt has one of them, so it is skipped otherwise. Prompts of a dataset share a few
feature sets (`--ar`, `--v`, text), so the choice is remembered per feature set: for
most prompts, picking the rules costs one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from ..diagnostics import Severity
from .base import Rule, RuleFunc
from .facts import TRIGGERS, mask

__all__ = ["Entry", "Plan"]

Entry: TypeAlias = tuple[RuleFunc, str, str, Severity]

# Enough for every feature set of a large dataset; past it the memo starts again.
_MEMO_LIMIT = 4096


class Plan:
    """The selected rules (in code order) for one profile, with their triggers and a memo.

    What the driver needs of a rule is kept as a plain tuple (function, code, name,
    default severity in this profile): unpacked once per rule run, not looked up.
    """

    __slots__ = ("chosen", "entries", "profile", "rules", "triggers")

    def __init__(self, rules: Iterable[Rule], profile: str) -> None:
        self.rules = tuple(rules)
        self.profile = profile
        self.entries = tuple((r.func, r.code, r.name, r.severities[profile]) for r in self.rules)
        # Per rule, the masks of its alternative triggers; none: it runs on every prompt.
        self.triggers = tuple(
            tuple(mask(names) for names in TRIGGERS[r.func]) if r.func in TRIGGERS else None
            for r in self.rules
        )
        # The rules chosen per feature set so far (read by the driver before it calls
        # :meth:`for_features`, which fills it).
        self.chosen: dict[int, tuple[Entry, ...]] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def for_features(self, present: int) -> tuple[Entry, ...]:
        """The rules that can report on a prompt with these features (bits)."""
        chosen = self.chosen.get(present)
        if chosen is None:
            chosen = tuple(
                entry
                for entry, needs in zip(self.entries, self.triggers, strict=True)
                if needs is None or any(m & present == m for m in needs)
            )
            if len(self.chosen) >= _MEMO_LIMIT:
                self.chosen.clear()
            self.chosen[present] = chosen
        return chosen
