"""Parse prompt text into the AST with the Lark grammar in ``grammar/prompt.lark``.

The parser is LALR with the contextual lexer and an inline transformer: nodes are built
while the parser reduces, with positions taken from the tokens (no second pass over a
parse tree, no ``propagate_positions``). The grammar accepts every string; the only
recovery needed is for an unclosed ``{``, which the error handler closes at the end of
input so that the rest of the prompt still parses.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any

import attrs
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken

from .ast import (
    ImageRef,
    MarkerStyle,
    Option,
    OptionText,
    Parameter,
    Permutation,
    Prompt,
    StrayBrace,
    TextChunk,
    TextPart,
    Value,
    ValuePart,
    Weight,
)
from .diagnostics import Diagnostic, Span
from .params import lookup
from .values import parse_value

__all__ = ["PromptSyntaxError", "grammar_text", "iter_permutations", "parse", "parse_lenient"]

GRAMMAR_FILE = "prompt.lark"


class PromptSyntaxError(ValueError):
    """Raised by :func:`parse` when the text has syntax errors; carries the diagnostics."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        detail = f"{first.code} at {first.span.start}: {first.message}" if first else "syntax error"
        super().__init__(detail)


def grammar_text() -> str:
    """The grammar source shipped inside the package."""
    return (resources.files("mjprompt") / "grammar" / GRAMMAR_FILE).read_text("utf-8")


def _span(tok: Token) -> Span:
    return Span(tok.start_pos or 0, tok.end_pos or 0)


def _style(marker: str) -> MarkerStyle:
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


