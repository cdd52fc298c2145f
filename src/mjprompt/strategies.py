"""Hypothesis strategies for Midjourney V7 prompts, valid and hostile.

Install with ``pip install mjprompt[strategies]``. Other tools can test their own prompt
generators with these::

    from hypothesis import given
    from mjprompt.strategies import prompts

    @given(prompts())
    def test_my_tool(prompt: str) -> None: ...

All strategies live here so the project's own property tests and outside users draw
from the same definitions.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .params import PARAMS, Kind, ParamSpec, Status

__all__ = [
    "hostile_text",
    "image_urls",
    "parameters",
    "prompt_texts",
    "prompts",
    "valid_prompts",
]

_WORDS = st.sampled_from(
    [
        "a",
        "cat",
        "portrait",
        "neon",
        "city",
        "at",
        "night",
        "oil",
        "painting",
        "of",
        "forest",
        "cinematic",
        "light",
        "red,",
        "blue",
        "soft",
        '"OPEN"',
        "state-of-the-art",
        "青い",
        "🌙",
        "café",
        "x:y",
    ]
)

_VALID_SPECS = [s for s in PARAMS if s.status is Status.VALID]


def image_urls() -> st.SearchStrategy[str]:
    """Image prompt URLs as people write them: extensions, queries, short links, `<…>`."""
    ext = st.sampled_from(["png", "jpg", "jpeg", "webp", "gif"])
    host = st.sampled_from(["example.com", "cdn.discordapp.com", "s.mj.run", "files.evolink.ai"])
    name = st.text("abcdefXYZ0123456789_-", min_size=1, max_size=12)
    plain = st.builds(lambda h, n, e: f"https://{h}/{n}.{e}", host, name, ext)
    query = st.builds(lambda u: u + "?ex=65a1&is=1f", plain)
    short = st.builds(lambda n: f"https://s.mj.run/{n}", name)
    bracketed = st.builds(lambda u: f"<{u}>", plain | short)
    return plain | query | short | bracketed


def prompt_texts() -> st.SearchStrategy[str]:
    """Free prompt text: words, commas, quotes, Unicode."""
    return st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


def _value_for(spec: ParamSpec) -> st.SearchStrategy[str]:
    if spec.kind is Kind.FLAG:
        return st.just("")
    if spec.kind is Kind.RATIO:
        return st.builds(lambda w, h: f"{w}:{h}", st.integers(1, 14), st.integers(1, 14))
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.kind is Kind.INT and spec.minimum is not None and spec.maximum is not None:
        return st.integers(int(spec.minimum), int(spec.maximum)).map(str)
    if spec.kind is Kind.FLOAT and spec.minimum is not None and spec.maximum is not None:
        return st.sampled_from(["0", "0.5", "1", "1.5", "2", "3"])
    if spec.kind is Kind.SREF:
        item = st.sampled_from(["random", "18954037", "https://example.com/s.png::2"])
        return st.lists(item, min_size=1, max_size=3).map(" ".join)
    if spec.kind is Kind.URL:
        return st.just("https://example.com/ref.png")
    if spec.kind is Kind.TEXT:
        return st.lists(_WORDS, min_size=1, max_size=3).map(", ".join)
    if spec.kind is Kind.CODES:
        return st.sampled_from(["", "ps3mcjo"])
    return st.just("7")


def parameters(specs: list[ParamSpec] | None = None) -> st.SearchStrategy[str]:
    """One parameter as written (`--name value`), drawn from the parameter table."""
    pool = specs if specs is not None else _VALID_SPECS

    def build(spec: ParamSpec) -> st.SearchStrategy[str]:
        names = st.sampled_from(spec.names)
        return st.builds(lambda n, v: f"--{n} {v}".rstrip(), names, _value_for(spec))

    return st.sampled_from(pool).flatmap(build)


def valid_prompts() -> st.SearchStrategy[str]:
    """Well-formed prompts: images, text, distinct parameters from the V7 table."""
    chosen = st.lists(st.sampled_from(_VALID_SPECS), max_size=5, unique_by=lambda s: s.name)
    params = chosen.flatmap(
        lambda specs: st.tuples(*[parameters([s]) for s in specs]) if specs else st.just(())
    )
    images = st.lists(image_urls(), max_size=2)
    return st.builds(
        lambda imgs, text, ps: " ".join([*imgs, text, *ps]), images, prompt_texts(), params
    )


# Pieces that exercise every corner of the grammar and the rules.
_HOSTILE_PIECES = st.sampled_from(
    [
        "--",
        "---",
        "—",
        "–",
        "−",
        "- -",
        "--ar",
        "—ar",
        "–ar",
        "--AR",
        "--ar16:9",
        "16：9",
        "{",
        "}",
        "{a, b}",
        "\\,",
        "\\",
        "::",
        "::2",
        ":",
        ",",
        "<",
        ">",
        "<https://x.png>",
        "https://x.png",
        "http://x",
        "/imagine prompt:",
        "--no",
        "--sref",
        "--v 7",
        "\x00",
        "\r\n",
        "\r",
        "\n",
        "\t",
        "\u3000",
        "\ufeff",
        "\ud800",
        "🌙",
        " ",
        "  ",
    ]
)


def hostile_text() -> st.SearchStrategy[str]:
    """Arbitrary text biased towards prompt syntax: markers, braces, lone surrogates, NUL."""
    pieces = st.lists(_HOSTILE_PIECES | st.text(max_size=6), max_size=30).map("".join)
    mixed = st.lists(pieces | prompt_texts() | parameters(list(PARAMS)), max_size=8).map(" ".join)
    return st.one_of(st.text(), pieces, mixed)


def prompts() -> st.SearchStrategy[str]:
    """Any prompt-like text: valid prompts and hostile ones."""
    return st.one_of(valid_prompts(), hostile_text())
