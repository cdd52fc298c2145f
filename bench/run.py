"""mjprompt benchmarks: one run, one table, every target judged on ratios from that run.

    python bench/run.py            # everything (a few minutes) -> bench/results/latest.json
    python bench/run.py --quick    # smaller sizes and fewer rounds (a smoke run)
    python bench/run.py --only cold --only memory
    python bench/run.py --no-peer      # without midjargon (no package index needed)

Measures, on this machine and in this run:

1. throughput: parse + full lint of ``../shared/corpus/real-prompts.jsonl`` (prompts/s,
   one process), beside parse alone (shown, not judged: issue 17 re-based the old
   "lint adds at most 25% to parse" target, which stopped meaning anything once parsing
   became cheap; the whole lint is judged against the peer and the floor), beside a
   plain regex split of the same prompts (the floor) and beside
   the peer parser midjargon's parse + validate (run in ``bench/.venv-peer``, installed
   from the package index on first use, never a dependency of mjprompt);
2. long prompts: nanoseconds per character of lint at 240 ... 8192 characters, for
   several prompt shapes (flat means linear time);
3. cold start of ``mjprompt check -p "…"`` beside ``python -c pass`` and beside a
   one-prompt midjargon run (its CLI, and its library in a fresh interpreter);
4. peak memory (RSS) of linting an 8192-character prompt, and of ``mjprompt check`` over
   20,000- and 100,000-line prompt files (it must not grow with the file);
5. ``mjprompt check`` of a large file on all cores (``--jobs`` default) beside ``--jobs 1``.

The machine is shared and noisy: figures that are compared are interleaved round by
round and the best of each is kept. Each target of issues 3 and 6 ends as a PASS/FAIL
line.
Exit code 0, or with ``--check`` 1 when a target fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from floor import regex_split
from harness import (
    Run,
    best_rate,
    chunked_rates,
    cores,
    each,
    interleaved,
    machine,
    parallel_capacity,
    python_peak,
    time_ratios,
)
from import_table import allow_bytecode
from import_table import measure as import_rows
from import_table import show as show_imports
from import_table import summary as import_summary
from peer import Peer, PeerUnavailable, ensure_peer
from workloads import (
    CORPUS,
    SHAPES,
    lint_dataset,
    load_corpus,
    long_prompt,
    write_prompt_file,
)

import mjprompt
from mjprompt.lint import lint_prompt, lint_with_plan, plan_for
from mjprompt.parser import parse_lenient as lark_parse
from mjprompt.parsing import parse_lenient

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "latest.json"
SECTIONS = ("throughput", "long", "cold", "memory", "jobs")
LENGTHS = (240, 1000, 2000, 4000, 8192)
# A prompt midjargon accepts (it rejects `--v 7`: it knows versions up to 6.1).
ONE_PROMPT = "a lighthouse on a cliff at dusk, oil painting --ar 16:9 --stylize 250"
MIDJARGON_ONE = (
    "from midjargon import parse_midjargon_prompt_to_dict as p, parse_midjourney_dict as v\n"
    f"v(p({ONE_PROMPT!r}))"
)
MEMORY_PROBE = (
    "import sys, mjprompt\n"
    "mjprompt.lint('a cat --ar 16:9')\n"  # the parser is built: only the prompt differs
    "if sys.argv[1:]: mjprompt.lint(sys.argv[1])"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def mjprompt_args() -> list[str]:
    """The console script (as a Python program), or ``-m mjprompt`` without one."""
    script = Path(sys.executable).with_name("mjprompt")
    return [str(script)] if script.is_file() else ["-m", "mjprompt"]


def mjprompt_command() -> list[str]:
    args = mjprompt_args()
    return args if args[0] != "-m" else [sys.executable, *args]


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


# -- 1. throughput ---------------------------------------------------------------------


def throughput(
    prompts: list[str], peer: Peer | PeerUnavailable, corpus: Path, rounds: int, repeat: int
) -> dict[str, Any]:
    """Prompts per second, ours and the peer's, interleaved round by round."""
    parse_lenient("warm up --ar 1:1")
    parsed = [parse_lenient(p) for p in prompts]
    lark_parse("warm up --ar 1:1")
    plan = plan_for("evolink")

    def lark_lint(text: str) -> object:
        return lint_with_plan(lark_parse(text), plan)

    # The default engine is the generated scanner (Lark on the prompts it declines); the
    # Lark-only rows show what the scanner is worth (issue 17).
    ours: dict[str, Callable[[str], object]] = {
        "regex split (floor)": regex_split,
        "mjprompt parse": parse_lenient,
        "mjprompt parse + full lint": mjprompt.lint,
        "mjprompt parse, Lark engine": lark_parse,
        "mjprompt parse + full lint, Lark engine": lark_lint,
    }
    best: dict[str, float] = {}
    rules_rate = 0.0
    peer_answer: dict[str, Any] | None = None
    peer_error: str | None = peer.reason if isinstance(peer, PeerUnavailable) else None
    for _ in range(max(1, rounds)):
        for name, func in ours.items():
            best[name] = max(best.get(name, 0.0), best_rate(func, prompts, repeat))
        start = time.perf_counter()
        for p in parsed:
            lint_prompt(p)
        rules_rate = max(rules_rate, len(parsed) / (time.perf_counter() - start))
        if isinstance(peer, Peer) and peer_error is None:
            try:
                answer = peer.run(
                    str(corpus), "--repeat", str(repeat), "--limit", str(len(prompts))
                )
            except (RuntimeError, OSError, ValueError) as exc:
                peer_error = str(exc)
                continue
            if peer_answer is None:
                peer_answer = answer
            else:
                for key in ("midjargon_rate", "regex_rate"):
                    peer_answer[key] = max(peer_answer[key], answer[key])
    rows: dict[str, Any] = {name: round(value) for name, value in best.items()}
    rows["mjprompt rules only (pre-parsed)"] = round(rules_rate)
    result: dict[str, Any] = {"prompts": len(prompts), "rates": rows}
    from mjprompt.scanner import scan

    result["scanner_share"] = round(sum(scan(p) is not None for p in prompts) / len(prompts), 3)
    result["build"] = build()
    lint_rate = best["mjprompt parse + full lint"]
    result["lint_vs_regex"] = round(ratio(lint_rate, best["regex split (floor)"]), 3)
    # The time of parse + full lint over the time of parse alone, measured chunk by chunk
    # (harness.chunked_rates: whole passes swing too much on a shared machine), for a
    # dataset (lint_many, as `mjprompt check` lints) and prompt by prompt (lint). Shown to
    # say where the time goes, not judged (issue 17, item 7: once parsing is cheap the
    # ratio says nothing about speed; the targets judge the whole lint against the peer
    # and the floor).
    times = time_ratios(
        [
            chunked_rates(
                {
                    "parse": each(parse_lenient),
                    "lint": each(mjprompt.lint),
                    "lint_many": lint_dataset,
                },
                prompts,
                repeat=max(3, repeat),
            )
            for _ in range(3 if rounds > 1 else 1)
        ],
        "parse",
    )
    result["lint_time_vs_parse"] = round(times["lint_many"].median, 3)
    result["lint_time_vs_parse_per_call"] = round(times["lint"].median, 3)
    result["lint_time_vs_parse_range"] = [
        round(times["lint_many"].low, 3),
        round(times["lint_many"].high, 3),
    ]
    if peer_answer is not None:
        rows[f"midjargon {peer_answer['version']} parse + validate"] = round(
            peer_answer["midjargon_rate"]
        )
        rows["regex split (in the peer's process)"] = round(peer_answer["regex_rate"])
        result["peer"] = {
            "version": peer_answer["version"],
            "rejected": peer_answer["rejected"],
            "errors": peer_answer["errors"],
        }
        result["lint_vs_midjargon"] = round(ratio(lint_rate, peer_answer["midjargon_rate"]), 3)
        # Each side against the regex split in its own process: robust to load changes.
        result["lint_vs_midjargon_regex_normalised"] = round(
            ratio(
                lint_rate / best["regex split (floor)"],
                peer_answer["midjargon_rate"] / peer_answer["regex_rate"],
            ),
            3,
        )
    else:
        result["peer_unavailable"] = peer_error or "peer not measured"
    return result


