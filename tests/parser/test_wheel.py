"""The built wheel ships the grammar and parses a prompt in a fresh virtual environment."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_contains_and_loads_grammar(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("mjprompt-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "mjprompt/grammar/prompt.lark" in names
    assert "mjprompt/py.typed" in names

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The runtime dependencies (lark, attrs) come from this environment's site-packages,
    # added as a plain path so no network is needed and no editable hook is processed.
    fresh_site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (fresh_site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = (
        "import mjprompt, pathlib; "
        "p = mjprompt.parse('a cat --ar 16:9'); "
        "print(pathlib.Path(mjprompt.__file__).resolve()); "
        "print(p.params[0].canonical)"
    )
    out = subprocess.run(
        [str(py), "-I", "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout.split()
    assert Path(out[0]).is_relative_to(env_dir.resolve())
    assert out[1] == "aspect"
