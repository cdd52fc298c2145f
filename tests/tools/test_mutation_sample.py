"""tools/mutation_sample.py: its targets point at real files and tests, the sample is
reproducible, and the scratch copy's [tool.mutmut] is the target's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ms = _load("mutation_sample")
old = _load("mutmut_sample")


def test_the_four_targets_with_their_seeds() -> None:
    assert {name: t.seed for name, t in ms.TARGETS.items()} == {
        "client": 21,
        "payload": 21,
        "rules": 2026,
        "parser": 2026,
    }


@pytest.mark.parametrize("name", sorted(ms.TARGETS))
def test_every_target_mutates_files_that_exist_and_runs_tests_that_exist(name: str) -> None:
    target = ms.TARGETS[name]
    files = ms.target_files(target)
    # every pattern finds something (a renamed module would silently drop out)
    for pattern in target.files:
        assert list(ROOT.glob(pattern)), pattern
    assert files and all(f.suffix == ".py" and f.parts[:2] == ("src", "mjprompt") for f in files)
    # generated code is not mutated on its own
    assert Path("src/mjprompt/client/_sync.py") not in files
    assert Path("src/mjprompt/_scanner_tables.py") not in files
    for test in target.tests:
        assert (ROOT / test.split("::")[0]).exists(), test
    for arg in target.pytest_args:
        node = arg.removeprefix("--deselect=")
        assert node != arg and (ROOT / node.split("::")[0]).is_file(), arg
        assert f"def {node.split('::')[1]}(" in (ROOT / node.split("::")[0]).read_text("utf-8")


def test_the_client_target_holds_the_money_path() -> None:
    files = {f.name for f in ms.target_files(ms.TARGETS["client"])}
    assert {"_async.py", "_core.py", "journal.py", "batch.py", "budget.py"} <= files
    tests = ms.TARGETS["client"].tests
    assert "tests/reliability/test_double_spend.py" in tests
    assert "tests/reliability/test_mutation_guards_batch.py" in tests
    # every guard file written against the client's mutants runs with the client target
    guards = sorted(ROOT.glob("tests/reliability/test_mutation_guards_batch*.py"))
    assert guards and all(g.relative_to(ROOT).as_posix() in tests for g in guards)


def test_the_ignored_tests_exist() -> None:
    for test in ms.IGNORED_TESTS:
        assert (ROOT / test).is_file(), test


def test_the_draw_is_reproducible_and_does_not_depend_on_order() -> None:
    names = [f"m.x_f__mutmut_{i}" for i in range(500)]
    first = ms.draw(names, 150, 21)
    assert len(first) == 150 == len(set(first))
    assert first == sorted(first) and set(first) <= set(names)
    assert ms.draw(list(reversed(names)), 150, 21) == first
    assert ms.draw(names, 150, 2026) != first
    # pinned: a change of the draw would change the sample behind every recorded score
    assert ms.draw([f"n{i}" for i in range(10)], 3, 21) == ["n2", "n6", "n8"]


@pytest.mark.parametrize("size", [0, 3, 4])
def test_a_size_of_zero_or_not_smaller_takes_every_name(size: int) -> None:
    assert ms.draw(["c", "a", "b"], size, 1) == ["a", "b", "c"]


def test_the_names_are_mutmuts_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # mutmut reads its configuration from the working folder (the checkout's pyproject)
    monkeypatch.chdir(ROOT)
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "m.py").write_text("def f(a, b):\n    return a + b\n", "utf-8")
    names = ms.mutant_names([Path("src/pkg/m.py")], tmp_path)
    assert names and all(n.startswith("pkg.m.x_f__mutmut_") for n in names)


def test_the_scratch_pyproject_is_narrowed_to_the_target() -> None:
    target = ms.TARGETS["client"]
    files = ms.target_files(target)
    project = "[project]\nname = 'x'\n\n[tool.mutmut]\nsource_paths = ['y']\n\n[tool.z]\na = 1\n"
    text = ms.with_mutmut_section(project, ms.mutmut_section(target, files))
    data = tomllib.loads(text)
    assert data["project"] == {"name": "x"} and data["tool"]["z"] == {"a": 1}
    cfg = data["tool"]["mutmut"]
    assert cfg["source_paths"] == ["src/mjprompt"]
    assert cfg["only_mutate"] == [f.as_posix() for f in files]
    assert cfg["pytest_add_cli_args_test_selection"] == list(target.tests)
    args = cfg["pytest_add_cli_args"]
    assert "--hypothesis-seed=0" in args
    assert "--ignore=tests/client/test_unasync.py" in args
    assert "--ignore=tests/parser/test_golden.py" in args
    assert [a for a in args if a.startswith("--deselect=")] == list(target.pytest_args)
    assert "tools/" in cfg["also_copy"]


def test_the_scratch_copy_gets_the_section_and_the_checkout_is_untouched(tmp_path: Path) -> None:
    target = ms.TARGETS["payload"]
    files = ms.target_files(target)
    repo = ms.prepare(tmp_path, target, files, keep=False)
    assert repo == tmp_path / "repo"
    cfg = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    assert cfg["only_mutate"] == [f.as_posix() for f in files]
    assert (repo / "src/mjprompt/payload.py").read_bytes() == (
        ROOT / "src/mjprompt/payload.py"
    ).read_bytes()
    checkout = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    assert "only_mutate" not in checkout
    # a fresh copy drops what a run left in the last one; --survivors keeps it
    (repo / "mutants").mkdir()
    ms.prepare(tmp_path, target, files, keep=True)
    assert (repo / "mutants").is_dir()
    ms.prepare(tmp_path, target, files, keep=False)
    assert not (repo / "mutants").exists()


def test_the_old_command_names_its_options_the_new_way() -> None:
    assert old.translate(["client", "--all", "--scratch", "/d", "--seed", "3"]) == [
        "client",
        "--sample",
        "0",
        "--workdir",
        "/d",
        "--seed",
        "3",
    ]
    assert old.translate(["--scratch=/d"]) == ["--workdir=/d"]


def test_verdicts_mutmut_forgot_are_kept_from_the_last_run() -> None:
    # mutmut resets every result to "not checked" when its configuration changes.
    earlier = {"a": "killed", "b": "survived", "c": "timeout"}
    current = {"a": "not checked", "b": "killed", "c": "survived", "d": "not checked"}
    assert ms.merged(current, earlier) == {
        "a": "killed",  # forgotten by mutmut: the last run's verdict
        "b": "killed",  # rerun: the new verdict
        "c": "survived",
        "d": "not checked",
    }
