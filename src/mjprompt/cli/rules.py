"""``mjprompt rules`` (every rule, one per line) and ``mjprompt explain CODE``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..profiles import NAMES as PROFILES
from ..rules import REGISTRY, Rule
from .errors import UsageError

__all__ = ["find_rule", "register", "rule_json"]


def register(subparsers: Any) -> None:
    rules = subparsers.add_parser(
        "rules", help="list every rule", description="List every rule of the registry."
    )
    rules.add_argument(
        "--profile", choices=PROFILES, help="only the rules that run in this profile"
    )
    rules.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    rules.set_defaults(func=run_rules)

    explain = subparsers.add_parser(
        "explain",
        help="print the documentation of a rule",
        description="Print what a rule finds, why, examples, and whether its fix is safe.",
    )
    explain.add_argument("rule", metavar="CODE", help="a rule code (MJ101) or name")
    explain.set_defaults(func=run_explain)


def _severities(rule: Rule) -> str:
    """The rule's severity per profile, then one indented line per group of findings
    whose severity differs (MJ302's repeated lists, MJ305's `--q 3`, rows of MJ501/502)."""
    head = ", ".join(
        f"{profile}: {rule.severities[profile].value if profile in rule.severities else 'off'}"
        for profile in PROFILES
    )
    return "\n".join([head, *(f"  except {line}" for line in rule.variant_lines(PROFILES))])


def rule_json(rule: Rule) -> dict[str, Any]:
    """A rule as JSON: what ``mjprompt rules --format json`` prints for it."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severities": {p: s.value for p, s in rule.severities.items()},
        # Every severity a finding can have per profile, and which findings differ.
        "possible": {p: [s.value for s in rule.possible(p)] for p in rule.severities},
        "variants": [
            {"when": v.when, "severities": {p: s.value for p, s in v.severities.items()}}
            for v in rule.variants
        ],
        "fix": rule.fix,
        "summary": rule.summary,
        "doc": rule.doc,
    }


def _unused_rule() -> Rule:
    # The CLI's own check (suppression comments that silence nothing): not a prompt rule,
    # so not in the registry, but listed and explained like one.
    from ..diagnostics import Severity
    from .suppression import UNUSED_CODE, UNUSED_DOC, UNUSED_NAME

    def unused_suppression(ctx: Any) -> Any:
        return ()

    unused_suppression.__doc__ = UNUSED_DOC
    severities = dict.fromkeys(PROFILES, Severity.WARNING)
    return Rule(UNUSED_CODE, UNUSED_NAME, unused_suppression, severities, "safe")


def all_rules() -> dict[str, Rule]:
    """The registry and the CLI's own rules, by code."""
    rules = dict(REGISTRY)
    extra = _unused_rule()
    rules[extra.code] = extra
    return rules


def run_rules(ns: argparse.Namespace) -> int:
    everything = all_rules()
    chosen = [
        everything[code]
        for code in sorted(everything)
        if ns.profile is None or everything[code].runs_in(ns.profile)
    ]
    out = sys.stdout
    if ns.format == "json":
        import json

        out.write(json.dumps([rule_json(r) for r in chosen], indent=2, ensure_ascii=False))
        out.write("\n")
        return 0
    name_width = max((len(r.name) for r in chosen), default=4)
    columns = [f"{p:<15}" for p in PROFILES]
    out.write(f"{'CODE':<6}  {'NAME':<{name_width}}  {''.join(columns)}{'FIX':<12}SUMMARY\n")
    for r in chosen:
        # `error/warning`: some findings of the rule differ (`mjprompt explain` says which).
        levels = "".join(f"{r.severity_word(p):<15}" for p in PROFILES)
        out.write(f"{r.code:<6}  {r.name:<{name_width}}  {levels}{r.fix or '-':<12}{r.summary}\n")
    return 0


# Letters typed for the digits they look like (MJ1O1 for MJ101, MJ2l0 for MJ210).
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "L": "1"})


def find_rule(key: str) -> Rule:
    """The rule with this code (any case) or kebab-case name; UsageError if none."""
    rules = all_rules()
    rule = rules.get(key.upper())
    if rule is None:
        rule = next((r for r in rules.values() if r.name == key.lower()), None)
    if rule is None:
        names = [*rules, *(r.name for r in rules.values())]
        close = []
        if key[:2].upper() == "MJ":
            lookalike = "MJ" + key[2:].translate(_LOOKALIKE).upper()
            if lookalike in rules:
                close.append(lookalike)
        guess = key.upper() if key[:2].upper() == "MJ" else key
        import difflib

        close += [c for c in difflib.get_close_matches(guess, names, 3) if c not in close]
        hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
        raise UsageError(f"no rule `{key}`{hint} (see `mjprompt rules`)")
    return rule


def run_explain(ns: argparse.Namespace) -> int:
    rule = find_rule(ns.rule)
    out = sys.stdout
    out.write(f"{rule.code} {rule.name}\n\n{rule.doc}\n\n")
    out.write(f"Severity: {_severities(rule)}\n")
    out.write(f"Fix: {rule.fix or 'none'}\n")
    return 0
