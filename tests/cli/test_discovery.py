"""Directory walks: natural names, .gitignore, exclude, --force-exclude, links out of
the tree, and the warning when nothing is found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BAD = "a cat –ar 16:9\n"  # one MJ101


def _paths(run):
    return sorted({line.split(":", 1)[0] for line in run.lines if ": MJ" in line})


def test_the_natural_names_are_found(cli, tmp_path, make_file):
    names = [
        "prompts.txt",
        "sub/prompts.jsonl",
        "x.prompt",
        "x.prompts",
        "x.prompts.txt",
        "prompts/a.txt",
        "prompts/b.jsonl",
    ]
    for name in names:
        make_file(tmp_path / name, '"a cat –ar 16:9"\n' if name.endswith("l") else BAD)
    make_file(tmp_path / "sub" / "prompts.json", '["a cat –ar 16:9"]\n')
    make_file(tmp_path / "notes.txt", BAD)
    make_file(tmp_path / "x.prompt.bak", BAD)
    run = cli("check", ".")
    assert _paths(run) == sorted([*names, "sub/prompts.json"])


def test_gitignore_and_exclude_are_honoured(cli, tmp_path, make_file):
    (tmp_path / ".git").mkdir()
    make_file(tmp_path / ".gitignore", "build/\n*.tmp.prompt\n")
    make_file(tmp_path / "sub" / ".gitignore", "local.prompt\n")
    for name in (
        "a.prompt",
        "build/b.prompt",
        "c.tmp.prompt",
        "sub/local.prompt",
        "sub/d.prompt",
        "drafts/e.prompt",
        "archive/f.prompt",
        "x/archive/g.prompt",
    ):
        make_file(tmp_path / name, BAD)
    make_file(tmp_path / "pyproject.toml", '[tool.mjprompt]\nexclude = ["drafts", "/archive"]\n')
    run = cli("check", ".")
    assert _paths(run) == ["a.prompt", "sub/d.prompt", "x/archive/g.prompt"]
    # The .gitignore of the repository applies when a subdirectory is walked, too.
    make_file(tmp_path / "sub" / "build" / "h.prompt", BAD)
    assert "h.prompt" not in cli("check", "sub").out
    off = cli("check", ".", "--isolated")
    assert "drafts/e.prompt" in off.out and "build/b.prompt" not in off.out


def test_no_prompt_file_is_said_on_stderr_not_all_checks_passed(cli, tmp_path, make_file):
    make_file(tmp_path / "notes.txt", BAD)
    run = cli("check", ".")
    assert run.code == 0
    assert run.out == ""
    assert run.err.startswith("mjprompt: warning: no prompt files found (a directory walk picks ")
    assert "All checks passed" not in run.out + run.err


def test_force_exclude_skips_excluded_files_named_on_the_command_line(cli, tmp_path, make_file):
    make_file(tmp_path / "pyproject.toml", '[tool.mjprompt]\nexclude = ["legacy"]\n')
    make_file(tmp_path / "legacy" / "old.prompt", BAD)
    named = cli("check", "legacy/old.prompt")
    assert named.code == 1  # named files are checked...
    forced = cli("check", "--force-exclude", "legacy/old.prompt")
    assert forced.code == 0  # ...unless --force-exclude
    assert "MJ101" not in forced.out
    assert "no prompt files found" in forced.err


@pytest.fixture
def outside_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.prompt").write_text("sk-SECRET –ar 16:9\n", encoding="utf-8")
    (root / "in.prompt").write_text(BAD, encoding="utf-8")
    (root / "leak.prompt").symlink_to(secret / "key.prompt")
    (root / "sub" / "away").symlink_to(secret, target_is_directory=True)
    (root / "same.prompt").symlink_to(root / "in.prompt")  # inside: fine (read once)
    return root


@pytest.mark.parametrize("command", ["check", "fix", "format"])
def test_walks_do_not_follow_links_out_of_the_tree(cli, outside_tree, command):
    run = (
        cli(command, "--show-source", ".", cwd=outside_tree)
        if command != "format"
        else cli(command, ".", cwd=outside_tree)
    )
    assert run.code == 2, run.out + run.err
    assert "leak.prompt: error: symbolic link to a place outside .; not followed" in run.err
    assert f"sub{os.sep}away: error: symbolic link to a place outside .; not followed" in run.err
    assert "SECRET" not in run.out + run.err  # --show-source cannot print it
    secret = outside_tree.parent / "secret" / "key.prompt"
    assert secret.read_text(encoding="utf-8") == "sk-SECRET –ar 16:9\n"  # never written
    assert (outside_tree / "leak.prompt").is_symlink()


def test_a_rewrite_never_goes_through_a_link_swapped_after_the_walk(tmp_path):
    import io

    from mjprompt.cli.options import Settings
    from mjprompt.cli.reporters.base import Reporter
    from mjprompt.cli.runner import Runner

    outside = tmp_path / "outside.prompt"
    outside.write_text("untouched\n", encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    link = root / "a.prompt"
    link.symlink_to(outside)
    err = io.StringIO()
    runner = Runner(
        "fix", Settings(jobs=1), Reporter(io.StringIO(), err), out=io.StringIO(), err=err
    )
    runner._save(str(link), "written\n", str(root))
    assert outside.read_text(encoding="utf-8") == "untouched\n"
    assert "now leads outside" in err.getvalue()
    assert runner.summary.problems == 1


def test_a_sibling_folder_whose_name_starts_like_the_root_is_outside(tmp_path):
    # `/x/repo-evil` starts with the characters of `/x/repo` but is not below it.
    from mjprompt.cli.discovery import inside

    root = tmp_path / "repo"
    root.mkdir()
    evil = tmp_path / "repo-evil"
    evil.mkdir()
    (evil / "key.prompt").write_text("sk-SECRET\n", encoding="utf-8")
    (root / "leak.prompt").symlink_to(evil / "key.prompt")
    (root / "in.prompt").write_text(BAD, encoding="utf-8")
    assert not inside(str(root / "leak.prompt"), str(root))
    assert inside(str(root / "in.prompt"), str(root))
    assert inside(str(root), str(root))
