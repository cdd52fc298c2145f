"""Settings: the project's configuration, overridden by the editor's options."""

from __future__ import annotations

import pytest

from mjprompt.lsp.settings import Settings, SettingsError, is_prompt_file, settings_for


def _project(tmp_path, body: str):
    (tmp_path / "pyproject.toml").write_text("[tool.mjprompt]\n" + body)
    (tmp_path / "d").mkdir()
    return str(tmp_path / "d" / "x.prompts")


def test_defaults_without_configuration(tmp_path):
    assert settings_for(str(tmp_path / "x.prompts"), None) == Settings()


def test_configuration_is_read_from_the_file_upward(tmp_path):
    path = _project(tmp_path, 'profile = "midjourney"\nignore = ["MJ3"]\njson-key = "text"\n')
    s = settings_for(path, {})
    assert (s.profile, s.json_key) == ("midjourney", "text")
    assert s.select is not None and "MJ101" in s.select
    assert not [c for c in s.select if c.startswith("MJ3")]
    assert s.config_path == str(tmp_path / "pyproject.toml")


def test_editor_options_win(tmp_path):
    path = _project(tmp_path, 'profile = "midjourney"\nselect = ["MJ1"]\n')
    s = settings_for(path, {"profile": "evolink", "select": "MJ2, MJ3", "jsonKey": "p"})
    assert (s.profile, s.json_key) == ("evolink", "p")
    assert s.select is not None and {c[:3] for c in s.select} == {"MJ2", "MJ3"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"profile": "v6"}, "profile must be one of evolink, midjourney"),
        ({"select": 3}, "select must be a list"),
        ({"jsonKey": 1}, "jsonKey must be a string"),
    ],
)
def test_bad_options_are_reported(tmp_path, options, message):
    with pytest.raises(SettingsError, match=message):
        settings_for(str(tmp_path / "x.prompts"), options)


def test_the_nearest_mjprompt_toml_and_its_per_file_ignores(tmp_path):
    # The CLI's resolution: mjprompt.toml beats a pyproject.toml further up, and
    # per-file-ignores (relative to the configuration's directory) apply to the file.
    _project(tmp_path, 'profile = "midjourney"\n')
    (tmp_path / "d" / "mjprompt.toml").write_text(
        'extend-ignore = ["MJ5"]\n[per-file-ignores]\n"legacy/*" = ["MJ301"]\n'
    )
    (tmp_path / "d" / "legacy").mkdir()
    plain = settings_for(str(tmp_path / "d" / "x.prompts"), None)
    legacy = settings_for(str(tmp_path / "d" / "legacy" / "x.prompts"), None)
    assert plain.profile == legacy.profile == "evolink"
    assert plain.config_path == str(tmp_path / "d" / "mjprompt.toml")
    assert plain.select is not None and legacy.select is not None
    assert "MJ301" in plain.select and "MJ301" not in legacy.select
    assert not [c for c in plain.select if c.startswith("MJ5")]
    assert set(plain.select) - set(legacy.select) == {"MJ301"}


def test_bad_configuration_names_the_file(tmp_path):
    path = _project(tmp_path, 'profile = "v6"\n')
    with pytest.raises(SettingsError, match=r"pyproject\.toml"):
        settings_for(path, None)


@pytest.mark.parametrize(
    ("language", "path", "linted"),
    [
        ("mjprompt", "/w/notes.txt", True),
        ("mjprompt", None, True),
        ("plaintext", "/w/notes.txt", False),
        ("plaintext", "/w/prompts/notes.txt", True),
        ("plaintext", "/w/a.prompts", True),
        ("json", "/w/package.json", False),
        ("json", "/w/x.prompts.json", True),
        ("plaintext", None, False),
    ],
)
def test_which_documents_are_linted(language, path, linted):
    assert is_prompt_file(language, path, Settings()) is linted


def test_include_from_the_configuration(tmp_path):
    path = _project(tmp_path, 'include = ["*.mj"]\n')
    s = settings_for(path, None)
    assert is_prompt_file("plaintext", str(tmp_path / "a.mj"), s)
    assert not is_prompt_file("plaintext", str(tmp_path / "a.prompts"), s)
