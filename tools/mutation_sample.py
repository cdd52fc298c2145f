"""Score one mutation target with mutmut 3 on a fixed random sample of its mutants.

    python tools/mutation_sample.py client --jobs 2      # 150 mutants, seed 21 (~40 min)
    python tools/mutation_sample.py payload               # 150 mutants, seed 21
    python tools/mutation_sample.py rules                 # 150 mutants, seed 2026
    python tools/mutation_sample.py parser --sample 80    # seed 2026
    python tools/mutation_sample.py client --list         # the sample only, nothing run
    python tools/mutation_sample.py client --survivors    # after new tests: the rest again
    python tools/mutation_sample.py client --tally        # count the last run, run nothing
    python tools/mutation_sample.py parser --sample 0     # every mutant (hours here)

A full mutmut run of a target takes hours on the shared 2-core machine (a mutant that
survives runs every test that reaches its function), so the scores in docs/testing.md are
measured on a sample: every mutant name mutmut generates for the target's files (listed
with mutmut's own generator, so they are the names ``mutmut run`` uses), sorted, then
``random.Random(seed).sample``. The same code, seed and size give the same names.

The run happens in a scratch copy of the checkout (every file git knows or would add, as
it is in the working tree; ``../shared`` linked beside it, as in CI), never in the
checkout itself. Its ``[tool.mutmut]`` is rewritten for the target: only the target's
files are mutated (``only_mutate``), only its tests run, Hypothesis gets a fixed seed
(the same examples for the stats and every mutant), and the tests mutmut cannot run are
left out (``IGNORED_TESTS``). Then ``mutmut run --max-children JOBS NAME...`` runs the
sample. The copy is made afresh for each run; ``--survivors`` keeps it (mutmut's cache
of stats and results in ``mutants/``), refreshes its sources and tests, and runs only the
sampled mutants the last run did not kill. mutmut forgets its results when its
configuration changes, so the verdicts are also kept in ``<workdir>/verdicts.json``.

The counts come from mutmut's own results (``mutants/**/*.meta``): killed (a test failed,
or the tests ran past mutmut's time limit), survived, and no tests (nothing in the test
process reached the function: not killed). Leaving tests out can only lower a score.
Accepted equivalent mutants are listed in docs/testing.md; the score is
killed / (sample - equivalent). ``mutmut show NAME`` in the copy prints one mutant.

Two things the tests themselves do under mutmut (tests/conftest.py, docs/testing.md):
child processes import the mutated copy (``PYTHONPATH``), and outside a mutant (mutmut's
``stats`` phase) they do not see ``MUTANT_UNDER_TEST``, or every CLI test would fail.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "IGNORED_TESTS",
    "TARGETS",
    "Target",
    "draw",
    "main",
    "merged",
    "mutant_names",
    "mutmut_section",
    "target_files",
]


@dataclass(frozen=True)
class Target:
    """The files mutmut mutates for a target, the tests run on them, the default seed."""

    files: tuple[str, ...]  # globs relative to the checkout
    tests: tuple[str, ...]  # pytest arguments: folders, files, node ids
    seed: int
    # more pytest arguments for every run of this target (e.g. a --deselect)
    pytest_args: tuple[str, ...] = ()


_CLIENT = "src/mjprompt/client/"
TARGETS: dict[str, Target] = {
    # client core + journal + batch + the payment path (the sync client is generated
    # from _async.py, so it is not mutated on its own)
    "client": Target(
        files=tuple(
            _CLIENT + name
            for name in (
                "_async.py",
                "_core.py",
                "journal.py",
                "batch.py",
                "budget.py",
                "task.py",
                "errors.py",
            )
        ),
        tests=(
            "tests/client",
            "tests/budget",
            "tests/reliability/test_double_spend.py",
            "tests/reliability/test_hostile_gateway.py",
            "tests/reliability/test_journal_hostile.py",
            "tests/reliability/test_secrets.py",
            "tests/reliability/test_mutation_guards_batch.py",
            "tests/reliability/test_mutation_guards_batch_2.py",
        ),
        seed=21,
        # a peak-memory bound on a child process: under mutmut the child also imports
        # mutmut (the trampolines), which passes the bound by itself
        pytest_args=(
            "--deselect=tests/reliability/test_journal_hostile.py::"
            "test_dev_zero_in_place_of_the_journal",
        ),
    ),
    # payload + callbacks + SSRF (the callback-URL checks all live in callbacks.py;
    # sandbox/callbacks.py only delivers)
    "payload": Target(
        files=("src/mjprompt/payload.py", "src/mjprompt/callbacks.py"),
        tests=(
            "tests/payload",
            "tests/callbacks",
            "tests/client",
            "tests/reliability/test_ssrf.py",
            "tests/reliability/test_ssrf_table.py",
            "tests/sandbox/test_callbacks.py",
        ),
        seed=21,
    ),
    "rules": Target(
        files=("src/mjprompt/rules/*.py", "src/mjprompt/params.py", "src/mjprompt/values.py"),
        tests=("tests/rules", "tests/parser", "tests/scanner"),
        seed=2026,
    ),
    # src/mjprompt/_scanner_tables.py is left out: it is data written by
    # tools/gen_scanner.py (no function, so mutmut makes no mutant of it anyway), checked
    # against the grammar by tests/scanner/test_generator.py.
    "parser": Target(
        files=(
            "src/mjprompt/scanner.py",
            "src/mjprompt/parser.py",
            "src/mjprompt/parsing.py",
            "src/mjprompt/ast.py",
        ),
        tests=("tests/parser", "tests/scanner", "tests/rules"),
        seed=2026,
    ),
}

# Left out of every run:
# - test_unasync compares _sync.py with what tools/unasync.py makes of _async.py, which
#   mutmut rewrites (trampolines): it fails before any mutant is applied;
# - test_wheel builds a wheel (slow, and not about the mutated code);
# - test_golden's explicit ids hold non-ASCII characters, which mutmut cannot give back
#   to pytest as node ids (pytest answers "not found" and mutmut stops).
IGNORED_TESTS = (
    "tests/client/test_unasync.py",
    "tests/parser/test_wheel.py",
    "tests/parser/test_golden.py",
)
# Copied beside src/ and tests/ into mutmut's mutants/ folder (tests read them).
_ALSO_COPY = (
    "grammar/",
    "fuzz/",
    "bench/",
    "tools/",
    "docs/",
    "README.md",
    "mkdocs.yml",
    ".pre-commit-hooks.yaml",
    ".gitignore",
    "LICENSE",
)
# mutmut's verdicts (mutmut.stats.status_by_exit_code) that count as a kill.
_KILLS = ("killed", "timeout")


def target_files(target: Target, root: Path = ROOT) -> list[Path]:
    """The target's source files, relative to ``root``, sorted."""
    found: set[Path] = set()
    for pattern in target.files:
        found.update(Path(p).relative_to(root) for p in glob.glob(str(root / pattern)))
    return sorted(found)


