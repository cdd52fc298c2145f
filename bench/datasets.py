"""``mjprompt check`` on a Parquet table of 1,000,000 synthetic prompts.

    python bench/datasets.py [--rows 1000000] [--small 200000] [--jobs 2] [--json out.json]

The prompts are generated here, at bench time, from a fixed seed: words, image URLs and
parameters drawn from the parameter table, with a share of the mistakes people make
(en-dash markers, glued values, unknown names, unclosed braces, empty and null cells).
No corpus is copied. Two Parquet files are written (``--small`` and ``--rows`` rows, row
groups of :data:`ROW_GROUP` rows) and checked by the real command line in a child
process, which reports:

- rows per second with one process (``--jobs 1``) and with ``--jobs N``, and whether the
  two outputs are byte for byte the same;
- the child's own peak resident memory (VmHWM) on the small and on the large file: the
  table is read batch by batch, so the two should be about equal (flat), not 5x.

The findings (JSON) go to a temporary file, as a user would redirect them. This is a
benchmark, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

from harness import machine, parallel_capacity, python_peak

ROW_GROUP = 65_536
SEED = 19

_TEXT = (
    "a portrait of an old fisherman cinematic light neon city at night oil painting "
    "forest mist watercolor soft pastel colors dramatic sky ultra detailed 35mm film "
    "grain minimalist poster red fox snow mountain cyberpunk street rain reflections "
    "golden hour studio photo of a ceramic vase isometric tiny house macro shot dew "
    "青い 海 café 🌙 steampunk airship baroque cathedral interior"
)
WORDS = tuple(_TEXT.split())

ASPECTS = ("1:1", "16:9", "9:16", "3:2", "2:3", "4:5", "21:9", "7:4")


def _parameter(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.30:
        return f"--ar {rng.choice(ASPECTS)}"
    if roll < 0.45:
        return f"--stylize {rng.choice((0, 50, 100, 250, 750, 1000))}"
    if roll < 0.53:
        return f"--chaos {rng.randint(0, 100)}"
    if roll < 0.58:
        return "--raw"
    if roll < 0.63:
        return f"--seed {rng.randint(0, 4294967295)}"
    if roll < 0.68:
        return f"--no {rng.choice(WORDS)}, {rng.choice(WORDS)}"
    if roll < 0.72:
        return f"--sref {rng.randint(1, 10**9)}"
    if roll < 0.75:
        return f"--q {rng.choice((1, 2, 4))}"
    if roll < 0.78:
        return f"--weird {rng.randint(0, 3000)}"
    if roll < 0.81:
        return "--v 7"  # redundant on evolink (a warning)
    if roll < 0.84:
        return "–ar 3:2"  # an en dash: Midjourney rejects it
    if roll < 0.86:
        return f"--ar{rng.choice(ASPECTS)}"  # the value glued to the name
    if roll < 0.88:
        return "--hd"  # removed
    if roll < 0.90:
        return "--stylise 100"  # unknown name (a typo)
    if roll < 0.92:
        return f"--s {rng.randint(1001, 5000)}"  # out of range
    return "--tile"


def prompt(rng: random.Random) -> str | None:
    """One synthetic prompt (None for a null cell, about 0.5% of rows)."""
    roll = rng.random()
    if roll < 0.005:
        return None
    if roll < 0.01:
        return ""
    parts = []
    if rng.random() < 0.08:
        parts.append(f"https://cdn.example.com/{rng.randint(0, 10**6)}.png")
    parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 18))))
    if rng.random() < 0.03:
        parts.append("{red, blue" + ("}" if rng.random() < 0.5 else ""))
    parts.extend(_parameter(rng) for _ in range(rng.randint(0, 4)))
    return " ".join(parts)


def prompts(rows: int, seed: int = SEED) -> Iterator[str | None]:
    rng = random.Random(seed)
    for _ in range(rows):
        yield prompt(rng)


def write_table(path: Path, rows: int, seed: int = SEED) -> None:
    """A Parquet file of ``rows`` prompts (and an id column), written group by group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("id", pa.int64()), ("prompt", pa.string())])
    source = prompts(rows, seed)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, ROW_GROUP):
            size = min(ROW_GROUP, rows - start)
            texts = [next(source) for _ in range(size)]
            ids = pa.array(range(start, start + size), pa.int64())
            writer.write_table(pa.table([ids, pa.array(texts, pa.string())], schema=schema))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def measure(table: Path, jobs: int, out: Path) -> dict[str, object]:
    args = ["-m", "mjprompt", "check", str(table), "--format", "json", "--isolated", "-j"]
    with out.open("w", encoding="utf-8") as sink:
        run = python_peak([*args, str(jobs)], stdout=sink)
    if run.code not in (0, 1):
        raise SystemExit(f"check failed with exit code {run.code}")
    return {"seconds": round(run.seconds, 2), "peak_rss_mib": round(run.peak_rss_kib / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    ns = parser.parse_args()
    # How many cores' worth of CPU the shared machine gives now: --jobs cannot beat it.
    results: dict[str, object] = {
        "machine": machine(),
        "parallel_capacity": round(parallel_capacity(), 2),
        "row_group": ROW_GROUP,
    }
    print(f"parallel capacity: {results['parallel_capacity']} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="mjbench-datasets-") as tmp:
        folder = Path(tmp)
        small, large = folder / "small.parquet", folder / "large.parquet"
        write_table(small, ns.small)
        write_table(large, ns.rows)
        runs = {
            f"{ns.small} rows, --jobs 1": (small, ns.small, 1),
            f"{ns.rows} rows, --jobs 1": (large, ns.rows, 1),
            f"{ns.rows} rows, --jobs {ns.jobs}": (large, ns.rows, ns.jobs),
        }
        digests = {}
        for name, (table, rows, jobs) in runs.items():
            out = folder / f"out-{rows}-{jobs}.json"
            figures = measure(table, jobs, out)
            figures["rows_per_second"] = round(rows / float(str(figures["seconds"])))
            figures["findings_bytes"] = out.stat().st_size
            digests[(rows, jobs)] = _digest(out)
            results[name] = figures
            print(f"{name:>28}: {figures}", flush=True)
        small_peak = results[f"{ns.small} rows, --jobs 1"]
        large_peak = results[f"{ns.rows} rows, --jobs 1"]
        assert isinstance(small_peak, dict) and isinstance(large_peak, dict)
        ratio = large_peak["peak_rss_mib"] / small_peak["peak_rss_mib"]
        results["peak_ratio_large_over_small"] = round(ratio, 2)
        results["same_output_for_any_jobs"] = digests[(ns.rows, 1)] == digests[(ns.rows, ns.jobs)]
    print(f"peak memory {ns.rows} rows / {ns.small} rows: {results['peak_ratio_large_over_small']}")
    print(f"same output with --jobs {ns.jobs}: {results['same_output_for_any_jobs']}")
    if ns.json:
        Path(ns.json).write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
