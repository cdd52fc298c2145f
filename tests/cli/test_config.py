"""``[tool.mjprompt]`` in the nearest pyproject.toml; the command line wins."""

from __future__ import annotations

import json

import pytest

from mjprompt.cli.config import ConfigError, find_config, load_config

PROMPT = "a cat –ar 16:9 --S 50\n"  # MJ101 (error) and MJ106 (warning)


def _codes(result):
    return [d["code"] for d in json.loads(result.out)]


def test_settings_from_the_nearest_pyproject(cli_fast, tmp_path, make_file):
    make_file(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.mjprompt]\nignore = ["MJ101"]\nfail-on = "warning"\n'
        'format = "json"\n',
    )
    make_file(tmp_path / "sub" / "p.prompt", PROMPT)
    # Run from a subdirectory: the search goes up to the pyproject.
    result = cli_fast("check", "p.prompt", cwd=tmp_path / "sub")
    assert _codes(result) == ["MJ106"]
    assert result.code == 1  # fail-on = warning


def test_command_line_wins(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "pyproject.toml", '[tool.mjprompt]\nignore = "MJ101"\nformat = "json"\n')
    make_file(tmp_path / "p.prompt", PROMPT)
    result = cli_fast("check", "p.prompt", "--ignore", "MJ106", "--format", "text")
    assert " MJ101 " in result.out
    assert " MJ106 " not in result.out
    isolated = cli_fast("check", "p.prompt", "--isolated", "--format", "json")
    assert set(_codes(isolated)) >= {"MJ101", "MJ106"}


def test_a_pyproject_without_the_table_does_not_stop_the_search(tmp_path, make_file):
    make_file(tmp_path / "pyproject.toml", "[tool.mjprompt]\nprofile = 'midjourney'\n")
    make_file(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    (tmp_path / "pkg" / "src").mkdir()
    assert find_config(str(tmp_path / "pkg" / "src")) == str(tmp_path / "pyproject.toml")
    assert load_config(str(tmp_path / "pyproject.toml")).get("profile") == "midjourney"


def test_explicit_config_file(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "conf" / "pyproject.toml", "[tool.mjprompt]\nselect = ['MJ106']\n")
    make_file(tmp_path / "p.prompt", PROMPT)
    result = cli_fast("check", "p.prompt", "--config", "conf/pyproject.toml", "--format", "json")
    assert _codes(result) == ["MJ106"]


def test_bad_configuration_is_a_usage_error_naming_file_and_line(cli_fast, tmp_path, make_file):
    make_file(tmp_path / "p.prompt", PROMPT)
    cases = {
        "[tool.mjprompt]\nprofile = 'evolink'\nfail_on = 'warning'\n": (
            "pyproject.toml:3: unknown setting `fail_on`"
        ),
        "[tool.mjprompt]\n\nfail-on = 'sometimes'\n": (
            "pyproject.toml:3: [tool.mjprompt] `fail-on` must be one of error, warning, info"
        ),
        "[tool.mjprompt]\njobs = true\n": "`jobs` must be a whole number",
        "[tool.mjprompt]\nselect = ['MJ8']\n": "`MJ8` matches no rule",
        "[tool.mjprompt]\nselect = [\n": "invalid TOML",
    }
    for text, message in cases.items():
        make_file(tmp_path / "pyproject.toml", text)
        result = cli_fast("check", "p.prompt")
        assert result.code == 2, text
        assert message in result.err, (text, result.err)
        assert "Traceback" not in result.err


def test_load_config_validates_types(tmp_path, make_file):
    path = make_file(tmp_path / "pyproject.toml", "[tool.mjprompt]\nshow-source = 'yes'\n")
    with pytest.raises(ConfigError, match="`show-source` must be true or false"):
        load_config(str(path))
    path.write_text("[tool.mjprompt]\nselect = 'MJ1, MJ3'\ninclude = ['*.p']\n")
    config = load_config(str(path))
    assert config.get("select") == ("MJ1", "MJ3")
    assert config.get("include") == ("*.p",)


def test_include_and_exclude_patterns(cli_fast, tmp_path, make_file):
    make_file(
        tmp_path / "pyproject.toml",
        "[tool.mjprompt]\ninclude = ['*.mj']\nexclude = ['drafts']\nformat = 'json'\n",
    )
    make_file(tmp_path / "a.mj", PROMPT)
    make_file(tmp_path / "drafts" / "b.mj", PROMPT)
    make_file(tmp_path / "c.prompt", PROMPT)
    paths = {d["path"] for d in json.loads(cli_fast("check", ".").out)}
    assert paths == {"a.mj"}
