"""tools/hatch_mypyc.py: the compiled build is opt-in; the default wheel stays pure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_mypyc", ROOT / "tools" / "hatch_mypyc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hatch_mypyc"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), (" ON ", True), ("0", False), ("", False)]
)
def test_the_environment_variable_turns_it_on(
    value: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MJPROMPT_MYPYC", value)
    assert _hook().enabled() is expected


def test_unset_means_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MJPROMPT_MYPYC", raising=False)
    assert _hook().enabled() is False


def test_the_hook_is_registered_for_wheels() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[tool.hatch.build.targets.wheel.hooks.custom]\npath = "tools/hatch_mypyc.py"' in text
    assert _hook().MODULES[0] == "mjprompt/scanner.py"


def test_no_module_that_defines_a_rule_is_compiled() -> None:
    # A rule's docstring is its documentation, and a mypyc-compiled function has none.
    from mjprompt.rules import REGISTRY

    defining = {r.func.__module__.replace(".", "/") + ".py" for r in REGISTRY.values()}
    assert len(defining) >= 5
    assert not defining & set(_hook().MODULES)


def test_the_compiled_check_names_modules_imported_from_source() -> None:
    # Run on the pure build, every module is named; on the compiled one (.ci/run), none.
    import mjprompt.scanner

    compiled = not (mjprompt.scanner.__file__ or "").endswith(".py")
    missing = _hook().not_compiled()
    expected = (
        [] if compiled else [m.removesuffix(".py").replace("/", ".") for m in _hook().MODULES]
    )
    assert [line.split(":")[0] for line in missing] == expected
    assert all(line.endswith(".py") for line in missing)
