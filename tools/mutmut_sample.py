"""Score one mutation target with mutmut 3 on a fixed random sample of its mutants.

    python tools/mutmut_sample.py client              # 150 mutants, seed 21
    python tools/mutmut_sample.py payload --sample 150 --seed 21
    python tools/mutmut_sample.py client --list       # the sample only, nothing run
    python tools/mutmut_sample.py client --all        # every mutant (hours here)
    python tools/mutmut_sample.py client --survivors  # after new tests: the rest again

A full run of a target takes hours on the shared 2-core machine (a mutant that survives
runs every test that reaches its function), so the score is measured on a sample drawn
reproducibly from mutmut's own mutant list: the names mutmut generates for the target's
files, sorted, then ``random.Random(seed).sample``. The same code, seed and size give
the same names.

The run happens in a scratch copy of the checkout (the tracked files; ``../shared`` is
linked beside it, as in CI), never in the worktree: its ``[tool.mutmut]`` is narrowed to
the target's files (``only_mutate``) and the target's tests, then ``mutmut run
--max-children 1 NAME...`` runs the sample. The counts come from mutmut's own results
(``mutants/**/*.meta``): killed (a test failed, or the tests ran past mutmut's time
limit), survived, and no tests (nothing in the test process reached the function, which
counts as not killed). Accepted equivalent mutants are listed in docs/testing.md; the
score is killed / (sample - equivalent).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCRATCH = Path("/tmp") / f"mjprompt-mutmut-{os.getuid()}"

__all__ = ["TARGETS", "Target", "main", "sample"]


@dataclass(frozen=True)
class Target:
    """Files mutated and the tests that run against them."""

    files: tuple[str, ...]
    tests: tuple[str, ...]


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
            # a peak-memory bound on a child process: under mutmut the child also
            # imports mutmut (the trampolines), which passes the bound by itself
            "--deselect=tests/reliability/test_journal_hostile.py::"
            "test_dev_zero_in_place_of_the_journal",
        ),
    ),
    # payload + callbacks + SSRF (the callback-URL checks all live in callbacks.py)
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
    ),
}

# mutmut's exit codes (mutmut/stats.py): what counts as a kill.
_KILLED = {1, 3, 24, -24, 36, 152, 255}
_SURVIVED = {0}
_NO_TESTS = {5, 33}


def _tracked(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def prepare(target: Target, root: Path, scratch: Path) -> Path:
    """A scratch copy of ``root`` configured for ``target``; returns the copy's root."""
    copy = scratch / "mm"
    if copy.exists():
        # keep mutants/ (mutmut's cache of stats and results); refresh the sources
        for path in _tracked(root):
            dest = copy / path
            if (root / path).is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / path, dest)
    else:
        for path in _tracked(root):
            if (root / path).is_file():
                (copy / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / path, copy / path)
    shared = root.parent / "shared"
    link = scratch / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared)
    pyproject = copy / "pyproject.toml"
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    tests = ", ".join(json.dumps(t) for t in target.tests)
    files = ", ".join(json.dumps(f) for f in target.files)
    text, n = re.subn(
        r"(?m)^pytest_add_cli_args_test_selection = .*$",
        f"pytest_add_cli_args_test_selection = [{tests}]\nonly_mutate = [{files}]",
        text,
    )
    if n != 1:
        raise SystemExit("pyproject.toml: no pytest_add_cli_args_test_selection in [tool.mutmut]")
    pyproject.write_text(text, encoding="utf-8")
    return copy


_GENERATE = """
from mutmut.__main__ import create_mutants
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths

copy_src_dir(); copy_also_copy_files(); setup_source_paths(); create_mutants(1)
"""


def _meta(copy: Path, target: Target) -> dict[str, int | None]:
    """Every mutant of ``target`` (name -> mutmut's exit code, None when not run)."""
    codes: dict[str, int | None] = {}
    for file in target.files:
        meta = copy / "mutants" / (file + ".meta")
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def sample(names: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` names drawn from ``names`` (sorted first, so the order they come in
    does not matter); all of them when ``size`` is 0 or not smaller."""
    ordered = sorted(names)
    if size <= 0 or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--sample", type=int, default=150, help="mutants drawn (0: all)")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--all", action="store_true", help="every mutant of the target")
    parser.add_argument("--list", action="store_true", help="print the sample, run nothing")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run again only the sampled mutants not killed in the last run (after new tests)",
    )
    parser.add_argument("--scratch", type=Path, default=None, help="where the copy is made")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    scratch = args.scratch or DEFAULT_SCRATCH.with_name(f"{DEFAULT_SCRATCH.name}-{args.target}")
    copy = prepare(target, ROOT, scratch)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    subprocess.run([sys.executable, "-c", _GENERATE], cwd=copy, check=True)
    names = sample(list(_meta(copy, target)), 0 if args.all else args.sample, args.seed)
    if args.list:
        print("\n".join(names))
        return 0
    todo = names
    if args.survivors:
        last = _meta(copy, target)
        todo = [n for n in names if last.get(n) not in _KILLED]
    if todo:
        subprocess.run([mutmut, "run", "--max-children", "1", *todo], cwd=copy, check=False)
    codes = _meta(copy, target)
    killed = [n for n in names if codes.get(n) in _KILLED]
    survived = [n for n in names if codes.get(n) in _SURVIVED]
    no_tests = [n for n in names if codes.get(n) in _NO_TESTS]
    other = [n for n in names if n not in {*killed, *survived, *no_tests}]
    for label, group in (("survived", survived), ("no tests", no_tests), ("other", other)):
        for name in group:
            print(f"{label:9} {name}")
    print(
        f"{args.target}: {len(names)} mutants (seed {args.seed}), {len(killed)} killed, "
        f"{len(survived)} survived, {len(no_tests)} no tests, {len(other)} other"
    )
    return 0 if not survived and not no_tests and not other else 1


if __name__ == "__main__":
    raise SystemExit(main())
