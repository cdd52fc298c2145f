"""The rule model: a rule is a function with a code, a name and per-profile severities.

Rules are registered with the :func:`rule` decorator into :data:`REGISTRY`. A rule's
docstring is its documentation (``mjprompt explain``, ``docs/rules.md``): it says what
the rule finds, why, a failing and a passing example, and whether its fix is safe.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import attrs

from ..ast import Parameter, Prompt
from ..diagnostics import Edit, Fix, Severity, Span

if TYPE_CHECKING:
    from .facts import ParamFacts

__all__ = [
    "PROFILES",
    "REGISTRY",
    "Context",
    "Report",
    "Rule",
    "RuleFunc",
    "Variant",
    "rule",
    "variant",
]

PROFILES = ("evolink", "midjourney")

_CODE = re.compile(r"MJ\d{3}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Report(NamedTuple):
    """What a rule yields: where, what, and optionally a fix or a severity override.

    A named tuple rather than an attrs class: rules build one per finding and the
    driver unpacks it at once into a :class:`~mjprompt.diagnostics.Diagnostic`.
    """

    span: Span
    message: str
    fix: Fix | None = None
    severity: Severity | None = None


class Context:
    """What a rule sees: the parsed prompt, the profile, and shared lookups.

    ``param_facts`` and ``features`` are filled together by the walk over the prompt
    (:func:`mjprompt.rules.facts.collect`): by the driver before any rule runs, or on
    first use when a rule is called on its own. ``by_canonical`` (the known parameters
    by canonical name, aliases joined, in order) is built when a rule first asks for it:
    most prompts run no rule that does.
    """

    __slots__ = ("_index", "features", "param_facts", "profile", "prompt", "source")

    param_facts: ParamFacts
    features: int  # what the prompt has, as bits (rules/facts.py)

    def __init__(self, prompt: Prompt, profile: str) -> None:
        self.prompt = prompt
        self.profile = profile
        self.source = prompt.source
        self._index: dict[str, list[Parameter]] | None = None

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot not filled yet: when a rule is called without the driver.
        if name in ("features", "param_facts"):
            from .facts import collect

            collect(self)
            return object.__getattribute__(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def by_canonical(self) -> Mapping[str, list[Parameter]]:
        """The known parameters by canonical name (through aliases), in prompt order."""
        groups = self._index
        if groups is None:
            groups = self._index = {}
            for p in self.prompt.params:
                spec = p.spec
                if spec is not None:
                    found = groups.get(spec.name)
                    if found is None:
                        groups[spec.name] = [p]
                    else:
                        found.append(p)
        return groups

    def named(self, canonical: str) -> list[Parameter]:
        """The parameters of one canonical name, in order.

        For a rule that looks up one name: it reads the index if a rule built it, and
        otherwise scans the few parameters instead of building it.
        """
        if self._index is not None:
            return self._index.get(canonical, [])
        return [p for p in self.prompt.params if p.spec is not None and p.spec.name == canonical]

    def has(self, canonical: str) -> bool:
        return canonical in self.by_canonical

    def first(self, canonical: str) -> Parameter | None:
        found = self.by_canonical.get(canonical)
        return found[0] if found else None


RuleFunc: TypeAlias = Callable[[Context], Iterable[Report]]


@attrs.frozen(slots=True)
class Variant:
    """Findings of a rule that carry another severity than the rule's own.

    ``when`` says which findings, in words (`mjprompt explain`, docs/rules.md);
    ``severities`` gives their severity per profile (absent: never in that profile).
    A rule that sets :attr:`Report.severity` declares each of its overrides here, so
    that what ``rules`` and ``explain`` print is everything a finding can be
    (tests/rules/test_catalog.py checks the cases against it).
    """

    when: str
    severities: Mapping[str, Severity]


def variant(when: str, *, evolink: Severity | None, midjourney: Severity | None) -> Variant:
    """A :class:`Variant` from per-profile severities (None: not in that profile)."""
    pairs = (("evolink", evolink), ("midjourney", midjourney))
    return Variant(when, {profile: sev for profile, sev in pairs if sev is not None})


_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@attrs.frozen(slots=True)
class Rule:
    """A registered rule."""

    code: str
    name: str
    func: RuleFunc
    severities: Mapping[str, Severity]  # profile -> severity; absent = does not run
    fix: str | None  # "safe", "unsafe", "safe/unsafe" or None
    variants: tuple[Variant, ...] = ()  # findings whose severity differs
    # The rule reports a flag the evolink API strips from the prompt (a speed flag, the
    # version it locks): build_payload and the strict sandbox, which strip it too, do not
    # count such a finding on a stripped token against the prompt.
    api_strips: bool = False

    def possible(self, profile: str) -> tuple[Severity, ...]:
        """Every severity a finding of this rule can have in ``profile`` (most severe
        first; empty when the rule does not run there)."""
        if profile not in self.severities:
            return ()
        found = {self.severities[profile]}
        found.update(v.severities[profile] for v in self.variants if profile in v.severities)
        return tuple(s for s in _ORDER if s in found)

    def severity_word(self, profile: str, off: str = "-") -> str:
        """The severities of ``profile`` in one word: ``error``, ``error/warning`` (some
        findings differ, see :meth:`variant_lines`), or ``off``."""
        return "/".join(s.value for s in self.possible(profile)) or off

    def variant_lines(self, profiles: Iterable[str]) -> list[str]:
        """One line per :class:`Variant`: ``"evolink: error, midjourney: warning for
        `--q 3` (run as 4)"``."""
        out = []
        for v in self.variants:
            levels = ", ".join(
                f"{p}: {v.severities[p].value if p in v.severities else 'off'}"
                for p in profiles
                if p in self.severities
            )
            out.append(f"{levels} for {v.when}")
        return out

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    def runs_in(self, profile: str) -> bool:
        return profile in self.severities


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    *,
    evolink: Severity | None,
    midjourney: Severity | None,
    fix: str | None = None,
    variants: Iterable[Variant] = (),
    api_strips: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a unique code and kebab-case name.

    ``evolink`` / ``midjourney`` are the rule's severity per profile (None: the rule does
    not run there); ``variants`` the findings that override it (:class:`Variant`);
    ``api_strips``: the rule reports a flag the evolink API strips (see :class:`Rule`).
    """

    def register(func: RuleFunc) -> RuleFunc:
        if not _CODE.fullmatch(code) or not _NAME.fullmatch(name):
            raise ValueError(f"bad rule identity {code} {name}")
        if code in REGISTRY or any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"rule {code} has no docstring")
        severities = {
            profile: sev
            for profile, sev in (("evolink", evolink), ("midjourney", midjourney))
            if sev is not None
        }
        declared = tuple(variants)
        for v in declared:
            if not set(v.severities) <= set(severities):
                raise ValueError(f"rule {code}: a variant in a profile the rule does not run in")
        REGISTRY[code] = Rule(code, name, func, severities, fix, declared, api_strips)
        return func

    return register


def replace(span: Span, text: str, description: str, *, safe: bool = True) -> Fix:
    """A one-edit fix replacing ``span`` with ``text``."""
    return Fix((Edit(span.start, span.end, text),), safe, description)


def delete_token(source: str, span: Span, description: str, *, safe: bool = True) -> Fix:
    """Delete ``span`` together with the whitespace before it (or after, at the start)."""
    start = span.start
    while start > 0 and source[start - 1].isspace():
        start -= 1
    end = span.end
    if start == 0:
        while end < len(source) and source[end].isspace():
            end += 1
    return Fix((Edit(start, end, ""),), safe, description)
