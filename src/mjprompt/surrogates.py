"""Lone surrogates: code points a Python string can hold that are not characters.

Its own small module (standard library only) so that the CLI can refuse such a prompt at
once without importing :mod:`mjprompt.payload` and the callback checks behind it: a
one-prompt ``check -p`` imports this instead (about 15-20 ms less at start-up).
"""

from __future__ import annotations

__all__ = ["surrogate_problem"]


def surrogate_problem(text: str) -> tuple[int, str] | None:
    """(index, message) of the first lone surrogate in ``text``; None if there is none.

    A lone surrogate is not a character: it cannot be encoded as UTF-8 (so it cannot be
    sent) and it is what Python makes of a byte that was not UTF-8 in a command-line
    argument (``\\udcff`` for 0xff) or of a ``\\udXXX`` escape in JSON.
    """
    for index, char in enumerate(text):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            why = f"U+{code:04X}, a lone surrogate, which is not a character"
            if 0xDC80 <= code <= 0xDCFF:
                why += f" (an undecodable byte 0x{code - 0xDC00:02x} becomes one)"
            return index, why
    return None
