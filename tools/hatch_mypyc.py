"""Hatch build hook: an opt-in wheel with the scanner compiled by mypyc.

The default wheel is pure Python and is what the project ships and tests. With
``MJPROMPT_MYPYC=1`` in the environment, building a wheel (``python -m build --wheel``,
``pip wheel .``, cibuildwheel) also compiles ``mjprompt/scanner.py`` with mypyc, as
black and mypy ship, and the wheel is tagged for the interpreter and platform. The
``.py`` source stays in the wheel beside the extension module; the import system
prefers the extension, and the pure module remains the reference the differential tests
compare with. Editable installs are never compiled.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ENV = "MJPROMPT_MYPYC"
# The modules compiled (bench/README.md, "the compiled build"): the scanner's loop, where
# a parse spends its Python time, and the lint path around the rules (the driver, the
# features walk, the rule context, the rules' shared helpers and value judging).
# values.py, braces.py and parsing.py compile too but gained nothing measurable. The
# modules that define rules stay Python: a rule's docstring is its documentation
# (`mjprompt explain`), and a compiled function has none. Classes built on
# `_immutable.Immutable` stay Python classes in compiled modules (its metaclass).
MODULES = (
    "mjprompt/scanner.py",
    "mjprompt/lint.py",
    "mjprompt/rules/features.py",
    "mjprompt/rules/base.py",
    "mjprompt/rules/common.py",
    "mjprompt/rules/judging.py",
)


def enabled() -> bool:
    """True when the environment asks for the compiled build."""
    return os.environ.get(ENV, "").strip().lower() in {"1", "true", "yes", "on"}


class MypycBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile :data:`MODULES` with mypyc when :data:`ENV` is set."""

    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        # mypyc comes with mypy; attrs so that mypy sees the AST's real types.
        return ["mypy>=1.10", "setuptools>=61", "attrs>=23.1"] if enabled() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if not enabled() or self.target_name != "wheel" or version == "editable":
            return
        src = Path(self.root) / "src"
        work = Path(tempfile.mkdtemp(prefix="mjprompt-mypyc-"))
        shutil.copytree(src / "mjprompt", work / "mjprompt")
        done = subprocess.run(
            [sys.executable, "-m", "mypyc", *MODULES],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"mypyc failed ({ENV}=1):\n{done.stdout}\n{done.stderr}")
        # The shared runtime library lands at the top, each module's beside its source.
        built = [*work.glob("*.so"), *work.glob("*.pyd")]
        built += [*(work / "mjprompt").rglob("*.so"), *(work / "mjprompt").rglob("*.pyd")]
        built.sort()
        if not built:
            raise RuntimeError("mypyc produced no extension module")
        for path in built:
            build_data["force_include"][str(path)] = str(path.relative_to(work))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def not_compiled() -> list[str]:
    """The modules of :data:`MODULES` that the running interpreter imports from source
    (``--check-compiled`` runs it on an unpacked compiled wheel)."""
    found = []
    for path in MODULES:
        name = path.removesuffix(".py").replace("/", ".")
        module = importlib.import_module(name)
        if not (module.__file__ or "").endswith((".so", ".pyd")):
            found.append(f"{name}: {module.__file__}")
    return found


if __name__ == "__main__":
    if sys.argv[1:] != ["--check-compiled"]:
        sys.exit("usage: python tools/hatch_mypyc.py --check-compiled")
    missing = not_compiled()
    for line in missing:
        print(f"not compiled: {line}", file=sys.stderr)
    sys.exit(1 if missing else 0)
