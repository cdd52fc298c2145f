"""Parse and lint speed over the corpus, beside a plain regex split, in one run.

    python bench/parse_speed.py [--repeat N] [--json out.json]

Prints prompts per second for: a regex split of each prompt into images / text /
parameters (the floor for pure Python), parse alone, parse + syntax lint (MJ1xx) and
parse + full lint; then the per-character cost of long prompts (flat = linear time).
Ratios are what matter: every figure is measured in this same process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from floor import regex_split

import mjprompt
from mjprompt.parser import parse_lenient

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real-prompts.jsonl"


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
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if not CORPUS.is_file():
        print(f"corpus not found at {CORPUS}; nothing to measure", file=sys.stderr)
        return 0
    prompts = [json.loads(line)["prompt"] for line in CORPUS.open(encoding="utf-8")]
    parse_lenient("warm up --ar 1:1")

    results: dict[str, object] = {"prompts": len(prompts)}
    rows = {
        "regex split": rate(regex_split, prompts, args.repeat),
        "parse": rate(parse_lenient, prompts, args.repeat),
        "parse + syntax lint": rate(
            lambda p: mjprompt.lint(p, select=["MJ1"]), prompts, args.repeat
        ),
        "parse + full lint": rate(mjprompt.lint, prompts, args.repeat),
    }
    results["throughput"] = rows
    print(f"corpus: {len(prompts)} prompts, best of {args.repeat}")
    print(f"{'':24}{'prompts/s':>12}{'vs regex':>10}{'vs parse':>10}")
    for name, value in rows.items():
        print(
            f"{name:24}{value:12,.0f}{value / rows['regex split']:10.2f}"
            f"{value / rows['parse']:10.2f}"
        )

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
