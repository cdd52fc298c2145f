"""Text from prompt files and servers, made safe to print on a terminal.

A prompt file (or an API error message) may hold control characters: an escape sequence
printed raw can recolour, hide or rewrite what the terminal shows, retitle the window or
write the clipboard. Every C0 control but the tab, DEL and the C1 controls are shown as
visible stand-ins instead, one column each, so carets under a source line still line up.
"""

from __future__ import annotations

import re
from typing import TextIO

__all__ = ["printable", "utf8_stream"]

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␛ ␍ …
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no picture


def printable(text: str) -> str:
    """``text`` with control characters (except tab) replaced by visible stand-ins."""
    if text.isprintable():
        return text
    return _CONTROL.sub(_picture, text)


def utf8_stream(stream: TextIO) -> TextIO:
    """The stream writing UTF-8 (JSON and SARIF must be), never failing on a character."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="backslashreplace")
    return stream
