"""Run a fixed list of hand-picked mutants against the tests that should kill them.

    python tools/mutants.py                   # every mutant in tools/mutants.toml
    python tools/mutants.py --only M07,M12    # some of them
    python tools/mutants.py --list            # what is in the list
    python tools/mutants.py --jobs 2          # run two mutants at a time

Each mutant names a source file, one exact passage of it (which must occur exactly
once, so that a mutant can never silently stop applying when the code moves) and the
passage's replacement: a regression that would cost users money, leak a secret or
change a verdict. The runner copies ``src/`` to a scratch folder, applies the mutant
there and runs the mutant's tests with that copy first on ``PYTHONPATH`` (so the
editable install in ``.venv`` is shadowed, for in-process tests and child processes
alike). The mutant is *killed* when the tests fail, *survived* when they pass; a
mutant whose tests run past the time limit counts as killed (as in mutmut), but is
shown as a timeout.

Why a runner of our own rather than mutmut 3 or cosmic-ray for this list: CI needs a
small, fixed set of meaningful mutants (semantic ones, not only operator flips) with
the test files that guard them, in under three minutes; the general tools mutate
whole modules and their generated names change with the code. The broad, generated
runs use mutmut (see docs/testing.md).

Exit status: 0 when every mutant was killed and the unmutated tests pass; 1 when a
mutant survived; 2 for a stale or malformed list, or a baseline that fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# tomllib is 3.11+; tomli (a dependency on 3.10) is the same module before that.
tomllib: Any = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / "tools" / "mutants.toml"
TIMEOUT = 300.0

__all__ = ["Mutant", "Outcome", "load", "main", "run_mutant"]


class ListError(Exception):
    """The mutant list is malformed, or a mutant no longer applies to the code."""


@dataclass(frozen=True)
class Mutant:
    """One regression: ``find`` in ``file`` becomes ``replace``; ``tests`` must fail."""

    id: str
    file: str
    find: str
    replace: str
    tests: tuple[str, ...]
    why: str

    def apply(self, source: str) -> str:
        """The mutated text of ``source``; refuses a passage that is not there once."""
        count = source.count(self.find)
        if count != 1:
            where = "not found" if count == 0 else f"found {count} times"
            raise ListError(f"{self.id}: the passage to mutate in {self.file} is {where}")
        return source.replace(self.find, self.replace)


@dataclass(frozen=True)
class Outcome:
    """What the mutant's tests said."""

    mutant: Mutant
    status: str  # killed | survived | timeout | error
    seconds: float
    tail: str  # the last lines the tests printed (for a survivor or an error)


def load(path: Path = LIST) -> list[Mutant]:
    """The mutants of ``path``, checked for shape (not yet for applying)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    rows = data.get("mutant")
    if not isinstance(rows, list) or not rows:
        raise ListError(f"{path}: no [[mutant]] tables")
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        try:
            mutant = Mutant(
                id=_text(row, "id"),
                file=_text(row, "file"),
                find=_text(row, "find"),
                replace=str(row["replace"]),
                tests=tuple(_texts(row, "tests")),
                why=_text(row, "why"),
            )
        except (KeyError, TypeError) as exc:
            raise ListError(f"{path}: mutant #{number}: {exc}") from None
        if mutant.id in seen:
            raise ListError(f"{path}: mutant id {mutant.id} is used twice")
        if mutant.find == mutant.replace:
            raise ListError(f"{path}: {mutant.id} changes nothing")
        seen.add(mutant.id)
        mutants.append(mutant)
    return mutants


def _text(row: dict[str, object], key: str) -> str:
    value = row[key]
    if not isinstance(value, str) or not value:
        raise TypeError(f"`{key}` must be a non-empty string")
    return value


def _texts(row: dict[str, object], key: str) -> list[str]:
    value = row[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TypeError(f"`{key}` must be a non-empty list of strings")
    return [str(v) for v in value]


def check_applies(mutants: Iterable[Mutant], root: Path = ROOT) -> None:
    """Raise :class:`ListError` for the first mutant that no longer applies."""
    for mutant in mutants:
        mutant.apply((root / mutant.file).read_text(encoding="utf-8"))


def _pytest(tests: Sequence[str], src: Path | None, root: Path, timeout: float) -> tuple[int, str]:
    env = dict(os.environ)
    if src is not None:
        # The copy comes first, so it shadows the editable install for this process
        # and every child process the tests start.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, "timed out"
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return done.returncode, tail


def run_mutant(mutant: Mutant, root: Path = ROOT, timeout: float = TIMEOUT) -> Outcome:
    """Apply ``mutant`` to a scratch copy of ``root/src`` and run its tests."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.id}-") as scratch:
        src = Path(scratch) / "src"
        shutil.copytree(root / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        target = Path(scratch) / mutant.file
        target.write_text(mutant.apply(target.read_text(encoding="utf-8")), encoding="utf-8")
        code, tail = _pytest(mutant.tests, src, root, timeout)
    seconds = time.monotonic() - started
    # pytest: 0 = all passed (the mutant survived), 1 = a test failed (killed);
    # anything else (usage error, no tests collected, internal error) is an error of
    # the list, never counted as a kill.
    status = {0: "survived", 1: "killed", -1: "timeout"}.get(code, "error")
    return Outcome(mutant, status, seconds, "" if status == "killed" else tail)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list-file", type=Path, default=LIST, help="the TOML list of mutants")
    parser.add_argument("--only", default="", help="comma-separated mutant ids to run")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="print the list and stop")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run of the unmutated tests"
    )
    args = parser.parse_args(argv)
    try:
        mutants = load(args.list_file)
        if args.only:
            wanted = {m.strip() for m in args.only.split(",") if m.strip()}
            unknown = wanted - {m.id for m in mutants}
            if unknown:
                raise ListError(f"unknown mutant id(s): {', '.join(sorted(unknown))}")
            mutants = [m for m in mutants if m.id in wanted]
        check_applies(mutants)
    except (OSError, tomllib.TOMLDecodeError, ListError) as exc:
        print(f"mutants: error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for mutant in mutants:
            print(f"{mutant.id}  {mutant.file}  {mutant.why}")
        return 0
    if not args.no_baseline:
        tests = sorted({t for m in mutants for t in m.tests})
        code, tail = _pytest(tests, None, ROOT, args.timeout * 2)
        if code != 0:
            print(f"mutants: error: the unmutated tests fail\n{tail}", file=sys.stderr)
            return 2
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda m: run_mutant(m, ROOT, args.timeout), mutants))
    for outcome in outcomes:
        m = outcome.mutant
        print(f"{outcome.status:8} {m.id:5} {outcome.seconds:5.1f}s  {m.file}: {m.why}")
        if outcome.status in ("survived", "error"):
            print("         " + outcome.tail.replace("\n", "\n         "))
    killed = sum(o.status in ("killed", "timeout") for o in outcomes)
    print(f"{killed} of {len(outcomes)} mutants killed")
    if any(o.status == "error" for o in outcomes):
        return 2
    return 0 if killed == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
