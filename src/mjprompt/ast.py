"""The prompt AST: typed immutable nodes, each carrying its span in the source.

The tree is lossless: ``str(prompt)`` is the source text, every node's ``raw`` is
exactly ``source[span.start:span.end]``, and what lies between top-level nodes is only
whitespace (a property the tests check on every corpus prompt).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

from ._immutable import Immutable, setters
from .diagnostics import Span
from .params import ParamSpec

__all__ = [
    "ImageRef",
    "MarkerStyle",
    "Option",
    "OptionText",
    "Parameter",
    "ParameterHead",
    "Permutation",
    "Prompt",
    "Ratio",
    "SrefItem",
    "StrayBrace",
    "TextChunk",
    "Value",
    "Weight",
    "marker_style",
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


def marker_style(marker: str) -> MarkerStyle:
    """The style of a marker as the grammar's MARKER terminal matched it."""
    if marker == "--":
        return MarkerStyle.DOUBLE_HYPHEN
    first = marker[0]
    if first == "\u2014":
        return MarkerStyle.EM_DASH
    if first == "\u2013":
        return MarkerStyle.EN_DASH
    if first == "\u2212":
        return MarkerStyle.MINUS
    if marker.startswith("---"):
        return MarkerStyle.TRIPLE
    return MarkerStyle.SPACED


class Ratio(Immutable):
    """An aspect ratio ``W:H``; ``width``/``height`` as written (may be decimals)."""

    __slots__ = ("width", "height")  # noqa: RUF023 - the fields' order
    width: float
    height: float

    def __init__(self, width: float, height: float) -> None:
        _set_width(self, width)
        _set_height(self, height)

    @property
    def is_integral(self) -> bool:
        return self.width.is_integer() and self.height.is_integer()


_set_width, _set_height = setters(Ratio, "width", "height")


class SrefItem(Immutable):
    """One ``--sref`` item: an image URL, a numeric style code or ``random``."""

    __slots__ = ("kind", "text", "weight", "weight_raw")
    kind: str  # "url" | "code" | "random" | "invalid"
    text: str  # the item without its weight
    weight: float | None  # the ``::weight`` suffix, if any
    weight_raw: str | None

    def __init__(
        self, kind: str, text: str, weight: float | None, weight_raw: str | None = None
    ) -> None:
        _set_kind(self, kind)
        _set_item_text(self, text)
        _set_weight(self, weight)
        _set_weight_raw(self, weight_raw)


_set_kind, _set_item_text, _set_weight, _set_weight_raw = setters(
    SrefItem, "kind", "text", "weight", "weight_raw"
)


class _Token(Immutable):
    """A node that is one token of the source: its span and its text as written.

    The leaf classes below share these two slots (and their setters); equality still
    tells them apart by class.
    """

    __slots__ = ("span", "raw")  # noqa: RUF023 - the fields' order
    span: Span
    raw: str

    def __init__(self, span: Span, raw: str) -> None:
        _set_span(self, span)
        _set_raw(self, raw)


_set_span, _set_raw = setters(_Token, "span", "raw")


class ImageRef(_Token):
    """A leading image prompt URL (bare, or Discord-style ``<https://…>``)."""

    __slots__ = ()

    @property
    def bracketed(self) -> bool:
        return self.raw.startswith("<")

    @property
    def url(self) -> str:
        return self.raw[1:-1] if self.bracketed and self.raw.endswith(">") else self.raw


class TextChunk(_Token):
    """A run of plain text words (no braces, no ``::``)."""

    __slots__ = ()


class Weight(_Token):
    """A ``::`` multi-prompt separator with its optional weight (``::2``)."""

    __slots__ = ()

    @property
    def weight(self) -> float | None:
        tail = self.raw[2:]
        return float(tail) if tail else None


class StrayBrace(_Token):
    """A ``}`` with no ``{`` to close."""

    __slots__ = ()

    def __init__(self, span: Span, raw: str = "}") -> None:
        _set_span(self, span)
        _set_raw(self, raw)


class OptionText(_Token):
    """Text inside a permutation option (``\\,`` is an escaped comma)."""

    __slots__ = ()


class Value(_Token):
    """One whitespace-separated value token of a parameter."""

    __slots__ = ()


class Option(Immutable):
    """One comma-separated option of a permutation."""

    __slots__ = ("span", "parts")  # noqa: RUF023 - the fields' order
    span: Span
    parts: tuple[OptionText | Permutation, ...]

    def __init__(self, span: Span, parts: tuple[OptionText | Permutation, ...]) -> None:
        _set_option_span(self, span)
        _set_parts(self, parts)


_set_option_span, _set_parts = setters(Option, "span", "parts")


class Permutation(Immutable):
    """A ``{a, b}`` permutation group; ``closed`` is False when ``}`` was missing."""

    __slots__ = ("span", "options", "closed")  # noqa: RUF023 - the fields' order
    span: Span
    options: tuple[Option, ...]
    closed: bool

    def __init__(self, span: Span, options: tuple[Option, ...], closed: bool = True) -> None:
        _set_group_span(self, span)
        _set_options(self, options)
        _set_closed(self, closed)


_set_group_span, _set_options, _set_closed = setters(Permutation, "span", "options", "closed")


