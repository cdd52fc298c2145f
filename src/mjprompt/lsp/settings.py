"""The language server's settings: the project's configuration, then the editor's.

The configuration has one home, the CLI's: :func:`mjprompt.cli.config.config_for` finds
the nearest ``.mjprompt.toml`` / ``mjprompt.toml`` / ``pyproject.toml`` with
``[tool.mjprompt]`` from the document's directory upward, and
:class:`mjprompt.cli.selection.RuleChoice` turns its profile, select/ignore, their
extensions and ``per-file-ignores`` into the explicit list of codes that run on that
file, as ``mjprompt check FILE`` chooses them. ``initializationOptions`` from the editor
(``{"profile": "midjourney"}``, ``select``, ``ignore``) win over the file, as the
command line does: they replace the file's ``select`` / ``ignore``, while its
``extend-*`` and ``per-file-ignores`` still apply. ``maxDiagnostics`` is the editor's
alone: how many diagnostics a document shows at most.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from ..cli.config import Config, ConfigError, config_for, find_config, load_config
from ..cli.discovery import DEFAULT_INCLUDE, matches
from ..cli.selection import RuleChoice
from ..rules.base import PROFILES

__all__ = [
    "LANGUAGE_ID",
    "MAX_DIAGNOSTICS",
    "Settings",
    "SettingsError",
    "is_prompt_file",
    "project_config",
    "settings_for",
]

# The language id editors are told to give prompt files.
LANGUAGE_ID = "mjprompt"
# The most diagnostics one document shows at a time (0: no limit). LSP sends all of a
# document's diagnostics again after every edit, about 300 bytes each: a file with a
# finding on each of 100,000 lines would move 30 MB through the pipe per keystroke,
# which alone takes longer than the 20 ms an edit may take. Past the limit the findings
# shown are those of the lines around the last edit or the cursor (see Document.window).
MAX_DIAGNOSTICS = 10_000


class SettingsError(Exception):
    """The configuration or the editor's options are invalid (the message says where)."""


@attrs.frozen(slots=True)
class Settings:
    """What linting a document needs.

    ``select`` is the explicit list of codes that run on the file (None: every rule of
    the profile, as with no configuration at all); ``ignore`` is only set by callers
    that build settings by hand. ``max_diagnostics``: the most a document shows (0: all).
    """

    profile: str = "evolink"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    json_key: str = "prompt"
    config_path: str | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    max_diagnostics: int = MAX_DIAGNOSTICS


def project_config(path: str | None) -> Config:
    """The configuration that applies to the file at ``path`` (the CLI's lookup; from
    the working directory for a document without a path)."""
    try:
        if path is not None:
            return config_for(path)
        found = find_config(None)
        return Config(None) if found is None else load_config(found)
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None


def _codes(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where} must be a list of rule codes")
    return tuple(v.strip() for v in value if v.strip())


def settings_for(path: str | None, options: Mapping[str, Any] | None) -> Settings:
    """The settings for a document: configuration file, then the editor's options."""
    config = project_config(path)
    options = options or {}
    choice = RuleChoice.from_config(config)
    profile = options.get("profile", choice.profile)
    if profile not in PROFILES:
        raise SettingsError(
            f"initializationOptions.profile must be one of {', '.join(PROFILES)}, not {profile!r}"
        )
    select = _codes(options.get("select"), "initializationOptions.select")
    ignore = _codes(options.get("ignore"), "initializationOptions.ignore")
    key = options.get("jsonKey", config.get("json-key", "prompt"))
    if not isinstance(key, str):
        raise SettingsError("initializationOptions.jsonKey must be a string")
    limit = options.get("maxDiagnostics", MAX_DIAGNOSTICS)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise SettingsError("initializationOptions.maxDiagnostics must be a whole number >= 0")
    choice = choice.replace(
        profile=profile,
        select=select if select is not None else choice.select,
        ignore=ignore if ignore is not None else choice.ignore,
    )
    unchosen = RuleChoice(profile=profile)
    codes = choice.codes(path)
    return Settings(
        profile=profile,
        # Every rule of the profile is written None, so the lint cache keys stay short.
        select=None if codes == unchosen.codes() else codes,
        json_key=key,
        config_path=config.path,
        include=tuple(config.get("include", DEFAULT_INCLUDE)),
        max_diagnostics=limit,
    )


def is_prompt_file(language_id: str, path: str | None, settings: Settings) -> bool:
    """True for a document the server lints.

    A document the editor calls ``mjprompt``, or a file whose name matches the
    ``include`` patterns that ``mjprompt check`` uses for directories: so that a generic
    client sending every plain-text or JSON file gets findings for prompt files only.
    """
    if language_id == LANGUAGE_ID:
        return True
    return path is not None and matches(path.replace(os.sep, "/"), settings.include)
