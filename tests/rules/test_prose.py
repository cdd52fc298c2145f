"""Prose is not parameters (issue 14): dashes, quotes and hashtags in the text change
nothing about what the linter says of the parameter block after them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mjprompt import lint
from mjprompt.rules import PROFILES

# Words of prose. Some are also parameter names (`no`, `stop`, `tile`, `seed`...): in
# prose they are words, whatever dash stands before them.
_WORDS = [
    "a",
    "quiet",
    "harbour",
    "gulls",
    "rope",
    "rust",
    "neon",
    "sign",
    "letters",
    "at",
    "night",
    "24",
    "hours",
    "no",
    "stop",
    "tile",
    "seed",
    "style",
    "raw",
    "fast",
    "loop",
    "public",
    "weird",
    "chaos",
    "quality",
    "version",
    "repeat",
    "umbrella",
]
# Words glued to an en dash, minus sign or figure dash: prose, far from any parameter
# name (a known name there, at the end of the text, is a mistyped marker: MJ101).
_GLUED = ["glowing", "faded", "ember", "velvet", "orchard", "lantern", "midnight", "silent"]
_DASHES = ["\u2013", "\u2212", "\u2012"]

_word = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(lambda w: w + ","),
    st.sampled_from(_WORDS).map(lambda w: f'"{w.upper()}"'),
    st.sampled_from(_WORDS).map(lambda w: "#" + w),
    st.tuples(st.sampled_from(_DASHES), st.sampled_from(_GLUED)).map("".join),
)
# Between two words: a space, or a prose dash with spaces around it (` -- `, ` --- `,
# ` — `, ` – `), or a dash inside a quoted sign.
_separator = st.sampled_from([" ", " -- ", " --- ", " \u2014 ", " \u2013 ", ' "--" '])


@st.composite
def prose(draw: st.DrawFn) -> str:
    words = draw(st.lists(_word, min_size=1, max_size=8))
    out = words[0]
    for w in words[1:]:
        out += draw(_separator) + w
    return out


# Parameter blocks, valid or not: their diagnostics must not depend on the prose.
_BLOCKS = [
    "--ar 3:2",
    "--ar 16:9 --s 250",
    "--no rain, snow --c 20",
    "--q 2 --seed 42",
    "--tile --raw",
    "--sref 123456 --sv 4",
    "--v 7",
    "--ar 16:9.",
    "--s 1001",
    "--oref https://example.com/o.png --s 800",
    "--ar 2:3 --",
]


def _relative(text: str, block_at: int, profile: str) -> list[tuple[str, int, int, str]]:
    return sorted(
        (d.code, d.span.start - block_at, d.span.end - block_at, d.severity.value)
        for d in lint(text, profile=profile)
    )


@settings(max_examples=300, deadline=None)
@given(prose(), st.sampled_from(_BLOCKS), st.sampled_from(PROFILES))
def test_prose_is_not_parameters(text: str, block: str, profile: str) -> None:
    # The same block after one plain word is the reference: the prose must give exactly
    # its diagnostics, at the same places relative to the block.
    reference = _relative("cat " + block, 4, profile)
    prompt = f"{text} {block}"
    assert _relative(prompt, len(text) + 1, profile) == reference, prompt


def test_the_property_sees_a_marker_in_the_text() -> None:
    # The reference is not trivially equal: a real marker in the text does change it.
    assert _relative("a cat \u2013ar 2:3 --s 50", 15, "midjourney") != _relative(
        "cat --s 50", 4, "midjourney"
    )


# -- class 4: a value followed by sentence punctuation --------------------------------
_VALUES = [
    ("ar", "16:9"),
    ("ar", "2:3"),
    ("s", "250"),
    ("q", "2"),
    ("c", "10"),
    ("seed", "42"),
    ("v", "7"),
    ("iw", "2"),
    ("sref", "123456"),
    ("oref", "https://example.com/o.png"),
]
_PUNCT = [".", ",", ";", "!", "..."]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_VALUES), min_size=1, max_size=3, unique_by=lambda v: v[0]),
    st.data(),
    st.sampled_from(_PUNCT),
    st.sampled_from(PROFILES),
)
def test_punctuation_after_a_value_is_one_finding_with_a_safe_fix(
    values: list[tuple[str, str]], data: st.DataObject, punct: str, profile: str
) -> None:
    from mjprompt import fix

    which = data.draw(st.integers(0, len(values) - 1))
    head = "https://example.com/a.png a lighthouse"
    clean = head + "".join(f" --{n} {v}" for n, v in values)
    written = head
    at = -1
    for i, (n, v) in enumerate(values):
        written += f" --{n} {v}"
        if i == which:
            at = len(written)
            written += punct
    found = [d for d in lint(written, profile=profile) if d.code == "MJ108"]
    assert [(d.span.start, d.span.end) for d in found] == [(at, at + len(punct))], written
    # Nothing else changes: the value is read as if the punctuation were not there
    # (the starts of later findings are moved back over it).
    shift = len(punct)
    others = sorted(
        (d.code, d.span.start - (shift if d.span.start > at else 0), d.severity.value)
        for d in lint(written, profile=profile)
        if d.code != "MJ108"
    )
    assert others == sorted(
        (d.code, d.span.start, d.severity.value) for d in lint(clean, profile=profile)
    ), written
    assert fix(written, profile=profile, select=["MJ108"]).text == clean


# -- class 5: escaped braces -----------------------------------------------------------
_escaped = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from(_WORDS).map(lambda w: "\\{" + w + "\\}"),
    st.sampled_from(["\\{", "\\}", "\\{\\{", "a\\}"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_escaped, min_size=1, max_size=8).map(" ".join), st.sampled_from(PROFILES))
def test_escaped_braces_open_and_close_no_group(text: str, profile: str) -> None:
    codes = {d.code for d in lint(text + " --ar 3:2", profile=profile)}
    assert not codes & {"MJ111", "MJ112", "MJ211", "MJ212"}, text
