"""The forms the commands share: one finding line, one UTF-8 decoder, one seconds type.

Each was written in several places and the copies had drifted (the seconds of ``wait``
refused ``inf``, those of ``sandbox`` took it; ``expand -`` named the line of a bad byte
but not its column). These tests hold every user of each form to the same output.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pytest

from mjprompt.cli import argtypes
from mjprompt.cli.decoding import InvalidUtf8, decode_utf8
from mjprompt.diagnostics import Diagnostic, Severity, Span
from mjprompt.findings_text import FindingLine, diagnostic_text, position_text
from mjprompt.payload import PayloadError, build_payload
from mjprompt.sandbox.envelope import ApiError
from mjprompt.sandbox.validate import validate

from .conftest import Runner

EN_DASH = "a cat \u2013ar 2:3"  # MJ101 (an error) at column 7


# ------------------------------------------------------------------- finding lines


def test_position_leaves_out_what_is_unknown() -> None:
    assert position_text("f", 3, 4) == "f:3:4"
    assert position_text("f", 3) == "f:3"
    assert position_text("f", None, 4) == "f"  # a column needs its line
    assert position_text(None, 3, 4) == "3:4"
    assert position_text(None) == ""


def test_finding_line_and_its_parts() -> None:
    assert FindingLine("MJ101", "error", "m", "f", 2, 5).text() == "f:2:5: MJ101 error m"
    assert FindingLine("MJ101", "error", "m").text() == "MJ101 error m"
    assert FindingLine("X1", "info", "m", "<prompt>", 1, 1).parts() == (
        "<prompt>:1:1:",
        "X1 info",
        "m",
    )


def test_diagnostic_text_positions_the_prompt_in_its_input() -> None:
    d = Diagnostic("MJ101", "r", Severity.ERROR, "msg", Span(2, 3))
    assert diagnostic_text(d, "abcd") == "1:3: MJ101 error msg"
    # A prompt on line 4 of a file, starting at column 10 (0-based 9).
    assert diagnostic_text(d, "abcd", label="f", first_line=4, column_offset=9) == (
        "f:4:12: MJ101 error msg"
    )
    # The column offset applies to the prompt's first line only.
    later = Diagnostic("MJ101", "r", Severity.ERROR, "msg", Span(5, 6))
    assert diagnostic_text(later, "ab\ncdef", label="f", first_line=4, column_offset=9) == (
        "f:5:3: MJ101 error msg"
    )


def test_every_place_prints_a_finding_the_same_way(cli: Runner, tmp_path: Path) -> None:
    line = "MJ101 error"
    check = cli("check", "-p", EN_DASH)
    assert f"<prompt>:1:7: {line}" in check.out
    payload = cli("payload", EN_DASH)
    assert payload.code == 1
    assert f"<prompt>:1:7: {line}" in payload.err
    message = check.out.split(f"{line} ", 1)[1].splitlines()[0]
    assert f"<prompt>:1:7: {line} {message}" in payload.err
    unclosed = "a {b, c"
    expand = cli("expand", unclosed)
    checked = cli("check", "-p", unclosed)
    found = next(row for row in checked.out.splitlines() if "MJ111" in row)
    assert found.startswith("<prompt>:1:3: MJ111 error")
    assert f"mjprompt: error: {found}" in expand.err
    demo_like = cli("generate", EN_DASH)  # refused before any key is needed
    assert f"<prompt>:1:7: {line} {message}" in demo_like.err
    with pytest.raises(PayloadError) as refused:
        build_payload(EN_DASH)
    assert f"not sent: 1:7: {line} {message}" in str(refused.value)
    with pytest.raises(ApiError) as bad_request:
        validate({"model": "mj-v7", "prompt": EN_DASH}, strict=True)
    assert f"prompt:1:7: {line} {message}" in bad_request.value.message


def test_a_prompt_of_a_file_is_positioned_in_the_file(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "p.prompt"
    path.write_text(f"# cats\n  {EN_DASH}\n", "utf-8")
    check = cli("check", str(path))
    generate = cli("generate", "--file", str(path), "--out", str(tmp_path / "out"))
    assert generate.code == 1
    where = f"{path}:2:9: MJ101 error"
    assert where in check.out
    assert where in generate.err


# --------------------------------------------------------------------- UTF-8 input


def test_decoder_names_line_column_and_byte() -> None:
    assert decode_utf8("é\n".encode()) == "é\n"
    with pytest.raises(InvalidUtf8) as bad:
        decode_utf8(b"ab\n\xc3\xa9c\xff tail")
    assert (bad.value.line, bad.value.column, bad.value.byte) == (2, 3, 0xFF)
    assert str(bad.value) == "invalid UTF-8 (byte 0xff)"
    with pytest.raises(InvalidUtf8) as bad:
        decode_utf8(b"a\r\nb\rc\xc0", first_line=5)
    assert (bad.value.line, bad.value.column) == (7, 2)


def test_decoder_bom_handling() -> None:
    assert decode_utf8(b"\xef\xbb\xbfa", strip_bom=True) == "a"
    assert decode_utf8(b"\xef\xbb\xbfa") == "\ufeffa"
    with pytest.raises(InvalidUtf8) as bad:
        decode_utf8("a".encode("utf-16"))
    assert bad.value.utf16
    assert "UTF-16 byte order mark" in str(bad.value)


def test_every_reader_reports_a_bad_byte_alike(cli: Runner, tmp_path: Path) -> None:
    data = b"a cat\nb\xc3\xa9\xff dog\n"
    path = tmp_path / "p.prompt"
    path.write_bytes(data)
    where = "2:3: error: invalid UTF-8 (byte 0xff)"
    assert f"{path}:{where}" in cli("check", str(path)).err
    assert f"{path}:{where}" in cli("generate", "--file", str(path)).err
    assert "<stdin>:2:3: invalid UTF-8 (byte 0xff)" in cli("expand", "-", stdin=data).err
    assert "<stdin>:2:3: invalid UTF-8 (byte 0xff)" in cli("payload", "-", stdin=data).err


# ------------------------------------------------------------------------- seconds


@pytest.mark.parametrize("text", ["0", "1.5", "1200", "1e3"])
def test_seconds_accepts_finite_non_negative_numbers(text: str) -> None:
    assert argtypes.seconds(text) == float(text)


@pytest.mark.parametrize("text", ["inf", "Infinity", "-inf", "nan", "-1", "x", ""])
def test_seconds_refuses_infinity_nan_negative_and_words(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        argtypes.seconds(text)


def test_seconds_list() -> None:
    assert argtypes.seconds_list("1,2.5,4") == (1.0, 2.5, 4.0)
    assert argtypes.seconds_list(" ") == ()
    with pytest.raises(argparse.ArgumentTypeError):
        argtypes.seconds_list("1,inf")


@pytest.mark.parametrize(
    "args",
    [
        ["wait", "task-unknown", "--timeout", "inf"],
        ["generate", "a cat", "--timeout", "inf"],
        ["demo", "--duration", "inf"],
        ["sandbox", "--duration", "inf"],
        ["sandbox", "--exit-after", "inf"],
        ["sandbox", "--callback-delays", "1,inf"],
    ],
)
def test_every_command_refuses_infinite_seconds(cli: Runner, args: list[str]) -> None:
    run = cli(*args)
    assert run.code == 2
    assert "expected seconds >= 0 (a finite number), got 'inf'" in run.err


def test_credits_and_retries() -> None:
    assert argtypes.credits("0") == 0.0
    assert argtypes.retries("10") == 10
    assert argtypes.positive_int("1") == 1
    for parse, text in (
        (argtypes.credits, "inf"),
        (argtypes.credits, "-1"),
        (argtypes.retries, "11"),
        (argtypes.positive_int, "0"),
    ):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)
    assert math.isfinite(argtypes.credits("1e308"))
