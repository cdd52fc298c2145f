"""The peer parser, midjargon, in the benchmark's own virtual environment.

midjargon is never a dependency of mjprompt: it is installed from the package index into
``bench/.venv-peer`` (created on first use, gitignored) and measured in a subprocess
running that environment's interpreter over the same prompts. When the environment
cannot be made (no index, no ``venv`` module), :func:`ensure_peer` says why and the rest
of the benchmark runs without it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

__all__ = ["PEER_SCRIPT", "PEER_VENV", "Peer", "PeerUnavailable", "ensure_peer"]

BENCH = Path(__file__).resolve().parent
PEER_VENV = BENCH / ".venv-peer"
PEER_SCRIPT = BENCH / "peer_midjargon.py"
PACKAGE = "midjargon"
INSTALL_TIMEOUT = 600


@attrs.frozen
class Peer:
    """A working peer environment."""

    python: Path
    version: str
    cli: Path | None  # the ``midjargon`` console script, if installed

    def run(self, *args: str, timeout: float = 600) -> dict[str, Any]:
        """Run ``peer_midjargon.py`` with ``args``; its JSON answer."""
        proc = subprocess.run(
            [str(self.python), str(PEER_SCRIPT), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
            raise RuntimeError(f"peer script failed: {' '.join(tail) or proc.returncode}")
        answer: dict[str, Any] = json.loads(proc.stdout)
        return answer


@attrs.frozen
class PeerUnavailable:
    """Why there is no peer to compare with."""

    reason: str


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _installed_version(python: Path) -> str | None:
    if not python.is_file():
        return None
    proc = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({PACKAGE!r}))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def _last_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [f"exit code {proc.returncode}"])[-1].strip()


def ensure_peer(
    venv: Path = PEER_VENV, spec: str = PACKAGE, *, install: bool = True, log: Any = None
) -> Peer | PeerUnavailable:
    """The peer environment, created and filled on first use when ``install`` is true."""
    python = _python(venv)
    version = _installed_version(python)
    if version is None:
        if not install:
            return PeerUnavailable(f"not installed in {venv} (run without --no-install)")
        if log is not None:
            log(f"creating {venv} and installing {spec} from the package index ...")
        if not python.is_file():
            made = subprocess.run(
                [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True
            )
            if made.returncode != 0:
                return PeerUnavailable(f"cannot create {venv}: {_last_line(made)}")
        try:
            pip = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", spec],
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return PeerUnavailable(f"pip install {spec} timed out (package index unreachable?)")
        if pip.returncode != 0:
            return PeerUnavailable(
                f"pip install {spec} failed (package index unreachable?): {_last_line(pip)}"
            )
        version = _installed_version(python)
        if version is None:
            return PeerUnavailable(f"{PACKAGE} installed but not importable in {venv}")
    cli = python.with_name("midjargon")
    return Peer(python, version, cli if cli.is_file() else None)