TextPart = TextChunk | Weight | Permutation | StrayBrace
ValuePart = Value | Permutation | StrayBrace
# What a parameter's token says whatever its position (`Parameter.at`): its marker, the
# marker's style, its name, its parsed value, then where the parameter starts and ends,
# where its name starts and ends, and each value (start, end, text), relative to the
# token's position. Immutable, so the scanner keeps one per token text.
ParameterHead = tuple[
    str, MarkerStyle, str, object, int, int, int, int, tuple[tuple[int, int, str], ...]
]


class Parameter(Immutable):
    """A parameter: marker, name as written, and its value parts.

    ``spec`` is the row of the parameter table the name resolves to (through aliases,
    case-insensitively), or ``None`` for an unknown name. ``value`` is the parsed value
    (see :mod:`mjprompt.values`), or ``None`` when the values do not parse.

    ``span``, ``name_span`` and ``values`` are built on first use for a parameter the
    scanner made (:meth:`at`): most are never asked for their positions or value nodes
    (the rules read ``raw``, ``spec`` and ``value``), and building them was a third of a
    scan. They are fields like the others: equality, hashing, ``repr`` and pickling read
    them.
    """

    # Only three slots: `raw` and `spec` (the fields the rules read most, 1.7 and 2.4
    # times per corpus prompt), and `_at`, which holds the rest (see below). Setting a
    # slot costs ~46 ns (a slot descriptor's `__set__`) and a scanned parameter used to
    # set ten; the fields read from `_at` cost ~40 ns more per read instead, and they
    # are read ~1.5 times per prompt (1.55 parameters). `at` went from ~600 to ~310 ns;
    # bench/ab.py: parse 0.482 -> 0.541x the regex floor, lint 0.231 -> 0.241x.
    __slots__ = ("raw", "spec", "_at")  # noqa: RUF023 - the fields' order
    _fields = (
        "span",
        "raw",
        "marker",
        "marker_style",
        "name",
        "name_span",
        "spec",
        "values",
        "value",
    )
    raw: str
    spec: ParamSpec | None
    # (base, head, span, name_span, values): the position of the parameter's token, the
    # facts of the token that do not depend on where it stands (`ParameterHead`, which
    # the scanner shares between parameters written alike), and the span, name span and
    # values, or None in a parameter made by `at` until first read (see the properties:
    # each filled one replaces the tuple).
    _at: tuple[int, ParameterHead, Span | None, Span | None, tuple[ValuePart, ...] | None]

    def __init__(
        self,
        span: Span,
        raw: str,
        marker: str,
        marker_style: MarkerStyle,
        name: str,
        name_span: Span,
        spec: ParamSpec | None,
        values: tuple[ValuePart, ...],
        value: object = None,
    ) -> None:
        _set_param_raw(self, raw)
        _set_param_spec(self, spec)
        # Built with every position given: the head's offsets are not read.
        head = (marker, marker_style, name, value, 0, 0, 0, 0, ())
        _set_param_at(self, (0, head, span, name_span, values))

    @classmethod
    def at(cls, base: int, raw: str, spec: ParamSpec | None, head: ParameterHead) -> Parameter:
        """A parameter at ``base`` whose span, name span and values are built when first
        read, from the positions in ``head`` (relative to ``base``); every value is a
        :class:`Value`."""
        self = cls.__new__(cls)
        _set_param_raw(self, raw)
        _set_param_spec(self, spec)
        _set_param_at(self, (base, head, None, None, None))
        return self

    @property
    def marker(self) -> str:
        return self._at[1][0]

    @property
    def marker_style(self) -> MarkerStyle:
        return self._at[1][1]

    @property
    def name(self) -> str:
        return self._at[1][2]

    @property
    def value(self) -> object:
        return self._at[1][3]

    @property
    def span(self) -> Span:
        at = self._at
        span = at[2]
        if span is None:  # made by `at`: built once, on first use
            base, head = at[0], at[1]
            span = Span(base + head[4], base + head[5])
            _set_param_at(self, (base, head, span, at[3], at[4]))
        return span

    @property
    def name_span(self) -> Span:
        at = self._at
        span = at[3]
        if span is None:  # made by `at`: built once, on first use
            base, head = at[0], at[1]
            span = Span(base + head[6], base + head[7])
            _set_param_at(self, (base, head, at[2], span, at[4]))
        return span

    @property
    def values(self) -> tuple[ValuePart, ...]:
        at = self._at
        values = at[4]
        if values is None:  # made by `at`: built once, on first use
            base = at[0]
            values = tuple([Value(Span(base + s, base + e), text) for s, e, text in at[1][8]])
            _set_param_at(self, (base, at[1], at[2], at[3], values))
        return values

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
        values = self._at[4]
        if values is None:  # made by `at`, from a token without braces: no group
            return False
        return any(isinstance(v, Permutation) for v in values)

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


class Prompt(Immutable):
    """A parsed prompt: leading images, text parts and the parameter block."""

    __slots__ = ("source", "images", "text", "params")  # noqa: RUF023 - the fields' order
    source: str
    images: tuple[ImageRef, ...]
    text: tuple[TextPart, ...]
    params: tuple[Parameter, ...]

    def __init__(
        self,
        source: str,
        images: tuple[ImageRef, ...],
        text: tuple[TextPart, ...],
        params: tuple[Parameter, ...],
    ) -> None:
        _set_source(self, source)
        _set_images(self, images)
        _set_text(self, text)
        _set_params(self, params)

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


_set_param_raw, _set_param_spec, _set_param_at = setters(Parameter, *Parameter.__slots__)
_set_source, _set_images, _set_text, _set_params = setters(
    Prompt, "source", "images", "text", "params"
)
