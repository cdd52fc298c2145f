"""MJ1xx: syntax. How markers, names, values and braces are written."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._lazy_re import lazy_pattern
from ..ast import MarkerStyle, Parameter, StrayBrace, TextChunk, Value, ValuePart
from ..diagnostics import Edit, Fix, Span
from ..params import Arity, Kind, ParamSpec, lookup
from ..parsing import UNCLOSED_BRACE, unclosed_brace_errors
from .base import INFO, Context, E, W, any_parameter, delete_token, replace_span, rule
from .common import PUNCT_ONLY, TRAILING_PUNCT, groups, per_text
from .features import (
    BRACES,
    CLOSING_BRACE,
    DASH_WORD_IN_TEXT,
    DASHES,
    DOUBLE_HYPHEN_IN_TEXT,
    EM_DASH,
    NO_NAME,
    SLASH,
)
from .parameters import did_you_mean

_MARKER_NAMES = {
    MarkerStyle.EN_DASH: "an en dash `–`",
    MarkerStyle.MINUS: "a minus sign `−`",
    MarkerStyle.SPACED: "`- -` with a space",
    MarkerStyle.TRIPLE: "three or more hyphens",
}


def _marker_span(p: Parameter) -> Span:
    """The marker as written, up to the name (includes the inner space of `- - ar`)."""
    return Span(p.span.start, p.name_span.start)


def _head_span(p: Parameter) -> Span:
    """Marker and name: what a report about the marker points at (`–ar`)."""
    return Span(p.span.start, p.name_span.end)


# A marker written wrongly, in the text: one to three dashes glued to a name, `- - ar`,
# or a bare `--` and a space before the name (`-- ar`). A real `--ar` or `—ar` after
# whitespace never reaches the text: the grammar makes it a parameter.
_TEXT_MARKER = lazy_pattern(
    rf"(?<!\S)(?P<marker>-\s+-\s*|-{{2,3}}\s+|[{DASHES}]{{1,3}})(?P<name>[A-Za-z]+)(?=\s|$)"
)
_DASH_NAMES = {
    "-": "a single hyphen `-`",
    "\u2013": "an en dash `–`",
    "\u2212": "a minus sign `−`",
    "\u2012": "a figure dash `‒`",
    "\u2010": "a Unicode hyphen `‐`",
    "\u2011": "a non-breaking hyphen",
    "\u2015": "a horizontal bar `―`",
    "\ufe63": "a small hyphen-minus",
    "\uff0d": "a full-width hyphen `－`",
}
# Kinds whose value starts with a digit or a dot: a word after `-ar` is prose.
_NUMERIC = frozenset({Kind.INT, Kind.FLOAT, Kind.RATIO, Kind.VERSION})


def _marker_words(marker: str) -> str:
    """What a malformed marker is written with, in words."""
    bare = marker.strip()
    if bare in _DASH_NAMES:
        return _DASH_NAMES[bare]
    if bare.startswith("--"):
        return "a space between `--` and the name"
    if bare.startswith("-") and bare.endswith("-") and len(bare) > 2:
        return "`- -` with a space"
    return f"`{bare}`, not two ASCII hyphens"


def _close_name(name: str) -> str | None:
    """The V7 parameter a misspelled name is close to (as MJ301 suggests), or None."""
    return did_you_mean(name.lower()) if len(name) >= 4 else None


def _may_stand(name: str, values: list[str], weak: bool) -> tuple[bool, ParamSpec | None]:
    """Whether `name` with the words after it reads as a parameter, and its spec.

    A ``weak`` marker (one ASCII hyphen, or `--` and a space) is common in prose
    (`a dog -- no leash`, `a well -known artist`): it counts only before a number
    parameter and its number (`-ar 16:9`, `-- s 250`).
    """
    spec = lookup(name)
    if spec is None:
        # A name close to a parameter's must be followed by what that parameter takes.
        close = _close_name(name)
        if weak or close is None:
            return False, None
        return _may_stand(close, values, weak)[0], None
    limit = spec.arity.max
    if limit is not None and len(values) > limit:
        return False, spec
    numeric = spec.kind in _NUMERIC
    if weak and not (numeric and values):
        return False, spec
    if values and numeric and not (values[0][0].isdigit() or values[0][0] == "."):
        return False, spec
    return True, spec


def text_markers(chunk: TextChunk) -> list[tuple[Span, Span, str, ParamSpec | None]]:
    """Malformed markers at the end of a text chunk, where a parameter may stand.

    A match counts only when it, and every match after it, reads as a parameter: a
    known name (or one close to a known name) with no more words after it than the
    parameter takes, up to the next match or the end of the chunk. So the parameters
    of `a cat –ar 16:9` or `a cat -ar 16:9 -s 50` are found, and prose such as
    `a neon sign –glowing letters at night`, `a well -known artist` or
    `a dog -- no leash` is left alone.
    Returns (marker span, marker + name span, name, spec) for each.
    """
    return _marker_chain(chunk.raw, chunk.span.start)


def _marker_chain(raw: str, base: int) -> list[tuple[Span, Span, str, ParamSpec | None]]:
    """The malformed markers that run up to the end of ``raw`` (which starts at ``base``)."""
    found = _text_marker_matches(raw)
    if not found:
        return []
    chain: list[tuple[Span, Span, str, ParamSpec | None]] = []
    for i in range(len(found) - 1, -1, -1):
        m = found[i]
        end = found[i + 1].start() if i + 1 < len(found) else len(raw)
        values = raw[m.end() : end].split()
        marker = m.group("marker")
        weak = marker == "-" or marker.startswith("--")
        ok, spec = _may_stand(m.group("name"), values, weak)
        if not ok:
            break
        chain.append(
            (
                Span(base + m.start(), base + m.start("name")),
                Span(base + m.start(), base + m.end()),
                m.group("name"),
                spec,
            )
        )
    # Built from the end of the chunk backwards: it stops at the first match that does
    # not read as a parameter, so what it holds runs up to the end of the chunk.
    chain.reverse()
    return chain


def _text_marker_matches(raw: str) -> list[re.Match[str]]:
    """``list(_TEXT_MARKER.finditer(raw))``, trying the expression only where it can start.

    Every match starts at a dash at the start of ``raw`` or after whitespace (its
    lookbehind), so the expression is tried at those places alone, left to right and
    past the previous match, as `finditer` would find them. `finditer` tries the
    lookbehind at every character: 14 us per corpus prompt that runs MJ101, 4 here.
    """
    found: list[re.Match[str]] = []
    end = 0
    for i in _dash_words(raw):
        if i >= end and (m := _TEXT_MARKER.match(raw, i)) is not None:
            found.append(m)
            end = m.end()
    return found


def _dash_words(raw: str) -> Iterator[int]:
    """The offsets of the dashes of ``raw`` at its start or after whitespace."""
    if raw.isascii():  # the only dash is `-`: `find` instead of an expression
        i = raw.find("-")
        while i != -1:
            if i == 0 or raw[i - 1].isspace():
                yield i
            i = raw.find("-", i + 1)
    else:
        for m in _ANY_DASH.finditer(raw):
            i = m.start()
            if i == 0 or raw[i - 1].isspace():  # `\s` of the expressions is `str.isspace`
                yield i


_ANY_DASH = lazy_pattern(f"[{DASHES}]")


def _extra_words(p: Parameter) -> list[list[ValuePart]]:
    """The value words of ``p`` beyond what it takes (punctuation words left out)."""
    limit = p.spec.arity.max if p.spec is not None else None
    if limit is None:
        return []
    words = [
        w
        for w in p.value_words()
        if not (len(w) == 1 and isinstance(w[0], Value) and _is_punct(w[0]))
    ]
    return words[limit:]


def value_markers(p: Parameter, source: str) -> list[tuple[Span, Span, str, ParamSpec | None]]:
    """Malformed markers among the value words of ``p``, where a parameter may stand.

    The grammar leaves `——ar`, `−−ar`, `‒ar` or `-ar` after a real parameter among its
    values (`--s 100 ——ar 16:9`). They are read as in the text (`text_markers`): from the
    end of the parameter backwards, each must be a known (or close) name with words that
    fit it. Only the words a parameter does not take are looked at: its extra words, or
    for free text and lists (`--no`, `--sref`) every word after the first, so the
    parameter keeps a value.
    """
    if p.spec is None or not p.values:
        return []
    words = p.value_words()[1:] if p.spec.arity.max is None else _extra_words(p)
    if not words:
        return []
    start = words[0][0].span.start
    return _marker_chain(source[start : p.span.end], start)


def last_text_chunk(ctx: Context) -> TextChunk | None:
    """The text chunk right before the parameter block (or the end), if it is one."""
    text = ctx.prompt.text
    if text and isinstance(text[-1], TextChunk):
        return text[-1]
    return None


def _misspelled_marker(p: Parameter, profile: str) -> bool:
    """A marker other than `--` or `—`, or a value word that starts with a dash
    (`--s 100 ——ar 16:9`)."""
    style = p.marker_style
    if style is not MarkerStyle.DOUBLE_HYPHEN and style is not MarkerStyle.EM_DASH:
        return True
    if any(v.__class__ is Value and v.raw[:1] in _DASH_SET for v in p.values):
        return True
    # A dash after a space anywhere in the values, also inside a brace group the
    # parameter holds (`--tile x{ --ar 16:9`): `value_markers` reads the source there.
    rest = p.raw[p.name_span.end - p.span.start :]
    return ("-" in rest or not rest.isascii()) and _SPACED_DASH.search(rest) is not None


_DASH_SET = frozenset(DASHES)
_SPACED_DASH = lazy_pattern(rf"(?<!\S)[{DASHES}]")


# MJ101's trigger test for one parameter, remembered per text (`per_text`) for the rule
# itself: on the corpus's 29 prompts that run MJ101, not reading the value words of the
# parameters the test rules out saves ~4 of its 11 us per run.
@per_text
def _may_hold_marker(p: Parameter) -> bool:
    return _misspelled_marker(p, "")


@rule(
    "MJ101",
    "malformed-marker",
    E,
    fix="safe",
    triggers=(DASH_WORD_IN_TEXT, any_parameter(_misspelled_marker)),
)
def malformed_marker(ctx: Context) -> None:
    """A parameter marker written with the wrong characters.

    Midjourney starts a parameter with two ASCII hyphens (or an em dash). An en dash
    `–ar`, a minus sign `−ar`, a spaced `- - ar` or `---ar` is not a marker: Midjourney
    answers "Unrecognized parameter(s)" and the parameter is lost. The same holds at the
    end of the text for a single hyphen `-ar`, two minus signs `−−ar`, two em dashes
    `——ar`, a figure dash `‒ar` or `-- ar`, when the name is a parameter (or close to
    one) and the words after it read as its value. A dash glued to a word of prose
    (`a neon sign –glowing letters at night`) is text, not a marker. Such markers are
    found the same way inside the parameter block, among the words a parameter does not
    take (`--s 100 ——ar 16:9`) or after the first word of free text or a list
    (`--no red ——ar 16:9`).

    Fails: `a cat –ar 16:9`, `a cat - - ar 2:3`, `a cat ---ar 2:3`, `a cat -ar 16:9`,
    `a cat --s 100 ——ar 16:9`
    Passes: `a cat --ar 16:9`, `a neon sign –glowing letters at night`,
    `a cat --no well -known artist`

    Fix (safe, when the name is a known parameter and, inside the block, not given
    yet): write the marker as `--`.
    """
    for p in ctx.prompt.params:
        if p.marker_style.valid or not p.name:
            continue
        what = _MARKER_NAMES[p.marker_style]
        fix = None
        if p.spec is not None:
            fix = replace_span(_marker_span(p), "--", f"write `--{p.name}`")
        ctx.report(
            _head_span(p),
            f"`{p.marker}{p.name}` is written with {what}; a parameter starts with `--`",
            fix,
        )
    found: list[tuple[Span, Span, str, ParamSpec | None]] = []
    chunk = last_text_chunk(ctx)
    if chunk is not None:
        found.extend(text_markers(chunk))
    # A fix that gives a second parameter of one kind would add an error (MJ3xx), so a
    # marker among the values of the block gets one only for a parameter not yet given.
    given = {p.spec.name for p in ctx.prompt.params if p.spec is not None}
    # Only a parameter its trigger's test holds for can have a marker among its values
    # (`_may_hold_marker`, per text): the value words of the others are not read.
    inside = [
        m for p in ctx.prompt.params if _may_hold_marker(p) for m in value_markers(p, ctx.source)
    ]
    for (marker, head, name, spec), in_block in [(m, False) for m in found] + [
        (m, True) for m in inside
    ]:
        written = ctx.source[head.start : head.end]
        what = _marker_words(ctx.source[marker.start : marker.end])
        if spec is not None and in_block and spec.name in given:
            ctx.report(
                head,
                f"`{written}` is written with {what}; a parameter starts with `--` "
                f"(`--{name}` is already given)",
            )
            continue
        if spec is None:
            ctx.report(
                head,
                f"`{written}` looks like a parameter written with {what}; "
                f"a parameter starts with `--` (did you mean `--{_close_name(name)}`?)",
            )
            continue
        ctx.report(
            head,
            f"`{written}` is written with {what}; a parameter starts with `--`",
            replace_span(marker, "--", f"write `--{name}`"),
        )


@rule("MJ102", "empty-parameter-name", E, triggers=(NO_NAME,))
def empty_parameter_name(ctx: Context) -> None:
    """A marker with no parameter name after it.

    A bare `--` or `---` at the end of the prompt or right before another marker is
    not a parameter; Midjourney answers ``Unrecognized parameter(s): `---` ``. A bare
    `--` followed by a space and a word is a prose dash between clauses (a lone `--`
    acts like punctuation; a marker is `--` followed by a letter), so it is text, not
    this finding.

    Fails: `a cat --ar 16:9 ---`, `a cat -- --ar 2:3`, `a lighthouse at dusk --`
    Passes: `a cat --ar 16:9`, `a quiet harbour -- gulls, rope, rust --ar 3:2`

    No fix: what was meant is not clear.
    """
    for p in ctx.prompt.params:
        if not p.name:
            ctx.report(_marker_span(p), f"Unrecognized parameter(s): `{p.marker.strip()}`")


@rule("MJ103", "em-dash-marker", INFO, fix="safe", triggers=(EM_DASH,))
def em_dash_marker(ctx: Context) -> None:
    """A parameter written with an em dash `—` instead of `--`.

    Midjourney takes an em dash as `--` (Apple devices turn `--` into `—`), so this is
    valid; the canonical form uses two hyphens.

    Fails (info): `a cat —ar 16:9`
    Passes: `a cat --ar 16:9`

    Fix (safe): write the marker as `--`.
    """
    for p in ctx.prompt.params:
        if p.marker_style is MarkerStyle.EM_DASH and p.name:
            message, description, marker_end, head_end = _em_dash_words(p)
            start = p.span.start
            ctx.report(
                Span(start, start + head_end),
                message,
                replace_span(Span(start, start + marker_end), "--", description),
            )


# Remembered per text (`per_text`): the corpus's 175 em dash markers are a few texts
# (`—ar 16:9`), and the name span of a fresh parameter is not built (~0.5 us) nor the two
# messages written again.
@per_text
def _em_dash_words(p: Parameter) -> tuple[str, str, int, int]:
    """MJ103's message and fix description, and where the marker and the name end (from
    the start of the parameter)."""
    start = p.span.start
    return (
        f"em dash marker `—{p.name}`; write `--{p.name}`",
        f"write `--{p.name}`",
        _marker_span(p).end - start,
        _head_span(p).end - start,
    )


_GLUED = lazy_pattern(r"(?<=\S)(--)([A-Za-z]+)")


def _glued_markers(chunk: TextChunk | Value) -> Iterator[tuple[int, str, str]]:
    for m in _GLUED.finditer(chunk.raw):
        if lookup(m.group(2)) is not None:
            yield chunk.span.start + m.start(), m.group(1), m.group(2)


def _double_hyphen_in_value(p: Parameter, profile: str) -> bool:
    return any(v.__class__ is Value and "--" in v.raw for v in p.values)


@rule(
    "MJ104",
    "marker-glued-to-word",
    E,
    fix="safe",
    triggers=(DOUBLE_HYPHEN_IN_TEXT, any_parameter(_double_hyphen_in_value)),
)
def marker_glued_to_word(ctx: Context) -> None:
    """A known parameter glued to the word before it (`cat--ar 2:3`).

    A marker needs a space before it. Without one, the parameter is part of the word
    and is ignored (evolink calls `a yellow Persian cat--ar 2:3` invalid). Prose dashes
    such as `arms--three` are left alone: only names of real parameters are reported.

    Fails: `a yellow Persian cat--ar 2:3`
    Passes: `a yellow Persian cat --ar 2:3`, `state-of-the-art design`

    Fix (safe): insert a space before the marker.
    """
    chunks: list[TextChunk | Value] = [c for c in ctx.prompt.text if isinstance(c, TextChunk)]
    for p in ctx.prompt.params:
        chunks.extend(v for v in p.values if isinstance(v, Value))
    for chunk in chunks:
        for start, marker, name in _glued_markers(chunk):
            span = Span(start, start + len(marker) + len(name))
            ctx.report(
                span,
                f"`{marker}{name}` is glued to the word before it; put a space before it",
                Fix((Edit(start, start, " "),), True, "insert a space before the marker"),
            )


def _value_glued(p: Parameter, profile: str) -> bool:
    return p.spec is not None and bool(p.values) and p.values[0].span.start == p.name_span.end


@rule("MJ105", "name-glued-to-value", E, fix="safe", triggers=(any_parameter(_value_glued),))
def name_glued_to_value(ctx: Context) -> None:
    """A parameter name with its value glued on (`--ar16:9`, `--v5`, `--s750`).

    Name and value need a space between them; Midjourney rejects `--ar16:9` and `--v5`.

    Fails: `a cat --ar16:9`, `a cat --s750`
    Passes: `a cat --ar 16:9`

    Fix (safe): insert a space.
    """
    for p in ctx.prompt.params:
        # A flag with a glued word (`--tile5`) is text after the parameters (MJ107).
        if p.spec is None or not p.glued or p.spec.arity is Arity.ZERO:
            continue
        first = p.values[0]
        fix = Fix((Edit(first.span.start, first.span.start, " "),), True, "insert a space")
        ctx.report(
            Span(p.name_span.start, first.span.end),
            f"no space between `--{p.name}` and its value "
            f"`{ctx.source[first.span.start : first.span.end]}`",
            fix,
        )


def _upper_case(p: Parameter, profile: str) -> bool:
    return not p.name.islower() and p.name != p.name.lower()


@rule("MJ106", "uppercase-name", W, fix="safe", triggers=(any_parameter(_upper_case),))
def uppercase_name(ctx: Context) -> None:
    """A parameter name with upper-case letters (`--AR`, `--Stylize`).

    No source says Midjourney accepts them; every official example is lower case.

    Fails (warning): `a cat --AR 16:9`
    Passes: `a cat --ar 16:9`

    Fix (safe): write the name in lower case.
    """
    for p in ctx.prompt.params:
        if p.spec is not None and p.name != p.name.lower():
            ctx.report(
                p.name_span,
                f"parameter names are lower case: write `--{p.name.lower()}`",
                replace_span(p.name_span, p.name.lower(), "lower-case the name"),
            )


def _is_punct(v: Value) -> bool:
    return bool(PUNCT_ONLY.fullmatch(v.raw))


def _more_words(p: Parameter, profile: str) -> bool:
    limit = p.spec.arity.max if p.spec is not None else None
    return limit is not None and len(p.values) > limit


@rule("MJ107", "text-after-parameters", E, fix="unsafe", triggers=(any_parameter(_more_words),))
def text_after_parameters(ctx: Context) -> None:
    """Words after a parameter that takes no more values.

    Nothing but parameters may follow the parameter block. Midjourney reads stray words
    as values or unknown parameters and fails; evolink calls
    `a cat --ar 2:3 more description` invalid. Parameters whose value is free text
    (`--no`) or a list (`--sref`, `--p`) take every word up to the next marker.

    Fails: `a cat --ar 2:3 more description`, `a cat --tile seamless`
    Passes: `a cat, more description --ar 2:3`, `a cat --no red, blue flowers`

    Fix (unsafe: the words might have been meant as a value): move the words to the
    end of the text, before the parameters.
    """
    first_param = ctx.prompt.params[0].span.start if ctx.prompt.params else 0
    for p in ctx.prompt.params:
        extra = _extra_words(p)
        markers = value_markers(p, ctx.source) if extra else []
        if markers:
            # A mistyped marker and what follows it is MJ101's: only the words before it.
            cut = markers[0][0].start
            extra = [w for w in extra if w[-1].span.end <= cut]
        if not extra:
            continue
        span = Span(extra[0][0].span.start, extra[-1][-1].span.end)
        moved = " ".join(ctx.source[w[0].span.start : w[-1].span.end] for w in extra)
        edits = [Edit(w[0].span.start, w[-1].span.end, "") for w in extra]
        text_end = ctx.prompt.text_span.end if ctx.prompt.text_span else None
        if text_end is not None:
            edits.append(Edit(text_end, text_end, " " + moved))
        else:
            edits.append(Edit(first_param, first_param, moved + " "))
        ctx.report(
            span,
            f"text after the parameter block: `{ctx.source[span.start : span.end]}` follows "
            f"`--{p.name}`",
            _move_fix(ctx.source, edits),
        )


def _move_fix(source: str, edits: list[Edit]) -> Fix:
    # Deleting a word also deletes the whitespace before it, so no double spaces remain.
    widened = []
    for e in edits:
        if e.replacement == "" and e.start > 0:
            start = e.start
            while start > 0 and source[start - 1].isspace():
                start -= 1
            widened.append(Edit(start, e.end, ""))
        else:
            widened.append(e)
    return Fix(tuple(widened), False, "move the words before the parameters")


def _typed_values(p: Parameter) -> list[Value]:
    """The value tokens of a parameter with a typed value (not free text)."""
    if p.spec is None or p.spec.kind is Kind.TEXT:
        return []
    return [v for v in p.values if isinstance(v, Value)]


def _ends_in_punctuation(p: Parameter, profile: str) -> bool:
    return any(v.raw[-1] in _PUNCT_END for v in _typed_values(p))


_PUNCT_END = frozenset(",;|.:!?")


@rule(
    "MJ108",
    "punctuation-in-parameters",
    E,
    fix="safe",
    triggers=(any_parameter(_ends_in_punctuation),),
)
def punctuation_in_parameters(ctx: Context) -> None:
    """Punctuation between or after parameter values (`--ar 2:3, --s 50`, `--ar 16:9.`).

    No punctuation may separate parameters; `--ar 2:3,` has the invalid value `2:3,`.
    A value followed by sentence punctuation (`.`, `,`, `;`, `!`) is reported the same
    way for every kind of value: `--ar 16:9.`, `--q 2.`, `--s 250.`. Commas inside
    free-text values (`--no red, blue`) are fine.

    Fails: `a cat --ar 2:3, --s 50`, `a cat --ar 2:3 , --s 50`, `a cat --ar 16:9.`
    Passes: `a cat --ar 2:3 --s 50`, `a cat --no red, blue`

    Fix (safe): delete the punctuation.
    """
    for p in ctx.prompt.params:
        if p.spec is None or p.spec.kind is Kind.TEXT:
            continue
        for v in p.values:
            if not isinstance(v, Value):
                continue
            if _is_punct(v):
                ctx.report(
                    v.span,
                    f"punctuation `{v.raw}` between parameters",
                    delete_token(ctx.source, v.span, "delete the punctuation"),
                )
                continue
            m = TRAILING_PUNCT.search(v.raw)
            if m:
                span = Span(v.span.start + m.start(), v.span.end)
                ctx.report(
                    span,
                    f"punctuation `{m.group()}` after the value of `--{p.name}`",
                    replace_span(span, "", "delete the punctuation"),
                )


# Characters that look like ASCII in a value but are not: full-width forms, smart
# quotes, the ideographic full stop and colon variants.
_LOOKALIKE = {
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u3000": " ",
    "\u2236": ":",
    "\u02d0": ":",
    "\ufe55": ":",
}
_LOOKALIKE_RE = lazy_pattern("[" + re.escape("".join(_LOOKALIKE)) + "]")


def _non_ascii_value(p: Parameter, profile: str) -> bool:
    return not p.raw.isascii() and any(not v.raw.isascii() for v in _typed_values(p))


@rule("MJ109", "lookalike-characters", E, fix="safe", triggers=(any_parameter(_non_ascii_value),))
def lookalike_characters(ctx: Context) -> None:
    """Full-width or smart characters inside a value (`16：9`, `１０００`).

    Input methods for Chinese and Japanese, and word processors, swap ASCII for
    look-alike characters. Midjourney reads `16：9` as an invalid ratio.

    Fails: `a cat --ar 16：9`, `a cat --s １００`
    Passes: `a cat --ar 16:9`, `a cat --no 红色`

    Fix (safe): replace each character with its ASCII twin.
    """
    for p in ctx.prompt.params:
        if p.spec is None or p.spec.kind is Kind.TEXT:
            continue
        for v in p.values:
            if not isinstance(v, Value) or not _LOOKALIKE_RE.search(v.raw):
                continue
            fixed = _LOOKALIKE_RE.sub(lambda m: _LOOKALIKE[m.group()], v.raw)
            ctx.report(
                v.span,
                f"`{v.raw}` contains full-width or smart characters; write `{fixed}`",
                replace_span(v.span, fixed, "replace the look-alike characters with ASCII"),
            )


def _lacks_value(p: Parameter, profile: str) -> bool:
    return p.spec is not None and not p.values and p.spec.arity.min > 0


@rule("MJ110", "missing-value", E, triggers=(any_parameter(_lacks_value),))
def missing_value(ctx: Context) -> None:
    """A parameter that needs a value has none (`--ar` followed by another marker).

    Fails: `a cat --ar --s 50`, `a cat --no`
    Passes: `a cat --ar 16:9 --s 50`

    No fix: the value is unknown.
    """
    for p in ctx.prompt.params:
        if p.spec is not None and p.spec.arity.min > 0 and not p.values:
            ctx.report(p.span, f"`--{p.name}` needs a value")


@rule(UNCLOSED_BRACE[0], UNCLOSED_BRACE[1], E, triggers=(BRACES,))
def unclosed_brace(ctx: Context) -> None:
    """A permutation `{` with no closing `}`.

    Everything from the `{` to the end of the prompt becomes one unfinished option, so
    any parameters after it are lost.

    Fails: `a {red, blue bird --ar 2:3`
    Passes: `a {red, blue} bird --ar 2:3`

    No fix: where the group should end is not known.
    """
    # An unclosed group leaves every group around it unclosed (a `}` closes the
    # innermost open group), so when the top-level groups are all closed, so is every
    # group: most prompts with a `{` stop here, before the walk over the nested groups
    # (6 us a prompt; tests/rules/test_fast_paths.py checks the shortcut).
    if all(group.closed for group in groups(ctx.prompt)):
        return
    # `mjprompt.parse` raises with the same errors (parsing.py defines them).
    for error in unclosed_brace_errors(ctx.prompt):
        ctx.report(error.span, error.message)


@rule("MJ112", "unmatched-brace", E, fix="unsafe", triggers=(CLOSING_BRACE,))
def unmatched_brace(ctx: Context) -> None:
    """A `}` with no `{` before it.

    Fails: `a red} bird`
    Passes: `a {red} bird`

    Fix (unsafe: the `{` may be what is missing): delete the `}`.
    """
    parts: list[object] = list(ctx.prompt.text)
    for p in ctx.prompt.params:
        # A stray `}` of the values is in the parameter's text: the values of the others
        # are not read (reading builds the value nodes of a fresh parameter, ~1 us).
        if "}" in p.raw:
            parts.extend(p.values)
    for part in parts:
        if isinstance(part, StrayBrace):
            ctx.report(
                part.span,
                "unmatched `}`",
                replace_span(part.span, "", "delete the `}`", safe=False),
            )


# `/imagine`, `/imagine:` or `/imagine prompt:` and the spaces after it.
IMAGINE_PREFIX = lazy_pattern(r"/imagine(?=\s|:|$)(?:\s+prompt\b\s*:?|\s*:)?\s*", re.IGNORECASE)


@rule("MJ113", "imagine-prefix", W, fix="safe", triggers=(SLASH,))
def imagine_prefix(ctx: Context) -> None:
    """A leading `/imagine prompt:`, copied from Discord with the prompt.

    `/imagine` is the Discord command, not part of the prompt; sent to the API it
    becomes words of the prompt, and hides leading image URLs behind it.

    Fails (warning): `/imagine prompt: a cat --ar 16:9`
    Passes: `a cat --ar 16:9`

    Fix (safe): delete the prefix.
    """
    m = IMAGINE_PREFIX.match(ctx.source)
    if m:
        span = Span(0, m.end())
        ctx.report(
            Span(0, len(m.group().rstrip())),
            "`/imagine` is the Discord command, not part of the prompt",
            replace_span(span, "", "delete the `/imagine` prefix"),
        )
