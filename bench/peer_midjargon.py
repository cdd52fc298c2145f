"""Runs inside the peer environment (``bench/.venv-peer``): midjargon's parse + validate.

    .venv-peer/bin/python bench/peer_midjargon.py CORPUS [--repeat N] [--rounds N]

Prints one JSON object: midjargon's rate over the corpus (prompts per second, best of
``repeat`` passes) and the rate of the same regex split that the main process measures,
taken in this process too, so that the two processes can be compared even if the
machine's load changed between them. It imports midjargon and :mod:`floor` only, never
mjprompt.

"Parse + validate" is midjargon's own pipeline for one prompt:
``parse_midjourney_dict(parse_midjargon_prompt_to_dict(text))``; a prompt it rejects
raises, which is counted (and is part of the cost, as a lint finding is for mjprompt).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence

from floor import regex_split


def load(path: str, limit: int | None) -> list[str]:
    # The same reading as the main process: one JSON object per non-blank line.
    with open(path, encoding="utf-8") as fh:
        prompts = [json.loads(line)["prompt"] for line in fh if line.strip()]
    return prompts[:limit] if limit else prompts


def best_rate(func: Callable[[str], object], prompts: Sequence[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        for p in prompts:
            func(p)
        best = min(best, time.perf_counter() - start)
    return len(prompts) / best


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)

    # The peer is installed only in its own environment (bench/peer.py), not in ours.
    import midjargon  # type: ignore[import-not-found, unused-ignore]
    from midjargon import (  # type: ignore[import-not-found, unused-ignore]
        parse_midjargon_prompt_to_dict,
        parse_midjourney_dict,
    )

    errors: Counter[str] = Counter()

    def parse_validate(text: str) -> object:
        try:
            return parse_midjourney_dict(parse_midjargon_prompt_to_dict(text))
        except Exception as exc:  # a rejected prompt: midjargon raises
            return exc

    prompts = load(args.corpus, args.limit)
    for p in prompts:
        result = parse_validate(p)
        if isinstance(result, Exception):
            errors[type(result).__name__] += 1
    answer = {
        "version": getattr(midjargon, "__version__", "?"),
        "prompts": len(prompts),
        "rejected": sum(errors.values()),
        "errors": dict(errors),
        "midjargon_rate": best_rate(parse_validate, prompts, args.repeat),
        "regex_rate": best_rate(regex_split, prompts, args.repeat),
    }
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
