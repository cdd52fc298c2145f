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

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ENV = "MJPROMPT_MYPYC"
# The modules compiled: the scanner's loop is where a parse spends its Python time.
# values.py, braces.py and parsing.py compile too but gained nothing measurable
# (bench/README.md, "the compiled build"); the node classes and the rules do not
# compile as they are written.
MODULES = ("mjprompt/scanner.py",)


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
        built = sorted(work.glob("*.so")) + sorted(work.glob("*.pyd"))
        built += sorted((work / "mjprompt").glob("*.so")) + sorted(
            (work / "mjprompt").glob("*.pyd")
        )
        if not built:
            raise RuntimeError("mypyc produced no extension module")
        for path in built:
            build_data["force_include"][str(path)] = str(path.relative_to(work))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
