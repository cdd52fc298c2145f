"""Cold start: what a one-prompt check imports, and --jobs giving the same output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Runs the real entry point in a fresh interpreter, then reports what it imported.
PROBE = """
import sys
from mjprompt.cli import main
code = main(["check", "-p", "a cat --ar 16:9"])
heavy = sorted(
    m for m in sys.modules
    if m.split(".")[0] in {"httpx", "httpcore", "hypothesis", "rich", "anyio", "h11"}
    or m in {"concurrent.futures.process", "multiprocessing.pool", "tomllib"}
)
print("CODE", code)
print("HEAVY", ",".join(heavy))
"""


def test_one_prompt_check_imports_nothing_it_does_not_use(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    out = proc.stdout.splitlines()
    assert "CODE 0" in out, proc.stderr
    assert "HEAVY " in out, out  # nothing: no HTTP client, no hypothesis, no rich, no pool


@pytest.mark.slow
def test_jobs_give_the_same_output_as_one_process(cli, tmp_path, make_file):
    lines = []
    for n in range(3000):
        lines.append(
            ["a cat --ar 16:9", "a cat –ar 16:9", "# note", "x --foo {n}", "", "b —s 5"][n % 6]
        )
    make_file(tmp_path / "big.prompts", "\n".join(lines) + "\n")
    make_file(tmp_path / "small.prompt", "a dog --AR 2:3\n")
    one = cli("check", "--format", "json", "--jobs", "1", "big.prompts", "small.prompt")
    two = cli("check", "--format", "json", "--jobs", "2", "big.prompts", "small.prompt")
    assert one.code == two.code == 1
    assert one.out == two.out
    assert one.out.count('"code"') == 2000 + 1
    assert Path(tmp_path / "big.prompts").read_text().count("\n") == 3000
