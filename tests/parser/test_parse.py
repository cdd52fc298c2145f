"""The parser: AST shape, spans, losslessness, and what raises."""

from __future__ import annotations

import pathlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.ast import (
    ImageRef,
    MarkerStyle,
    Permutation,
    StrayBrace,
    TextChunk,
    Value,
    Weight,
)
from mjprompt.diagnostics import Span
from mjprompt.parser import iter_permutations, parse_lenient


def test_basic_prompt_structure() -> None:
    p = mjprompt.parse("a cat --ar 16:9 --s 500")
    assert p.images == ()
    assert [type(t) for t in p.text] == [TextChunk]
    assert p.text_source == "a cat"
    assert [(x.name, x.canonical, x.value_text) for x in p.params] == [
        ("ar", "aspect", "16:9"),
        ("s", "stylize", "500"),
    ]
    ar = p.params[0]
    assert ar.span == Span(6, 15)
    assert ar.name_span == Span(8, 10)
    assert ar.marker == "--" and ar.marker_style is MarkerStyle.DOUBLE_HYPHEN
    assert ar.value is not None and ar.value.width == 16 and ar.value.height == 9
    assert p.params[1].value == 500


def test_images_are_leading_urls_only() -> None:
    src = "https://a.com/x.png <https://s.mj.run/Ab1> a cat https://b.com/y.png --iw 2"
    p = mjprompt.parse(src)
    assert [i.url for i in p.images] == ["https://a.com/x.png", "https://s.mj.run/Ab1"]
    assert p.images[1].bracketed and isinstance(p.images[1], ImageRef)
    # A URL after the text is text, not an image prompt.
    assert p.text_source == "a cat https://b.com/y.png"


def test_image_with_query_string() -> None:
    p = mjprompt.parse("https://cdn.discordapp.com/a/b.png?ex=65&is=66&hm=ab a cat")
    assert p.images[0].url.endswith("hm=ab")
    assert p.text_source == "a cat"


@pytest.mark.parametrize(
    ("src", "style", "name"),
    [
        ("a cat —ar 16:9", MarkerStyle.EM_DASH, "ar"),
        ("a cat --s 50 –ar 16:9", MarkerStyle.EN_DASH, "ar"),
        ("a cat --s 50 −ar 16:9", MarkerStyle.MINUS, "ar"),
        ("a cat --s 50 - - ar 16:9", MarkerStyle.SPACED, "ar"),
        ("a cat ---ar 16:9", MarkerStyle.TRIPLE, "ar"),
        ("a cat --ar 16:9", MarkerStyle.DOUBLE_HYPHEN, "ar"),
    ],
)
def test_marker_styles(src: str, style: MarkerStyle, name: str) -> None:
    # An en dash, minus sign or `- -` marker starts a parameter only inside the
    # parameter block; in the text it is prose (MJ101 looks for it there).
    p = mjprompt.parse(src)
    assert p.params[-1].marker_style is style
    assert p.params[-1].name == name
    assert p.params[-1].value_text == "16:9"


@pytest.mark.parametrize(
    "src", ["a cat –ar 16:9", "a cat −ar 16:9", "a cat - - ar 16:9", "a sign –glowing letters"]
)
def test_malformed_markers_in_the_text_are_text(src: str) -> None:
    p = mjprompt.parse(src)
    assert p.params == ()
    assert p.text_source == src


@pytest.mark.parametrize(
    "src",
    [
        "a quiet harbour -- gulls, rope, rust --ar 3:2",
        "word -- word -- word --ar 3:2",
        'a sign that says "OPEN -- CLOSED" --ar 3:2',
    ],
)
def test_a_bare_double_hyphen_before_a_word_is_prose(src: str) -> None:
    p = mjprompt.parse(src)
    assert [x.name for x in p.params] == ["ar"]
    assert p.text_source == src[: src.rindex(" --ar")]


@pytest.mark.parametrize(("src", "count"), [("a cat --", 1), ("a cat -- --ar 2:3", 2)])
def test_a_bare_double_hyphen_at_the_end_or_before_a_marker_is_a_parameter(
    src: str, count: int
) -> None:
    p = mjprompt.parse(src)
    assert len(p.params) == count
    assert p.params[0].name == ""


