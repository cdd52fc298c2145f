"""Lint the corpus of real prompts and summarise: clean prompts per profile, counts per code.

    python bench/corpus_summary.py             # the summary
    python bench/corpus_summary.py --examples 3 # plus a few prompts per code, to review
    python bench/corpus_summary.py --time      # plus parse vs parse+lint timing

Reads ``../shared/corpus/real-prompts.jsonl`` beside the repository; exits cleanly (0)
with a note when it is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from mjprompt.lint import lint, lint_prompt
from mjprompt.parser import parse_lenient
from mjprompt.rules import PROFILES, REGISTRY

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real-prompts.jsonl"


def load(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["prompt"] for line in fh if line.strip()]


def summarise(prompts: list[str], examples: int) -> None:
    print(f"{len(prompts)} prompts\n")
    for profile in PROFILES:
        clean = no_errors = 0
        codes: Counter[str] = Counter()
        severities: dict[str, set[str]] = defaultdict(set)
        samples: dict[str, list[str]] = defaultdict(list)
        for text in prompts:
            diagnostics = lint(text, profile=profile)
            clean += not diagnostics
            no_errors += not any(d.severity.value == "error" for d in diagnostics)
            for d in diagnostics:
                codes[d.code] += 1
                severities[d.code].add(d.severity.value)
                if len(samples[d.code]) < examples:
                    snippet = text[max(0, d.span.start - 30) : d.span.end + 30]
                    samples[d.code].append(f"{d.message}  <<{snippet}>>")
        print(f"## profile {profile}")
        print(f"clean (no diagnostic): {clean}  ({100 * clean / len(prompts):.1f}%)")
        print(f"no error:              {no_errors}  ({100 * no_errors / len(prompts):.1f}%)")
        for code, n in sorted(codes.items()):
            rule = REGISTRY[code]
            sev = "/".join(sorted(severities[code]))
            print(f"  {code} {rule.name:<32} {sev:<14} {n:>5}")
            for s in samples[code]:
                print(f"      - {s}")
        print()


def timing(prompts: list[str], rounds: int = 3) -> None:
    def best(fn: object) -> float:
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t0)
        return min(times)

    parse_lenient(prompts[0])  # build the parser once

    def parse_all() -> None:
        for t in prompts:
            parse_lenient(t)

    parsed = [parse_lenient(t) for t in prompts]
    t_parse = best(parse_all)
    n = len(prompts)
    print(f"parse alone:        {1e6 * t_parse / n:7.1f} µs/prompt")
    for profile in PROFILES:

        def lint_all(profile: str = profile) -> None:
            for t in prompts:
                lint(t, profile=profile)

        def rules_only(profile: str = profile) -> None:
            for p in parsed:
                lint_prompt(p, profile=profile)

        t_lint = best(lint_all)
        t_rules = best(rules_only)
        print(
            f"parse + lint ({profile:<10}): {1e6 * t_lint / n:7.1f} µs/prompt, "
            f"rules {1e6 * t_rules / n:5.1f} µs, ratio {t_lint / t_parse:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=0, help="prompts to show per code")
    ap.add_argument("--time", action="store_true", help="also time parse vs parse+lint")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found at {args.corpus}; nothing to summarise")
        return 0
    prompts = load(args.corpus)
    summarise(prompts, args.examples)
    if args.time:
        timing(prompts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
