"""What the scanner takes itself and what it leaves to Lark."""

from __future__ import annotations

import pickle
import re
import sys

import pytest

from mjprompt import _scanner_tables as tables
from mjprompt import scanner
from mjprompt.ast import MarkerStyle, TextChunk
from mjprompt.diagnostics import Span
from mjprompt.parser import parse_lenient as lark_parse
from mjprompt.scanner import scan


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a cat",
        "a sci-fi cat --ar 16:9 --v 7",
        "https://x.png <https://y.png> a cat --no red-car --sref 123::2",
        "--ar 16:9",
        "a cat\u00a0sits --stylize 250",
        "a: cat --ar16:9",
        "a cat-",
        "a cat:: a dog::2 --v 7",
        "::-0.5 cat ::",
    ],
)
def test_the_common_shape_is_taken_and_equals_lark(text: str) -> None:
    prompt = scan(text)
    assert prompt is not None
    assert prompt == lark_parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "a \\{ bird",  # escapes
        "a cat \\",
        "a cat -- the dog",  # a bare marker in prose
        "a cat --- the dog",
        "a cat - - ar 1",
        "a cat -5 degrees",
        "a cat--ar 16:9",  # `--` inside a word
        "a cat \u2014ar 16:9",  # em dash marker
        "a cat --ar 1 \u2013q 2",  # en dash, a loose marker in the parameter block
        "a cat --ar 1 - - q 2",
        "a cat \u2013 the dog",  # en dash in prose
        "a cat \u2212ar 1",  # minus sign
        "a cat \u2010ar 1",  # hyphen lookalike
        "a cat \uff0dar 1",  # fullwidth hyphen-minus
        "a cat --",
        "a cat -- --ar 1:1",
        "a cat --1",
        "a cat ---ar 2:3 --v 7",
    ],
)
def test_markers_and_escapes_are_taken_and_equal_lark(text: str) -> None:
    prompt = scan(text)
    assert prompt is not None
    assert prompt == lark_parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "a {red, blue} bird",
        "a } bird",
        "a cat --ar {1:1, 2:3}",
        "a cat --ar {1:1, 2:3}px 5 } x --v 7",
        "{}",
        "{,}",
        " { , a } ",
        "{a, {b, c}, } d {e\\, f}",
        "https://x.png {a, b} c",
        "a --no {red, {dark, light} blue}, green --v 7",
        "a --ar 1:1 }x y --v 7",
        "a -- –q {1, 2}",
    ],
)
def test_braces_are_taken_and_equal_lark(text: str) -> None:
    prompt = scan(text)
    assert prompt is not None
    assert prompt == lark_parse(text)


@pytest.mark.parametrize("text", ["a {red, blue", "a {", "--ar {1:1, {2:3}", "{{}"])
def test_an_unclosed_group_is_left_to_lark(text: str) -> None:
    assert scan(text) is None


def test_marker_styles_are_larks() -> None:
    prompt = scan("a cat \u2014ar 1:1 ---v 7 \u2013q 2 \u2212s 5 - - c 3")
    assert prompt is not None
    assert [p.marker_style for p in prompt.params] == [
        MarkerStyle.EM_DASH,
        MarkerStyle.TRIPLE,
        MarkerStyle.EN_DASH,
        MarkerStyle.MINUS,
        MarkerStyle.SPACED,
    ]
    assert prompt == lark_parse(prompt.source)


def test_a_repeated_parameter_token_gives_equal_nodes_at_each_place() -> None:
    # The per-token memo keeps the split, never the positions.
    first = scan("a cat --ar 16:9")
    second = scan("a small cat --ar 16:9")
    assert first is not None and second is not None
    assert first.params[0].span.start + 6 == second.params[0].span.start
    assert second == lark_parse("a small cat --ar 16:9")
    assert first.params[0].value == second.params[0].value


