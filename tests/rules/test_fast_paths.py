"""The rules' speed shortcuts say what the plain definitions say (issue 17, rules side).

Each shortcut of `rules/features.py`, `rules/common.py` and `rules/syntax.py` is checked
against the regular expression or walk it stands for, on texts built to reach its edge
cases (dashes and whitespace of every kind, punctuation, braces), and the walk's
"only what the selected rules need" against a full lint.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.ast import Value
from mjprompt.braces import iter_permutations, unclosed_brace_errors
from mjprompt.expand import group_count
from mjprompt.lint import lint_with_plan, plan_for
from mjprompt.parsing import parse_lenient
from mjprompt.rules import PROFILES, common, features, structure, syntax
from mjprompt.scanner import scan

# Every dash of DASHES, every kind of whitespace the expressions' `\s` knows (ASCII,
# the separators 0x1c-0x1f, non-breaking and ideographic spaces), and word characters.
_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u3000"]
_CHARS = st.sampled_from([*features.DASHES, *_SPACES, *"arsx7.:,!|é"])
_TEXTS = st.lists(_CHARS, max_size=24).map("".join)
_WORDY = st.lists(st.sampled_from(["ar", "s", "stylize", "glowing", "16:9", " ", "  "]), max_size=4)
_MARKER_TEXTS = st.lists(st.one_of(_CHARS, _WORDY.map("".join)), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_dash_word_is_the_lookbehind_expression(raw: str) -> None:
    assert features._dash_word(raw) == (features._TEXT_DASH.search(raw) is not None)


@settings(max_examples=500, deadline=None)
@given(_MARKER_TEXTS)
def test_text_markers_are_those_finditer_finds(raw: str) -> None:
    def key(matches: list[re.Match[str]]) -> list[tuple[int, int, str | None, str | None]]:
        return [(m.start(), m.end(), m.group("marker"), m.group("name")) for m in matches]

    expected = list(syntax._TEXT_MARKER.finditer(raw))
    assert key(syntax._text_marker_matches(raw)) == key(expected)


def _dotted_by_finds(raw: str) -> bool:
    # The definition: a `.` or `:` before the first space.
    end = raw.find(" ")
    if end < 0:
        end = len(raw)
    return raw.find(".", 0, end) >= 0 or raw.find(":", 0, end) >= 0


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_dotted_first_word_is_the_three_finds(raw: str) -> None:
    assert (features._DOTTED_WORD.match(raw) is not None) == _dotted_by_finds(raw)


_WORDS = st.lists(
    st.lists(st.sampled_from(list(",;|.:!?ax7é")), min_size=1, max_size=4).map("".join),
    min_size=1,
    max_size=5,
)


@settings(max_examples=500, deadline=None)
@given(_WORDS)
def test_punctuation_shortcuts_are_the_expressions(words: list[str]) -> None:
    for raw in words:
        assert common.without_punctuation(raw) == common.TRAILING_PUNCT.sub("", raw)
    (p,) = parse_lenient("a cat --no " + " ".join(words)).params
    assert all(v.__class__ is Value for v in p.values)
    expected = [v for v in p.values if not common.PUNCT_ONLY.fullmatch(v.raw)]
    assert common.value_tokens(p) == expected


_BRACE_PIECES = st.sampled_from(["{", "}", "a", ", ", " ", "{a, b}", "\\{", "--ar 1:1 ", "--no "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_BRACE_PIECES, max_size=12).map("".join))
def test_top_level_groups_tell_whether_some_group_is_unclosed(text: str) -> None:
    prompt = parse_lenient(text)
    some_unclosed = any(not g.closed for g in iter_permutations(prompt))
    assert some_unclosed == (not all(g.closed for g in prompt.permutations()))
    assert bool(unclosed_brace_errors(prompt)) == some_unclosed


@settings(max_examples=400, deadline=None)
@given(st.lists(_BRACE_PIECES, max_size=12).map("".join))
def test_a_groups_option_count_is_group_count(text: str) -> None:
    # MJ211's shortcut for groups without a nested group, nested ones included here.
    for group in parse_lenient(text).permutations():
        assert structure._option_count(group) == group_count(group)


def test_option_count_sees_a_nested_group() -> None:
    (group,) = parse_lenient("a {b {c, d, e}, f} g").permutations()
    assert structure._option_count(group) == group_count(group) == 4


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("select", [["MJ1"], ["MJ2"], ["MJ3"], ["MJ4", "MJ5"], ["MJ101", "MJ6"]])
def test_a_selection_finds_what_the_full_lint_finds(
    corpus: list[str], case_texts: list[str], profile: str, select: list[str]
) -> None:
    # The walk looks only for the facts the selected rules' triggers read.
    full, chosen = plan_for(profile), plan_for(profile, select)
    assert chosen.tests.needs != full.tests.needs
    codes = {r.code for r in chosen.rules}
    for text in [*corpus, *case_texts]:
        prompt = parse_lenient(text)
        expected = [d for d in lint_with_plan(prompt, full, expand=False) if d.code in codes]
        assert lint_with_plan(prompt, chosen, expand=False) == expected, text


@pytest.mark.parametrize("profile", PROFILES)
def test_lint_is_the_parse_and_plan_it_inlines(corpus: list[str], profile: str) -> None:
    # `lint()` calls the scanner and the default plan itself (two frames less a prompt);
    # it must stay `parse_lenient` then `plan_for`, Lark fallback and selections included.
    texts = [*corpus[::20], "a {cat, dog --ar 2:3", "a cat —ar 16:9 --s 2000 {x, y}"]
    assert scan(texts[-2]) is None  # the unclosed brace: Lark parses it
    for text in texts:
        for select, ignore in ((None, None), (["MJ3"], None), (None, ["MJ1"])):
            expected = lint_with_plan(parse_lenient(text), plan_for(profile, select, ignore))
            assert mjprompt.lint(text, profile=profile, select=select, ignore=ignore) == expected