def mutant_names(files: Sequence[Path], root: Path = ROOT) -> list[str]:
    """Every mutant mutmut generates for ``files``, by name (``mjprompt.m.x_f__mutmut_3``),
    sorted: the same generator and names as ``mutmut run``."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    names: list[str] = []
    for rel in files:
        mutated = mutate_file_contents(str(rel), (root / rel).read_text("utf-8"))
        names.extend(get_mutant_name(rel, name) for name in mutated.mutant_names)
    return sorted(names)


def draw(names: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` names drawn from ``names`` with ``seed``, sorted; all of them when ``size``
    is 0 or not smaller. The names are sorted first: the order they come in does not
    change the draw."""
    ordered = sorted(names)
    if size <= 0 or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def mutmut_section(target: Target, files: Sequence[Path], root: Path = ROOT) -> str:
    """The ``[tool.mutmut]`` table of the scratch copy for ``target``."""

    def toml_list(items: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    args = [
        "-p",
        "no:cacheprovider",
        "-q",
        # the same Hypothesis examples for the stats, the clean run and every mutant
        "--hypothesis-seed=0",
        *(f"--ignore={t}" for t in IGNORED_TESTS),
        *target.pytest_args,
    ]
    also_copy = [p for p in _ALSO_COPY if (root / p).exists()]
    return (
        "[tool.mutmut]\n"
        'source_paths = ["src/mjprompt"]\n'
        f"only_mutate = {toml_list([f.as_posix() for f in files])}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(target.tests)}\n"
        f"pytest_add_cli_args = {toml_list(args)}\n"
        f"also_copy = {toml_list(also_copy)}\n"
    )


def with_mutmut_section(pyproject: str, section: str) -> str:
    """``pyproject`` with its ``[tool.mutmut]`` table (up to the next table or the end)
    replaced by ``section``; the other tables are kept."""
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", pyproject)
    return text.rstrip("\n") + "\n\n" + section


def _listed(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return [p for p in out.split("\0") if p]


def prepare(
    workdir: Path, target: Target, files: Sequence[Path], *, keep: bool, root: Path = ROOT
) -> Path:
    """The scratch copy of ``root`` under ``workdir`` set up for ``target``.

    Made afresh, unless ``keep``: then an existing copy keeps its ``mutants/`` (mutmut's
    stats and results) and only the checkout's files are copied over it again."""
    repo = workdir / "repo"
    if repo.exists() and not keep:
        shutil.rmtree(repo)
    for rel in _listed(root):
        src = root / rel
        if not src.is_file():  # deleted in the working tree
            continue
        dest = repo / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    shared = root.parent / "shared"
    link = workdir / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared.resolve(), target_is_directory=True)
    pyproject = repo / "pyproject.toml"
    section = mutmut_section(target, files, root)
    pyproject.write_text(with_mutmut_section(pyproject.read_text("utf-8"), section), "utf-8")
    return repo


def results(repo: Path, files: Sequence[Path]) -> dict[str, str]:
    """mutmut's verdict on each mutant of ``files`` in the copy (``not checked`` if none)."""
    from mutmut.stats import status_by_exit_code

    verdicts: dict[str, str] = {}
    for rel in files:
        meta = repo / "mutants" / (rel.as_posix() + ".meta")
        if not meta.is_file():
            continue
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        verdicts.update({name: status_by_exit_code[code] for name, code in codes.items()})
    return verdicts


def merged(current: dict[str, str], earlier: dict[str, str]) -> dict[str, str]:
    """mutmut's verdicts, with the earlier ones kept where mutmut now has none.

    mutmut forgets every result ("not checked") when its configuration changes (a test
    file added to a target), so a ``--survivors`` run would count the kills of the run
    before it as unchecked; the tool keeps its own copy (``<workdir>/verdicts.json``)."""
    out = dict(earlier)
    out.update({n: v for n, v in current.items() if v != "not checked" or n not in earlier})
    return out


def _load(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text("utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def _mutmut() -> str:
    exe = Path(sys.executable).with_name("mutmut")
    return str(exe) if exe.exists() else "mutmut"


def _workdir(target: str) -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"mjprompt-mut-{target}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("target", choices=sorted(TARGETS))
    ap.add_argument("--sample", type=int, default=150, help="mutants to draw (0: all)")
    ap.add_argument("--seed", type=int, default=None, help="default: the target's (21 or 2026)")
    ap.add_argument("--jobs", type=int, default=1, help="mutmut workers (shared machine: <= 2)")
    ap.add_argument("--only", action="append", default=[], help="keep sampled names matching")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: /tmp)")
    ap.add_argument("--list", action="store_true", help="print the sample and stop")
    ap.add_argument(
        "--survivors",
        action="store_true",
        help="keep the last copy and run only the sampled mutants it did not kill",
    )
    ap.add_argument("--tally", action="store_true", help="count the last run's results only")
    args = ap.parse_args(argv)

    target = TARGETS[args.target]
    seed = target.seed if args.seed is None else args.seed
    files = target_files(target)
    names = mutant_names(files)
    sample = draw(names, args.sample, seed)
    if args.only:
        sample = [n for n in sample if any(fnmatch.fnmatch(n, p) for p in args.only)]
    if args.list:
        print("\n".join(sample))
        print(f"{len(sample)} of {len(names)} mutants (seed {seed})", file=sys.stderr)
        return 0
    workdir = args.workdir or _workdir(args.target)
    repo = workdir / "repo"
    saved = workdir / "verdicts.json"
    if not args.tally:
        last = merged(results(repo, files), _load(saved)) if args.survivors else {}
        todo = [n for n in sample if last.get(n) not in _KILLS]
        repo = prepare(workdir, target, files, keep=args.survivors)
        if not args.survivors and saved.exists():
            saved.unlink()
        print(f"{len(todo)} of {len(names)} mutants (seed {seed}) in {repo}", flush=True)
        if todo:
            command = [_mutmut(), "run", "--max-children", str(max(1, args.jobs)), *todo]
            subprocess.run(command, cwd=repo, check=False)
    verdicts = merged(results(repo, files), _load(saved))
    if workdir.is_dir():
        saved.write_text(json.dumps(verdicts, indent=0, sort_keys=True), "utf-8")
    counts = Counter(verdicts.get(n, "not checked") for n in sample)
    for name in sample:
        if verdicts.get(name) not in _KILLS:
            print(f"not killed: {name} ({verdicts.get(name, 'not checked')})")
    killed = sum(counts[k] for k in _KILLS)
    print(
        f"{args.target}: {len(sample)} mutants (of {len(names)}, seed {seed}), {killed} killed, "
        f"{len(sample) - killed} not killed: {dict(sorted(counts.items()))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
