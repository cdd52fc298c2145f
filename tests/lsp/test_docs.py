"""docs/lsp.md: in the site's navigation, and naming the patterns and options the server uses."""

from __future__ import annotations

from pathlib import Path

from mjprompt.cli.discovery import DEFAULT_INCLUDE
from mjprompt.lsp.actions import FIX_ALL, UNSAFE

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "lsp.md").read_text("utf-8")


def test_page_is_in_the_navigation():
    assert "lsp.md" in (ROOT / "mkdocs.yml").read_text("utf-8")


def test_page_lists_every_default_pattern():
    for pattern in DEFAULT_INCLUDE:
        assert f"`{pattern}`" in PAGE, pattern


def test_page_names_the_options_and_action_kinds():
    for name in (
        '"profile"',
        '"select"',
        '"ignore"',
        '"jsonKey"',
        "`maxDiagnostics`",
        FIX_ALL,
        UNSAFE,
    ):
        assert name in PAGE, name
    editors = ("VS Code", "Neovim", "vim.lsp.config", "Helix", "languages.toml", "Zed", "Sublime")
    for editor in editors:
        assert editor in PAGE, editor
