"""The rule model: a rule is a function with a code, a name and per-profile severities.

Rules are registered with the :func:`rule` decorator into :data:`REGISTRY`. A rule
reports each finding with :meth:`Context.report` (where, what, and optionally a fix and
another severity); it returns nothing. A rule's
docstring is its documentation (``mjprompt explain``, ``docs/rules.md``): it says what
the rule finds, why, a failing and a passing example, and whether its fix is safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeAlias

from .._record import Record
from ..ast import Parameter, Prompt
from ..diagnostics import INFO, Diagnostic, E, Edit, Fix, Severity, Span, W
from ..profiles import BY_NAME as PROFILE_ROWS
from ..profiles import NAMES as PROFILES
from ..profiles import Profile, profile_named
from .features import FEATURE_BITS, ImageCheck, ParameterCheck, any_image, any_parameter

__all__ = [
    "INFO",
    "PROFILES",
    "REGISTRY",
    "Context",
    "E",
    "Rule",
    "RuleFunc",
    "Trigger",
    "Variant",
    "W",
    "any_image",
    "any_parameter",
    "delete_token",
    "replace_span",
    "rule",
    "variant",
]


_CODE = re.compile(r"MJ\d{3}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# The rule that runs, as the driver tells the context: its code, name and severity in
# the profile. A finding of the rule carries them.
Running: TypeAlias = tuple[str, str, Severity]


class Context:
    """What a rule sees: the parsed prompt, the profile, and shared lookups; and where it
    reports its findings (:meth:`report`).

    ``by_canonical`` (the known parameters by canonical name, aliases joined, in order)
    is built when a rule first asks for it: most prompts run no rule that does.
    ``found`` holds the findings of the rules run so far; ``running`` is the rule that
    runs (the driver sets it before calling each rule).
    """

    __slots__ = ("_index", "found", "profile", "prompt", "running", "source")

    def __init__(self, prompt: Prompt, profile: str | Profile) -> None:
        self.prompt = prompt
        self.profile = profile_named(profile) if isinstance(profile, str) else profile
        self.source = prompt.source
        self._index: dict[str, list[Parameter]] | None = None
        self.found: list[Diagnostic] = []
        # `running` is set by the driver before each rule: unset, `report` fails loudly
        # instead of filing a finding under no code (a default cost 0.1-0.2 us).
        self.running: Running

    def report(
        self, span: Span, message: str, fix: Fix | None = None, severity: Severity | None = None
    ) -> None:
        """Report a finding of the running rule: where, what, and optionally a fix and a
        severity other than the rule's (declared as a :class:`Variant`).

        The finding is the :class:`~mjprompt.diagnostics.Diagnostic` that ``lint``
        returns, built here once: a rule builds nothing else per finding.
        """
        code, name, default = self.running
        self.found.append(Diagnostic(code, name, severity or default, message, span, fix))

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
        found = []  # a loop: 3.11 runs a comprehension as a call of its own
        for p in self.prompt.params:
            spec = p.spec
            if spec is not None and spec.name == canonical:
                found.append(p)
        return found

    def has(self, canonical: str) -> bool:
        return canonical in self.by_canonical

    def first(self, canonical: str) -> Parameter | None:
        found = self.by_canonical.get(canonical)
        return found[0] if found else None


# A rule reports its findings through `Context.report`.
RuleFunc: TypeAlias = Callable[[Context], None]
# What a rule needs to have anything to report: a feature (a canonical parameter name or
# an `@` name of rules/features.py), several that must all be there, or the rule's own
# test of each parameter or image prompt (:func:`any_parameter`, :func:`any_image`).
Trigger: TypeAlias = str | tuple[str, ...] | ParameterCheck | ImageCheck


class Variant(Record):
    """Findings of a rule that carry another severity than the rule's own.

    ``when`` says which findings, in words (`mjprompt explain`, docs/rules.md);
    ``severities`` gives their severity per profile (absent: never in that profile).
    A rule that reports a finding with another ``severity`` (:meth:`Context.report`)
    declares each of its overrides here, so that what ``rules`` and ``explain`` print is
    everything a finding can be
    (tests/rules/test_catalog.py checks the cases against it).
    """

    __slots__ = ("when", "severities")  # noqa: RUF023 - field order
    when: str
    severities: Mapping[str, Severity]

    def __init__(self, when: str, severities: Mapping[str, Severity]) -> None:
        self._set_fields(when, severities)


def variant(when: str, *, evolink: Severity | None, midjourney: Severity | None) -> Variant:
    """A :class:`Variant` from per-profile severities (None: not in that profile)."""
    pairs = (("evolink", evolink), ("midjourney", midjourney))
    return Variant(when, {profile: sev for profile, sev in pairs if sev is not None})


_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


class Rule(Record):
    """A registered rule."""

    __slots__ = ("code", "name", "func", "severities", "fix", "variants", "triggers", "api_strips")  # noqa: RUF023 - field order
    code: str
    name: str
    func: RuleFunc
    severities: Mapping[str, Severity]  # profile -> severity; absent = does not run
    fix: str | None  # "safe", "unsafe", "safe/unsafe" or None
    variants: tuple[Variant, ...]  # findings whose severity differs
    # Alternatives, any of which the prompt must have for the rule to run; none: always.
    triggers: tuple[Trigger, ...]
    api_strips: bool  # it reports a flag the evolink API removes from the prompt

    def __init__(
        self,
        code: str,
        name: str,
        func: RuleFunc,
        severities: Mapping[str, Severity],
        fix: str | None,
        variants: tuple[Variant, ...] = (),
        triggers: tuple[Trigger, ...] = (),
        api_strips: bool = False,
    ) -> None:
        self._set_fields(code, name, func, severities, fix, variants, triggers, api_strips)

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
        import inspect  # the catalog's and `explain`'s need; a check never reads it

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
    severity: Severity,
    *,
    fix: str | None = None,
    triggers: Iterable[Trigger] = (),
    variants: Iterable[Variant] = (),
    api_strips: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a unique code and kebab-case name.

    ``severity`` is the rule's own; a profile may turn it off or change it (the
    profile table, :mod:`mjprompt.profiles`). ``triggers``: what a prompt must have for
    the rule to have anything to report (any one of them); the driver skips the rule on
    other prompts. ``variants``: the findings that override the severity
    (:class:`Variant`). ``api_strips``: the rule reports a flag the evolink API removes.
    """

    def register(func: RuleFunc) -> RuleFunc:
        if not _CODE.fullmatch(code) or not _NAME.fullmatch(name):
            raise ValueError(f"bad rule identity {code} {name}")
        if code in REGISTRY or any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"rule {code} has no docstring")
        severities = {}
        for profile in PROFILE_ROWS.values():
            found = profile.severity(code, severity)
            if found is not None:
                severities[profile.name] = found
        declared = tuple(variants)
        for v in declared:
            if not set(v.severities) <= set(severities):
                raise ValueError(f"rule {code}: a variant in a profile the rule does not run in")
        needs = tuple(triggers)
        for t in needs:
            # A misspelled feature fails here instead of never running the rule.
            if isinstance(t, (ParameterCheck, ImageCheck)):
                continue
            for feature in (t,) if isinstance(t, str) else t:
                if feature not in FEATURE_BITS:
                    raise ValueError(f"rule {code}: unknown trigger feature {feature!r}")
        REGISTRY[code] = Rule(code, name, func, severities, fix, declared, needs, api_strips)
        return func

    return register


def replace_span(span: Span, text: str, description: str, *, safe: bool = True) -> Fix:
    """A one-edit fix replacing ``span`` with ``text``."""
    return Fix((Edit(span.start, span.end, text),), safe, description)


def delete_token(source: str, span: Span, description: str, *, safe: bool = True) -> Fix:
    """Delete ``span`` together with the whitespace before it (or after, at the start)."""
    start = span.start
    while start and source[start - 1].isspace():
        start -= 1
    end = span.end
    if start == 0:
        while end < len(source) and source[end].isspace():
            end += 1
    return Fix((Edit(start, end, ""),), safe, description)