# -- 2. long prompts -------------------------------------------------------------------


def long_prompts(rounds: int, repeat: int, budget: int) -> dict[str, Any]:
    """ns per character of lint, per shape and length; ratio to the 240-character prompt."""
    mjprompt.lint("warm up --ar 1:1")
    result: dict[str, Any] = {}
    for shape in SHAPES:
        texts = {n: long_prompt(n, shape) for n in LENGTHS}
        best: dict[int, float] = {}
        for _ in range(max(1, rounds)):
            for n, text in texts.items():
                copies = [text] * max(3, budget // n)
                ns = 1e9 / best_rate(mjprompt.lint, copies, repeat) / n
                best[n] = min(best.get(n, float("inf")), ns)
        base = best[LENGTHS[0]]
        result[shape] = {
            str(n): {"ns_per_char": round(ns, 1), "vs_240": round(ns / base, 3)}
            for n, ns in best.items()
        }
    return result


# -- 3. cold start ---------------------------------------------------------------------


def cold_start(peer: Peer | PeerUnavailable, repeat: int, workdir: Path) -> dict[str, Any]:
    commands: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import mjprompt'": [sys.executable, "-c", "import mjprompt"],
        'mjprompt check -p "…"': [*mjprompt_command(), "check", "--isolated", "-p", ONE_PROMPT],
    }
    if isinstance(peer, Peer):
        commands["midjargon: import + parse + validate one prompt"] = [
            str(peer.python),
            "-c",
            MIDJARGON_ONE,
        ]
        if peer.cli is not None:
            commands['midjargon json "…" (its CLI)'] = [str(peer.cli), "json", ONE_PROMPT]
    runs = interleaved(commands, repeat, cwd=workdir)
    rows: dict[str, Any] = {}
    for name, values in runs.items():
        times = [r.seconds * 1000 for r in values]
        codes = sorted({r.code for r in values})
        rows[name] = {
            "min_ms": round(min(times), 1),
            "median_ms": round(statistics.median(times), 1),
            "exit_codes": codes,
        }
    result: dict[str, Any] = {"repeat": repeat, "commands": rows}
    imports = import_summary(
        import_rows(["-m", "mjprompt", "check", "--isolated", "-p", ONE_PROMPT], runs=5), 25
    )
    result["imports"] = imports
    base = rows["python -c pass"]["min_ms"]
    check = rows['mjprompt check -p "…"']["min_ms"]
    result["check_vs_python"] = round(ratio(check, base), 2)
    # midjargon's one-prompt runs that work (2.2.0's CLI dies on a SyntaxError).
    peer_runs = [
        row["min_ms"]
        for name, row in rows.items()
        if name.startswith("midjargon") and row["exit_codes"] == [0]
    ]
    if peer_runs:
        result["check_vs_midjargon"] = round(ratio(check, min(peer_runs)), 3)
    elif isinstance(peer, PeerUnavailable):
        result["peer_unavailable"] = peer.reason
    else:
        result["peer_unavailable"] = "no midjargon one-prompt run exited 0"
    return result


