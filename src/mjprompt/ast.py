"""The prompt AST: typed attrs nodes, each carrying its span in the source.

The tree is lossless: ``str(prompt)`` is the source text, every node's ``raw`` is
exactly ``source[span.start:span.end]``, and what lies between top-level nodes is only
whitespace (a property the tests check on every corpus prompt).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs

from .diagnostics import Span
from .params import ParamSpec

__all__ = [
    "ImageRef",
    "MarkerStyle",
    "Option",
    "OptionText",
    "Parameter",
    "Permutation",
    "Prompt",
    "Ratio",
    "SrefItem",
    "StrayBrace",
    "TextChunk",
    "Value",
    "Weight",
]


class MarkerStyle(str, enum.Enum):
    """How a parameter marker was written."""

    DOUBLE_HYPHEN = "--"
    EM_DASH = "em-dash"  # U+2014, accepted by Midjourney
    EN_DASH = "en-dash"  # U+2013, rejected by Midjourney
    MINUS = "minus"  # U+2212
    SPACED = "spaced"  # `- -`
    TRIPLE = "triple"  # three or more hyphens

    @property
    def valid(self) -> bool:
        return self in (MarkerStyle.DOUBLE_HYPHEN, MarkerStyle.EM_DASH)


@attrs.frozen(slots=True)
class Ratio:
    """An aspect ratio ``W:H``; ``width``/``height`` as written (may be decimals)."""

    width: float
    height: float

    @property
    def is_integral(self) -> bool:
        return self.width.is_integer() and self.height.is_integer()


@attrs.frozen(slots=True)
class SrefItem:
    """One ``--sref`` item: an image URL, a numeric style code or ``random``."""

    kind: str  # "url" | "code" | "random" | "invalid"
    text: str  # the item without its weight
    weight: float | None  # the ``::weight`` suffix, if any
    weight_raw: str | None = None


@attrs.frozen(slots=True)
class ImageRef:
    """A leading image prompt URL (bare, or Discord-style ``<https://…>``)."""

    span: Span
    raw: str

    @property
    def bracketed(self) -> bool:
        return self.raw.startswith("<")

    @property
    def url(self) -> str:
        return self.raw[1:-1] if self.bracketed and self.raw.endswith(">") else self.raw


@attrs.frozen(slots=True)
class TextChunk:
    """A run of plain text words (no braces, no ``::``)."""

    span: Span
    raw: str


@attrs.frozen(slots=True)
class Weight:
    """A ``::`` multi-prompt separator with its optional weight (``::2``)."""

    span: Span
    raw: str

    @property
    def weight(self) -> float | None:
        tail = self.raw[2:]
        return float(tail) if tail else None


@attrs.frozen(slots=True)
class StrayBrace:
    """A ``}`` with no ``{`` to close."""

    span: Span
    raw: str = "}"


@attrs.frozen(slots=True)
class OptionText:
    """Text inside a permutation option (``\\,`` is an escaped comma)."""

    span: Span
    raw: str


@attrs.frozen(slots=True)
class Option:
    """One comma-separated option of a permutation."""

    span: Span
    parts: tuple[OptionText | Permutation, ...]


@attrs.frozen(slots=True)
class Permutation:
    """A ``{a, b}`` permutation group; ``closed`` is False when ``}`` was missing."""

    span: Span
    options: tuple[Option, ...]
    closed: bool = True


@attrs.frozen(slots=True)
class Value:
    """One whitespace-separated value token of a parameter."""

    span: Span
    raw: str


TextPart = TextChunk | Weight | Permutation | StrayBrace
ValuePart = Value | Permutation | StrayBrace


@attrs.frozen(slots=True)
class Parameter:
    """A parameter: marker, name as written, and its value parts.

    ``spec`` is the row of the parameter table the name resolves to (through aliases,
    case-insensitively), or ``None`` for an unknown name. ``value`` is the parsed value
    (see :mod:`mjprompt.values`), or ``None`` when the values do not parse.
    """

    span: Span
    raw: str
    marker: str
    marker_style: MarkerStyle
    name: str
    name_span: Span
    spec: ParamSpec | None
    values: tuple[ValuePart, ...]
    value: object = None

    @property
    def canonical(self) -> str | None:
        return None if self.spec is None else self.spec.name

    @property
    def glued(self) -> bool:
        """True when the first value touches the name (``--ar16:9``)."""
        return bool(self.values) and self.values[0].span.start == self.name_span.end

    @property
    def value_tokens(self) -> tuple[Value, ...]:
        return tuple(v for v in self.values if isinstance(v, Value))

    @property
    def has_permutation(self) -> bool:
        return any(isinstance(v, Permutation) for v in self.values)

    def value_words(self) -> list[list[ValuePart]]:
        """Value parts grouped into words: parts that touch (`{1:1, 2:3}px`) are one."""
        words: list[list[ValuePart]] = []
        prev_end = -1
        for v in self.values:
            if words and v.span.start == prev_end:
                words[-1].append(v)
            else:
                words.append([v])
            prev_end = v.span.end
        return words

    @property
    def value_text(self) -> str:
        """The values as written, joined by single spaces."""
        return " ".join(v.raw for v in self.values if isinstance(v, Value))


@attrs.frozen(slots=True)
class Prompt:
    """A parsed prompt: leading images, text parts and the parameter block."""

    source: str
    images: tuple[ImageRef, ...]
    text: tuple[TextPart, ...]
    params: tuple[Parameter, ...]

    def __str__(self) -> str:
        return self.source

    @property
    def text_span(self) -> Span | None:
        if not self.text:
            return None
        return Span(self.text[0].span.start, self.text[-1].span.end)

    @property
    def text_source(self) -> str:
        """The text part as written (between the images and the parameters)."""
        span = self.text_span
        return "" if span is None else self.source[span.start : span.end]

    def nodes(self) -> Iterator[ImageRef | TextPart | Parameter]:
        """Top-level nodes in source order."""
        yield from self.images
        yield from self.text
        yield from self.params

    def permutations(self) -> Iterator[Permutation]:
        """Every top-level permutation group, in text and in parameter values."""
        for part in self.text:
            if isinstance(part, Permutation):
                yield part
        for param in self.params:
            for v in param.values:
                if isinstance(v, Permutation):
                    yield v

    def param(self, canonical: str) -> Parameter | None:
        """The first parameter with this canonical name, if any."""
        for p in self.params:
            if p.spec is not None and p.spec.name == canonical:
                return p
        return None