@pytest.mark.parametrize("src", ["\\{hello\\} a cat", "a \\{b\\} c --no \\{x\\}"])
def test_escaped_braces_are_text(src: str) -> None:
    p = mjprompt.parse(src)
    assert list(p.permutations()) == []


def test_prose_dashes_stay_text() -> None:
    for src in ["a deity — the perfect balance", "state-of-the-art", "1990–2000 era", "a - b"]:
        p = mjprompt.parse(src)
        assert p.params == (), src
        assert p.text_source == src


def test_glued_value_is_split() -> None:
    p = mjprompt.parse("a cat --ar16:9 --v5")
    ar, v = p.params
    assert (ar.name, ar.value_text, ar.glued) == ("ar", "16:9", True)
    assert (v.name, v.value_text, v.glued) == ("v", "5", True)


def test_glued_marker_stays_in_text() -> None:
    p = mjprompt.parse("a yellow Persian cat--ar 2:3")
    assert p.params == ()
    assert p.text_source == "a yellow Persian cat--ar 2:3"


def test_multi_value_parameters() -> None:
    p = mjprompt.parse("a --no red, blue flowers --sref https://x.com/s.png::2 123 random --p a b")
    no, sref, prof = p.params
    assert no.value == ("red", "blue flowers")
    assert [(i.kind, i.text, i.weight) for i in sref.value] == [  # type: ignore[attr-defined]
        ("url", "https://x.com/s.png", 2.0),
        ("code", "123", None),
        ("random", "random", None),
    ]
    assert prof.canonical == "profile" and prof.value == ("a", "b")


def test_weights_and_permutations_in_text() -> None:
    p = mjprompt.parse("a {red, pastel\\, yellow} bird::2 hot:: dog")
    kinds = [type(t).__name__ for t in p.text]
    assert kinds == [
        "TextChunk",
        "Permutation",
        "TextChunk",
        "Weight",
        "TextChunk",
        "Weight",
        "TextChunk",
    ]
    group = p.text[1]
    assert isinstance(group, Permutation)
    assert [o.parts[0].raw for o in group.options] == ["red", "pastel\\, yellow"]  # type: ignore[union-attr]
    weights = [t for t in p.text if isinstance(t, Weight)]
    assert [w.weight for w in weights] == [2.0, None]


def test_nested_permutations_and_values() -> None:
    src = "A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle} --ar {1:1, 2:3}"
    p = mjprompt.parse(src)
    groups = list(iter_permutations(p))
    assert len(groups) == 4
    ar = p.params[0]
    assert ar.has_permutation and ar.value is None


def test_empty_options_have_positions() -> None:
    p = mjprompt.parse("a {,b,} c")
    group = p.text[1]
    assert isinstance(group, Permutation)
    assert [o.span for o in group.options] == [Span(3, 3), Span(4, 5), Span(6, 6)]


def test_stray_brace_is_a_node() -> None:
    p = mjprompt.parse("a red} bird --ar 1:1 }")
    assert any(isinstance(t, StrayBrace) for t in p.text)
    assert any(isinstance(v, StrayBrace) for v in p.params[0].values)


def test_unclosed_brace_raises_with_diagnostic_but_lint_does_not() -> None:
    src = "a {red, blue bird --ar 2:3"
    with pytest.raises(mjprompt.PromptSyntaxError) as info:
        mjprompt.parse(src)
    assert [d.code for d in info.value.diagnostics] == ["MJ111"]
    assert info.value.diagnostics[0].span == Span(2, 3)
    prompt = parse_lenient(src)
    assert str(prompt) == src
    assert [g.closed for g in iter_permutations(prompt)] == [False]
    assert [d.code for d in mjprompt.lint(src)] == ["MJ111"]


@pytest.mark.parametrize(
    "src",
    ["", "   ", "\n", "--", "{", "}", "::", "\x00", "\ud800", "—", "- -", "--ar", "<https://x>"],
)
def test_degenerate_inputs_parse_losslessly(src: str) -> None:
    prompt = parse_lenient(src)
    assert str(prompt) == src