class _Builder(Transformer[Token, Any]):
    """Inline transformer: each callback receives the children of one reduced rule."""

    def __init__(self, head: re.Pattern[str], value: re.Pattern[str]) -> None:
        super().__init__(visit_tokens=False)
        self._head = head
        self._value = value

    # -- top level ------------------------------------------------------------------
    def start(self, children: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
        images: list[Any] = []
        text: list[Any] = []
        params: list[Any] = []
        for child in children:
            if isinstance(child, ImageRef):
                images.append(child)
            elif isinstance(child, Parameter):
                params.append(child)
            else:
                text.append(child)
        return images, text, params

    def image(self, children: list[Token]) -> ImageRef:
        tok = children[0]
        return ImageRef(_span(tok), str(tok))

    def text_chunk(self, children: list[Token]) -> TextChunk:
        tok = children[0]
        return TextChunk(_span(tok), str(tok))

    def weight(self, children: list[Token]) -> Weight:
        tok = children[0]
        return Weight(_span(tok), str(tok))

    def stray_rbrace(self, children: list[Token]) -> StrayBrace:
        return StrayBrace(_span(children[0]))

    # -- parameters -----------------------------------------------------------------
    def param(self, children: list[Any]) -> Parameter:
        tok: Token = children[0]
        raw = str(tok)
        start = tok.start_pos or 0
        head = self._head.match(raw)
        assert head is not None  # the PARAM terminal starts with MARKER NAME
        marker, name = head.group(1), head.group(2)
        name_span = Span(start + head.start(2), start + head.end(2))
        values: list[ValuePart] = [
            Value(Span(start + m.start(), start + m.end()), m.group())
            for m in self._value.finditer(raw, head.end())
        ]
        for tail in children[1:]:
            if isinstance(tail, Token):  # VALUE_TAIL: more value tokens after a group
                base = tail.start_pos or 0
                values.extend(
                    Value(Span(base + m.start(), base + m.end()), m.group())
                    for m in self._value.finditer(str(tail))
                )
            else:
                values.append(tail)
        end = values[-1].span.end if values else name_span.end
        spec = lookup(name) if name else None
        parsed = None
        if spec is not None and not any(not isinstance(v, Value) for v in values):
            parsed = parse_value(spec, [v.raw for v in values if isinstance(v, Value)])
        return Parameter(
            span=Span(start, end),
            raw=raw if len(children) == 1 else "",
            marker=marker,
            marker_style=_style(marker),
            name=name,
            name_span=name_span,
            spec=spec,
            values=tuple(values),
            value=parsed,
        )

    def value_tail(self, children: list[Token]) -> Token:
        return children[0]

    # -- permutations ---------------------------------------------------------------
    def perm(self, children: list[Any]) -> Permutation:
        lbrace: Token = children[0]
        rbrace: Token = children[-1]
        options: list[Option] = []
        prev_end = lbrace.end_pos or 0
        for child in children[1:-1]:
            if isinstance(child, _PendingOption):
                parts = tuple(child.parts)
                # An empty option has no token of its own: place it after `{` or `,`.
                span = (
                    Span(parts[0].span.start, parts[-1].span.end)
                    if parts
                    else Span(prev_end, prev_end)
                )
                options.append(Option(span, parts))
            else:  # COMMA
                prev_end = child.end_pos or 0
        closed = bool(str(rbrace))  # the error handler closes with an empty RBRACE
        return Permutation(Span(lbrace.start_pos or 0, rbrace.end_pos or 0), tuple(options), closed)

    def option(self, children: list[Any]) -> _PendingOption:
        return _PendingOption(children)

    def option_text(self, children: list[Token]) -> OptionText:
        tok = children[0]
        return OptionText(_span(tok), str(tok))


class _PendingOption:
    __slots__ = ("parts",)

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts


def terminal_pattern(grammar: str, name: str) -> str:
    """The regular expression of a ``NAME: /regex/`` terminal line of the grammar.

    The transformer splits a PARAM token with the sub-terminals it is composed of; they
    are read from the grammar text rather than from a compiled grammar so that the
    parser can be loaded from Lark's cache (a test checks they match Lark's compilation).
    """
    m = re.search(rf"^{name}:\s*/(.*)/\s*$", grammar, re.MULTILINE)
    if m is None:  # pragma: no cover - the grammar ships with the package
        raise RuntimeError(f"terminal {name} not found in the grammar")
    return m.group(1)


def _cache_path(grammar: str) -> str | bool:
    """A per-user cache file for the compiled parser, or False when there is none.

    Lark's own default lives in the shared temporary directory, where another local user
    could plant a file in its place; a directory owned by the user avoids that.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "mjprompt")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not os.access(folder, os.W_OK) or os.stat(folder).st_uid != os.getuid():
            return False
    except (OSError, AttributeError):  # read-only home, or no getuid (Windows)
        return False
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return os.path.join(folder, f"grammar-{digest}.lark-cache")


class _PromptParser:
    """The compiled grammar plus the sub-terminal patterns the transformer reuses."""

    def __init__(self) -> None:
        text = grammar_text()
        head = re.compile(f"({terminal_pattern(text, 'MARKER')})({terminal_pattern(text, 'NAME')})")
        value = re.compile(terminal_pattern(text, "VALUE"))
        options: dict[str, Any] = {
            "parser": "lalr",
            "lexer": "contextual",
            "transformer": _Builder(head, value),
            "maybe_placeholders": False,
        }
        cache = _cache_path(text)
        try:
            self.lark = Lark(text, cache=cache, **options)
        except Exception:  # a corrupt or foreign cache file: build from the grammar
            self.lark = Lark(text, **options)

    def parse(self, text: str) -> Prompt:
        unclosed: list[int] = []

        def on_error(e: UnexpectedInput) -> bool:
            # The grammar lexes every character, so the only possible error is the end
            # of input inside a permutation: close the open groups and carry on.
            if not (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
                return False
            ip = e.interactive_parser
            end = len(text)
            while "$END" not in (choices := ip.choices()):  # type: ignore[no-untyped-call]
                if "RBRACE" not in choices:
                    return False
                unclosed.append(end)
                ip.feed_token(Token("RBRACE", "", start_pos=end, end_pos=end))
            return True

        result: tuple[list[ImageRef], list[TextPart], list[Parameter]]
        result = self.lark.parse(text, on_error=on_error)  # type: ignore[assignment]
        images, parts, params = result
        # A parameter split by a permutation has no single token: give it its source.
        params = [
            p if p.raw else attrs.evolve(p, raw=text[p.span.start : p.span.end]) for p in params
        ]
        return Prompt(text, tuple(images), tuple(parts), tuple(params))


@functools.lru_cache(maxsize=1)
def _parser() -> _PromptParser:
    return _PromptParser()


def parse_lenient(text: str) -> Prompt:
    """Parse any string; never raises. Syntax problems are left to the syntax rules."""
    return _parser().parse(text)


def parse(text: str) -> Prompt:
    """Parse a prompt. Raises :class:`PromptSyntaxError` if it has syntax errors.

    Use :func:`mjprompt.lint` to get every problem of any text without an exception.
    """
    prompt = parse_lenient(text)
    if any(not group.closed for group in iter_permutations(prompt)):
        # Only input outside the grammar raises; everything else is left to lint.
        from .rules import lint_prompt

        raise PromptSyntaxError(lint_prompt(prompt, select=("MJ111",)))
    return prompt


def iter_permutations(prompt: Prompt) -> Iterator[Permutation]:
    """Every permutation group of the prompt, nested ones included, outermost first."""
    stack = list(prompt.permutations())
    stack.reverse()
    while stack:
        group = stack.pop()
        yield group
        inner = [p for o in group.options for p in o.parts if isinstance(p, Permutation)]
        stack.extend(reversed(inner))
