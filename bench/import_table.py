"""Which modules a command imports, and what each costs: ``python -X importtime``.

    python bench/import_table.py            # mjprompt check -p "…", the 25 dearest modules
    python bench/import_table.py --top 60 --runs 9

The table lists each module's own import time and its cumulative time (with what it
imports), dearest first, and says whether the heavy optional parts were loaded: Lark
(needed only when the scanner declines a prompt) and the HTTP client (httpx). Each time
is the least of ``--runs`` runs (default 5): a shared machine adds to single runs at
random, never takes away. Read them as proportions, not as targets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence

import attrs

PROMPT = "a lighthouse on a cliff at dusk, oil painting --ar 16:9 --stylize 250"
CHECK = ["-m", "mjprompt", "check", "--isolated", "-p", PROMPT]
# Top-level packages a one-prompt check of a brace-free prompt must not load.
HEAVY = ("lark", "httpx", "httpcore", "anyio", "mjprompt.client")


@attrs.frozen
class Row:
    """One line of ``-X importtime``: the module, its own and cumulative microseconds."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int


def parse_importtime(stderr: str) -> list[Row]:
    """The rows of a ``-X importtime`` report (other stderr lines are skipped)."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        name = fields[2].rstrip()
        rows.append(
            Row(
                module=name.strip(),
                self_us=int(fields[0]),
                cumulative_us=int(fields[1]),
                depth=(len(name) - len(name.lstrip())) // 2,
            )
        )
    return rows


def allow_bytecode() -> bool:
    """Let the commands measured here write and read ``.pyc`` files, as an installed
    package does (pip compiles them at install; the peer's environment has them).

    With ``PYTHONDONTWRITEBYTECODE`` set (as in some shells and CI images) every start
    of an editable install compiles each module from source again, which doubled the
    cold start figure of ``check -p`` against a peer that reads its ``.pyc`` files.
    Returns whether the variable was set (it is removed for this process's children).
    """
    return os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None


def measure(args: Sequence[str] = CHECK, runs: int = 1) -> list[Row]:
    """Import rows of ``python -X importtime ARGS``, each a fresh interpreter; with several
    ``runs``, each module's least own and cumulative times (in the first run's order)."""
    best: dict[str, Row] = {}
    for _ in range(max(1, runs)):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        for row in parse_importtime(done.stderr):
            seen = best.get(row.module)
            if seen is not None:
                row = Row(
                    module=row.module,
                    self_us=min(row.self_us, seen.self_us),
                    cumulative_us=min(row.cumulative_us, seen.cumulative_us),
                    depth=seen.depth,
                )
            best[row.module] = row
    return list(best.values())


def loaded(rows: Sequence[Row], prefixes: Sequence[str] = HEAVY) -> list[str]:
    """The modules among ``rows`` that are, or are inside, one of ``prefixes``."""
    return sorted(
        r.module
        for r in rows
        if any(r.module == p or r.module.startswith(p + ".") for p in prefixes)
    )


def summary(rows: Sequence[Row], top: int) -> dict[str, object]:
    """Totals, the heavy modules loaded and the ``top`` dearest modules by own time."""
    total = sum(r.self_us for r in rows)
    ours = sum(r.self_us for r in rows if r.module.split(".")[0] == "mjprompt")
    dearest = sorted(rows, key=lambda r: r.self_us, reverse=True)[:top]
    return {
        "modules": len(rows),
        "total_ms": round(total / 1000, 1),
        "mjprompt_ms": round(ours / 1000, 1),
        "heavy_loaded": loaded(rows),
        "top": [
            [r.module, round(r.self_us / 1000, 2), round(r.cumulative_us / 1000, 2)]
            for r in dearest
        ],
    }


def show(result: dict[str, object]) -> None:
    print(
        f"   {result['modules']} modules, {result['total_ms']} ms of imports "
        f"({result['mjprompt_ms']} ms in mjprompt's own modules)"
    )
    heavy = result["heavy_loaded"]
    names = ", ".join(heavy) if isinstance(heavy, list) and heavy else "none"
    print(f"   heavy modules loaded: {names}")
    print(f"   {'module':44}{'self ms':>9}{'cum. ms':>9}")
    top = result["top"]
    assert isinstance(top, list)
    for module, self_ms, cum_ms in top:
        print(f"   {module:44}{self_ms:>9.2f}{cum_ms:>9.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--top", type=int, default=25, help="how many modules to list")
    ap.add_argument("--runs", type=int, default=5, help="runs; each time is the least")
    args = ap.parse_args(argv)
    allow_bytecode()
    measure()  # writes the .pyc files: the table is of a start that reads them
    result = summary(measure(runs=args.runs), args.top)
    print(f'python -X importtime -m mjprompt check -p "{PROMPT}" (least of {args.runs} runs)')
    show(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
