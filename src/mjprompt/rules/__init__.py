"""The rules: one family per module (``syntax`` = MJ1xx, …), registered on import.

Each rule module detects and words its own findings; :data:`FAMILIES` is the explicit
list of those modules. Which rules run, on which prompts, is the lint driver's
(:mod:`mjprompt.lint`).
"""

from __future__ import annotations

from . import cost, models, parameters, relations, structure, syntax
from .base import PROFILES, REGISTRY, Context, Rule, RuleFunc, rule

__all__ = [
    "FAMILIES",
    "PROFILES",
    "REGISTRY",
    "Context",
    "Rule",
    "RuleFunc",
    "rule",
]

FAMILIES = (syntax, structure, parameters, models, relations, cost)
