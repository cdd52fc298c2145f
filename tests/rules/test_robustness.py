"""lint never raises, whatever the text; rules cope with every AST shape."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mjprompt import fix, lint
from mjprompt.params import PARAMS
from mjprompt.rules import PROFILES

# Fragments that build prompts of every shape the grammar knows: images, text, weights,
# permutations (nested, unclosed, stray), every parameter name with odd values.
_NAMES = [*sorted({n for spec in PARAMS for n in spec.names}), "foo", "", "AR", "Stylise"]
_VALUES = [
    "",
    "16:9",
    "1.5:1",
    "0:1",
    "15:1",
    "abc",
    "-5",
    "1e3",
    "4294967296",
    ".5",
    "3",
    "7",
    "random",
    "123",
    "https://e.com/a.png",
    "https://e.com/a.png::2",
    "::2",
    "::x",
    "m123",
    "{1:1, 2:3}",
    "{a, {b, c}}",
    "}",
    "{",
    "raw",
    "cute",
    "high",
    ",",
    "2:3,",
    "１００",
    "—",
]
_FRAGMENTS = st.one_of(
    st.sampled_from(["https://e.com/a.png ", "http://e.com/a ", "<https://s.mj.run/x> "]),
    st.sampled_from(["a cat ", "hot:: dog ", "x::-0.5 ", "{red, green} ", "a\\, b ", "{ ", "} "]),
    st.builds(
        lambda m, n, v: f"{m}{n} {v} ",
        st.sampled_from(["--", "—", "–", "- -", "---"]),
        st.sampled_from(_NAMES),
        st.sampled_from(_VALUES),
    ),
    st.text(max_size=5),
)
PROMPTS = st.lists(_FRAGMENTS, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(PROMPTS, st.sampled_from(PROFILES))
def test_lint_never_raises_on_built_prompts(text: str, profile: str) -> None:
    for d in lint(text, profile=profile):
        assert 0 <= d.span.start <= d.span.end <= len(text), d
        assert d.message


@settings(max_examples=100, deadline=None)
@given(PROMPTS, st.sampled_from(PROFILES))
def test_fix_never_raises_and_never_adds_errors(text: str, profile: str) -> None:
    before = sum(d.severity.value == "error" for d in lint(text, profile=profile))
    result = fix(text, profile=profile, unsafe=True)
    after = sum(d.severity.value == "error" for d in lint(result.text, profile=profile))
    assert after <= before


@pytest.mark.parametrize(
    "text",
    [
        "{" * 3000 + "}" * 3000,
        "{a," * 2000 + "}" * 2000,
        "a " + "{x, y} " * 200,
        "--ar " + "{1:1, 2:3}" * 100,
        "a cat --sref " + "123 " * 5000,
        "https://e.com/a.png " * 3000,
        "a cat " + "--s 5 " * 2000,
        "😀" * 7000,
    ],
    ids=["deep", "unclosed", "2^200", "ar-perm", "srefs", "images", "dups", "emoji"],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_lint_survives_extreme_inputs(text: str, profile: str) -> None:
    for d in lint(text, profile=profile):
        assert 0 <= d.span.start <= d.span.end <= len(text)


def test_corpus_lints_in_both_profiles(corpus: list[str]) -> None:
    for profile in PROFILES:
        for text in corpus:
            for d in lint(text, profile=profile):
                assert 0 <= d.span.start <= d.span.end <= len(text), (text, d)
