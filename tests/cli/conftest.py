"""Helpers for the CLI tests: run the real console script in a subprocess, build trees."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[2]


def console_script() -> list[str]:
    """The installed ``mjprompt`` entry point beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("mjprompt")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "mjprompt"]


@attrs.frozen
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MJPROMPT_DEBUG", "NO_COLOR", "FORCE_COLOR") and not k.startswith("PYTEST")
    }
    env.update(extra)
    return env


def run_cli(
    *args: str,
    cwd: Path,
    stdin: bytes | str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [*console_script(), *args],
        cwd=cwd,
        input=data if data is not None else b"",
        capture_output=True,
        env=env or clean_env(),
        timeout=120,
        check=False,
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


Runner = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path) -> Runner:
    """``cli(*args, stdin=..., cwd=...)`` runs ``mjprompt`` (default cwd: tmp_path)."""

    def call(*args: str, cwd: Path | None = None, **kw: object) -> Result:
        return run_cli(*args, cwd=cwd or tmp_path, **kw)  # type: ignore[arg-type]

    return call


@pytest.fixture
def cli_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    """Like ``cli`` but runs ``mjprompt.cli.main`` in this process (no interpreter start).

    For the tests of options and commands; the tests of formats, fixing, stdin, bad
    files and exit codes use the real console script (``cli``).
    """
    from mjprompt.cli import main

    for name in ("MJPROMPT_DEBUG", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def call(*args: str, cwd: Path | None = None, stdin: str | bytes = b"") -> Result:
        monkeypatch.chdir(cwd or tmp_path)
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with known problems in every kind of prompt file.

    Expected findings (path, line, column, code) are in ``TREE_FINDINGS``.
    """
    write(tmp_path / "a.prompt", "a cat –ar 16:9\n# a comment –ar 2:3\n\na dog --AR 2:3\n")
    write(
        tmp_path / "sub" / "b.prompts.jsonl",
        '{"id": 1, "prompt": "caf\\u00e9 \\u2014ar 2:3"}\n"a clean prompt --ar 1:1"\n',
    )
    write(tmp_path / "prompts" / "c.txt", "a bird --s 50,\r\nfine --ar 3:2\r\n")
    write(tmp_path / "d.prompts.json", '[\n  "fine --ar 2:3",\n  {"prompt": "x --foo 1"}\n]\n')
    # Not prompt files by name, or hidden: never looked at when walking.
    write(tmp_path / "notes.txt", "a cat –ar 16:9\n")
    write(tmp_path / ".hidden" / "e.prompt", "a cat –ar 16:9\n")
    return tmp_path


@pytest.fixture
def tree_findings() -> list[tuple[str, int, int, int, int, str, str]]:
    """(path, line, column, end_line, end_column, code, severity) of ``tree``, in order."""
    return list(TREE_FINDINGS)


@pytest.fixture
def make_file() -> Callable[[Path, str | bytes], Path]:
    return write


# (path, line, column, end_line, end_column, code, severity), checked by hand: the JSON
# columns count the literal as written (`\u2014ar` is 8 columns wide).
TREE_FINDINGS = [
    ("a.prompt", 1, 7, 1, 10, "MJ101", "error"),
    ("a.prompt", 4, 9, 4, 11, "MJ106", "warning"),
    ("d.prompts.json", 3, 17, 3, 22, "MJ301", "error"),
    ("prompts/c.txt", 1, 14, 1, 15, "MJ108", "error"),
    ("sub/b.prompts.jsonl", 1, 32, 1, 40, "MJ103", "info"),
]
