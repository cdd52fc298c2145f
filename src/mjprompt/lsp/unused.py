"""Unused suppression comments (MJ901) in an open document, as ``mjprompt check`` finds them.

The CLI decides at the end of a file which comments silenced nothing
(:class:`mjprompt.cli.unused.Tracker`); an editor's document changes line by line, so
here the question is asked of one comment at a time, with what it can silence: the
findings of the prompt line a ``disable-next-line`` comment covers, or the codes found
anywhere in the file for ``disable-file``. The rule is the CLI's: a code is used when
it matches a finding (as a code or a prefix), a comment without codes when there is any
finding; a code of a rule that does not run here is not reported (another profile or
selection may need it), a code of no rule at all is. The diagnostic and its fix are the
CLI's own (:func:`mjprompt.cli.unused.unused_diagnostic`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from ..cli.suppression import UNUSED_CODE, Directive, code_matches, removal
from ..cli.unused import enabled_check, unused_diagnostic
from ..diagnostics import Diagnostic
from .settings import Settings

__all__ = ["UNUSED_CODE", "enabled_for", "reports_unused", "unused_finding"]


def reports_unused(settings: Settings) -> bool:
    """True when MJ901 runs with these settings (selected as the CLI selects it)."""
    return settings.select is None or UNUSED_CODE in settings.select


def enabled_for(settings: Settings) -> Callable[[str], bool]:
    """``enabled(code)``: the code names a rule that runs, or no rule at all."""
    if settings.select is not None:
        return enabled_check(settings.select)
    from ..cli.selection import RuleChoice

    return enabled_check(RuleChoice(profile=settings.profile).codes())


def unused_finding(
    directive: Directive, found: Collection[str], enabled: Callable[[str], bool]
) -> tuple[Diagnostic, bool] | None:
    """The MJ901 diagnostic of ``directive`` given the codes it could silence (``found``),
    and whether its fix removes the whole line; None when the comment is used."""
    if not directive.codes:
        if found:
            return None
        unused: tuple[str, ...] = ()
    else:
        unused = tuple(
            c
            for c in directive.codes
            if not any(code_matches(code, c) for code in found) and enabled(c)
        )
        if not unused:
            return None
    return unused_diagnostic(directive, unused), removal(directive, unused) is None
