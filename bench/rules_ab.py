"""Compare revisions of mjprompt's rules and driver alone, on pre-parsed corpus prompts.

    python bench/rules_ab.py 2c09270 HEAD            # git revisions of this repository
    python bench/rules_ab.py /path/a/src /path/b/src --rounds 5

``bench/ab.py`` times parse and lint; this times ``lint_with_plan`` on prompts parsed
beforehand (the rules, their triggers, the features walk and the driver: what
``bench/run.py`` calls "rules only"), in both profiles, plus ``mjprompt.lint`` for
reference. Each tree runs in its own interpreter, alternating, round by round; each
figure is the best of its passes, in processor time of the process (``process_time``:
on a shared machine, time spent waiting for a core is not counted), and also shown as a
ratio to the regex split timed the same way in the same process. This is how the
rules-side rows of the per-candidate table of ``bench/README.md`` were measured.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ab import best_of_rounds
from workloads import CORPUS

PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from floor import regex_split
from workloads import load_corpus
import mjprompt
from mjprompt.lint import lint_with_plan, plan_for
from mjprompt.parsing import parse_lenient

prompts = load_corpus()
parsed = [parse_lenient(p) for p in prompts]
repeat = int(sys.argv[2])
evolink, midjourney = plan_for("evolink"), plan_for("midjourney")
for p in parsed:
    lint_with_plan(p, evolink)
    lint_with_plan(p, midjourney)

def seconds(func, items):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            func(item)
        best = min(best, time.process_time() - start)
    return best / len(items)

floor = seconds(regex_split, prompts)
rules = seconds(lambda p: lint_with_plan(p, evolink), parsed)
rules_mj = seconds(lambda p: lint_with_plan(p, midjourney), parsed)
lint = seconds(mjprompt.lint, prompts)
floor = min(floor, seconds(regex_split, prompts))
print(json.dumps({
    "rules_us": rules * 1e6,
    "rules_vs_regex": floor / rules,
    "rules_mj_vs_regex": floor / rules_mj,
    "lint_vs_regex": floor / lint,
}))
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("trees", nargs="+", help="git revisions, or paths of src folders")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=9, help="passes over the corpus per process")
    args = ap.parse_args(argv)
    if not CORPUS.is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 0
    best = best_of_rounds(args.trees, args.rounds, args.repeat, PROBE)
    first = args.trees[0]
    print(
        f"{'tree':24}{'rules us':>10}{'rules x regex':>15}{'midjourney':>12}"
        f"{'lint x regex':>14}{'rules vs first':>16}"
    )
    for name, row in best.items():
        gain = best[first]["rules_us"] / row["rules_us"]
        print(
            f"{name:24}{row['rules_us']:>10.2f}{row['rules_vs_regex']:>15.3f}"
            f"{row['rules_mj_vs_regex']:>12.3f}{row['lint_vs_regex']:>14.3f}{gain:>16.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
