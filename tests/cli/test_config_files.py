"""Configuration like ruff's: standalone files, nearest wins per file, extend-*, the more
specific selector wins, per-file-ignores (also the way to silence JSON prompt files)."""

from __future__ import annotations

import json

import pytest

from mjprompt.cli.config import config_for, find_config

EN_DASH = "a cat –ar 16:9\n"  # MJ101
DUP = "a dog --ar 1:1 --ar 1:1\n"  # MJ302


def _codes(run):
    return sorted({line.split()[1] for line in run.lines if ": MJ" in line})


def _paths_codes(run):
    return sorted((line.split(":", 1)[0], line.split()[1]) for line in run.lines if ": MJ" in line)


def test_standalone_files_beat_pyproject_in_the_same_directory(tmp_path, make_file):
    make_file(tmp_path / "pyproject.toml", "[tool.mjprompt]\nignore = ['MJ1']\n")
    assert find_config(str(tmp_path)) == str(tmp_path / "pyproject.toml")
    make_file(tmp_path / "mjprompt.toml", "ignore = ['MJ2']\n")
    assert find_config(str(tmp_path)) == str(tmp_path / "mjprompt.toml")
    make_file(tmp_path / ".mjprompt.toml", "ignore = ['MJ3']\n")
    assert find_config(str(tmp_path)) == str(tmp_path / ".mjprompt.toml")
    assert config_for(str(tmp_path / "sub" / "x.prompt")).get("ignore") == ("MJ3",)


def test_nearest_configuration_wins_for_each_file(cli, tmp_path, make_file):
    make_file(tmp_path / "mjprompt.toml", "ignore = ['MJ302']\n")
    make_file(tmp_path / "a.prompt", EN_DASH + DUP)
    make_file(tmp_path / "legacy" / "mjprompt.toml", "ignore = ['MJ101']\n")
    make_file(tmp_path / "legacy" / "b.prompt", EN_DASH + DUP)
    make_file(tmp_path / "plain" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table
    make_file(tmp_path / "plain" / "c.prompt", EN_DASH + DUP)
    run = cli("check", ".")
    assert _paths_codes(run) == [
        ("a.prompt", "MJ101"),
        ("legacy/b.prompt", "MJ302"),
        ("plain/c.prompt", "MJ101"),
    ]
    # --config: one file for everything; --isolated: none.
    make_file(tmp_path / "other.toml", "ignore = ['MJ3', 'MJ1']\n")
    assert _codes(cli("check", ".", "--config", "other.toml")) == []
    assert _codes(cli("check", ".", "--isolated")) == ["MJ101", "MJ302"]


def test_the_more_specific_selector_wins(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "a.prompt", EN_DASH + DUP + "a cat --foo 1\n")  # + MJ301
    assert _codes(cli_fast("check", "a.prompt", "--select", "MJ101", "--ignore", "MJ1")) == [
        "MJ101"
    ]
    assert _codes(cli_fast("check", "a.prompt", "--select", "MJ1", "--ignore", "MJ101")) == []
    # extend-select adds to the configured select; extend-ignore to the ignore.
    make_file(tmp_path / "mjprompt.toml", "select = ['MJ3']\nextend-ignore = ['MJ302']\n")
    assert _codes(cli_fast("check", "a.prompt")) == ["MJ301"]
    assert _codes(cli_fast("check", "a.prompt", "--extend-select", "MJ101")) == [
        "MJ101",
        "MJ301",
    ]
    assert _codes(cli_fast("check", "a.prompt", "--extend-ignore", "MJ301")) == []
    # The command line's --select replaces the file's.
    assert _codes(cli_fast("check", "a.prompt", "--select", "MJ1")) == ["MJ101"]


def test_per_file_ignores_silence_text_and_json_files(cli, tmp_path, make_file):
    make_file(
        tmp_path / "pyproject.toml",
        "[tool.mjprompt]\n"
        '[tool.mjprompt.per-file-ignores]\n"legacy/*.prompts.txt" = ["MJ101"]\n'
        '"*.prompts.jsonl" = ["MJ302"]\n',
    )
    make_file(tmp_path / "legacy" / "old.prompts.txt", EN_DASH + DUP)
    make_file(tmp_path / "new.prompts.txt", EN_DASH)
    make_file(
        tmp_path / "data.prompts.jsonl",
        json.dumps({"prompt": DUP.strip()}) + "\n" + json.dumps({"prompt": EN_DASH.strip()}) + "\n",
    )
    run = cli("check", ".")
    assert _paths_codes(run) == [
        ("data.prompts.jsonl", "MJ101"),
        ("legacy/old.prompts.txt", "MJ302"),
        ("new.prompts.txt", "MJ101"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("per-file-ignores = ['x']\n", "`per-file-ignores` must be a table"),
        ("[per-file-ignores]\n'x' = ['MJ8']\n", "per-file-ignores `x`: `MJ8` matches no rule"),
        ("extend-select = 3\n", "`extend-select` must be a list of strings"),
        ("nope = 1\n", ":1: unknown setting `nope` (known: "),
    ],
)
def test_bad_standalone_configuration_names_file_and_key(
    cli_fast, tmp_path, make_file, text, message
):
    make_file(tmp_path / "mjprompt.toml", text)
    make_file(tmp_path / "a.prompt", EN_DASH)
    run = cli_fast("check", "a.prompt")
    assert run.code == 2
    assert message in run.err, run.err
    assert "mjprompt.toml" in run.err


def test_an_editor_gets_the_codes_of_a_file_as_check_would(tmp_path, make_file):
    from mjprompt.cli.selection import codes_for

    make_file(
        tmp_path / "mjprompt.toml",
        "profile = 'midjourney'\nselect = ['MJ1']\nextend-select = ['MJ302']\n"
        "[per-file-ignores]\n'legacy/*' = ['MJ101']\n",
    )
    profile, path, codes = codes_for(str(tmp_path / "a.prompt"))
    assert (profile, path) == ("midjourney", str(tmp_path / "mjprompt.toml"))
    assert "MJ101" in codes and "MJ302" in codes and "MJ301" not in codes
    assert "MJ101" not in codes_for(str(tmp_path / "legacy" / "b.prompt"))[2]