# -- 4. memory -------------------------------------------------------------------------


def memory(prompts: list[str], line_counts: Sequence[int], workdir: Path) -> dict[str, Any]:
    probe = ["-c", MEMORY_PROBE]
    baseline = python_peak(probe, cwd=workdir)
    long = python_peak([*probe, long_prompt(8192)], cwd=workdir)
    result: dict[str, Any] = {
        "lint_8192": {
            "peak_rss_mib": round(long.peak_rss_kib / 1024, 1),
            "baseline_peak_rss_mib": round(baseline.peak_rss_kib / 1024, 1),
            "delta_mib": round((long.peak_rss_kib - baseline.peak_rss_kib) / 1024, 2),
            "exit_code": long.code,
        }
    }
    files: dict[str, Any] = {}
    for lines in line_counts:
        path = write_prompt_file(workdir / f"prompts-{lines}.txt", prompts, lines)
        run = python_peak(
            [*mjprompt_args(), "check", "--isolated", "--jobs", "1", str(path)], cwd=workdir
        )
        files[str(lines)] = {
            "peak_rss_mib": round(run.peak_rss_kib / 1024, 1),
            "seconds": round(run.seconds, 2),
            "exit_code": run.code,
        }
    result["check_file_jobs_1"] = files
    small, big = str(min(line_counts)), str(max(line_counts))
    result["growth"] = round(ratio(files[big]["peak_rss_mib"], files[small]["peak_rss_mib"]), 3)
    return result


