"""Issue 14 class 3 inside the parameter block: lookalike markers among a parameter's values."""

from __future__ import annotations

import mjprompt


def _codes(text: str) -> list[tuple[str, int, int]]:
    return sorted((d.code, d.span.start, d.span.end) for d in mjprompt.lint(text))


def test_lookalike_after_a_parameter_is_fixed_safely() -> None:
    assert mjprompt.fix("a cat --s 100 ——ar 16:9").text == "a cat --s 100 --ar 16:9"
    assert _codes("a cat --s 100 ——ar 16:9") == [("MJ101", 14, 18)]


def test_genuine_extra_words_before_it_stay_mj107() -> None:
    assert _codes("a cat --s 100 foo ——ar 16:9") == [("MJ101", 18, 22), ("MJ107", 14, 17)]
    assert mjprompt.fix("a cat --s 100 foo ——ar 16:9").text == "a cat --s 100 foo --ar 16:9"


def test_a_parameter_already_given_gets_no_fix() -> None:
    # `--ar 1:1 --ar 16:9` would be a new error (a repeated parameter): report, no fix.
    found = [d for d in mjprompt.lint("a cat --ar 1:1 ——ar 16:9") if d.code == "MJ101"]
    assert [(d.span.start, d.span.end, d.fix) for d in found] == [(15, 19, None)]
    assert "already given" in found[0].message
    assert mjprompt.fix("a cat --ar 1:1 ——ar 16:9").text == "a cat --ar 1:1 ——ar 16:9"


def test_words_after_the_marked_value_keep_it_mj107() -> None:
    # `——ar 16:9 bar`: `--ar` takes one value, so this does not read as a parameter.
    assert _codes("a cat --s 100 ——ar 16:9 bar") == [("MJ107", 14, 27)]


def test_free_text_keeps_its_first_word() -> None:
    # `--no ——ar 16:9`: the first word is `--no`'s value, never a marker.
    assert [d.code for d in mjprompt.lint("a cat --no -ar 16:9")] == []
