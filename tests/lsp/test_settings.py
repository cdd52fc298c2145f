"""Settings: the project's configuration, overridden by the editor's options."""

from __future__ import annotations

import pytest

from mjprompt.lsp.settings import Settings, SettingsError, settings_for


def _project(tmp_path, body: str):
    (tmp_path / "pyproject.toml").write_text("[tool.mjprompt]\n" + body)
    (tmp_path / "d").mkdir()
    return str(tmp_path / "d" / "x.prompts")


def test_defaults_without_configuration(tmp_path):
    assert settings_for(str(tmp_path / "x.prompts"), None) == Settings()


def test_configuration_is_read_from_the_file_upward(tmp_path):
    path = _project(tmp_path, 'profile = "midjourney"\nignore = ["MJ3"]\njson-key = "text"\n')
    s = settings_for(path, {})
    assert (s.profile, s.ignore, s.json_key) == ("midjourney", ("MJ3",), "text")
    assert s.config_path == str(tmp_path / "pyproject.toml")


def test_editor_options_win(tmp_path):
    path = _project(tmp_path, 'profile = "midjourney"\nselect = ["MJ1"]\n')
    s = settings_for(path, {"profile": "evolink", "select": "MJ2, MJ3", "jsonKey": "p"})
    assert (s.profile, s.select, s.json_key) == ("evolink", ("MJ2", "MJ3"), "p")


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


def test_bad_configuration_names_the_file(tmp_path):
    path = _project(tmp_path, 'profile = "v6"\n')
    with pytest.raises(SettingsError, match=r"pyproject\.toml"):
        settings_for(path, None)
