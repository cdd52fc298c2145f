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
from collections.abc import Callable
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken

from .ast import (
    ImageRef,
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
    marker_style,
)
from .braces import (  # re-exported (lark-free)
    PromptSyntaxError,
    iter_permutations,
    unclosed_brace_errors,
)
from .diagnostics import Span
from .params import lookup
from .values import parse_value

__all__ = ["PromptSyntaxError", "grammar_text", "iter_permutations", "parse", "parse_lenient"]

GRAMMAR_FILE = "prompt.lark"


def grammar_text() -> str:
    """The grammar source shipped inside the package."""
    # A plain file read: importlib.resources costs ~10 ms of imports at every start (a
    # one-prompt check is a few times that); it is only needed for a zipped package.
    path = os.path.join(os.path.dirname(__file__), "grammar", GRAMMAR_FILE)
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:  # pragma: no cover - installed as a zip
        from importlib import resources

        return (resources.files("mjprompt") / "grammar" / GRAMMAR_FILE).read_text("utf-8")


def _span(tok: Token) -> Span:
    return Span(tok.start_pos or 0, tok.end_pos or 0)


class _Builder(Transformer[Token, Any]):
    """Inline transformer: each callback receives the children of one reduced rule.

    The three lists of ``start`` are built in place as their rules reduce (one callback
    per item). A parameter is kept as ``[PARAM token, *tails]`` until the whole prompt is
    parsed, because the tails after a permutation still belong to it; :meth:`finish`
    then builds the nodes.
    """

    def __init__(self, head: re.Pattern[str], value: re.Pattern[str]) -> None:
        super().__init__(visit_tokens=False)
        self._head = head.match
        self._values = value.finditer

    # -- top level ------------------------------------------------------------------
    def start(self, children: list[list[Any]]) -> tuple[list[Any], list[Any], list[Any]]:
        images: list[Any] = []
        text: list[Any] = []
        params: list[Any] = []
        for items in children:  # each list is non-empty: its first item tells which
            first = items[0]
            if first.__class__ is list:
                params = items
            elif first.__class__ is ImageRef:
                images = items
            else:
                text = items
        return images, text, params

    def images(self, children: list[Any]) -> list[ImageRef]:
        tok: Token = children[-1]
        items: list[ImageRef] = children[0] if len(children) == 2 else []
        items.append(ImageRef(Span(tok.start_pos, tok.end_pos), tok.value))  # type: ignore[arg-type]
        return items

    def texts(self, children: list[Any]) -> list[TextPart]:
        items: list[TextPart]
        if children[0].__class__ is list:
            items = children[0]
            rest = children[1:]
        else:
            items = []
            rest = children
        if len(rest) > 1:  # LBRACE ... RBRACE
            items.append(self.perm(rest))
            return items
        tok: Token = rest[0]
        span = Span(tok.start_pos, tok.end_pos)  # type: ignore[arg-type]
        kind = tok.type
        if kind == "TEXT":
            items.append(TextChunk(span, tok.value))
        elif kind == "WEIGHT":
            items.append(Weight(span, tok.value))
        else:  # RBRACE
            items.append(StrayBrace(span))
        return items

    def params(self, children: list[Any]) -> list[list[Any]]:
        if children[0].__class__ is not list:  # the first PARAM
            return [[children[0]]]
        items: list[list[Any]] = children[0]
        if len(children) > 2:  # LBRACE ... RBRACE
            items[-1].append(self.perm(children[1:]))
            return items
        tok: Token = children[1]
        if tok.type == "PARAM" or tok.type == "LOOSE_PARAM":
            items.append([tok])
        elif tok.type == "RBRACE":
            items[-1].append(StrayBrace(Span(tok.start_pos, tok.end_pos)))  # type: ignore[arg-type]
        else:  # VALUE_TAIL: more value tokens after a group
            items[-1].append(tok)
        return items

    def finish(self, text: str, entry: list[Any]) -> Parameter:
        """The parameter of a ``[PARAM token, *tails]`` list."""
        tok: Token = entry[0]
        token: str = tok.value
        base: int = tok.start_pos  # type: ignore[assignment]
        head = self._head(token)
        assert head is not None  # the PARAM terminal is whitespace, MARKER, NAME, ...
        marker, name = head.group(1, 2)
        skip = head.start(1)  # the whitespace before the marker is not the parameter's
        start = base + skip
        raw = token[skip:] if skip else token
        name_end = head.end()
        values: list[ValuePart] = []
        words: list[str] = []
        for m in self._values(token, name_end):
            word = m.group()
            words.append(word)
            values.append(Value(Span(base + m.start(), base + m.end()), word))
        plain = len(entry) == 1
        if not plain:
            for tail in entry[1:]:
                if tail.__class__ is Token:  # VALUE_TAIL
                    at = tail.start_pos or 0
                    values.extend(
                        Value(Span(at + m.start(), at + m.end()), m.group())
                        for m in self._values(tail.value)
                    )
                else:
                    values.append(tail)
        end = values[-1].span.end if values else base + name_end
        spec = lookup(name) if name else None
        parsed = None
        if spec is not None and (plain or all(v.__class__ is Value for v in values)):
            parsed = parse_value(
                spec, words if plain else [v.raw for v in values if isinstance(v, Value)]
            )
        return Parameter(
            span=Span(start, end),
            raw=raw if plain else text[start:end],
            marker=marker,
            marker_style=marker_style(marker),
            name=name,
            name_span=Span(base + head.start(2), base + name_end),
            spec=spec,
            values=tuple(values),
            value=parsed,
        )

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
        head = re.compile(
            rf"\s*({terminal_pattern(text, 'MARKER')})({terminal_pattern(text, 'NAME')})"
        )
        value = re.compile(terminal_pattern(text, "VALUE"))
        self.builder = _Builder(head, value)
        options: dict[str, Any] = {
            "parser": "lalr",
            "lexer": "contextual",
            "transformer": self.builder,
            "maybe_placeholders": False,
        }
        cache = _cache_path(text)
        try:
            self.lark = Lark(text, cache=cache, **options)
        except Exception:  # a corrupt or foreign cache file: build from the grammar
            self.lark = Lark(text, **options)
        self._direct = self._direct_entry()

    def _direct_entry(self) -> Callable[[str], Any] | None:
        """Lark's own LALR loop, entered without the set-up ``Lark.parse`` repeats per call.

        ``Lark.parse`` checks the start symbol, builds a parse configuration and wraps the
        loop in error handling on every call; for a prompt of a few tokens that is a good
        part of the time. The configuration is built once here; the lexer thread, parser
        state and loop are Lark's. ``None`` (use ``Lark.parse``) if this Lark version
        lays out its parser differently.
        """
        try:
            from lark.lexer import LexerThread
            from lark.parsers.lalr_parser_state import ParseConf, ParserState

            frontend: Any = self.lark.parser
            lexer = frontend.lexer
            loop = frontend.parser.parser
            conf = ParseConf(loop.parse_table, loop.callbacks, "start")
            from_text = LexerThread.from_text
            run = loop.parse_from_state
            # A smoke test, so that a different layout falls back rather than fails later.
            run(ParserState(conf, from_text(lexer, "a --ar 1:1")))
        except Exception:  # pragma: no cover - depends on the installed Lark
            return None

        def direct(text: str) -> Any:
            return run(ParserState(conf, from_text(lexer, text)))

        return direct

    def _parse_recovering(self, text: str) -> Any:
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
                ip.feed_token(Token("RBRACE", "", start_pos=end, end_pos=end))
            return True

        return self.lark.parse(text, on_error=on_error)

    def parse(self, text: str) -> Prompt:
        result: tuple[list[ImageRef], list[TextPart], list[list[Any]]]
        if self._direct is None:
            result = self._parse_recovering(text)
        else:
            try:
                result = self._direct(text)
            except UnexpectedInput:  # an unclosed `{`: parse again, closing it at the end
                result = self._parse_recovering(text)
        images, parts, entries = result
        finish = self.builder.finish
        params = tuple([finish(text, entry) for entry in entries])
        return Prompt(text, tuple(images), tuple(parts), params)


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
    # Only input outside the grammar raises; everything else is left to lint.
    errors = unclosed_brace_errors(prompt)
    if errors:
        raise PromptSyntaxError(errors)
    return prompt
