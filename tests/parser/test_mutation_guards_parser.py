"""The Lark parser's set-up pinned for the mutation runs (docs/testing.md, issue 21).

Most of ``mjprompt.parser`` runs once per process (the compiled parser is cached), so
the ordinary parse tests exercise it only on their first call. These tests build the
parser afresh or start a new interpreter, and check what a user depends on: where the
compiled grammar is cached (a private folder, named by the grammar), that the grammar
reads the same under a non-UTF-8 locale and from a zipped install, that the cheap file
read is taken (no ``importlib.resources`` at start), and that the fast entry into
Lark's loop is taken and parses like ``Lark.parse``.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mjprompt import parser as lark_parser
from mjprompt.ast import Permutation, Prompt
from mjprompt.diagnostics import Span
from mjprompt.parser import PromptSyntaxError, grammar_text, terminal_pattern
from mjprompt.parsing import parse_lenient

PROMPTS = (
    "a cat --ar 16:9 --s 50",
    "<https://e.com/a.png> a {red, blue} bird::2 --no {x, y} z --ar {1:1, 2:3}",
    "a {b, {c, d} e --ar 1:1",  # unclosed: closed at the end by the error handler
    "",
)


def _summary(prompt: Prompt) -> tuple[object, ...]:
    return (prompt.images, prompt.text, [(p.span, p.raw, p.value) for p in prompt.params])


def _digest() -> str:
    return hashlib.sha256(grammar_text().encode("utf-8")).hexdigest()[:16]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_the_compiled_grammar_is_cached_in_a_private_folder_named_by_the_grammar(
    cache_home: Path,
) -> None:
    built = lark_parser._PromptParser()
    folder = cache_home / "mjprompt"
    assert sorted(os.listdir(folder)) == [f"grammar-{_digest()}.lark-cache"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # The parser built from (and the one loaded from) the cache parse like the lenient one.
    for parser in (built, lark_parser._PromptParser()):
        for text in PROMPTS:
            assert _summary(parser.parse(text)) == _summary(parse_lenient(text, "lark"))


def test_without_xdg_cache_home_the_cache_is_under_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert lark_parser._cache_path("g") == str(
        tmp_path / ".cache" / "mjprompt" / f"grammar-{hashlib.sha256(b'g').hexdigest()[:16]}"
        ".lark-cache"
    )


def test_a_cache_folder_owned_by_someone_else_is_not_used(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (cache_home / "mjprompt").mkdir(parents=True)
    owner = (cache_home / "mjprompt").stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    assert lark_parser._cache_path(grammar_text()) is False
    # Without a cache the parser still builds and parses, and writes nothing there.
    assert _summary(lark_parser._PromptParser().parse(PROMPTS[1])) == _summary(
        parse_lenient(PROMPTS[1], "lark")
    )
    assert os.listdir(cache_home / "mjprompt") == []


def test_the_fast_entry_into_lark_is_taken_and_parses_like_lark_parse() -> None:
    # With the Lark version the project pins, the set-up per call is skipped; falling
    # back to Lark.parse silently would cost a good part of the parse time.
    parser = lark_parser._PromptParser()
    assert parser._direct is not None
    for text in PROMPTS[:2]:
        direct = parser._direct(text)
        assert direct == parser._parse_recovering(text)


def _run(code: str, cwd: Path, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


PROBE = """
import hashlib
from mjprompt.parser import grammar_text
from mjprompt.parsing import parse_lenient
print(hashlib.sha256(grammar_text().encode("utf-8")).hexdigest())
print(parse_lenient("a {b, c} --ar 1:1", "lark").params[0].raw)
"""

# The cheap file read is taken: importlib.resources (about 10 ms of imports at every
# start) is only for a zipped install. It may be imported by something else already,
# so it is made unusable rather than looked for in sys.modules.
NO_RESOURCES = """
import importlib.resources
def refuse(*args, **kwargs):
    raise AssertionError("the grammar was read through importlib.resources")
importlib.resources.files = refuse
"""


def test_the_grammar_reads_the_same_under_an_ascii_locale(tmp_path: Path) -> None:
    # The grammar holds non-ASCII characters (the dash markers): read as UTF-8 always.
    assert not grammar_text().isascii()
    out = _run(NO_RESOURCES + PROBE, tmp_path, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    full = hashlib.sha256(grammar_text().encode("utf-8")).hexdigest()
    assert out.split() == [full, "--ar", "1:1"]


def test_the_grammar_is_found_in_a_zipped_install(tmp_path: Path) -> None:
    package = Path(lark_parser.__file__).parent
    archive = tmp_path / "mjprompt.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(package.parent).as_posix())
    out = _run(
        "import mjprompt.parser as p; print(p.__file__);" + PROBE, tmp_path, PYTHONPATH=str(archive)
    )
    where, digest, name, value = out.split()
    assert where.startswith(str(archive))
    assert [digest, name, value] == [
        hashlib.sha256(grammar_text().encode("utf-8")).hexdigest(),
        "--ar",
        "1:1",
    ]


def test_a_missing_terminal_is_named() -> None:
    assert terminal_pattern("NAME: /[a-z]+/\n", "NAME") == "[a-z]+"
    with pytest.raises(RuntimeError, match=r"^terminal VALUE not found in the grammar$"):
        terminal_pattern("NAME: /[a-z]+/\n", "VALUE")


def test_the_lark_modules_parse_raises_with_the_unclosed_brace() -> None:
    with pytest.raises(PromptSyntaxError) as caught:
        lark_parser.parse("a {b, c --ar 1:1")
    assert str(caught.value) == "MJ111 at 2: `{` is never closed"
    assert [(d.code, d.span) for d in caught.value.diagnostics] == [("MJ111", Span(2, 3))]
    assert lark_parser.parse("a {b, c}").text_source == "a {b, c}"


def test_a_permutation_is_closed_unless_said_otherwise() -> None:
    assert Permutation(Span(0, 2), ()).closed is True
    assert Permutation(Span(0, 1), (), closed=False).closed is False