# -- 5. all cores ----------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def jobs(prompts: list[str], lines: int, rounds: int, workdir: Path) -> dict[str, Any]:
    path = workdir / f"prompts-{lines}.txt"
    if not path.is_file():
        write_prompt_file(path, prompts, lines)
    base = [*mjprompt_args(), "check", "--isolated", str(path)]
    variants = {"--jobs 1": [*base, "--jobs", "1"], "--jobs default (all cores)": base}
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    digests: dict[str, set[str]] = {name: set() for name in variants}
    capacity = [parallel_capacity()]
    for _ in range(max(1, rounds)):
        for name, command in variants.items():
            out = workdir / "jobs-output.txt"
            with out.open("wb") as fh:
                runs[name].append(python_peak(command, cwd=workdir, stdout=fh))
            digests[name].add(_digest(out))
        capacity.append(parallel_capacity())
    rows = {
        name: {
            "best_s": round(min(r.seconds for r in values), 2),
            "main_process_peak_rss_mib": round(max(r.peak_rss_kib for r in values) / 1024, 1),
            "exit_codes": sorted({r.code for r in values}),
        }
        for name, values in runs.items()
    }
    one, many = (min(r.seconds for r in runs[n]) for n in variants)
    all_digests = set().union(*digests.values())
    return {
        "lines": lines,
        "cores": cores(),
        "runs": rows,
        "speedup": round(ratio(one, many), 3),
        # The machine is shared: the cores' worth of CPU it gave, measured around the runs.
        "parallel_capacity": [round(c, 2) for c in capacity],
        "same_output": len(all_digests) == 1,
    }


# -- targets ---------------------------------------------------------------------------


# Issue 17's throughput targets per build: lint vs midjargon, lint vs the regex split.
ISSUE_17_TARGETS: dict[str, tuple[float, float]] = {"pure": (1.25, 0.25), "compiled": (1.6, 0.3)}
BUILD_LABELS = {"pure": "pure Python", "compiled": "compiled build"}


def build() -> str:
    """``"compiled"`` when the imported scanner is the mypyc extension (the opt-in build,
    tools/hatch_mypyc.py), else ``"pure"``."""
    import mjprompt.scanner

    return "pure" if (mjprompt.scanner.__file__ or "").endswith(".py") else "compiled"


