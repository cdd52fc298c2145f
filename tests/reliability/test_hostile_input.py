"""Hostile input through the real CLI (a child process) and through the library.

Each case: a clear message naming the file and line, the documented exit code
(docs/cli.md: 1 findings, 2 input or usage errors), no traceback, and the run ends by
itself (every child has a hard timeout). How cost grows with size is in
``test_scaling.py``; peak memory over a million lines in ``test_memory.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import mjprompt
from mjprompt.cli.sources import MAX_LINE_BYTES
from mjprompt.diagnostics import Severity
from mjprompt.expand import ExpansionError, NestingError, count_expansions, expand
from mjprompt.parser import PromptSyntaxError, parse_lenient

Cli = Callable[..., Any]

BAD = "a cat \u2013ar 2:3"  # an en dash marker: MJ101, an error at column 7
TEN_MB = 10 * 1024 * 1024


def _codes(text: str, **kwargs: Any) -> list[str]:
    return [d.code for d in mjprompt.lint(text, **kwargs)]


# ------------------------------------------------------------------- a 10 MB line


@pytest.fixture(scope="module")
def ten_mb_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.prompt"
    line = b"a cat " * (TEN_MB // 6)
    path.write_bytes(line + b"\n" + BAD.encode() + b"\n")
    return path


def test_ten_mb_line_is_reported_and_skipped_and_the_next_line_checked(
    cli: Cli, ten_mb_file: Path
) -> None:
    run = cli("check", str(ten_mb_file), "--jobs", "1")
    assert run.returncode == 2  # an input error
    length = TEN_MB // 6 * 6
    assert f"{ten_mb_file}:1:1: error: line of {length} bytes skipped" in run.stderr
    assert f"{ten_mb_file}:2:7: MJ101" in run.stdout  # the rest of the file is checked
    # The line is counted, never held: far less memory than the line itself.
    assert run.peak_rss_mb < 120, run.peak_rss_mb


def test_ten_mb_line_on_stdin_and_fix_leaves_the_file_alone(cli: Cli, ten_mb_file: Path) -> None:
    data = ten_mb_file.read_bytes()
    run = cli("check", "-", stdin=data)
    assert run.returncode == 2
    assert "-:1:1: error: line of" in run.stderr
    run = cli("fix", str(ten_mb_file))
    assert run.returncode == 2
    assert "not rewritten because of the input errors above" in run.stderr
    assert ten_mb_file.read_bytes() == data


def test_ten_mb_prompt_on_stdin_is_refused_by_the_api_commands(cli: Cli) -> None:
    data = b"a cat " * (TEN_MB // 6)
    run = cli("payload", "-", stdin=data)
    assert run.returncode == 2
    assert f"<stdin>: longer than {MAX_LINE_BYTES} bytes" in run.stderr
    assert run.stdout == ""


def test_library_reports_an_over_long_prompt_at_the_limit() -> None:
    # The library lints what it is given; the CLI keeps lines over 1 MiB away from it
    # (see the scaling test for the cost of a long prompt).
    text = "a cat " * (MAX_LINE_BYTES // 6)
    found = [d for d in mjprompt.lint(text) if d.code == "MJ208"]
    assert len(found) == 1
    assert found[0].span.start == 8192
    assert str(len(text)) in found[0].message
    assert found[0].severity is Severity.ERROR
    with pytest.raises(mjprompt.PayloadError):
        mjprompt.build_payload(text)


# ------------------------------------------------------------------- braces


def test_ten_thousand_open_braces(cli: Cli) -> None:
    text = "{" * 10_000
    run = cli("check", "-p", text, "--format", "json")
    assert run.returncode == 1
    findings = json.loads(run.stdout)
    codes = [f["code"] for f in findings]
    assert codes.count("MJ111") == 10_000  # one per brace; and MJ208: it is too long
    assert set(codes) == {"MJ111", "MJ208"}
    assert findings[0]["line"] == 1
    assert findings[0]["column"] == 1
    run = cli("expand", text)
    assert run.returncode == 2
    assert "<prompt>:1:1: MJ111 error `{` is never closed" in run.stderr
    # The library: lint reports, parse and expand refuse with a position.
    assert _codes(text).count("MJ111") == 10_000
    assert str(parse_lenient(text)) == text
    with pytest.raises(PromptSyntaxError) as info:
        mjprompt.parse(text)
    assert info.value.diagnostics[0].span.start == 0
    with pytest.raises(PromptSyntaxError):
        expand(text)


def test_ten_thousand_nested_groups(cli: Cli) -> None:
    text = "{" * 10_000 + "a" + "}" * 10_000
    assert count_expansions(mjprompt.parse(text)) == 1
    with pytest.raises(NestingError) as info:
        expand(text)
    assert info.value.depth == 10_000
    run = cli("expand", text)
    assert run.returncode == 2
    assert "nest 10000 levels deep; at most 50 are expanded" in run.stderr
    for profile in ("evolink", "midjourney"):
        run = cli("check", "--profile", profile, "-p", text, "--format", "json")
        assert run.returncode in (0, 1)
        json.loads(run.stdout)


# ------------------------------------------------------------------- permutations


def _explosive(groups: int, options: int = 10) -> str:
    group = "{" + ", ".join(f"o{i}" for i in range(options)) + "}"
    return "a cat " + " ".join([group] * groups) + " --ar 2:3"


@pytest.fixture
def no_expanding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make building expansions fail: a prompt refused by its count never gets there."""

    def boom(*_: object) -> list[object]:
        raise AssertionError("expansions were built")

    import mjprompt.expand

    monkeypatch.setattr(mjprompt.expand, "expansions", boom)
    # The driver module (`mjprompt.lint` the attribute is the function of that name).
    monkeypatch.setattr(importlib.import_module("mjprompt.lint"), "expansions", boom)


