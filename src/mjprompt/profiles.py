"""The profiles: what a prompt is checked against, one row each.

``evolink`` is the evolink.ai ``mj-v7`` API (its wire contract is :mod:`mjprompt.evolink`);
``midjourney`` is Midjourney itself (v7-syntax.md). A rule has one severity of its own
(``@rule``); a profile row lists only the rules it turns off or gives another severity,
so this table is the whole difference between the profiles. The rules, the lint driver
and the CLI read it.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import evolink
from ._record import Record
from .diagnostics import Severity
from .params import EVOLINK, MIDJOURNEY

__all__ = ["BY_NAME", "NAMES", "OFF", "Profile", "profile_named"]

OFF = None  # a rule that does not run in a profile


class Profile(Record):
    """One profile: its name, length limit, speed flags and per-rule severities."""

    __slots__ = ("name", "max_length", "speed_flags", "severities")  # noqa: RUF023 - field order
    name: str
    max_length: int  # characters of the whole prompt (MJ208, MJ209)
    # The flags that choose one GPU mode: two of them in one prompt conflict (MJ409).
    speed_flags: tuple[str, ...]
    # Rules whose severity here differs from the rule's own; OFF: the rule does not run.
    severities: Mapping[str, Severity | None]

    def __init__(
        self,
        name: str,
        max_length: int,
        speed_flags: tuple[str, ...],
        severities: Mapping[str, Severity | None],
    ) -> None:
        self._set_fields(name, max_length, speed_flags, severities)

    def severity(self, code: str, default: Severity) -> Severity | None:
        """The severity of a rule in this profile (None: the rule does not run)."""
        return self.severities.get(code, default)


EVOLINK_PROFILE = Profile(
    name=EVOLINK,
    max_length=evolink.MAX_PROMPT_LENGTH,
    # The API moves draft/fast/turbo into `model_params.speed`; `--relax` is an error.
    speed_flags=(*evolink.SPEEDS, "relax"),
    severities={
        # Permutations are not expanded by the API (MJ211 says so once).
        "MJ212": OFF,
        "MJ213": OFF,
        "MJ214": OFF,
    },
)

MIDJOURNEY_PROFILE = Profile(
    name=MIDJOURNEY,
    max_length=6000,  # "Prompts must be 6000 or fewer in length." (v7-syntax.md §2.9)
    # Natively, draft is a mode of its own that runs at any speed.
    speed_flags=("fast", "turbo", "relax"),
    severities={
        "MJ205": OFF,  # evolink's cap on image prompts
        "MJ211": OFF,  # Midjourney expands permutations
        "MJ216": Severity.WARNING,  # Midjourney may convert other image formats
        "MJ309": OFF,  # evolink's cap on `--sref` items
        "MJ401": OFF,  # `--v 7` selects V7
        "MJ407": OFF,  # parameters only the API lacks
        "MJ408": OFF,  # speed flags are Midjourney's own
        "MJ410": OFF,  # `--relax` exists natively
    },
)

BY_NAME: Mapping[str, Profile] = {p.name: p for p in (EVOLINK_PROFILE, MIDJOURNEY_PROFILE)}
NAMES = tuple(BY_NAME)  # the profile names, the default first


def profile_named(name: str) -> Profile:
    """The profile of that name; ``ValueError`` (listing the names) for any other."""
    found = BY_NAME.get(name)
    if found is None:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(NAMES)}")
    return found