def test_nodes_cover_everything_but_whitespace() -> None:
    src = " https://a.com/x.png  a {b,c}  d::1 --ar 2:3  --no x, y }  "
    prompt = mjprompt.parse(src)
    pos = 0
    for node in prompt.nodes():
        assert src[pos : node.span.start].strip() == ""
        assert src[node.span.start : node.span.end] == getattr(node, "raw", None) or isinstance(
            node, Permutation
        )
        pos = node.span.end
    assert src[pos:].strip() == ""


def test_values_carry_spans() -> None:
    src = "x --sref a b  c"
    (sref,) = mjprompt.parse(src).params
    assert [
        (v.raw, src[v.span.start : v.span.end]) for v in sref.values if isinstance(v, Value)
    ] == [
        ("a", "a"),
        ("b", "b"),
        ("c", "c"),
    ]


def test_unknown_parameter_has_no_spec() -> None:
    (foo,) = mjprompt.parse("a cat --foo 3").params
    assert foo.spec is None and foo.canonical is None and foo.value is None
    assert foo.value_text == "3"


def test_uppercase_names_resolve() -> None:
    (ar,) = mjprompt.parse("a cat --AR 16:9").params
    assert ar.canonical == "aspect"


def test_sub_terminals_read_from_the_grammar_match_lark() -> None:
    from lark import Lark

    from mjprompt.parser import grammar_text, terminal_pattern

    text = grammar_text()
    terms, _, _ = Lark(text, parser="lalr").grammar.compile(["start"], "*")
    compiled = {t.name: t.pattern.to_regexp() for t in terms}
    for name in ("MARKER", "NAME", "VALUE"):
        assert re.compile(terminal_pattern(text, name)).pattern is not None
        assert re.fullmatch(terminal_pattern(text, name), "--") is not None or name != "MARKER"
        # Same language: the raw pattern and Lark's compilation agree on samples.
        for sample in ["--", "—", "- -", "ar", "16:9", "x{"]:
            ours = re.fullmatch(terminal_pattern(text, name), sample) is not None
            theirs = re.fullmatch(compiled[name], sample) is not None
            assert ours == theirs, (name, sample)


def test_parser_works_from_a_broken_cache(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    cache = tmp_path / "mjprompt"
    cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    script = "import mjprompt; print(mjprompt.parse('a --ar 1:1').params[0].canonical)"
    for _ in range(2):  # first run writes the cache, second reads it
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "aspect"
    for f in cache.glob("grammar-*"):
        f.write_bytes(b"not a pickle")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "aspect"


_GAP_PIECES = [
    "a",
    "ar",
    " ",
    "  ",
    "\n",
    "--",
    "---",
    "-",
    "- -",
    "\u2014",
    "\u2013",
    "\u2212",
    "16:9",
    "\\{",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_GAP_PIECES), max_size=12).map("".join))
def test_gaps_are_the_negations_of_the_parameter_starts(src: str) -> None:
    # TEXT_GAP must stop exactly where PARAM_START holds, and GAP where PARAM_START or
    # LOOSE_START holds: the grammar spells each condition twice.
    from mjprompt.parser import grammar_text, terminal_pattern

    text = grammar_text()
    pattern = {
        n: re.compile(terminal_pattern(text, n))
        for n in ("PARAM_START", "LOOSE_START", "TEXT_GAP", "GAP")
    }
    for i in range(1, len(src)):
        if not src[i - 1].isspace() or src[i].isspace():
            continue
        run = i
        while run > 0 and src[run - 1].isspace():
            run -= 1

        starts = pattern["PARAM_START"].match(src, i) is not None
        loose = pattern["LOOSE_START"].match(src, i) is not None
        text_gap = pattern["TEXT_GAP"].match(src, run)
        gap = pattern["GAP"].match(src, run)
        assert (text_gap is not None and text_gap.end() == i) == (not starts), (src, i)
        assert (gap is not None and gap.end() == i) == (not (starts or loose)), (src, i)