@pytest.mark.usefixtures("no_expanding")
@pytest.mark.parametrize(("groups", "count"), [(6, 10**6), (12, 10**12), (100, 10**100)])
def test_millions_of_expansions_are_refused_before_expanding(groups: int, count: int) -> None:
    text = _explosive(groups)
    assert count_expansions(mjprompt.parse(text)) == count
    with pytest.raises(ExpansionError) as info:
        expand(text)
    assert info.value.count == count
    with pytest.raises(ExpansionError):
        expand(text, limit=count - 1)
    found = [d for d in mjprompt.lint(text, profile="midjourney") if d.code == "MJ212"]
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR


def test_millions_of_expansions_through_the_cli(cli: Cli) -> None:
    text = _explosive(6)
    run = cli("expand", text, timeout=30)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "<prompt>:1: the prompt expands to 1000000 prompts, more than the limit of 40" in (
        run.stderr
    )
    run = cli("expand", "--limit", "100000", "-", stdin=f"# a\n{_explosive(100)}\n".encode())
    assert run.returncode == 2
    assert "<stdin>:2: the prompt expands to about 10^100 prompts" in run.stderr
    run = cli("check", "--profile", "midjourney", "-p", text)
    assert run.returncode == 1
    assert "<prompt>:1:7: MJ212 error the permutations make 1000000 jobs" in run.stdout
    assert run.peak_rss_mb < 150, run.peak_rss_mb


# ------------------------------------------------------------------- encodings


def test_invalid_utf8_names_file_line_and_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.prompt"
    path.write_bytes(BAD.encode() + b"\n# fine\nab\xc3\xa9c\xff\xfe tail\nnot read\n")
    run = cli("check", str(path))
    assert run.returncode == 2
    assert f"{path}:1:7: MJ101" in run.stdout  # lines before the bad byte are checked
    assert f"{path}:3:5: error: invalid UTF-8 (byte 0xff)" in run.stderr
    run = cli("check", "-", stdin=path.read_bytes())
    assert "-:3:5: error: invalid UTF-8" in run.stderr
    run = cli("payload", "-", stdin=b"a cat \xe2\x80")
    assert run.returncode == 2
    assert "<stdin>:1:7: invalid UTF-8 (byte 0xe2)" in run.stderr
    run = cli("expand", "-", stdin=b"a {b, c}\n\xff\n")
    assert run.returncode == 2
    assert "<stdin>:2:1: invalid UTF-8 (byte 0xff)" in run.stderr


