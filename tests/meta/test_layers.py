"""Every module of the package has a place in the import layers of pyproject.toml.

`lint-imports` (CI) checks only the modules a contract names: a new top-level module
left out of ``[tool.importlinter]`` would be free to import anything. This test makes
adding one to a layer part of adding the module.
"""

from __future__ import annotations

import re
from pathlib import Path

from mjprompt.cli.config import toml_module

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "mjprompt"


def _contracts() -> list[dict[str, object]]:
    data = toml_module().loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts: list[dict[str, object]] = data["tool"]["importlinter"]["contracts"]
    return contracts


def _top_level_modules() -> set[str]:
    names = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.parent.name for p in PACKAGE.glob("*/__init__.py")
    }
    return names - {"__init__", "__main__"}


def test_every_module_is_in_a_layer() -> None:
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    assert layers["containers"] == ["mjprompt"]
    placed = {name for layer in layers["layers"] for name in re.split(r"[|:]", layer)}
    placed = {name.strip() for name in placed}
    assert _top_level_modules() - placed == set()
    assert placed - _top_level_modules() == set()


def test_the_layers_run_from_the_commands_down_to_the_model() -> None:
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    order = [re.split(r"[|:]", layer)[0].strip() for layer in layers["layers"]]
    assert order.index("cli") < order.index("client") < order.index("payload")
    assert order.index("payload") < order.index("lint") < order.index("rules")
    assert order.index("rules") < order.index("parser") < order.index("ast")


def test_the_lint_path_forbids_httpx() -> None:
    (forbidden,) = [c for c in _contracts() if c["type"] == "forbidden"]
    assert forbidden["forbidden_modules"] == ["httpx"]
    sources = set(forbidden["source_modules"])  # type: ignore[call-overload]
    assert {"mjprompt.lint", "mjprompt.rules", "mjprompt.parser", "mjprompt.payload"} <= sources