def _target(
    name: str, measured: float | None, limit: float, at_least: bool, why_skipped: str = ""
) -> dict[str, Any]:
    if measured is None:
        return {"target": name, "status": "SKIP", "limit": limit, "detail": why_skipped}
    ok = measured >= limit if at_least else measured <= limit
    return {
        "target": name,
        "status": "PASS" if ok else "FAIL",
        "measured": measured,
        "limit": f"{'>=' if at_least else '<='} {limit:g}",
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    t = results.get("throughput")
    if t is not None:
        skip = t.get("peer_unavailable", "")
        out.append(
            _target(
                "parse + full lint vs midjargon parse + validate",
                t.get("lint_vs_midjargon"),
                1.5,
                True,
                skip,
            )
        )
        out.append(_target("parse + full lint vs regex split", t["lint_vs_regex"], 1 / 3, True))
        # Issue 17's targets for the build measured (the default scanner engine); the
        # lines above are the long-run goals.
        kind = t.get("build", "pure")
        peer_limit, floor_limit = ISSUE_17_TARGETS[kind]
        label = BUILD_LABELS[kind]
        out.append(
            _target(
                f"parse + full lint vs midjargon, {label} (issue 17)",
                t.get("lint_vs_midjargon"),
                peer_limit,
                True,
                skip,
            )
        )
        out.append(
            _target(
                f"parse + full lint vs regex split, {label} (issue 17)",
                t["lint_vs_regex"],
                floor_limit,
                True,
            )
        )
    c = results.get("cold")
    if c is not None:
        out.append(
            _target(
                'cold start of check -p "…" vs midjargon one prompt',
                c.get("check_vs_midjargon"),
                0.6,
                False,
                c.get("peer_unavailable", ""),
            )
        )
        out.append(
            _target('cold start of check -p "…" vs python -c pass', c["check_vs_python"], 5, False)
        )
        out.append(
            _target(
                'cold start of check -p "…" vs python -c pass (issue 17)',
                c["check_vs_python"],
                7,
                False,
            )
        )
        heavy = c.get("imports", {}).get("heavy_loaded")
        if heavy is not None:
            out.append(
                {
                    "target": 'check -p "…" imports neither Lark nor the HTTP client (issue 17)',
                    "status": "FAIL" if heavy else "PASS",
                    "measured": ", ".join(heavy) or "none",
                }
            )
    lp = results.get("long")
    if lp is not None:
        for shape, rows in lp.items():
            out.append(
                _target(
                    f"8192-char prompt ({shape}): ns/char vs 240-char",
                    rows["8192"]["vs_240"],
                    1.5,
                    False,
                )
            )
    m = results.get("memory")
    if m is not None:
        lines = sorted(int(k) for k in m["check_file_jobs_1"])
        out.append(
            _target(
                f"check peak RSS, {lines[-1]:,} vs {lines[0]:,} lines (streaming)",
                m["growth"],
                1.1,
                False,
            )
        )
    j = results.get("jobs")
    if j is not None:
        skip = "" if j["cores"] >= 2 else "one core only"
        row = _target(
            f"check of {j['lines']:,} lines, all {j['cores']} cores vs --jobs 1",
            j["speedup"] if j["cores"] >= 2 else None,
            1.7,
            True,
            skip,
        )
        if row["status"] == "FAIL" and min(j["parallel_capacity"]) < 1.7:
            low = min(j["parallel_capacity"])
            row["detail"] = f"the machine gave only {low} cores' worth of CPU at times"
        out.append(row)
        if not j["same_output"]:
            out.append({"target": "--jobs output identical to --jobs 1", "status": "FAIL"})
    return out


# -- printing --------------------------------------------------------------------------


def show(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(
        f"mjprompt benchmarks — Python {m['python']}, {m['cores']} cores, "
        f"load average {m['load_average']}"
    )
    if "throughput" in results:
        t = results["throughput"]
        print(f"\n1. throughput over {t['prompts']:,} corpus prompts (best of each, one process)")
        floor = t["rates"]["regex split (floor)"]
        print(f"   {'':44}{'prompts/s':>11}{'x regex':>9}")
        for name, value in t["rates"].items():
            print(f"   {name:44}{value:>11,}{value / floor:>9.3f}")
        if "lint_time_vs_parse" in t:
            spread = t.get("lint_time_vs_parse_range")
            span = f" (rounds {spread[0]}–{spread[1]})" if spread else ""
            print(
                f"   time of parse + full lint / parse alone, chunk by chunk, median: "
                f"{t['lint_time_vs_parse']} with lint_many (a dataset){span}, "
                f"{t['lint_time_vs_parse_per_call']} calling lint() per prompt"
            )
        if "build" in t:
            print(f"   build measured: {BUILD_LABELS[t['build']]}")
        if "scanner_share" in t:
            print(f"   the scanner took {t['scanner_share']:.1%} of the prompts (Lark the rest)")
        if "peer_unavailable" in t:
            print(f"   midjargon: unavailable — {t['peer_unavailable']}")
        else:
            print(
                f"   midjargon rejects {t['peer']['rejected']} of the prompts "
                f"(raises {t['peer']['errors']}); lint / midjargon = {t['lint_vs_midjargon']} "
                f"(normalised by each process's regex split: "
                f"{t['lint_vs_midjargon_regex_normalised']})"
            )
    if "long" in results:
        print("\n2. long prompts: lint ns per character (x the 240-character prompt)")
        print(f"   {'shape':14}" + "".join(f"{n:>15}" for n in LENGTHS))
        for shape, rows in results["long"].items():
            cells = "".join(
                f"{rows[str(n)]['ns_per_char']:>8.0f} x{rows[str(n)]['vs_240']:<5.2f}"
                for n in LENGTHS
            )
            print(f"   {shape:14}{cells}")
    if "cold" in results:
        c = results["cold"]
        print(f"\n3. cold start, best of {c['repeat']} (interleaved)")
        base = c["commands"]["python -c pass"]["min_ms"]
        print(f"   {'command':52}{'min ms':>8}{'median':>8}{'x pass':>8}  exit")
        for name, row in c["commands"].items():
            print(
                f"   {name:52}{row['min_ms']:>8}{row['median_ms']:>8}"
                f"{row['min_ms'] / base:>8.2f}  {row['exit_codes']}"
            )
        if "imports" in c:
            print('   imports of check -p "…" (python -X importtime, least of 5 runs):')
            show_imports(c["imports"])
    if "memory" in results:
        mem = results["memory"]
        lp = mem["lint_8192"]
        print("\n4. peak memory (RSS of the process)")
        print(
            f"   lint one 8192-char prompt: {lp['peak_rss_mib']} MiB "
            f"(+{lp['delta_mib']} MiB over linting a short one)"
        )
        for lines, row in mem["check_file_jobs_1"].items():
            print(
                f"   check --jobs 1, {int(lines):>7,} lines: {row['peak_rss_mib']} MiB "
                f"({row['seconds']} s)"
            )
    if "jobs" in results:
        j = results["jobs"]
        print(f"\n5. check of {j['lines']:,} lines on {j['cores']} cores")
        for name, row in j["runs"].items():
            rss = row["main_process_peak_rss_mib"]
            print(f"   {name:28}{row['best_s']:>8} s   main process {rss} MiB")
        print(f"   speedup {j['speedup']}; same output: {j['same_output']}")
        print(
            f"   the machine's parallel capacity around the runs: {j['parallel_capacity']}"
            f" (ideal {j['cores']}; lower means other processes were using the cores)"
        )
    print("\ntargets")
    for t in results["targets"]:
        value = t.get("measured")
        shown = f"{value:.3g}" if isinstance(value, float) else str(value or "")
        detail = t.get("detail", "")
        print(
            f"   {t['status']:4}  {t['target']}: {shown} (target {t.get('limit', '')})"
            + (f" — {detail}" if detail else "")
        )


# -- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, one round (a smoke run)")
    ap.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections")
    ap.add_argument("--json", type=Path, default=RESULTS, help=f"default: {RESULTS}")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--no-peer", action="store_true", help="do not measure midjargon")
    ap.add_argument(
        "--no-install", action="store_true", help="use the peer environment only if it exists"
    )
    ap.add_argument("--peer-spec", default="midjargon", help="what pip installs as the peer")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    args = ap.parse_args(argv)
    # Every command measured reads .pyc files, as installed packages do (the warm-up run
    # of each writes them): a start that compiles every module is not a cold start.
    allow_bytecode()
    sections = args.only or list(SECTIONS)
    if not args.corpus.is_file():
        print(f"corpus not found at {args.corpus}; nothing to measure", file=sys.stderr)
        return 0
    quick = args.quick
    prompts = load_corpus(args.corpus, 300 if quick else None)
    peer: Peer | PeerUnavailable = PeerUnavailable("--no-peer")
    if not args.no_peer and {"throughput", "cold"} & set(sections):
        peer = ensure_peer(spec=args.peer_spec, install=not args.no_install, log=log)
        if isinstance(peer, PeerUnavailable):
            log(f"midjargon unavailable: {peer.reason}")
    results: dict[str, Any] = {"machine": machine(), "quick": quick}
    with tempfile.TemporaryDirectory(prefix="mjprompt-bench-") as tmp:
        workdir = Path(tmp)
        if "throughput" in sections:
            log("1. throughput ...")
            results["throughput"] = throughput(
                prompts, peer, args.corpus, rounds=1 if quick else 4, repeat=1 if quick else 3
            )
        if "long" in sections:
            log("2. long prompts ...")
            results["long"] = long_prompts(
                rounds=1 if quick else 3,
                repeat=1 if quick else 3,
                # Characters per measurement: grown with the faster scanner (60,000 took
                # ~2 ms, short enough for one scheduler hiccup to decide a ratio).
                budget=30_000 if quick else 300_000,
            )
        if "cold" in sections:
            log("3. cold start ...")
            results["cold"] = cold_start(peer, 3 if quick else 20, workdir)
        big = 10_000 if quick else 100_000
        if "memory" in sections:
            log("4. memory ...")
            results["memory"] = memory(prompts, (big // 5, big), workdir)
        if "jobs" in sections:
            log("5. all cores ...")
            results["jobs"] = jobs(prompts, big, 1 if quick else 2, workdir)
    results["machine_after"] = machine()["load_average"]
    results["targets"] = targets(results)
    show(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")
    failed = any(t["status"] == "FAIL" for t in results["targets"])
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
