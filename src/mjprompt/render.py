"""The canonical form of a prompt (``mjprompt format``).

Canonical means: bare image URLs, then the text with every run of whitespace reduced to
one space, then the parameters with `--` markers and the names Midjourney itself writes
when it echoes a prompt (``ParamSpec.display``), in the fixed order of the parameter
table (``ParamSpec.order``), one space between parts. Unknown parameters keep their
relative order after the known ones; nothing the user wrote is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .ast import (
    ImageRef,
    Option,
    OptionText,
    Parameter,
    Permutation,
    Prompt,
    StrayBrace,
    TextChunk,
    Value,
    Weight,
)

__all__ = ["render"]

_WS = re.compile(r"\s+")
# A text chunk that starts like a bracketed image (`<https://…`) but met whitespace
# before its `>` (the grammar's IMAGE terminal, prompt.lark).
_OPEN_BRACKET_URL = re.compile(r"<https?://", re.IGNORECASE)

UNKNOWN_ORDER = 10_000
UNCLOSED_ORDER = 20_000
_DASHES = "-\u2014\u2013\u2212"


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _render_group(group: Permutation) -> str:
    # Iterative, not recursive: a prompt may nest `{` ten thousand deep.
    out: list[str] = []
    stack: list[str | Permutation] = [group]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        pieces: list[str | Permutation] = ["{"]
        for i, option in enumerate(item.options):
            if i:
                pieces.append(", ")
            pieces.extend(_option_pieces(option))
        if item.closed:
            pieces.append("}")
        stack.extend(reversed(pieces))
    return "".join(out)


def _option_pieces(option: Option) -> list[str | Permutation]:
    """An option's parts with single spaces where the source had whitespace between them."""
    pieces: list[str | Permutation] = []
    prev_end: int | None = None
    for part in option.parts:
        if isinstance(part, OptionText):
            text, kept = _option_text(part.raw)
            start = part.span.start
            end = start + kept
        else:
            text, start, end = "", part.span.start, part.span.end
        if prev_end is not None and start != prev_end:
            pieces.append(" ")
        pieces.append(text if isinstance(part, OptionText) else part)
        prev_end = end
    return pieces


def _option_text(raw: str) -> tuple[str, int]:
    """Option text with whitespace squashed, and how much of ``raw`` that covers.

    Trailing whitespace is dropped unless a backslash escapes it (`{a\\ }`): without the
    space, the backslash would escape the closing brace instead.
    """
    body = raw.rstrip()
    kept = len(body)
    if kept < len(raw) and _ends_escaping(body):
        kept += 1
        body += " "
    return _WS.sub(" ", body), kept


def _render_part(part: TextChunk | Weight | Permutation | StrayBrace | Value) -> str:
    if isinstance(part, Permutation):
        return _render_group(part)
    return _squash(part.raw)


def _join(
    parts: Sequence[ImageRef | TextChunk | Weight | Permutation | StrayBrace | Value],
    source: str,
    guard_at: int = -1,
) -> str:
    """The parts, one space where the source had whitespace between them.

    ``guard_at`` is the index of the part where the text starts after the images.
    When that part begins like a bracketed image (`<https://x.png?{ a}>`), the groups
    touching it keep their inner whitespace (squashed): the canonical `{a}` would close
    the brackets into an image the source does not have, and render would not be
    idempotent (found by the fuzzer).
    """
    # Parts that touch in the source touch in the output: `super{man, woman}` expands
    # to "superman", and a space there would change what the prompt means.
    out: list[str] = []
    prev_end: int | None = None
    guarded = False
    for i, part in enumerate(parts):
        touching = prev_end is not None and part.span.start == prev_end
        if prev_end is not None:
            out.append("" if touching else " ")
        if i == guard_at:
            guarded = isinstance(part, TextChunk) and bool(_OPEN_BRACKET_URL.match(part.raw))
        elif not touching:
            guarded = False
        if isinstance(part, ImageRef):
            out.append(_render_image(part, source))
        elif guarded and isinstance(part, Permutation):
            out.append(_squash(source[part.span.start : part.span.end]))
        else:
            out.append(_render_part(part))
        prev_end = part.span.end
    return "".join(out)


def _render_param(p: Parameter, source: str) -> str:
    if p.spec is not None:
        head = "--" + p.spec.display
    elif p.name:
        head = "--" + p.name
    else:
        head = _squash(p.marker)
    values = _join(p.values, source)
    if not values:
        return head
    # A glued value is split off (`--ar16:9` -> `--ar 16:9`) unless it starts with a dash:
    # after a space, `--A--` would turn into two parameters; or ends with a backslash
    # before a brace: glued, `--g\{a}` is `\` and a group, but after a space `\{a}` is
    # one value with an escaped brace (the grammar's PARAM and VALUE terminals).
    sep = " "
    first = p.values[0]
    if p.glued and (
        values[0] in _DASHES or (isinstance(first, Value) and _ends_escaping(first.raw))
    ):
        sep = ""
    return f"{head}{sep}{values}"


def _ends_escaping(text: str) -> bool:
    """True when ``text`` ends with a backslash that nothing escapes (an odd run): it
    escapes whatever comes next."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _render_image(image: ImageRef, source: str) -> str:
    # `<https://…>` becomes the bare URL, unless something touches its closing `>`:
    # without the brackets the URL would swallow it, with a space it could turn into a
    # parameter (`<https://x.png>–ar`).
    touching = image.span.end < len(source) and not source[image.span.end].isspace()
    return image.raw if image.bracketed and touching else image.url


def _param_key(indexed: tuple[int, Parameter]) -> tuple[int, int]:
    index, p = indexed
    if any(isinstance(v, Permutation) and not v.closed for v in p.values):
        # An unclosed `{` runs to the end of the prompt: moved before another
        # parameter, it would swallow it. Keep it last.
        return (UNCLOSED_ORDER, index)
    return (p.spec.order if p.spec is not None else UNKNOWN_ORDER, index)


def render(prompt: Prompt) -> str:
    """The canonical text of a parsed prompt."""
    head = _join([*prompt.images, *prompt.text], prompt.source, guard_at=len(prompt.images))
    ordered = sorted(enumerate(prompt.params), key=_param_key)
    parts = [head, *(_render_param(p, prompt.source) for _, p in ordered)]
    return " ".join(p for p in parts if p)
