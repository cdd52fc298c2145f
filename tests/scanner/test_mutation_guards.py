"""Parser and AST behaviour pinned for the mutation runs (docs/testing.md, issue 21).

Each test states what a user of ``mjprompt.parse`` / ``parse_lenient`` sees, through
both engines where the node comes from a parser, so that a refactor of the scanner or
the AST keeps passing as long as the behaviour stays.
"""

from __future__ import annotations

import pytest

import mjprompt
from mjprompt.ast import ImageRef, MarkerStyle, Permutation, Ratio, TextChunk, Weight
from mjprompt.diagnostics import Span
from mjprompt.parsing import iter_permutations, parse_lenient

ENGINES = ("scanner", "lark")
MIXED = "<https://e.com/a.png> https://e.com/b.png a cat::2 dog:: --ar16:9 --s 50 --no red, blue"


@pytest.mark.parametrize("engine", ENGINES)
def test_images_text_weights_and_parameters(engine: str) -> None:
    p = parse_lenient(MIXED, engine)  # type: ignore[arg-type]
    assert [(i.raw, i.url, i.bracketed) for i in p.images] == [
        ("<https://e.com/a.png>", "https://e.com/a.png", True),
        ("https://e.com/b.png", "https://e.com/b.png", False),
    ]
    assert p.images[0].span == Span(0, 21)
    assert p.text == (
        TextChunk(Span(42, 47), "a cat"),
        Weight(Span(47, 50), "::2"),
        TextChunk(Span(51, 54), "dog"),
        Weight(Span(54, 56), "::"),
    )
    assert [getattr(t, "weight", "chunk") for t in p.text] == ["chunk", 2.0, "chunk", None]
    assert p.text_span == Span(42, 56)
    assert p.text_source == "a cat::2 dog::"
    ar, s, no = p.params
    assert (ar.name, ar.raw, ar.span, ar.name_span, ar.glued) == (
        "ar",
        "--ar16:9",
        Span(57, 65),
        Span(59, 61),
        True,
    )
    assert ar.value == Ratio(16.0, 9.0) and ar.value.is_integral
    assert ar.canonical == "aspect" and ar.marker == "--"
    assert ar.marker_style is MarkerStyle.DOUBLE_HYPHEN
    assert (s.raw, s.span, s.glued, s.value) == ("--s 50", Span(66, 72), False, 50)
    assert no.value == ("red", "blue")
    assert no.value_text == "red, blue"
    assert [[v.raw for v in w] for w in no.value_words()] == [["red,"], ["blue"]]
    assert p.param("aspect") is ar and p.param("stylize") is s and p.param("quality") is None
    assert list(p.nodes()) == [*p.images, *p.text, *p.params]
    assert str(p) == MIXED


def test_a_bracketed_image_without_its_closing_bracket_keeps_its_text() -> None:
    image = ImageRef(Span(0, 20), "<https://e.com/a.png")
    assert image.bracketed
    assert image.url == "<https://e.com/a.png"


def test_ratio_integral_only_when_both_sides_are() -> None:
    assert Ratio(16.0, 9.0).is_integral
    assert not Ratio(1.5, 1.0).is_integral
    assert not Ratio(1.0, 1.5).is_integral


def test_only_double_hyphen_and_em_dash_are_valid_markers() -> None:
    assert {m for m in MarkerStyle if m.valid} == {MarkerStyle.DOUBLE_HYPHEN, MarkerStyle.EM_DASH}


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("a cat --ar 1:1", MarkerStyle.DOUBLE_HYPHEN),
        ("a cat \u2014ar 1:1", MarkerStyle.EM_DASH),
        ("a cat --s 5 \u2013ar 1:1", MarkerStyle.EN_DASH),
        ("a cat --s 5 \u2212ar 1:1", MarkerStyle.MINUS),
        ("a cat --s 5 ---ar 1:1", MarkerStyle.TRIPLE),
        ("a cat --s 5 - - ar 1:1", MarkerStyle.SPACED),
    ],
)
def test_marker_styles_through_lark(text: str, style: MarkerStyle) -> None:
    styles = [p.marker_style for p in parse_lenient(text, "lark").params]
    assert style in styles


def test_a_prompt_without_text_has_no_text_span() -> None:
    p = parse_lenient("--ar 16:9")
    assert p.text == () and p.text_span is None and p.text_source == ""


def test_permutations_in_text_and_values_outermost_first() -> None:
    p = parse_lenient("a {red, {dark, light} blue} bird --ar {1:1, 2:3} --s 5")
    groups = list(iter_permutations(p))
    assert [g.span.start for g in groups] == [2, 8, 38]
    assert [g.span.start for g in p.permutations()] == [2, 38]
    assert all(g.closed for g in groups)
    assert p.params[0].has_permutation and not p.params[1].has_permutation
    assert p.params[0].value_tokens == ()


def test_an_empty_option_sits_after_its_comma() -> None:
    (group,) = parse_lenient("a {red,} bird").permutations()
    assert isinstance(group, Permutation)
    assert [o.span for o in group.options] == [Span(3, 6), Span(7, 7)]


def test_parse_raises_only_for_an_unclosed_group() -> None:
    with pytest.raises(mjprompt.PromptSyntaxError) as info:
        mjprompt.parse("a {red, blue")
    assert str(info.value) == "MJ111 at 2: `{` is never closed"
    assert [d.code for d in info.value.diagnostics] == ["MJ111"]
    with pytest.raises(mjprompt.PromptSyntaxError) as nested:
        mjprompt.parse("a {red, {blue} bird")
    assert nested.value.diagnostics[0].span.start == 2
    assert mjprompt.parse("a red} bird --ar 1:1").source == "a red} bird --ar 1:1"


def test_a_syntax_error_without_diagnostics_says_so() -> None:
    assert str(mjprompt.PromptSyntaxError([])) == "syntax error"


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown parser engine 'foo'"):
        parse_lenient("a cat", "foo")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "a cat --ar 16:9",
        "a well-known cat --ar 16:9",
        "a cat -- --ar 2:3",
        "a cat--ar 2:3",
        "a cat --s 5 --ar",
        "https://e.com/a.png --v 7",
        "a cat \u2014ar 16:9",
        "a cat --ar 16:9 ---",
        "-5 cats",
        "a cat -ar 16:9",
        "a cat --no red-car",
        "a {red, blue} cat",
        "a \\{cat\\}",
        "a cat ::2 --s 5 ::",
        "",
        "   ",
        "a cat --ar 16:9 --Stylize 50 --foo bar",
    ],
)
def test_both_engines_build_the_same_prompt(text: str) -> None:
    assert parse_lenient(text, "scanner") == parse_lenient(text, "lark")
