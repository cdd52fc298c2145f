"""The line store: edits give the same text as editing the string, and say what changed."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mjprompt.lsp.lines import LineStore, split_lines


def _offset(text: str, line: int, column: int) -> int:
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    return starts[line] + column


def test_split_keeps_terminators_and_a_last_empty_line():
    assert split_lines("a\r\nb\rc\nd") == (["a", "b", "c", "d"], ["\r\n", "\r", "\n", ""])
    assert split_lines("a\n") == (["a", ""], ["\n", ""])
    # Form feed and U+2028 are characters of a prompt, not line breaks.
    assert split_lines("a\x0cb\u2028c") == (["a\x0cb\u2028c"], [""])


def test_one_line_edit_reports_one_line():
    store = LineStore("one\ntwo\nthree\n")
    change = store.replace((1, 0), (1, 3), "TWO")
    assert (change.first, change.removed, change.added) == (1, 1, 1)
    assert store.text() == "one\nTWO\nthree\n"


def test_inserting_a_line_break():
    store = LineStore("one\ntwo\n")
    change = store.replace((0, 3), (0, 3), "\nnew")
    assert store.lines == ["one", "new", "two", ""]
    assert (change.first, change.removed, change.added) == (0, 1, 2)


def test_joining_lines():
    store = LineStore("one\ntwo\nthree")
    change = store.replace((0, 3), (1, 0), " ")
    assert store.text() == "one two\nthree"
    assert (change.first, change.removed, change.added) == (0, 2, 1)


def test_a_newline_after_a_carriage_return_makes_one_break():
    store = LineStore("a\rb")
    store.replace((1, 0), (1, 0), "\n")
    assert store.lines == ["a", "b"]
    assert store.eols == ["\r\n", ""]


_PIECES = st.lists(st.sampled_from(["a", "🐈", "猫", " ", "\n", "\r", "\r\n", "--ar"]), max_size=12)


@given(_PIECES, _PIECES, st.data())
def test_any_edit_matches_the_string_edit(before, inserted, data):
    text, new = "".join(before), "".join(inserted)
    store = LineStore(text)
    line_a = data.draw(st.integers(0, len(store) - 1))
    col_a = data.draw(st.integers(0, len(store.lines[line_a])))
    line_b = data.draw(st.integers(line_a, len(store) - 1))
    low = col_a if line_b == line_a else 0
    col_b = data.draw(st.integers(low, len(store.lines[line_b])))
    a, b = _offset(text, line_a, col_a), _offset(text, line_b, col_b)
    expected = text[:a] + new + text[b:]
    old_lines = len(store)
    change = store.replace((line_a, col_a), (line_b, col_b), new)
    assert store.text() == expected
    assert (store.lines, store.eols) == split_lines(expected)
    assert len(store) == old_lines - change.removed + change.added
