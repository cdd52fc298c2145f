"""tools/mutants.py: the CI's fixed mutants still apply, and the runner tells kill from survival."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "mutants.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutants_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutants = _load_tool()


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A project of one function and two tests: one that pins it, one that does not."""
    (tmp_path / "src" / "toy").mkdir(parents=True)
    (tmp_path / "src" / "toy" / "__init__.py").write_text(
        "def price(n: int) -> int:\n    return 2 * n if n > 0 else 0\n", "utf-8"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_strong.py").write_text(
        "from toy import price\n\ndef test_price():\n    assert price(3) == 6\n", "utf-8"
    )
    (tmp_path / "tests" / "test_weak.py").write_text(
        "from toy import price\n\ndef test_price():\n    assert price(3) > 0\n", "utf-8"
    )
    return tmp_path


def _toy_mutant(test: str) -> object:
    return mutants.Mutant(
        id="T1",
        file="src/toy/__init__.py",
        find="2 * n",
        replace="3 * n",
        tests=(test,),
        why="a price one and a half times too high",
    )


def test_a_test_that_pins_the_behaviour_kills_the_mutant(toy: Path) -> None:
    outcome = mutants.run_mutant(_toy_mutant("tests/test_strong.py"), root=toy, timeout=120)
    assert outcome.status == "killed"
    # The mutant went into a copy: the project itself is untouched.
    assert "2 * n" in (toy / "src" / "toy" / "__init__.py").read_text("utf-8")


def test_a_test_that_does_not_pin_it_lets_the_mutant_survive(toy: Path) -> None:
    outcome = mutants.run_mutant(_toy_mutant("tests/test_weak.py"), root=toy, timeout=120)
    assert outcome.status == "survived"


def test_tests_that_cannot_run_are_an_error_not_a_kill(toy: Path) -> None:
    outcome = mutants.run_mutant(_toy_mutant("tests/test_missing.py"), root=toy, timeout=120)
    assert outcome.status == "error"


def test_a_passage_that_is_gone_or_repeated_is_refused() -> None:
    mutant = _toy_mutant("tests/test_strong.py")
    with pytest.raises(mutants.ListError, match="not found"):
        mutant.apply("def price(n): return n\n")
    with pytest.raises(mutants.ListError, match="found 2 times"):
        mutant.apply("2 * n\n2 * n\n")


def test_a_malformed_list_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text(
        textwrap.dedent(
            """
            [[mutant]]
            id = "A"
            file = "x.py"
            find = "a"
            replace = "a"
            tests = ["t.py"]
            why = "nothing"
            """
        ),
        "utf-8",
    )
    with pytest.raises(mutants.ListError, match="changes nothing"):
        mutants.load(bad)
    bad.write_text('[[mutant]]\nid = "A"\n', "utf-8")
    with pytest.raises(mutants.ListError, match="mutant #1"):
        mutants.load(bad)


def test_every_listed_mutant_still_applies_to_the_code() -> None:
    listed = mutants.load()
    assert len(listed) >= 30
    mutants.check_applies(listed)
    for mutant in listed:
        for test in mutant.tests:
            assert (ROOT / test.split("::")[0]).exists(), f"{mutant.id}: no test file {test}"


def test_one_listed_mutant_applied_by_hand_fails_its_tests() -> None:
    # What CI relies on, shown once on the real code: the first mutant of the list,
    # applied to a copy of src/, makes its tests fail.
    first = mutants.load()[0]
    outcome = mutants.run_mutant(first, root=ROOT, timeout=240)
    assert outcome.status == "killed", outcome.tail
