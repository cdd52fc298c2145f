"""Apply a file's suppression comments to its findings, and report the unused ones.

:class:`Tracker` holds the directives of one text file (from :mod:`.suppression`),
silences the findings they cover, remembers which codes were used, and at the end of
the file names every directive (or code of one) that silenced nothing as a
:data:`~.suppression.UNUSED_CODE` diagnostic with a safe fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..diagnostics import Diagnostic, Edit, Fix, Severity, Span
from .suppression import (
    UNUSED_CODE,
    UNUSED_NAME,
    Directive,
    code_matches,
    removal,
    suppressing,
)

__all__ = ["ALL", "Tracker", "enabled_check", "unused_diagnostic"]

ALL = "ALL"


class Tracker:
    """The suppression state of one file."""

    def __init__(self, directives: Iterable[Directive]) -> None:
        self.directives = tuple(directives)
        # directive line -> the codes of it that silenced something ("" = no codes)
        self.used: dict[int, set[str]] = {d.line: set() for d in self.directives}

    def codes_for(self, line: int) -> tuple[str, ...]:
        """The codes silenced on prompt line ``line`` (``ALL`` when a directive has none)."""
        codes: list[str] = []
        for d in self.directives:
            if d.whole_file or d.target == line:
                if not d.codes:
                    return (ALL,)
                codes.extend(d.codes)
        return tuple(codes)

    def keep(self, line: int, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics of prompt line ``line`` that no directive silences."""
        kept = []
        for d in diagnostics:
            silencing = suppressing(self.directives, d.code, line)
            if not silencing:
                kept.append(d)
            for directive in silencing:
                used = self.used[directive.line]
                if not directive.codes:
                    used.add("")
                used.update(c for c in directive.codes if code_matches(d.code, c))
        return kept

    def unused(self, enabled: Callable[[str], bool]) -> list[tuple[Directive, tuple[str, ...]]]:
        """Each directive with its unused codes (``()`` for a directive without codes
        that silenced nothing). A code of a rule that does not run (``enabled`` is False)
        is not reported: it may be needed under another profile or selection."""
        out: list[tuple[Directive, tuple[str, ...]]] = []
        for d in self.directives:
            used = self.used[d.line]
            if not d.codes:
                if not used:
                    out.append((d, ()))
                continue
            unused = tuple(c for c in d.codes if c not in used and enabled(c))
            if unused:
                out.append((d, unused))
        return out


def unused_diagnostic(directive: Directive, unused: tuple[str, ...]) -> Diagnostic:
    """The finding for an unused directive or unused codes, spanning the comment line.

    Its text is the directive line, so spans are columns of that line; the safe fix
    replaces the line with what :func:`~.suppression.removal` keeps (an empty line here;
    ``fix`` removes the whole line, terminator included).
    """
    text = directive.text
    if not unused:
        message = f"unused suppression: `{directive.kind}` without codes silences nothing here"
    elif len(unused) == len(directive.codes):
        message = f"unused suppression: nothing to silence for {', '.join(unused)}"
    else:
        message = f"unused codes in suppression: {', '.join(unused)}"
    kept = removal(directive, unused)
    description = "remove the suppression comment" if kept is None else "remove the unused codes"
    fix = Fix((Edit(0, len(text), kept or ""),), True, description)
    start = 0
    if unused and kept is not None:  # point at the first unused code
        start = max(text.upper().find(unused[0], directive.codes_column), 0)
    return Diagnostic(
        UNUSED_CODE, UNUSED_NAME, Severity.WARNING, message, Span(start, len(text)), fix
    )


def enabled_check(codes: Iterable[str]) -> Callable[[str], bool]:
    """``enabled(selector)``: the selector names a rule that runs, or no rule at all."""
    from ..rules import REGISTRY

    running = tuple(codes)

    def enabled(selector: str) -> bool:
        if any(code_matches(code, selector) for code in running):
            return True
        return not any(code_matches(code, selector) for code in REGISTRY)

    return enabled
