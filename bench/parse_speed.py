"""Parse and lint speed over the corpus, beside a plain regex split, in one run.

    python bench/parse_speed.py [--repeat N] [--rounds R] [--json out.json]

Prints prompts per second for: a regex split of each prompt into images / text /
parameters (the floor for pure Python), parse alone, parse + syntax lint (MJ1xx) and
parse + full lint, and parse + full lint with the parameter memo emptied before every
pass (what linting a dataset once costs); then the per-character cost of long prompts
(flat = linear time). Ratios are what matter: every figure is measured in this same
process, chunk by chunk of 32 prompts with the rows interleaved, keeping each row's
fastest run of each chunk (see ``harness.chunked_rates``): the machine's slower spells
are longer than a chunk, so they do not decide the ratios. The whole measurement runs
``--rounds`` times; ratios are the median of the rounds, with their range (on a shared
machine one round's ratio moves by several percent with the neighbours' load).

The time of lint over the time of parse is shown, not judged: issue 17 re-based the old
target (lint at most 1.25x parse), which stopped meaning anything once parsing became
cheap; ``bench/run.py`` judges the whole lint against the peer and the floor.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from floor import regex_split
from harness import chunked_rates, each, time_ratios
from workloads import lint_dataset

import mjprompt
from mjprompt.parsing import parse_lenient

# The lint driver module (the attribute `mjprompt.lint` is the function of that name).
_DRIVER = importlib.import_module("mjprompt.lint")

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real-prompts.jsonl"


def forget_memos() -> None:
    """Empty the memos a lint keeps between prompts: the scanner's parameter tokens, and
    the plans (which remember the rules' verdicts on parameter texts)."""
    from mjprompt import scanner

    scanner.forget_parameter_tokens()
    _DRIVER.forget_plans()


def rate(func: Callable[[str], object], prompts: Sequence[str], repeat: int) -> float:
    """Best-of-``repeat`` prompts per second."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for p in prompts:
            func(p)
        best = min(best, time.perf_counter() - start)
    return len(prompts) / best


def long_prompt(length: int) -> str:
    """A realistic prompt of about ``length`` characters: prose plus a parameter block."""
    tail = " --ar 16:9 --stylize 250 --chaos 10 --no text, watermark --v 7"
    unit = "a lighthouse on a cliff at dusk, oil painting, warm light, "
    body = (unit * (length // len(unit) + 1))[: max(0, length - len(tail))]
    return body.rstrip(", ") + tail


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3, help="whole measurements; median taken")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if not CORPUS.is_file():
        print(f"corpus not found at {CORPUS}; nothing to measure", file=sys.stderr)
        return 0
    prompts = [json.loads(line)["prompt"] for line in CORPUS.open(encoding="utf-8")]
    parse_lenient("warm up --ar 1:1")

    results: dict[str, object] = {"prompts": len(prompts)}
    per_call = "parse + full lint, lint()"
    dataset = "parse + full lint, lint_many()"
    first_pass = "lint_many(), first pass"
    rounds = [
        chunked_rates(
            {
                "regex split": each(regex_split),
                "parse": each(parse_lenient),
                "parse + syntax lint": each(lambda p: mjprompt.lint(p, select=["MJ1"])),
                per_call: each(mjprompt.lint),
                dataset: lint_dataset,
                first_pass: lint_dataset,
            },
            prompts,
            repeat=args.repeat,
            # The parameter verdicts remembered help the next run: start each one afresh
            # (harsher than a real first pass, which remembers the chunks before).
            before={first_pass: forget_memos},
        )
        for _ in range(max(1, args.rounds))
    ]
    rows = {name: max(r[name] for r in rounds) for name in rounds[0]}
    times = time_ratios(rounds, "parse")
    results["throughput"] = rows
    print(
        f"corpus: {len(prompts)} prompts, best of {args.repeat} per chunk of 32, interleaved;"
        f" {len(rounds)} rounds (time/parse: median, and range)"
    )
    print(f"{'':34}{'prompts/s':>12}{'vs regex':>10}{'time/parse':>26}")
    for name, value in rows.items():
        print(f"{name:34}{value:12,.0f}{value / rows['regex split']:10.2f}{times[name]!s:>26}")
    cost = times[dataset].median
    print(
        f"\nlinting the corpus (lint_many, as `mjprompt check` does) takes "
        f"{times[dataset]}x the time of parsing it; "
        f"{times[first_pass]}x on a first pass, "
        f"{times[per_call]}x calling lint() prompt by prompt"
    )
    results["lint_vs_parse"] = {
        "lint_many": cost,
        "lint_many_first_pass": times[first_pass].median,
        "lint_per_call": times[per_call].median,
        "ranges": {name: [t.low, t.high] for name, t in times.items()},
    }

    print("\nper-character cost of long prompts (parse + full lint)")
    base: float | None = None
    per_char: dict[str, float] = {}
    for length in (240, 1000, 2000, 4000, 8192):
        text = long_prompt(length)
        n = max(5, 200_000 // length)
        seconds = 1 / rate(mjprompt.lint, [text] * n, args.repeat) if n else 0.0
        cost = seconds / len(text) * 1e9
        per_char[str(length)] = cost
        base = base or cost
        print(f"{len(text):6} chars {cost:10.1f} ns/char  x{cost / base:5.2f} of 240")
    results["ns_per_char"] = per_char
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
