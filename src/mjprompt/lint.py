"""``lint`` and ``fix``: every problem of a prompt at once, and the repairs that apply."""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import attrs

from .diagnostics import Diagnostic, Edit, Severity, apply_edits
from .parsing import parse_lenient
from .rules import Plan, lint_with_plan, plan_for

__all__ = ["FixResult", "fix", "lint", "lint_many"]

# Each round applies every non-overlapping fix; a fix can only reveal another one by
# changing the parse (e.g. a repaired marker exposing a glued value), so a few rounds
# reach the fixpoint. The bound keeps a pathological input from looping.
MAX_FIX_ROUNDS = 8
# When a round's fixes together add an error, acceptable subsets are searched by halving;
# fixes that only add an error all together (each one lengthens a prompt already near the
# length limit) would make that one lint per fix, so the search stops after this many.
MAX_TRIALS_PER_ROUND = 32


def lint(
    text: str,
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Every diagnostic for ``text``. Never raises on any ``str``."""
    return lint_with_plan(parse_lenient(text), plan_for(profile, select, ignore))


def lint_many(
    texts: Iterable[str],
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    batch: int = 64,
) -> Iterator[list[Diagnostic]]:
    """The diagnostics of each text, in order, as :func:`lint` would give them.

    For datasets (``mjprompt check`` uses it): the texts are parsed ``batch`` at a time
    and the rules then run over the batch. Alternating parser and rules prompt by prompt,
    each evicts the other's code and tables from the processor's caches; in batches the
    rules run warm, which makes linting a corpus cost noticeably less on top of parsing
    it (``bench/parse_speed.py`` shows both). Lazy: it reads at most ``batch`` texts
    ahead of what it has yielded. Bad arguments (an unknown profile, ``batch`` below 1,
    one string instead of several) raise here, not at the first result.
    """
    if isinstance(texts, str):
        raise TypeError("lint_many takes several texts (e.g. a list); use lint() for one")
    if batch < 1:
        raise ValueError("batch must be at least 1")
    return _lint_batches(iter(texts), plan_for(profile, select, ignore), batch)


def _lint_batches(texts: Iterator[str], plan: Plan, batch: int) -> Iterator[list[Diagnostic]]:
    while chunk := list(itertools.islice(texts, batch)):
        prompts = [parse_lenient(text) for text in chunk]
        for prompt in prompts:
            yield lint_with_plan(prompt, plan)


@attrs.frozen
class FixResult:
    """The fixed text, the diagnostics whose fixes were applied, and what remains."""

    text: str
    applied: tuple[Diagnostic, ...]
    remaining: tuple[Diagnostic, ...]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class _Taken:
    """Non-overlapping edit ranges chosen so far; overlap checks in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def clashes(self, edit: Edit) -> bool:
        # Ranges clash when they overlap or start at the same offset (two insertions
        # at one point, or an insertion at the start of a replacement).
        i = bisect.bisect_left(self._starts, edit.start)
        if i < len(self._starts) and (self._starts[i] == edit.start or self._starts[i] < edit.end):
            return True
        return i > 0 and self._ends[i - 1] > edit.start

    def add(self, edit: Edit) -> None:
        i = bisect.bisect_left(self._starts, edit.start)
        self._starts.insert(i, edit.start)
        self._ends.insert(i, edit.end)


def fix(
    text: str,
    *,
    profile: str = "evolink",
    unsafe: bool = False,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> FixResult:
    """Apply the safe fixes (and the unsafe ones if ``unsafe``) until none is left.

    Each round collects the fixes of the selected diagnostics, drops any whose edits
    overlap an earlier one, applies the rest right to left, and lints again.
    """
    applied: list[Diagnostic] = []
    current = text
    diagnostics = lint(current, profile=profile, select=select, ignore=ignore)
    for _ in range(MAX_FIX_ROUNDS):
        candidates: list[Diagnostic] = []
        taken = _Taken()
        for d in diagnostics:
            if d.fix is None or not (d.fix.safe or unsafe):
                continue
            edits = sorted(d.fix.edits, key=lambda e: e.start)
            if any(taken.clashes(e) for e in edits) or _self_overlapping(edits):
                continue
            for e in edits:
                taken.add(e)
            candidates.append(d)
        if not candidates:
            break
        new, new_diagnostics, accepted = _apply_round(
            current, diagnostics, candidates, profile, select, ignore
        )
        if not accepted or new == current:
            break
        current, diagnostics = new, new_diagnostics
        applied.extend(accepted)
    return FixResult(current, tuple(applied), tuple(diagnostics))


def _self_overlapping(edits: list[Edit]) -> bool:
    return any(b.start < a.end or b.start == a.start for a, b in itertools.pairwise(edits))


def _error_counts(diagnostics: Sequence[Diagnostic]) -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity is Severity.ERROR)


def _adds_errors(before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> bool:
    # A fix may reveal what its error hid (a repaired marker exposing a missing value);
    # such a fix is not applied, so fixing never leaves more errors of any code.
    old = _error_counts(before)
    return any(n > old[code] for code, n in _error_counts(after).items())


def _apply_round(
    current: str,
    diagnostics: list[Diagnostic],
    candidates: list[Diagnostic],
    profile: str,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
) -> tuple[str, list[Diagnostic], list[Diagnostic]]:
    """Apply the round's fixes together; if that adds an error, keep only those that don't."""

    def attempt(chosen: list[Diagnostic]) -> tuple[str, list[Diagnostic]]:
        new = apply_edits(current, [e for d in chosen if d.fix for e in d.fix.edits])
        return new, lint(new, profile=profile, select=select, ignore=ignore)

    new, new_diagnostics = attempt(candidates)
    if not _adds_errors(diagnostics, new_diagnostics):
        return new, new_diagnostics, candidates
    # Find the fixes that can go in, by halving the groups that add an error: a few
    # bad fixes among thousands cost O(bad x log n) lints, not one lint per fix.
    accepted: list[Diagnostic] = []
    best_text, best_diagnostics = current, diagnostics
    groups = [candidates[: len(candidates) // 2], candidates[len(candidates) // 2 :]]
    trials = 0
    while groups and trials < MAX_TRIALS_PER_ROUND:
        group = groups.pop(0)
        if not group:
            continue
        trials += 1
        trial_text, trial_diagnostics = attempt([*accepted, *group])
        if not _adds_errors(diagnostics, trial_diagnostics):
            accepted.extend(group)
            best_text, best_diagnostics = trial_text, trial_diagnostics
        elif len(group) > 1:
            half = len(group) // 2
            groups[0:0] = [group[:half], group[half:]]
    return best_text, best_diagnostics, accepted
