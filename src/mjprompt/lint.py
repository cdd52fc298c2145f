"""The lint driver: which rules run, on which prompts, and ``lint`` / ``lint_many`` / ``fix``.

The rules (:mod:`mjprompt.rules`) register themselves with their code, severities and
triggers; this module chooses the rules of a profile and a select/ignore choice (a
:class:`Plan`), runs on each prompt only the rules whose triggers the prompt has, lints
the expansions of a permutation prompt (midjourney profile), and repairs prompts with
the fixes the rules offer.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeAlias

from ._memo import remember
from ._record import Record
from .ast import Prompt
from .diagnostics import Diagnostic, Edit, Severity, apply_edits
from .expand import (
    DEFAULT_LIMIT,
    MAX_NESTING,
    Expansion,
    count_expansions,
    expansions,
    nesting_depth,
)
from .params import MIDJOURNEY
from .parsing import Engine, iter_permutations, parse_lenient
from .profiles import Profile, profile_named
from .rules import REGISTRY, Context, Rule, RuleFunc
from .rules.base import Running, Trigger
from .rules.features import (
    FEATURE_BITS,
    ImageCheck,
    ParameterCheck,
    RuleTests,
    prompt_features,
)
from .scanner import scan

__all__ = [
    "FixResult",
    "Plan",
    "fix",
    "lint",
    "lint_many",
    "lint_prompt",
    "lint_with_plan",
    "plan_for",
    "selected_rules",
]

# Each round applies every non-overlapping fix; a fix can only reveal another one by
# changing the parse (e.g. a repaired marker exposing a glued value), so a few rounds
# reach the fixpoint (the corpus: at most 4). The bound keeps a pathological input from
# looping; a fuzzed prompt of chained repairs needed 10 (fuzz seed 16), and a round costs
# one lint when its fixes go in. `FixResult.converged` says when the bound cut it short.
MAX_FIX_ROUNDS = 32
# When a round's fixes together add an error, acceptable subsets are searched by halving;
# fixes that only add an error all together (each one lengthens a prompt already near the
# length limit) would make that one lint per fix, so the search stops after this many.
MAX_TRIALS_PER_ROUND = 32


# -- selection -------------------------------------------------------------------------


def _matches(rule: Rule, patterns: Iterable[str]) -> bool:
    # A pattern is a code prefix (`MJ1`, `MJ105`), a rule name, or `ALL`.
    for pattern in patterns:
        p = pattern.strip()
        if p.upper() == "ALL" or rule.code.startswith(p.upper()) or rule.name == p:
            return True
    return False


def selected_rules(
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Rule]:
    """The rules that run for a profile and a select/ignore choice, in code order."""
    return list(plan_for(profile, select, ignore).rules)


def plan_for(
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Plan:
    """The rules that run for a profile and a select/ignore choice (remembered)."""
    return _cached_plan(
        profile,
        None if select is None else tuple(select),
        None if ignore is None else tuple(ignore),
    )


# Linting a dataset asks for the plan once per prompt with the same arguments, so plans
# are remembered: keyed by the profile's name alone for the default choice (what `lint`
# reads), else by the three arguments: a plain dict filled by `_memo.remember` (a hit
# only reads it; a plan dropped when it is full is built again, its verdicts too).
_plans: dict[str | tuple[str, tuple[str, ...] | None, tuple[str, ...] | None], Plan] = {}
_PLANS_LIMIT = 64  # not Final: a test lowers it


def forget_plans() -> None:
    """Empty the memo of plans (and so the verdicts the plans remember; for benchmarks)."""
    _plans.clear()


def _cached_plan(
    profile: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> Plan:
    key = profile if select is None and ignore is None else (profile, select, ignore)
    plan = _plans.get(key)
    if plan is None:
        plan = remember(_plans, key, _new_plan(profile, select, ignore), _PLANS_LIMIT)
    return plan


def _new_plan(profile: str, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> Plan:
    row = profile_named(profile)  # ValueError for an unknown name
    chosen = []
    for code in sorted(REGISTRY):
        r = REGISTRY[code]
        if not r.runs_in(profile):
            continue
        if select is not None and not _matches(r, select):
            continue
        if ignore and _matches(r, ignore):
            continue
        chosen.append(r)
    return Plan(chosen, row)


# -- triggers --------------------------------------------------------------------------

# What the driver needs of a rule: its function, and the code, name and severity in the
# plan's profile that its findings carry (`Context.running`).
RuleRun: TypeAlias = tuple[RuleFunc, Running]

# Enough for every feature set of a large dataset; past it the memo starts again.
_FEATURE_SETS_LIMIT = 4096


class Plan:
    """The selected rules (in code order) for one profile, with their triggers.

    A rule with triggers can only report when the prompt has one of them, so it is
    skipped otherwise. Prompts of a dataset share a few feature sets (`--ar`, `--v`,
    text), so the rules to run are remembered per feature set: for most prompts,
    picking them costs one dictionary lookup. The rules' parameter tests
    (:func:`~mjprompt.rules.base.any_parameter`) get the bits above the features'.
    """

    __slots__ = (
        "_by_features",
        "_masks",
        "_runs",
        "expands",
        "profile",
        "rules",
        "tests",
    )

    def __init__(self, rules: Iterable[Rule], profile: Profile) -> None:
        self.rules = tuple(rules)
        self.profile = profile
        # Whether the expanded prompts of a permutation prompt are linted (midjourney).
        self.expands = profile.name == MIDJOURNEY
        self._runs: tuple[RuleRun, ...] = tuple(
            (r.func, (r.code, r.name, r.severities[profile.name])) for r in self.rules
        )
        checks: dict[ParameterCheck | ImageCheck, int] = {}
        # Per rule, the masks of its alternative triggers; None: it runs on every prompt.
        self._masks = tuple(
            tuple(_mask(t, checks) for t in r.triggers) if r.triggers else None for r in self.rules
        )
        # The features some trigger reads: the walk looks for no other lexical fact.
        needs = 0
        for masks in self._masks:
            for m in masks or ():
                needs |= m
        self.tests = RuleTests(
            {c: bit for c, bit in checks.items() if isinstance(c, ParameterCheck)},
            {c: bit for c, bit in checks.items() if isinstance(c, ImageCheck)},
            profile.name,
            needs,
        )
        self._by_features: dict[int, tuple[RuleRun, ...]] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def for_features(self, present: int) -> tuple[RuleRun, ...]:
        """The rules that can report on a prompt with these features (bits)."""
        chosen = self._by_features.get(present)
        if chosen is None:
            chosen = tuple(
                run
                for run, needs in zip(self._runs, self._masks, strict=True)
                if needs is None or any(m & present == m for m in needs)
            )
            remember(self._by_features, present, chosen, _FEATURE_SETS_LIMIT)
        return chosen


def _mask(trigger: Trigger, checks: dict[ParameterCheck | ImageCheck, int]) -> int:
    """The bits of one trigger; a rule's own check gets the next free bit of the plan."""
    if isinstance(trigger, (ParameterCheck, ImageCheck)):
        found = checks.get(trigger)
        if found is None:
            found = checks[trigger] = 1 << (len(FEATURE_BITS) + len(checks))
        return found
    if isinstance(trigger, str):
        return FEATURE_BITS[trigger]
    bits = 0
    for name in trigger:
        bits |= FEATURE_BITS[name]
    return bits


