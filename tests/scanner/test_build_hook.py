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
    assert _hook().MODULES == ("mjprompt/scanner.py",)
