"""Write the synchronous client from the asynchronous one.

    python tools/unasync.py          # rewrite src/mjprompt/client/_sync.py
    python tools/unasync.py --check  # exit 1 (and show the difference) if it is stale

``_async.py`` is the only hand-written client: the sync one is the same code without
``async``/``await``, so it is produced from it by the replacements below (applied in
order, on whole words) and formatted by ``ruff format`` (so a new ruff may ask for the
file to be written again). A test runs ``--check``, so a change to one that is not in the
other cannot land; an async construct the replacements do not know is refused.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "mjprompt" / "client" / "_async.py"
TARGET = ROOT / "src" / "mjprompt" / "client" / "_sync.py"

DOCSTRING = (
    '"""The synchronous client, written from :mod:`._async` by ``tools/unasync.py``.\n\n'
    "Do not edit: edit ``_async.py`` and run the tool (a test checks the two agree).\n"
    '"""'
)

# Exact passages first: what the async client has and the sync one has not.
PASSAGES: tuple[tuple[str, str], ...] = (
    ("import asyncio\n", ""),
    (
        "from collections.abc import AsyncIterator, Awaitable, Callable, Mapping",
        "from collections.abc import Callable, Iterator, Mapping",
    ),
    (
        "Callable[[float], Awaitable[object]] = asyncio.sleep",
        "Callable[[float], object] = time.sleep",
    ),
    (
        # The async twin's own paragraph of the class docstring.
        '"""The asynchronous twin of :class:`mjprompt.Client`: the same arguments, except that\n'
        "    ``sleep`` is a coroutine function and ``transport`` an ``httpx.AsyncBaseTransport``.\n"
        "    ``on_progress`` may be a plain or a coroutine function.\n\n    ",
        '"""',
    ),
    (
        # The async client also bounds the status line and headers by the deadline; the
        # sync one bounds every read by the socket timeout and the body by the deadline.
        "await asyncio.wait_for(\n"
        "                    self._exchange(method, url, body, headers, limit),\n"
        "                    max(0.001, limit - self._clock()) + 0.5,\n"
        "                )",
        "self._exchange(method, url, body, headers, limit)",
    ),
    ("            except asyncio.TimeoutError:\n", "            except TimeoutError:\n"),
    (
        # A progress callback may be a coroutine function in the async client only.
        "result = on_progress(current)\n"
        "                    if asyncio.iscoroutine(result):\n"
        "                        await result\n",
        "on_progress(current)\n",
    ),
)

# Then whole words, in order (in comments and strings too: the files read alike).
WORDS: tuple[tuple[str, str], ...] = (
    ("AsyncBaseTransport", "BaseTransport"),
    ("AsyncIterator", "Iterator"),
    ("AsyncClient", "Client"),
    ("async def __aenter__", "def __enter__"),
    ("async def __aexit__", "def __exit__"),
    ("aclose", "close"),
    ("aiter_bytes", "iter_bytes"),
    ("aiter_raw", "iter_raw"),
    ("aread", "read"),
    ("async def", "def"),
    ("async with", "with"),
    ("async for", "for"),
)
AWAIT = re.compile(r"\bawait\s+")

# What must not be left: an async construct no replacement above knows.
LEFT = re.compile(
    r"\b(async|await|asyncio|Awaitable|Async[A-Z]\w*|aiter|anext|a(iter|read|close)_?\w*)\b"
    r"|__a(enter|exit|iter|next)__"
)

_DOCSTRING = re.compile(r'\A""".*?"""', re.DOTALL)


def unasync(text: str) -> str:
    """The sync module's source (before formatting) from the async module's."""
    text, found = _DOCSTRING.subn(lambda _: DOCSTRING, text, count=1)
    if not found:
        raise ValueError("the async module has no docstring to replace")
    for old, new in PASSAGES:
        found = text.count(old)
        if found != 1:
            where = "not found" if not found else f"found {found} times"
            raise ValueError(f"passage {where} in the async module: {old!r}")
        text = text.replace(old, new)
    for old, new in WORDS:
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    text = AWAIT.sub("", text)
    left = LEFT.search(text)
    if left:
        line = text.count("\n", 0, left.start()) + 1
        raise ValueError(
            f"an async construct is left ({left.group()!r}, line {line}): "
            "add a replacement for it to tools/unasync.py"
        )
    return text


def formatted(text: str) -> str:
    """``text`` as ``ruff format`` (with the project's settings) writes it."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ruff format failed: {done.stderr.strip()}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="compare, do not write")
    args = ap.parse_args(argv)
    wanted = formatted(unasync(SOURCE.read_text(encoding="utf-8")))
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current == wanted:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                wanted.splitlines(keepends=True),
                str(TARGET.relative_to(ROOT)),
                "written from _async.py",
            )
        )
        print(f"\n{TARGET.relative_to(ROOT)} is stale: run python tools/unasync.py")
        return 1
    TARGET.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
