"""Hypothesis strategies for Midjourney V7 prompts, valid and hostile.

Install with ``pip install mjprompt[strategies]``. Other tools can test their own prompt
generators with these::

    from hypothesis import given
    from mjprompt.strategies import prompts

    @given(prompts())
    def test_my_tool(prompt: str) -> None: ...

All strategies live here so the project's own property tests and outside users draw
from the same definitions:

- :func:`valid_prompts`, :func:`prompt_texts`, :func:`image_urls`, :func:`parameters`:
  well-formed pieces;
- :func:`hostile_text`, :func:`prompts`: anything a user might paste, malformed included;
- :func:`permutation_prompts`: ``{a, b}`` prompts paired with the number of prompts they
  expand to, computed from how they were built (not by the library under test);
- :func:`prompt_files`: the bytes of a prompt file: BOMs, CRLF/CR line endings, comments,
  and (``hostile=True``) NUL bytes, invalid UTF-8 and very long lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from .params import PARAMS, Kind, ParamSpec, Status

__all__ = [
    "hostile_text",
    "image_urls",
    "parameters",
    "permutation_prompts",
    "prompt_files",
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
        # an image bracket the whitespace of a group keeps open (a render finding)
        "<https://x/{ a}>",
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


# -- permutations ----------------------------------------------------------------------

# Option words: no braces, no bare commas (``\\,`` is an escaped, literal comma), no
# parameter markers, so that the way a group is built fixes how many prompts it gives.
_OPTION_WORDS = st.sampled_from(
    ["red", "blue", "green bird", "a cat", "café", "🌙", "x\\, y", "oil painting", "2:3"]
)


def _group(depth: int, max_options: int) -> st.SearchStrategy[tuple[str, int]]:
    """``({…}, count)``: a group of options, some holding nested groups."""
    if depth <= 1:
        part: st.SearchStrategy[tuple[str, int]] = _OPTION_WORDS.map(lambda w: (w, 1))
    else:
        part = _OPTION_WORDS.map(lambda w: (w, 1)) | st.deferred(
            lambda: _group(depth - 1, max_options)
        )
    option = st.lists(part, min_size=1, max_size=3).map(_join_option)
    return st.lists(option, min_size=1, max_size=max_options).map(_join_group)


def _join_option(parts: Sequence[tuple[str, int]]) -> tuple[str, int]:
    count = 1
    for _, n in parts:
        count *= n
    return " ".join(text for text, _ in parts), count


def _join_group(options: Sequence[tuple[str, int]]) -> tuple[str, int]:
    # An option gives the product of its nested groups; a group, the sum over its options.
    return "{" + ", ".join(text for text, _ in options) + "}", sum(n for _, n in options)


def permutation_prompts(
    *, max_groups: int = 3, max_options: int = 4, max_depth: int = 2
) -> st.SearchStrategy[tuple[str, int]]:
    """``(prompt, count)``: a prompt with ``{a, b}`` permutations and how many prompts it
    expands to (the product over its groups of each group's options, nested ones
    multiplied in). Groups appear in the text and in parameter values (``--ar {1:1, 2:3}``).

    The count comes from the way the prompt was built, so a tool can check its own
    expansion against it. Raise ``max_groups`` and ``max_options`` for prompts that would
    expand to millions.
    """
    group = _group(max(1, max_depth), max(1, max_options))
    text_piece = prompt_texts().map(lambda t: (t, 1))
    # At least one group in the text; at most `max_groups`.
    pieces = st.lists(group | text_piece, min_size=1, max_size=2 * max_groups).filter(
        lambda ps: 1 <= sum(1 for t, _ in ps if t.startswith("{")) <= max(1, max_groups)
    )
    ratio_group = st.lists(
        st.sampled_from(["1:1", "2:3", "16:9", "4:5"]), min_size=1, max_size=3, unique=True
    ).map(lambda rs: ("--ar {" + ", ".join(rs) + "}", len(rs)))
    param = st.one_of(
        st.just(("", 1)),
        st.just(("--ar 2:3", 1)),
        ratio_group,
        st.just(("--s 250", 1)),
    )

    def build(head: str, body: Sequence[tuple[str, int]], tail: tuple[str, int]) -> tuple[str, int]:
        count = tail[1]
        for _, n in body:
            count *= n
        words = [head, *(t for t, _ in body), tail[0]]
        return " ".join(w for w in words if w), count

    return st.builds(build, prompt_texts(), pieces, param)


# -- files -----------------------------------------------------------------------------

_EOLS = st.sampled_from([b"\n", b"\r\n", b"\r"])
_BOM = b"\xef\xbb\xbf"
# Bytes that must never reach a prompt unreported: NUL, bytes that are not UTF-8
# (a lone continuation byte, an overlong form, a truncated sequence, UTF-16 BOM).
_BAD_BYTES = st.sampled_from([b"\x00", b"\xff", b"\x80", b"\xc0\xaf", b"\xe2\x82", b"\xff\xfe"])


def _line_bytes(text: str, hostile: bool) -> bytes:
    """One prompt line: line breaks become spaces; unless hostile, NUL bytes and lone
    surrogates (which UTF-8 cannot encode) are replaced too."""
    line = text.replace("\r", " ").replace("\n", " ")
    if hostile:
        return line.encode("utf-8", "surrogatepass")
    return line.replace("\x00", " ").encode("utf-8", "replace")


def prompt_files(*, hostile: bool = False) -> st.SearchStrategy[bytes]:
    """The bytes of a text prompt file: prompts one per line, comments, blank lines, mixed
    ``\\n`` / ``\\r\\n`` / ``\\r`` endings, an optional UTF-8 BOM, an optional final newline.

    With ``hostile=True`` some lines also carry NUL bytes, bytes that are not UTF-8, or
    run to thousands of characters: what a reader of prompt files must report, not crash
    on.
    """
    prompt_line = prompts().map(lambda t: _line_bytes(t, hostile))
    comment = prompt_texts().map(lambda t: ("# " + t).encode("utf-8"))
    blank = st.sampled_from([b"", b"   ", b"\t"])
    line = prompt_line | comment | blank
    if hostile:
        broken = st.builds(lambda a, bad, b: a + bad + b, prompt_line, _BAD_BYTES, prompt_line)
        long_line = st.integers(1, 20).map(lambda n: b"a cat " * (500 * n))
        line = line | broken | long_line

    def join(bom: bool, lines: Sequence[tuple[bytes, bytes]], final: bool) -> bytes:
        data = b"".join(text + eol for text, eol in lines)
        if lines and not final:
            data = data[: -len(lines[-1][1])]
        return (_BOM if bom else b"") + data

    return st.builds(
        join, st.booleans(), st.lists(st.tuples(line, _EOLS), max_size=12), st.booleans()
    )