def test_invalid_utf8_in_json_documents(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.prompts.json"
    path.write_bytes(b'[\n  "a cat",\n  "x\xff"\n]\n')
    run = cli("check", str(path))
    assert run.returncode == 2
    assert f"{path}:3:5: error: invalid UTF-8 (byte 0xff)" in run.stderr
    lines = tmp_path / "p.jsonl"
    lines.write_bytes(b'"a cat"\n{"prompt": "x\xc0\xaf"}\n')
    run = cli("check", str(lines))
    assert f"{lines}:2:14: error: invalid UTF-8 (byte 0xc0)" in run.stderr


def test_nul_bytes(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.prompt"
    path.write_bytes(b"a cat\x00 --ar 16:9\n" + BAD.encode() + b"\nb\x00\n")
    run = cli("check", str(path))
    assert run.returncode == 2
    assert f"{path}:1:6: error: NUL byte" in run.stderr
    assert run.stderr.count("NUL byte") == 1  # once per file
    assert f"{path}:2:7: MJ101" in run.stdout  # the file is still checked
    run = cli("payload", "-", stdin=b"a cat\x00\n")
    assert run.returncode == 2
    assert "<stdin>:1:6: NUL byte" in run.stderr
    # The library takes any str: NUL is just a character to the parser.
    text = "a cat\x00 --ar 16:9"
    assert str(parse_lenient(text)) == text
    mjprompt.lint(text)
    mjprompt.fix(text, unsafe=True)


def test_byte_order_marks(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.prompt"
    original = b"\xef\xbb\xbf" + BAD.encode() + b"\r\n"
    path.write_bytes(original)
    run = cli("check", str(path))
    assert run.returncode == 1
    assert f"{path}:1:7: MJ101" in run.stdout  # the BOM takes no column
    run = cli("fix", str(path))
    assert run.returncode == 1  # it changed the file
    assert path.read_bytes() == b"\xef\xbb\xbfa cat --ar 2:3\r\n"  # BOM and CRLF kept
    utf16 = tmp_path / "u16.prompt"
    utf16.write_bytes("a cat\n".encode("utf-16"))
    run = cli("check", str(utf16))
    assert run.returncode == 2
    assert f"{utf16}:1:1: error: the file starts with a UTF-16 byte order mark" in run.stderr
    utf16le = tmp_path / "u16le.prompt"
    utf16le.write_bytes("a cat\n".encode("utf-16-le"))
    run = cli("check", str(utf16le))
    assert f"{utf16le}:1:2: error: NUL byte" in run.stderr
    # In the library a BOM is one more character (a file reader strips it).
    assert str(parse_lenient("\ufeffa cat")) == "\ufeffa cat"
    mjprompt.lint("\ufeffa cat \ufeff --ar 2:3")


@pytest.mark.parametrize(
    ("eol", "name"), [(b"\r\n", "crlf"), (b"\r", "cr"), (b"\n", "lf"), (None, "mixed")]
)
def test_line_endings(cli: Cli, tmp_path: Path, eol: bytes | None, name: str) -> None:
    lines = [b"# header", BAD.encode(), b"", b"a dog \xe2\x80\x94ar 1:1", b"a bird --ar 1:1"]
    ends = [eol or e for e in (b"\r\n", b"\n", b"\r", b"\r\n", b"")]
    data = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    path = tmp_path / f"{name}.prompt"
    path.write_bytes(data)
    run = cli("check", str(path), "--format", "json")
    assert run.returncode == 1
    found = {(f["line"], f["column"], f["code"]) for f in json.loads(run.stdout)}
    assert (2, 7, "MJ101") in found
    assert (4, 7, "MJ103") in found
    run = cli("fix", str(path))
    fixed = path.read_bytes()
    # Every line keeps its own ending; only the prompts changed.
    assert fixed.count(b"\r\n") == data.count(b"\r\n")
    assert fixed.count(b"\r") == data.count(b"\r")
    assert fixed.count(b"\n") == data.count(b"\n")
    assert b"a cat --ar 2:3" in fixed
    assert b"a dog --ar 1:1" in fixed
    # The library: a line break inside one prompt is just whitespace to the parser.
    text = "a cat\r\n--ar 2:3\rb"
    assert str(parse_lenient(text)) == text
    mjprompt.lint(text)


@pytest.mark.parametrize("kind", ["random", "png", "gzip", "zeros"])
def test_binary_files(cli: Cli, tmp_path: Path, kind: str) -> None:
    rng = random.Random(7)
    data = {
        "random": bytes(rng.getrandbits(8) for _ in range(200_000)),
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
        + bytes(rng.getrandbits(8) for _ in range(5000)),
        "gzip": b"\x1f\x8b\x08\x00" + bytes(rng.getrandbits(8) for _ in range(5000)),
        "zeros": b"\x00" * 3_000_000,
    }[kind]
    path = tmp_path / f"{kind}.prompt"
    path.write_bytes(data)
    run = cli("check", str(path))
    assert run.returncode == 2
    assert run.stderr.startswith(f"{path}:"), run.stderr[:300]
    # The first thing wrong is named: a bad byte, a NUL, or (zeros) a 3 MB "line".
    assert any(m in run.stderr for m in ("error: invalid UTF-8", "error: NUL", "error: line of"))
    assert len(run.stdout) < 10_000  # not a finding per byte
    run = cli("format", "--check", str(path))
    assert run.returncode == 2


# ------------------------------------------------------------------- unreadable


@attrs.frozen
class LockedOut:
    """Runs the CLI as a user that file modes apply to: this user, or ``nobody`` when the
    tests run as root (as in CI), where chmod 000 would stop nothing."""

    folder: Path  # a scratch folder that user can enter (not under root's 0700 tmp)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "mjprompt", *args]
        if os.geteuid() == 0:
            command = [*_drop_root(), *command]
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=self.folder,
            # HOME in the scratch folder: root's own home is closed to nobody.
            env={**_clean_env(), "HOME": str(self.folder)},
        )
        assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
        return proc


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("EVOLINK_", "MJPROMPT_"))}


