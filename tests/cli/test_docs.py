"""The CLI documentation builds and names every option the commands have."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mjprompt.cli import COMMANDS
from mjprompt.cli.config import KEYS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OURS = ("check", "fix", "format", "expand", "rules", "explain")


def _options(command: str) -> set[str]:
    import importlib

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(COMMANDS[command][0]).register(sub)
    options = set()
    for action in sub.choices[command]._actions:
        options.update(o for o in action.option_strings if o.startswith("--") and o != "--help")
    return options


@pytest.mark.parametrize("command", OURS)
def test_cli_reference_names_every_option(command):
    text = (DOCS / "cli.md").read_text("utf-8")
    assert f"## {command}" in text or f"mjprompt {command}" in text
    missing = sorted(o for o in _options(command) if o not in text and o != "--no-show-source")
    assert not missing, f"docs/cli.md does not mention {missing} of `{command}`"


def test_configuration_page_lists_every_key():
    text = (DOCS / "configuration.md").read_text("utf-8")
    table = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE))
    assert table == set(KEYS)


def test_pre_commit_page_shows_the_hooks_pattern():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text("utf-8")
    pattern = re.search(r"files: '([^']+)'", hooks)
    assert pattern is not None
    assert pattern.group(1) in (DOCS / "pre-commit.md").read_text("utf-8")


def test_mkdocs_build_strict(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "s")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "s" / "cli" / "index.html").is_file()
