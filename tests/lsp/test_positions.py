"""UTF-16 (and UTF-8/UTF-32) columns against the encoders themselves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mjprompt.lsp.positions import UTF8, UTF16, UTF32, from_units, to_units, unit_length

LINE = "🐈 猫 —ar 3:2 é"


def _units(text: str, encoding: str) -> int:
    # The reference: what the codec writes (UTF-16/32 without a byte order mark).
    codec = {UTF8: "utf-8", UTF16: "utf-16-le", UTF32: "utf-32-le"}[encoding]
    width = {UTF8: 1, UTF16: 2, UTF32: 4}[encoding]
    return len(text.encode(codec)) // width


def test_emoji_is_two_utf16_units_and_cjk_one():
    assert to_units(LINE, 1) == 2  # after the cat
    assert to_units(LINE, 3) == 4  # after 猫
    assert to_units(LINE, 4) == 5  # the em dash
    assert from_units(LINE, 5) == 4
    assert unit_length(LINE) == len(LINE) + 1


def test_utf8_counts_bytes():
    assert to_units(LINE, 1, UTF8) == 4
    assert to_units(LINE, 3, UTF8) == 8
    assert from_units(LINE, 8, UTF8) == 3


def test_utf32_is_code_points():
    assert to_units(LINE, 4, UTF32) == 4
    assert from_units(LINE, 4, UTF32) == 4


def test_inside_a_surrogate_pair_falls_back_to_the_character_start():
    assert from_units(LINE, 1) == 0


@pytest.mark.parametrize("units", [-3, 0])
def test_before_the_line_is_column_zero(units):
    assert from_units(LINE, units) == 0


def test_past_the_end_is_clamped():
    assert from_units(LINE, 999) == len(LINE)
    assert to_units(LINE, 999) == unit_length(LINE)
    assert from_units("abc", 10) == 3


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=30), st.data())
def test_round_trip_agrees_with_the_codecs(text, data):
    column = data.draw(st.integers(0, len(text)))
    for encoding in (UTF8, UTF16, UTF32):
        units = to_units(text, column, encoding)
        assert units == _units(text[:column], encoding)
        assert from_units(text, units, encoding) == column
        assert unit_length(text, encoding) == _units(text, encoding)
