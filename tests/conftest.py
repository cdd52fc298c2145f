"""Shared fixtures: the corpus of real prompts (skipped cleanly when ../shared is absent)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Under mutmut the tests run from a copy in ROOT/mutants, one level deeper than ../shared.
_SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared",
)
CORPUS = _SHARED / "corpus" / "real-prompts.jsonl"

if "MUTANT_UNDER_TEST" in os.environ:
    # mutmut imports the mutated copy in this process only; the CLI tests' subprocesses
    # must import it too (not the editable install of the original), or every mutant
    # reached only through a subprocess would survive.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    )


def _id_without_separators(ident: str) -> str:
    return ident.replace(":", ";").replace("[", "(").replace("]", ")").replace("\\", "|")


if "MUTANT_UNDER_TEST" in os.environ:
    # mutmut runs the tests of a mutant by node id, and an id holding `::`, brackets
    # (an IPv6 URL) or a backslash cannot be given back to pytest. Under mutmut only,
    # every parametrize id is spelled without them; a normal run keeps pytest's ids.
    from _pytest.python import IdMaker

    _make_ids = IdMaker.make_unique_parameterset_ids

    def _ids_without_separators(self: IdMaker) -> list[Any]:
        return [_id_without_separators(i) if isinstance(i, str) else i for i in _make_ids(self)]

    IdMaker.make_unique_parameterset_ids = _ids_without_separators  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _mutmut_phase_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside a mutant (mutmut's "stats", "fail", ... phases) a child process must run
    # the original code: in "stats" the child would record its calls, and mutmut's config
    # is not found from the child's folder, so every CLI test would fail. mutmut keeps
    # a copy of the phase in this process, so the test process is not affected.
    phase = os.environ.get("MUTANT_UNDER_TEST")
    if phase is not None and "__mutmut_" not in phase:
        monkeypatch.delenv("MUTANT_UNDER_TEST")


def load_corpus() -> list[str]:
    if not CORPUS.is_file():
        return []
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line)["prompt"] for line in fh if line.strip()]


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    prompts = load_corpus()
    if not prompts and _SHARED.is_dir():
        # ../shared is there (as in CI) but the corpus is not read: a broken path or file,
        # which a skip would turn into dozens of tests that pass by not running.
        pytest.fail(f"../shared is at {_SHARED} but no prompts were read from {CORPUS}")
    if not prompts:
        pytest.skip(f"corpus not found at {CORPUS} (a checkout without ../shared)")
    return prompts