def test_the_parameter_token_memo_is_bounded_and_shares_the_split() -> None:
    from mjprompt import scanner

    scanner.forget_parameter_tokens()
    first, second = scan("a cat --ar 16:9"), scan("a dog --ar 16:9")
    assert first is not None and second is not None
    # One entry per token text: the second prompt reuses the first's split.
    assert first.params[0].raw is second.params[0].raw
    assert len(scanner._memo) == 1
    # A token longer than the limit is parsed each time, never remembered; one of the
    # limit's length is.
    longest = " --no " + "x" * (scanner._MEMO_MAX_CHARS - len(" --no "))
    assert scan("a cat" + longest + "y") is not None
    assert len(scanner._memo) == 1
    assert scan("a cat" + longest) is not None
    assert longest in scanner._memo and len(scanner._memo) == 2
    scanner.forget_parameter_tokens()
    assert scan("a cat --ar 16:9") is not None
    # Full, the memo starts again rather than growing.
    for i in range(scanner._MEMO_ENTRIES + 5):
        scan(f"a cat --seed {i}")
    assert 0 < len(scanner._memo) <= scanner._MEMO_ENTRIES
    # `--ar 16:9` and 4095 seeds fill it; it is emptied before the next seed goes in, so
    # it holds the last six.
    assert len(scanner._memo) == 6
    scanner.forget_parameter_tokens()
    assert not scanner._memo


def test_nodes_carry_positions_and_marker_style() -> None:
    text = "https://x.png  a cat  --ar 16:9 --no red"
    prompt = scan(text)
    assert prompt is not None
    assert [i.raw for i in prompt.images] == ["https://x.png"]
    assert prompt.text == (TextChunk(prompt.text[0].span, "a cat"),)
    assert text[prompt.text[0].span.start : prompt.text[0].span.end] == "a cat"
    ar, no = prompt.params
    assert ar.raw == "--ar 16:9" and text[ar.span.start : ar.span.end] == "--ar 16:9"
    assert ar.marker_style is MarkerStyle.DOUBLE_HYPHEN and ar.canonical == "aspect"
    assert [v.raw for v in ar.values] == ["16:9"] and ar.value is not None
    assert no.name_span.start == text.index("no")


def test_scanned_prompts_pickle_for_jobs() -> None:
    prompt = scan("a cat --ar 16:9 --v 7")
    assert prompt is not None
    assert pickle.loads(pickle.dumps(prompt)) == prompt


# -- the tables drive the scanner ----------------------------------------------------------


def _use(monkeypatch: pytest.MonkeyPatch, patterns: dict[str, str], **changes: object) -> None:
    phases = changes.get("phases", tables.PHASES)
    ignore = changes.get("ignore", tables.IGNORE)
    retyped = changes.get("retyped", tables.RETYPED)
    steps, may_end = scanner.compile_tables(patterns, phases, ignore, retyped)  # type: ignore[arg-type]
    monkeypatch.setattr(scanner, "_STEPS", steps)
    monkeypatch.setattr(scanner, "_MAY_END", may_end)


def test_a_retyped_terminal_is_left_to_lark(monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan("a cat") is not None
    _use(monkeypatch, tables.PATTERNS, retyped=("TEXT",))
    assert scan("a cat") is None


def test_a_phase_where_the_input_may_not_end_is_left_to_lark(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    phases = {**tables.PHASES, "params": (tables.PHASES["params"][0], False)}
    _use(monkeypatch, tables.PATTERNS, phases=phases)
    assert scan("a cat") is not None
    assert scan("a cat --ar 16:9") is None


def test_an_empty_match_never_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, {**tables.PATTERNS, "TEXT": "b*"})
    assert scan("a cat") is None


def test_whitespace_is_skipped_only_when_lark_ignores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan("  a cat  ") is not None
    _use(monkeypatch, tables.PATTERNS, ignore=())
    assert scan("  a cat  ") is None


# -- text runs (scanner.text_run_pattern) ---------------------------------------------------


def test_the_whitespace_list_is_the_regex_engines() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(re.findall(r"\s", every)) - {" "} == set(scanner._WHITESPACE_BUT_SPACE)


def test_the_grammar_s_text_is_scanned_as_text_runs() -> None:
    # If this fails after a grammar change, TEXT is no longer of the shape the text runs
    # read: the scanner still agrees with Lark (it matches the whole TEXT pattern), only
    # slower. Adapt `text_run_pattern` to the new shape.
    run = scanner.text_run_pattern(tables.PATTERNS, tables.SUB_PATTERNS)
    assert run is not None
    alternations = [match.__self__.pattern for match, _ in scanner._STEPS]  # type: ignore[attr-defined]
    assert sum(run in a for a in alternations) == 3  # start, images, text
    assert not any(tables.PATTERNS["TEXT"] in a for a in alternations)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("WORD", r"[^\s{}:\\]+"),  # not a repeated group
        ("TEXT_GAP", r"\s+"),  # no lookahead
        ("WORD", r"(?:[^\s{}:a-z]+|\\\S?|:(?!:))+"),  # a range in the class
        ("TEXT_GAP", r"\s+(?!(?=[\d])--)"),  # a class of classes
    ],
)
def test_text_of_another_shape_is_matched_whole(name: str, pattern: str) -> None:
    sub = {**tables.SUB_PATTERNS, name: pattern}
    patterns = {**tables.PATTERNS, "TEXT": f"{sub['WORD']}(?:{sub['TEXT_GAP']}{sub['WORD']})*"}
    assert scanner.text_run_pattern(patterns, sub) is None
    steps, _ = scanner.compile_tables(patterns, tables.PHASES, tables.IGNORE, (), sub)
    assert patterns["TEXT"] in steps[0][0].__self__.pattern  # type: ignore[attr-defined]