def _drop_root() -> list[str]:
    """The command prefix that runs a program as nobody; root without one fails the test
    (a skip would hide the check in CI, which runs as root)."""
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.fail("running as root with neither setpriv nor runuser to drop to nobody")


@pytest.fixture
def locked_out() -> Iterator[LockedOut]:
    folder = Path(tempfile.mkdtemp(prefix="mjprompt-locked-"))
    folder.chmod(0o755)
    try:
        yield LockedOut(folder)
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(stat.S_IRWXU)  # give back what a test took away, then remove
        shutil.rmtree(folder)


def test_unreadable_file(locked_out: LockedOut) -> None:
    folder = locked_out.folder
    path = folder / "locked.prompt"
    path.write_text("a cat\n", encoding="utf-8")
    path.chmod(0)
    run = locked_out.run("check", str(path), str(folder))
    assert run.returncode == 2, run.stderr
    assert f"{path}: error: cannot read: Permission denied" in run.stderr
    assert run.stderr.count("Permission denied") == 1  # named once, walked or not


def test_unlistable_directory(locked_out: LockedOut) -> None:
    folder = locked_out.folder
    locked = folder / "prompts" / "locked"
    locked.mkdir(parents=True)
    (locked / "x.prompt").write_text("a cat\n", encoding="utf-8")
    (folder / "found.prompt").write_text(BAD + "\n", encoding="utf-8")
    for path in (folder / "prompts", folder / "found.prompt"):
        path.chmod(0o755)  # whatever the umask: only `locked` is closed
    locked.chmod(0)
    run = locked_out.run("check", str(folder))
    assert run.returncode == 2, run.stderr
    assert f"{locked}: error: cannot read directory: Permission denied" in run.stderr
    # The walk goes on past the locked folder: the file beside it is checked.
    assert f"{folder / 'found.prompt'}:1:7: MJ101" in run.stdout, run.stdout


def test_the_locked_out_runner_really_is_locked_out(locked_out: LockedOut) -> None:
    """The two tests above are not vacuous: the same runner reads the file once its mode
    allows it (so a "Permission denied" comes from the mode, not from the setup)."""
    path = locked_out.folder / "open.prompt"
    path.write_text(BAD + "\n", encoding="utf-8")
    path.chmod(0o644)
    assert locked_out.run("check", str(path)).returncode == 1
    path.chmod(0)
    assert locked_out.run("check", str(path)).returncode == 2


