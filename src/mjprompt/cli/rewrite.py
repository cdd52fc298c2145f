"""Writing fixed or formatted files back, and unified diffs of what would change.

A file is rewritten only when its content changed, atomically (a temporary file in the
same directory, then a rename), keeping its permission bits; a symbolic link is followed
and the file it points to is rewritten.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat

__all__ = ["unified_diff", "write_atomic"]

# Split after each line terminator, counting \r\n once (str.splitlines would also split
# on form feeds and U+2028, which are ordinary characters in a prompt file).
_LINES = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def _lines(text: str) -> list[str]:
    return [line for line in _LINES.split(text) if line]


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff with three lines of context; empty when nothing changed."""
    import difflib

    out = []
    for line in difflib.unified_diff(_lines(old), _lines(new), path, path):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def write_atomic(path: str, data: bytes) -> None:
    """Replace the content of ``path`` with ``data`` (raises OSError)."""
    import tempfile

    target = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, temporary = tempfile.mkstemp(
        dir=os.path.dirname(target), prefix=".mjprompt-", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
