"""Cold start of a one-prompt check, beside ``python -c pass``, in one run.

    python bench/cold_start.py [--repeat N] [--json out.json]

Each command runs N times in a fresh interpreter, alternating, so that both see the same
machine state; the table gives the minimum and the median wall time and the ratio to
``python -c pass``. It also lists the modules the check imported that it does not need
(the HTTP client, hypothesis, rich, the process pool), which must be none.
This is a benchmark, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from import_table import allow_bytecode

PROMPT = "a cat --ar 16:9"


def console_script() -> list[str]:
    script = Path(sys.executable).with_name("mjprompt")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "mjprompt"]


COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import mjprompt'": [sys.executable, "-c", "import mjprompt"],
    f'mjprompt check -p "{PROMPT}"': [*console_script(), "check", "-p", PROMPT],
}

UNWANTED = ("httpx", "httpcore", "hypothesis", "rich", "anyio")
IMPORT_PROBE = f"""
import sys
from mjprompt.cli import main
main(["check", "-q", "-p", {PROMPT!r}])
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {UNWANTED!r}
                      or m == "concurrent.futures.process")))
"""


def wall_time(command: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, list[float]]:
    """Wall times of every command, interleaved round by round."""
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the file cache and the .pyc files
        wall_time(command)
    for _ in range(repeat):
        for name, command in COMMANDS.items():
            times[name].append(wall_time(command))
    return times


def unwanted_imports() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=False
    ).stdout.strip()
    return [m for m in out.splitlines()[-1].split(",") if m] if out else []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    allow_bytecode()  # the warm-up run writes the .pyc files every later run reads
    times = measure(args.repeat)
    base = min(times["python -c pass"])
    rows = []
    print(f"{'command':<40} {'min ms':>8} {'median ms':>10} {'× pass':>7}")
    for name, values in times.items():
        row = {
            "command": name,
            "min_ms": round(min(values) * 1000, 1),
            "median_ms": round(statistics.median(values) * 1000, 1),
            "ratio_to_python_pass": round(min(values) / base, 2),
        }
        rows.append(row)
        print(
            f"{name:<40} {row['min_ms']:>8} {row['median_ms']:>10} {row['ratio_to_python_pass']:>7}"
        )
    unwanted = unwanted_imports()
    print(f"modules the check imported but does not need: {', '.join(unwanted) or 'none'}")
    if args.json:
        result = {"repeat": args.repeat, "rows": rows, "unwanted_imports": unwanted}
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
