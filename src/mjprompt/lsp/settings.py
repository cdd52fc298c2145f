"""The language server's settings: the project's configuration, then the editor's.

The profile, rule selection and JSON key come from the same configuration as the CLI
(``[tool.mjprompt]``, found from the document's directory upward) through
:func:`project_config`, the one place that reads it; ``initializationOptions`` from
the editor (``{"profile": "midjourney"}``) win over the file, as the command line does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from ..cli.config import ConfigError, find_config, load_config
from ..cli.discovery import DEFAULT_INCLUDE, matches
from ..rules.base import PROFILES

__all__ = [
    "LANGUAGE_ID",
    "Settings",
    "SettingsError",
    "is_prompt_file",
    "project_config",
    "settings_for",
]

# The language id editors are told to give prompt files.
LANGUAGE_ID = "mjprompt"


class SettingsError(Exception):
    """The configuration or the editor's options are invalid (the message says where)."""


@attrs.frozen(slots=True)
class Settings:
    """What linting a document needs."""

    profile: str = "evolink"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    json_key: str = "prompt"
    config_path: str | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE


def project_config(path: str | None) -> tuple[str | None, dict[str, Any]]:
    """(file, values) of the configuration that applies to the file at ``path``.

    The single entry point to the CLI's loader, so that it can be re-pointed when the
    loader learns new files (``mjprompt.toml``) or per-file settings.
    """
    start = os.path.dirname(os.path.abspath(path)) if path else None
    found = find_config(start)
    if found is None:
        return None, {}
    try:
        config = load_config(found)
    except ConfigError as exc:
        raise SettingsError(str(exc)) from None
    return config.path, dict(config.values)


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
    config_path, values = project_config(path)
    options = options or {}
    profile = options.get("profile", values.get("profile", "evolink"))
    if profile not in PROFILES:
        raise SettingsError(
            f"initializationOptions.profile must be one of {', '.join(PROFILES)}, not {profile!r}"
        )
    select = _codes(options.get("select"), "initializationOptions.select")
    ignore = _codes(options.get("ignore"), "initializationOptions.ignore")
    key = options.get("jsonKey", values.get("json-key", "prompt"))
    if not isinstance(key, str):
        raise SettingsError("initializationOptions.jsonKey must be a string")
    return Settings(
        profile=profile,
        select=select if select is not None else values.get("select"),
        ignore=ignore if ignore is not None else values.get("ignore"),
        json_key=key,
        config_path=config_path,
        include=tuple(values.get("include", DEFAULT_INCLUDE)),
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
