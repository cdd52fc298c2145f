"""The differential contract: the scanner and Lark build the same AST and diagnostics.

Every text the scanner takes must give exactly Lark's tree, and linting through the
default (scanner) path must give exactly the diagnostics of an all-Lark lint, in both
profiles. Checked on the real corpus, on the Hypothesis strategies (valid, hostile,
braces, markers) and on a splice fuzzer; an altered table must be caught.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt import _scanner_tables as tables
from mjprompt import scanner
from mjprompt.ast import Prompt
from mjprompt.lint import lint_with_plan, plan_for
from mjprompt.parser import parse_lenient as lark_parse
from mjprompt.parsing import parse, parse_lenient
from mjprompt.rules import PROFILES
from mjprompt.strategies import hostile_text, permutation_prompts, valid_prompts

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def disagreement(text: str) -> str | None:
    """What differs between the scanner path and Lark for ``text``, or ``None``."""
    slow = lark_parse(text)
    fast = scanner.scan(text)
    if fast is not None and fast != slow:
        return f"AST differs:\n scanner {fast!r}\n lark    {slow!r}"
    if parse_lenient(text) != slow:
        return "parse_lenient differs from Lark"
    for profile in PROFILES:
        plan = plan_for(profile)
        default = mjprompt.lint(text, profile=profile)
        # Lark also for the expansions the driver parses (midjourney).
        oracle = lint_with_plan(slow, plan, engine="lark")
        if default != oracle:
            return f"diagnostics differ ({profile}):\n scanner {default!r}\n lark    {oracle!r}"
    return None


def _check(text: str) -> None:
    problem = disagreement(text)
    assert problem is None, f"{text!r}: {problem}"


# -- corpus ---------------------------------------------------------------------------


def test_corpus_agrees(corpus: list[str]) -> None:
    problems = [(t, p) for t in corpus if (p := disagreement(t)) is not None]
    assert problems == []


def test_scanner_takes_most_of_the_corpus(corpus: list[str]) -> None:
    # The contract is only worth something if the scanner does take prompts: it takes
    # every corpus prompt when written (only an unclosed `{` is left to Lark), braces
    # included, so the brace prompts are compared too.
    taken = [t for t in corpus if scanner.scan(t) is not None]
    assert len(taken) >= 0.6 * len(corpus)
    assert sum("{" in t for t in taken) >= 20


# -- Hypothesis strategies ---------------------------------------------------------------


@_SETTINGS
@given(valid_prompts())
def test_valid_prompts_agree(text: str) -> None:
    _check(text)


@_SETTINGS
@given(hostile_text())
def test_hostile_text_agrees(text: str) -> None:
    _check(text)


@_SETTINGS
@given(permutation_prompts())
def test_brace_prompts_agree(case: tuple[str, int]) -> None:
    _check(case[0])


# Marker spellings: valid, malformed, lookalike dashes, glued and spaced, in prose and
# in the parameter block.
_MARKERS = st.sampled_from(
    [
        "--",
        "---",
        "----",
        "- -",
        "-",
        "—",
        "–",
        "−",
        "‐",
        "‑",
        "－",
        "﹣",
        "\u00ad",
        " -- ",
        "--\u00a0",
    ]
)
_NAMES = st.sampled_from(["ar", "AR", "v", "no", "sref", "zz", "", "16:9", "stylize", "q"])
_WORDS = st.sampled_from(
    ["a", "cat", "16:9", "7", "-5", "sci-fi", "x::2", "::", "{a, b}", "\\{", "}", ""]
)
_SEPS = st.sampled_from([" ", "", "  ", "\t", "\n", "\u3000"])


@st.composite
def marker_texts(draw: st.DrawFn) -> str:
    """Prompts built from marker spellings, names, values and separators."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.tuples(_MARKERS, _NAMES).map("".join),
                _WORDS,
            ),
            max_size=12,
        )
    )
    out = []
    for piece in pieces:
        out.append(draw(_SEPS))
        out.append(piece)
    return "".join(out)


@_SETTINGS
@given(marker_texts())
def test_marker_texts_agree(text: str) -> None:
    _check(text)


# -- splice fuzzer ----------------------------------------------------------------------

_SPLICE_PIECES = [
    "--ar 16:9",
    " --v 7",
    "—",
    " -- ",
    "{",
    "}",
    "::",
    "\\",
    " ",
    "--",
    "https://x.png ",
]


def splices(corpus: list[str], count: int, seed: int) -> Iterator[str]:
    """Texts made by cutting two corpus prompts at random points and joining them,
    sometimes with a syntax piece in the seam (deterministic for a seed)."""
    rng = random.Random(seed)
    for _ in range(count):
        a, b = rng.choice(corpus), rng.choice(corpus)
        i, j = rng.randint(0, len(a)), rng.randint(0, len(b))
        seam = rng.choice(_SPLICE_PIECES) if rng.random() < 0.5 else ""
        yield a[:i] + seam + b[j:]


