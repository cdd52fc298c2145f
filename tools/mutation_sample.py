"""Run mutmut 3 on a fixed random sample of one target's mutants, in a scratch copy.

A full mutmut run of a target takes hours on the shared 2-core machine, so the scores in
docs/testing.md come from a sample: every mutant name mutmut generates for the target's
files (the same names ``mutmut run`` uses, listed with mutmut's own generator), drawn
with a fixed seed, so the same code and the same seed give the same sample.

The run happens in a scratch copy of the checkout (every file git knows, as it is in the
working tree), never in the checkout itself, with ``[tool.mutmut]`` narrowed to the
target: only its files are mutated and only the test folders that exercise them run. A
kill by these tests is a kill by the whole suite, so the score is a lower bound.
``../shared`` (the corpus) is linked beside the copy when the checkout has it.

    python tools/mutation_sample.py rules --list              # the sample, no run
    python tools/mutation_sample.py rules                     # run it (150 mutants, seed 2026)
    python tools/mutation_sample.py parser --sample 0         # every mutant of the target
    python tools/mutation_sample.py parser --only 'mjprompt.scanner.*'

The last line of the output is the tally: mutants, killed, survived, and the survivors
by name (``mutmut show NAME`` in ``<workdir>/repo`` prints the change of one).
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent


@attrs.frozen
class Target:
    """The files mutmut mutates for a target and the test folders that run on them."""

    files: tuple[str, ...]  # globs relative to the checkout
    tests: tuple[str, ...]
    note: str = ""


# The parser target leaves out src/mjprompt/_scanner_tables.py: it is data written by
# tools/gen_scanner.py (no function, so mutmut makes no mutant of it anyway); the
# generator's output is checked against the grammar by tests/scanner/test_generator.py.
TARGETS: dict[str, Target] = {
    "rules": Target(
        files=("src/mjprompt/rules/*.py", "src/mjprompt/params.py", "src/mjprompt/values.py"),
        tests=("tests/rules", "tests/parser", "tests/scanner"),
    ),
    "parser": Target(
        files=(
            "src/mjprompt/scanner.py",
            "src/mjprompt/parser.py",
            "src/mjprompt/parsing.py",
            "src/mjprompt/ast.py",
        ),
        tests=("tests/parser", "tests/scanner", "tests/rules"),
        note="src/mjprompt/_scanner_tables.py is generated data and not mutated",
    ),
}
# Left out of the runs: test_wheel builds a wheel (slow, not about the mutated code);
# mutmut cannot select test_golden's cases whose explicit ids hold non-ASCII characters
# (pytest answers "not found" and mutmut stops). Leaving tests out only lowers a score.
IGNORED_TESTS = ("tests/parser/test_wheel.py", "tests/parser/test_golden.py")


def target_files(target: Target, root: Path = ROOT) -> list[Path]:
    """The target's source files, relative to ``root``, sorted."""
    found: set[Path] = set()
    for pattern in target.files:
        found.update(Path(p).relative_to(root) for p in glob.glob(str(root / pattern)))
    return sorted(found)


def mutant_names(files: list[Path], root: Path = ROOT) -> list[str]:
    """Every mutant mutmut generates for ``files``, by name (``mjprompt.m.x_f__mutmut_3``)."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    names: list[str] = []
    for rel in files:
        mutated = mutate_file_contents(str(rel), (root / rel).read_text("utf-8"))
        names.extend(get_mutant_name(rel, name) for name in mutated.mutant_names)
    return sorted(names)


def draw(names: list[str], size: int, seed: int) -> list[str]:
    """A sorted sample of ``size`` names (all of them when ``size`` is 0 or too large)."""
    if size <= 0 or size >= len(names):
        return list(names)
    return sorted(random.Random(seed).sample(names, size))


def _mutmut_section(target: Target, files: list[Path]) -> str:
    only = ", ".join(f'"{f.as_posix()}"' for f in files)
    tests = ", ".join(f'"{t}"' for t in target.tests)
    ignores = ", ".join(f'"--ignore={t}"' for t in IGNORED_TESTS)
    return (
        "[tool.mutmut]\n"
        'source_paths = ["src/mjprompt"]\n'
        f"only_mutate = [{only}]\n"
        f"pytest_add_cli_args_test_selection = [{tests}]\n"
        # A fixed Hypothesis seed: the same examples for the stats and every mutant.
        f'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "--hypothesis-seed=0", '
        f"{ignores}]\n"
        "also_copy = [\n"
        '  "grammar/", "fuzz/", "bench/", "tools/", "docs/", "README.md", "mkdocs.yml",\n'
        '  ".pre-commit-hooks.yaml", ".gitignore", "LICENSE",\n'
        "]\n"
    )


def prepare(workdir: Path, target: Target, files: list[Path]) -> Path:
    """A fresh scratch copy of the checkout under ``workdir`` set up for the target."""
    repo = workdir / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if not src.is_file():  # deleted in the working tree
            continue
        dest = repo / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    shared = ROOT.parent / "shared"
    link = workdir / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared.resolve(), target_is_directory=True)
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    # Replace the whole [tool.mutmut] table (up to the next table or the end).
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    pyproject.write_text(text.rstrip("\n") + "\n\n" + _mutmut_section(target, files), "utf-8")
    return repo


def _mutmut() -> str:
    exe = Path(sys.executable).with_name("mutmut")
    return str(exe) if exe.exists() else "mutmut"


def tally(repo: Path, sample: list[str]) -> Counter[str]:
    """The status of each sampled mutant, counted (from ``mutmut results --all true``)."""
    out = subprocess.run(
        [_mutmut(), "results", "--all", "true"],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    status: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, what = line.strip().rpartition(": ")
        if sep:
            status[name] = what
    wanted = set(sample)
    counts: Counter[str] = Counter(status.get(n, "not checked") for n in wanted)
    survivors = sorted(n for n in wanted if status.get(n) not in ("killed", "timeout"))
    for name in survivors:
        print(f"not killed: {name} ({status.get(name, 'not checked')})")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", choices=sorted(TARGETS))
    ap.add_argument("--sample", type=int, default=150, help="mutants to draw (0: all)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", action="append", default=[], help="keep names matching (glob)")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default /tmp)")
    ap.add_argument("--list", action="store_true", help="print the sample and stop")
    ap.add_argument("--tally", action="store_true", help="count the last run's results only")
    args = ap.parse_args(argv)

    target = TARGETS[args.target]
    files = target_files(target)
    names = mutant_names(files)
    sample = draw(names, args.sample, args.seed)
    if args.only:
        sample = [n for n in sample if any(fnmatch.fnmatch(n, p) for p in args.only)]
    if args.list:
        print("\n".join(sample))
        print(f"{len(sample)} of {len(names)} mutants (seed {args.seed})", file=sys.stderr)
        return 0
    workdir = args.workdir or Path(os.environ.get("TMPDIR", "/tmp")) / f"mjprompt-mut-{args.target}"
    repo = workdir / "repo"
    if not args.tally:
        repo = prepare(workdir, target, files)
        print(f"{len(sample)} of {len(names)} mutants (seed {args.seed}) in {repo}", flush=True)
        subprocess.run([_mutmut(), "run", "--max-children", "1", *sample], cwd=repo, check=False)
    counts = tally(repo, sample)
    killed = counts["killed"] + counts["timeout"]
    print(
        f"{args.target}: {len(sample)} mutants (of {len(names)}), {killed} killed, "
        f"{len(sample) - killed} not killed: {dict(sorted(counts.items()))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