def test_entries_that_cannot_be_read_even_by_root(cli: Cli, tmp_path: Path) -> None:
    """What root cannot read either: a link whose target vanished, a named pipe (which
    would block the reader forever), a directory given as the prompt file."""
    (tmp_path / "ok.prompt").write_text(BAD + "\n", encoding="utf-8")
    (tmp_path / "gone.prompt").symlink_to(tmp_path / "vanished.prompt")
    os.mkfifo(tmp_path / "pipe.prompt")
    run = cli("check", str(tmp_path), timeout=30)
    assert run.returncode == 2
    assert f"{tmp_path / 'gone.prompt'}: error: cannot read: No such file or directory" in (
        run.stderr
    )
    assert f"{tmp_path / 'pipe.prompt'}: error: not a regular file (a named pipe)" in run.stderr
    assert f"{tmp_path / 'ok.prompt'}:1:7: MJ101" in run.stdout
    run = cli("check", str(tmp_path / "gone.prompt"))
    assert run.returncode == 2
    assert "cannot read: No such file or directory" in run.stderr
    run = cli("generate", "--file", str(tmp_path), "--out", str(tmp_path / "o"))
    assert run.returncode == 2
    assert "is a directory" in run.stderr
    run = cli("generate", "--file", str(tmp_path / "gone.prompt"), "--out", str(tmp_path / "o"))
    assert run.returncode == 2
    assert "cannot read: No such file or directory" in run.stderr


# ------------------------------------------------------------------- symlink loops


def test_symlink_loops_in_a_directory_walk(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    sub = root / "prompts" / "deep"
    sub.mkdir(parents=True)
    (root / "cats.prompt").write_text(BAD + "\n", encoding="utf-8")
    (sub / "up").symlink_to(root, target_is_directory=True)  # a directory loop
    (sub / "self").symlink_to(sub, target_is_directory=True)
    (root / "a.prompt").symlink_to(root / "b.prompt")  # a file loop
    (root / "b.prompt").symlink_to(root / "a.prompt")
    (root / "me.prompt").symlink_to(root / "me.prompt")
    (root / "again.prompt").symlink_to(root / "cats.prompt")  # the same file twice
    run = cli("check", str(root), timeout=30)
    assert run.returncode == 2
    for name in ("a.prompt", "b.prompt", "me.prompt"):
        assert f"{root / name}: error: cannot read: Too many levels of symbolic links" in (
            run.stderr
        )
    assert run.stdout.count("MJ101") == 1  # cats.prompt, read once through two names
    assert "1 prompt in" in run.stdout


# ------------------------------------------------------------------- terminals


def test_control_characters_never_reach_the_terminal(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "esc.prompt"
    path.write_bytes(b"a cat --fo\x1b]0;owned\x07o 2 \x1b[2J\n")
    run = cli("check", str(path), "--show-source")
    assert run.returncode == 1
    assert "\x1b" not in run.output
    assert "\x07" not in run.output
    assert "--fo\u241b]0;owned\u2407o" in run.stdout
    data = json.loads(cli("check", str(path), "--format", "json").stdout)
    assert "\x1b" in data[0]["message"]  # JSON escapes it; the data is kept


def test_any_file_content_gives_a_documented_exit_code(cli: Cli, tmp_path: Path) -> None:
    """A sample of hostile files (the strategy's shapes, fixed seeds): each run ends
    with 0, 1 or 2 and valid JSON on standard output."""
    from hypothesis import HealthCheck, given, settings

    from mjprompt.strategies import prompt_files

    seen: list[bytes] = []

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(prompt_files(hostile=True))
    def collect(data: bytes) -> None:
        seen.append(data)

    collect()
    paths = []
    for i, data in enumerate(seen):
        path = tmp_path / f"f{i}.prompt"
        path.write_bytes(data)
        paths.append(str(path))
    run = cli("check", *paths, "--format", "json", "--jobs", "1")
    assert run.returncode in (0, 1, 2)
    findings = json.loads(run.stdout)
    assert all(f["path"] in paths for f in findings)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_a_named_pipe_given_on_the_command_line_is_read(cli: Cli, tmp_path: Path) -> None:
    """An explicit path is read whatever it is (process substitution gives a pipe)."""
    import threading

    pipe = tmp_path / "p.prompt"
    os.mkfifo(pipe)

    def feed() -> None:
        with open(pipe, "wb") as fh:
            fh.write(BAD.encode() + b"\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    run = cli("check", str(pipe), timeout=30)
    writer.join(5)
    assert run.returncode == 1
    assert f"{pipe}:1:7: MJ101" in run.stdout