def test_splices_agree(corpus: list[str]) -> None:
    problems = [
        (t, p) for t in splices(corpus, 1500, seed=17) if (p := disagreement(t)) is not None
    ]
    assert problems == []


# -- entry points ---------------------------------------------------------------------


def test_engines_give_the_same_prompt() -> None:
    text = "https://x.png a cat --ar 16:9 --v 7"
    assert scanner.scan(text) is not None
    assert parse(text) == parse(text, engine="lark") == mjprompt.parse(text, engine="lark")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown parser engine"):
        parse_lenient("a cat", engine="earley")  # type: ignore[arg-type]


def test_fallback_prompts_still_parse() -> None:
    text = "a {red, blue bird --ar 16:9"  # an unclosed group: Lark recovers
    assert scanner.scan(text) is None
    prompt = parse_lenient(text)
    assert isinstance(prompt, Prompt)
    assert prompt == lark_parse(text)
    assert not prompt.text[-1].closed  # type: ignore[union-attr]


# -- an altered table is caught ---------------------------------------------------------


def _phases_with(phase: str, order: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], bool]]:
    phases = dict(tables.PHASES)
    phases[phase] = (order, phases[phase][1])
    return phases


def _without(order: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tuple(n for n in order if n != name)


_TEXT_FIRST = ("TEXT", *_without(tables.PHASES["start"][0], "TEXT"))
# A text gap that no longer stops before an em dash marker, written into TEXT too, so
# that the scanner still reads TEXT as text runs (built from the altered sub-terminal).
_GAP_NO_EM_DASH = tables.SUB_PATTERNS["TEXT_GAP"].replace("(?=[-\u2014])", "(?=[-])", 1)
_WORD = tables.SUB_PATTERNS["WORD"]
_SUB_NO_EM_DASH = {**tables.SUB_PATTERNS, "TEXT_GAP": _GAP_NO_EM_DASH}
_MUTANTS = {
    "TEXT split per word": ({**tables.PATTERNS, "TEXT": r"[^\s{}:]+"}, tables.PHASES),
    "no IMAGE at the start": (
        tables.PATTERNS,
        _phases_with("start", _without(tables.PHASES["start"][0], "IMAGE")),
    ),
    "TEXT before PARAM at the start": (tables.PATTERNS, _phases_with("start", _TEXT_FIRST)),
    "OPTION_TEXT split per word": (
        {**tables.PATTERNS, "OPTION_TEXT": r"[^\s{},\\]+"},
        tables.PHASES,
    ),
    "PARAM without its values": (
        {**tables.PATTERNS, "PARAM": r"\s*(?<!\S)--[A-Za-z]+"},
        {**tables.PHASES, "params": (("PARAM", "WS"), True)},
    ),
    "text runs through an em dash marker": (
        {**tables.PATTERNS, "TEXT": f"{_WORD}(?:{_GAP_NO_EM_DASH}{_WORD})*"},
        tables.PHASES,
    ),
}
_MUTANT_SUB_PATTERNS = {"text runs through an em dash marker": _SUB_NO_EM_DASH}


@pytest.mark.parametrize("mutant", sorted(_MUTANTS))
def test_an_altered_table_is_caught(
    mutant: str, corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    patterns, phases = _MUTANTS[mutant]
    sub = _MUTANT_SUB_PATTERNS.get(mutant)
    steps, may_end = scanner.compile_tables(patterns, phases, tables.IGNORE, tables.RETYPED, sub)
    if sub is not None:  # the mutant is in the text runs, not in the whole TEXT pattern
        assert sub != tables.SUB_PATTERNS
        assert scanner.text_run_pattern(patterns, sub) is not None
    monkeypatch.setattr(scanner, "_STEPS", steps)
    monkeypatch.setattr(scanner, "_MAY_END", may_end)
    # The corpus plus the shapes the valid strategy writes (images, params-only prompts).
    texts = [
        *corpus[:400],
        "https://x.png a cat",
        "--ar 16:9 --v 7",
        "a cat --ar 16:9",
        "a {red cat, blue dog} bird --ar {1:1, 2:3}",
        "a cat \u2014ar 16:9",
    ]
    # Caught: either a text on which the two engines differ, or (a table that makes the
    # scanner decline everything) the coverage floor of test_scanner_takes_most_of_the_corpus.
    differs = any(disagreement(t) is not None for t in texts)
    taken = sum(scanner.scan(t) is not None for t in corpus)
    assert differs or taken < 0.6 * len(corpus), mutant
