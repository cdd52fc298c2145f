"""What a profile makes of a parameter, from the parameter table alone.

Hover and completion say it; the rules that report it are named (MJ401–MJ410), and a
test lints a prompt with each parameter to check that the two agree.
"""

from __future__ import annotations

import attrs

from ..evolink import MODEL
from ..params import ParamSpec, Status

__all__ = ["Verdict", "verdict"]


@attrs.frozen(slots=True)
class Verdict:
    """``accepted``: the profile takes the parameter (perhaps with a note)."""

    accepted: bool
    text: str


def verdict(spec: ParamSpec, profile: str) -> Verdict:
    """The profile's verdict on a parameter."""
    instead = f"; use `{spec.replacement}`" if spec.replacement else ""
    if spec.status is Status.VIDEO:
        return Verdict(False, "video only: not valid on an image job (MJ406)")
    if spec.status is Status.REMOVED:
        if spec.choices:
            only = ", ".join(f"`--{spec.name} {c}`" for c in spec.choices)
            return Verdict(False, f"removed except {only} (MJ404, MJ405){instead}")
        return Verdict(False, f"removed or from another version (MJ404){instead}")
    if spec.status is Status.MODEL and spec.name != "version":
        return Verdict(False, f"another model line, not V7 (MJ403){instead}")
    if profile not in spec.profiles:
        rule = "MJ410" if spec.name == "relax" else "MJ407"
        return Verdict(False, f"not available in the {profile} profile ({rule}){instead}")
    if spec.status is Status.SPEED and profile == "evolink":
        return Verdict(True, f"accepted; sent as {spec.replacement} (MJ408)")
    if spec.status is Status.MODEL and profile == "evolink":
        return Verdict(True, f"accepted but redundant: the {MODEL} model is V7 already (MJ401)")
    return Verdict(True, "accepted")