def test_a_text_pattern_that_is_not_word_and_gaps_is_matched_whole() -> None:
    patterns = {**tables.PATTERNS, "TEXT": r"[^\s{}:]+"}
    assert scanner.text_run_pattern(patterns, tables.SUB_PATTERNS) is None


def test_text_runs_equal_the_whole_text_pattern(
    corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same tables with the text runs off (no sub-terminals to read them from): every
    # TEXT token is then matched by the grammar's whole TEXT pattern.
    texts = [*corpus, *(t + " \u2014x -- y::2 a-b" for t in corpus[:300])]
    fast = [scan(t) for t in texts]
    steps, _ = scanner.compile_tables(
        tables.PATTERNS, tables.PHASES, tables.IGNORE, tables.RETYPED, {}
    )
    assert tables.PATTERNS["TEXT"] in steps[0][0].__self__.pattern  # type: ignore[attr-defined]
    monkeypatch.setattr(scanner, "_STEPS", steps)
    assert [scan(t) for t in texts] == fast


@pytest.mark.parametrize(
    "text",
    [
        "a cat",
        "a sci-fi cat, close-up --ar 1:1",
        "a cat  \u2003 on a mat\u00a0 -- dog",
        "a: b:c ::2 d\\ e \\{f\\}",
        "x " * 50 + "--v 7",
        "one-two-three four—five –six \u2212seven - - eight",
        "a cat   ",
        "a cat\t--ar 1:1\n",
    ],
)
def test_text_runs_equal_lark(text: str) -> None:
    prompt = scan(text)
    assert prompt is not None
    assert prompt == lark_parse(text)


# -- parameters built by the scanner (Parameter.at) ------------------------------------------


def test_a_scanned_parameter_builds_its_values_once_and_equals_larks() -> None:
    text = "a cat --no red, blue --ar 16:9 --tile"
    prompt = scan(text)
    assert prompt is not None
    no, ar, tile = prompt.params
    assert no.values is no.values and no.name_span is no.name_span
    assert [v.raw for v in no.values] == ["red,", "blue"]
    assert no.name_span == Span(8, 10) and tile.values == ()
    lark = lark_parse(text)
    assert prompt == lark and hash(ar) == hash(lark.params[1]) and repr(ar) == repr(lark.params[1])
    fresh = scan(text)
    assert fresh is not None
    assert pickle.loads(pickle.dumps(fresh.params[0])) == no  # before its values were read
    with pytest.raises(AttributeError, match="immutable"):
        ar.values = ()  # type: ignore[misc]


def test_a_terminal_with_a_capturing_group_is_refused() -> None:
    # The alternation names the terminal by its group number (lastindex).
    with pytest.raises(ValueError, match="capturing group"):
        scanner.compile_tables(
            {**tables.PATTERNS, "WS": r"(\s)+"}, tables.PHASES, tables.IGNORE, tables.RETYPED
        )
