"""Permutation expansion: counts, texts, escapes, nesting, limits and source mapping."""

from __future__ import annotations

import pytest

from mjprompt import PromptSyntaxError, Span, parse
from mjprompt.expand import ExpansionError, NestingError, count_expansions, expand, expansions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a cat --ar 16:9", ["a cat --ar 16:9"]),
        ("a {red, green, yellow} bird", ["a red bird", "a green bird", "a yellow bird"]),
        (
            "a landscape --ar {1:1, 16:9, 2:3}",
            ["a landscape --ar 1:1", "a landscape --ar 16:9", "a landscape --ar 2:3"],
        ),
        (r"a {red, pastel\, yellow} bird", ["a red bird", "a pastel, yellow bird"]),
        (
            "A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle}",
            [
                "A sculpture of a seagull on a pier",
                "A sculpture of a seagull on a beach",
                "A sculpture of a poodle",
                "A painting of a seagull on a pier",
                "A painting of a seagull on a beach",
                "A painting of a poodle",
            ],
        ),
        ("{a,b}{c,d}", ["ac", "ad", "bc", "bd"]),
        ("super{man , woman }!", ["superman!", "superwoman!"]),
        ("a {  spaced   out  } cat", ["a spaced   out cat"]),
        ("a {x, } cat", ["a x cat", "a  cat"]),
        (r"a {b\c, d} e", [r"a b\c e", "a d e"]),
    ],
)
def test_expand(text: str, expected: list[str]) -> None:
    assert expand(text) == expected
    assert count_expansions(parse(text)) == len(expected)


def test_count_is_computed_without_expanding() -> None:
    text = "a " + " ".join("{x, y, z}" for _ in range(60))
    assert count_expansions(parse(text)) == 3**60


def test_limit_raises_before_expanding() -> None:
    text = "a " + " ".join("{x, y, z}" for _ in range(60))
    with pytest.raises(ExpansionError) as info:
        expand(text)
    assert info.value.count == 3**60
    assert info.value.limit == 40
    assert isinstance(info.value, ValueError)
    assert "limit of 40" in str(info.value)


def test_limit_is_inclusive_and_configurable() -> None:
    text = "{a,b,c,d,e} {1,2,3,4,5,6,7,8}"  # 40 prompts
    assert len(expand(text)) == 40
    with pytest.raises(ExpansionError):
        expand(text, limit=39)
    assert len(expand(text, limit=100)) == 40


def test_nested_counts_sum_over_options() -> None:
    # 2 options with inner groups of 2 and 3, and a plain one: 2*3 + 1.
    assert count_expansions(parse("{a {1,2} b {x,y,z}, c}")) == 7


def test_unclosed_group_is_a_syntax_error() -> None:
    with pytest.raises(PromptSyntaxError):
        expand("a {red, blue bird")


def test_mapping_back_to_the_source() -> None:
    source = "a cat --ar {1:1, 15:1} --s 5"
    third = expansions(parse(source))[1]
    assert third.text == "a cat --ar 15:1 --s 5"
    assert third.choices == ("15:1",)
    value = third.text.index("15:1")
    mapped = third.to_source(Span(value, value + 4))
    assert source[mapped.start : mapped.end] == "15:1"
    # A span that starts outside the group and ends inside widens to the whole group.
    param = third.to_source(Span(6, value + 4))
    assert source[param.start : param.end] == "--ar {1:1, 15:1}"
    # Text after the group maps exactly.
    s_at = third.text.index("--s")
    assert third.to_source(Span(s_at, s_at + 3)) == Span(
        source.index("--s"), source.index("--s") + 3
    )


def test_mapping_escaped_comma() -> None:
    source = r"a {red, pastel\, yellow} bird"
    second = expansions(parse(source))[1]
    comma = second.text.index(",")
    mapped = second.to_source(Span(comma, comma + 1))
    assert source[mapped.start : mapped.end] == "\\,"


def test_deep_nesting_is_counted_but_not_expanded() -> None:
    text = "{" * 3000 + "a" + "}" * 3000
    assert count_expansions(parse(text)) == 1
    with pytest.raises(NestingError) as info:
        expand(text)
    assert info.value.depth == 3000
    assert isinstance(info.value, ValueError)
    assert expand("{" * 50 + "a" + "}" * 50) == ["a"]


def test_expansions_do_not_reexpand_escaped_commas() -> None:
    assert expand(r"{a\, b}") == ["a, b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{a {b,c} d}", ["a b d", "a c d"]),
        ("x {a {b,c} d, e} y", ["x a b d y", "x a c d y", "x e y"]),
        ("{a {b,c}d}", ["a bd", "a cd"]),  # no blank in the source, none added
        ("{a {b,c}  d}", ["a b d", "a c d"]),
    ],
)
def test_the_blank_after_a_nested_group_is_kept(text: str, expected: list[str]) -> None:
    assert expand(text) == expected
