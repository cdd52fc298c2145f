"""The sync client is written from the async one by tools/unasync.py, never by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "unasync.py"


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False
    )


def test_the_sync_client_is_what_the_tool_writes() -> None:
    done = _tool("--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_replacements_leave_no_async_construct() -> None:
    sys.path.insert(0, str(TOOL.parent))
    try:
        import unasync
    finally:
        sys.path.remove(str(TOOL.parent))
    source = (ROOT / "src" / "mjprompt" / "client" / "_async.py").read_text("utf-8")
    text = unasync.unasync(source)
    assert "class Client:" in text and "def __enter__" in text and "time.sleep" in text
    assert "await" not in text and "asyncio" not in text
    # A construct the tool does not know is refused, not copied into the sync client.
    for unknown in (
        "await asyncio.gather()",
        "stack = contextlib.AsyncExitStack()",
        "lines = response.aiter_lines()",
        "value = await anext(it)",
    ):
        with pytest.raises(ValueError, match="async construct"):
            unasync.unasync(f"{source}\n\nasync def extra() -> None:\n    {unknown}\n")
    # Known words are replaced as whole words only.
    extra = "\n\nasync def extra() -> None:\n    self.areader = await self.aclose_all\n"
    with pytest.raises(ValueError, match="areader"):
        unasync.unasync(source + extra)
    with pytest.raises(ValueError, match="passage not found"):
        unasync.unasync(source.replace("import asyncio\n", ""))
    with pytest.raises(ValueError, match="passage found 2 times"):
        unasync.unasync(source.replace("import asyncio\n", "import asyncio\nimport asyncio\n"))