# -- linting ---------------------------------------------------------------------------

# The sort key, computed in C (no Python call per diagnostic).
_POSITION = operator.attrgetter("span.start", "span.end", "code")


def lint_prompt(
    prompt: Prompt,
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Run the selected rules over a parsed prompt; diagnostics sorted by position."""
    return lint_with_plan(prompt, plan_for(profile, select, ignore))


def lint_with_plan(
    prompt: Prompt, plan: Plan, *, expand: bool = True, engine: Engine = "scanner"
) -> list[Diagnostic]:
    """:func:`lint_prompt` with the plan chosen once, for a run over many prompts.

    ``expand=False`` leaves out the diagnostics of the expanded prompts (midjourney);
    ``engine`` parses the expanded prompts (``"lark"``: the tests' all-Lark oracle).
    """
    # Only the rules whose triggers the prompt has: the others have nothing to report.
    # The plan's memo is read here, not through `for_features` (one call less per prompt).
    present = prompt_features(prompt, plan.tests)
    runs = plan._by_features.get(present)
    if runs is None:
        runs = plan.for_features(present)
    if runs:
        ctx = Context(prompt, plan.profile)
        for func, running in runs:
            ctx.running = running
            func(ctx)  # reports its findings into ctx.found
        out = ctx.found
        if len(out) > 1:
            out.sort(key=_POSITION)
    else:
        # Two prompts in five run no rule (corpus): no context, nothing to sort.
        out = []
    # Midjourney validates each expanded prompt (v7-syntax.md §2.7): lint them too.
    if expand and plan.expands and "{" in prompt.source and should_expand(prompt):
        found = expansion_diagnostics(
            prompt,
            lambda text: lint_with_plan(parse_lenient(text, engine), plan, expand=False),
            list(out),
        )
        if found:
            out.extend(found)
            out.sort(key=_POSITION)
    return out


# -- the expansion pass ----------------------------------------------------------------
# Midjourney expands permutations before it validates anything, so each expanded prompt
# is a prompt of its own (v7-syntax.md §2.7). The driver lints the prompt as written,
# then each expansion; a finding of an expansion is reported at the span of the original
# it comes from (the whole group when it reaches into one), with the expansion named, and
# is dropped when the prompt as written already has it.

# Rules about the permutations themselves judge the prompt as written only.
_SKIP_IN_EXPANSIONS = frozenset({"MJ111", "MJ112", "MJ211", "MJ212", "MJ213"})


def should_expand(prompt: Prompt) -> bool:
    """True for closed permutation groups, at most 40 expansions, nested at most 50 deep."""
    if "{" not in prompt.source:
        return False
    groups = list(iter_permutations(prompt))
    if not groups or not all(g.closed for g in groups):
        return False
    return count_expansions(prompt) <= DEFAULT_LIMIT and nesting_depth(prompt) <= MAX_NESTING


def _expansion_name(e: Expansion, total: int) -> str:
    chosen = " / ".join(f"`{c}`" for c in e.choices)
    return f"expansion {e.index} of {total}: {chosen}"


def expansion_diagnostics(
    prompt: Prompt,
    lint_one: Callable[[str], list[Diagnostic]],
    known: list[Diagnostic],
) -> list[Diagnostic]:
    """The diagnostics of each expansion, mapped back onto ``prompt``.

    ``lint_one`` lints the text of one expansion (the selected rules of the profile);
    ``known`` is what the prompt as written already reported: a finding of the same code
    from the same start, ending there or before, is not repeated. Fixes are dropped: they
    were computed for the expansion's text, not the original's.
    """
    found: dict[tuple[str, int, int, str], list[Expansion]] = {}
    first_diag: dict[tuple[str, int, int, str], Diagnostic] = {}
    # Known: the same code from the same start, over the same span or a shorter one. A
    # finding about a whole parameter (`--turbo {b, --c 5}`, MJ601) covers its group as
    # written; in an expansion whose option adds a parameter it ends sooner.
    seen: dict[tuple[str, int], int] = {}
    for d in known:
        start = (d.code, d.span.start)
        seen[start] = max(seen.get(start, d.span.end), d.span.end)
    all_expansions = expansions(prompt)
    for e in all_expansions:
        for d in lint_one(e.text):
            if d.code in _SKIP_IN_EXPANSIONS:
                continue
            span = e.to_source(d.span)
            if span.end <= seen.get((d.code, span.start), -1):
                continue
            key = (d.code, span.start, span.end, d.message)
            found.setdefault(key, []).append(e)
            first_diag.setdefault(key, d.replace(span=span, fix=None))
    total = len(all_expansions)
    out: list[Diagnostic] = []
    for key, where in found.items():
        d = first_diag[key]
        if total == 1:
            suffix = " (once the braces are expanded)"
        elif len(where) == total:
            suffix = f" (in all {total} expansions)"
        else:
            suffix = f" (in {_expansion_name(where[0], total)}"
            suffix += f", and {len(where) - 1} more)" if len(where) > 1 else ")"
        out.append(d.replace(message=d.message + suffix))
    return out


# -- the public entry points -----------------------------------------------------------


def lint(
    text: str,
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> list[Diagnostic]:
    """Every diagnostic for ``text``. Never raises on any ``str``."""
    # `parse_lenient` and `plan_for`, without their Python frames on the common call (the
    # default engine, no select/ignore): a dataset linted prompt by prompt pays them per
    # prompt, and the two frames were 2% of a corpus lint (bench/README.md, sixth round).
    prompt = scan(text)
    if prompt is None:  # a shape the scanner leaves to Lark
        prompt = parse_lenient(text, "lark")
    if select is None and ignore is None:
        plan = _plans.get(profile)  # the default choice's key (see `_cached_plan`)
        if plan is None:
            plan = _cached_plan(profile, None, None)
    else:
        plan = plan_for(profile, select, ignore)
    return lint_with_plan(prompt, plan)


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


class FixResult(Record):
    """The fixed text, the diagnostics whose fixes were applied, and what remains.

    ``converged`` is False when :func:`fix` stopped at its bound on rounds
    (:data:`MAX_FIX_ROUNDS`) with fixes that would still go in: calling it again applies
    more.
    """

    __slots__ = ("text", "applied", "remaining", "converged")  # noqa: RUF023 - field order
    text: str
    applied: tuple[Diagnostic, ...]
    remaining: tuple[Diagnostic, ...]
    converged: bool

    def __init__(
        self,
        text: str,
        applied: tuple[Diagnostic, ...],
        remaining: tuple[Diagnostic, ...],
        converged: bool = True,
    ) -> None:
        self._set_fields(text, applied, remaining, converged)

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
    # One round past the bound is tried only to tell whether it cut the run short: if
    # that round would change the text, a second call would too (not converged).
    for round_number in range(MAX_FIX_ROUNDS + 1):
        candidates = _round_candidates(diagnostics, unsafe)
        if not candidates:
            break
        new, new_diagnostics, accepted = _apply_round(
            current, diagnostics, candidates, profile, select, ignore
        )
        if not accepted or new == current:
            break
        if round_number == MAX_FIX_ROUNDS:
            return FixResult(current, tuple(applied), tuple(diagnostics), converged=False)
        current, diagnostics = new, new_diagnostics
        applied.extend(accepted)
    return FixResult(current, tuple(applied), tuple(diagnostics))


def _round_candidates(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[Diagnostic]:
    """The diagnostics whose fixes one round applies: fixable (safe, or unsafe when asked),
    in order, each dropped when its edits overlap an earlier one's or each other."""
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
    return candidates


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
