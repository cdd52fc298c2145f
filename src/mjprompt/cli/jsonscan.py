"""Find the prompt strings of a JSON document together with where they sit in the text.

``json.loads`` gives values but no positions, and the CLI must report a diagnostic at the
line and column of the file, and rewrite only the bytes of one string when it fixes it.
This scanner walks just the levels that hold prompts (the elements of a top-level array,
or one JSON line, and the members of an object there) and hands everything else to the
C-accelerated parts of the standard library (``scanstring`` for strings, ``raw_decode``
to skip any other value), so it stays fast and agrees with ``json`` on what is valid.
"""

from __future__ import annotations

import json
import json.decoder
import re
from collections.abc import Callable, Iterator

from .._record import Record

__all__ = [
    "Element",
    "JSONDecodeError",
    "encode_fragment",
    "literal_offsets",
    "read_element",
    "rewrite_literal",
    "scan_array",
    "scan_line",
]

JSONDecodeError = json.JSONDecodeError

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

# The C string scanner behind json.loads (not in the typeshed stubs): (text, end, strict)
# -> (value, end after the closing quote).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class Element(Record):
    """One element that should hold a prompt.

    ``value`` is the decoded prompt and ``start``/``end`` delimit the string literal's
    content in the text (after the opening quote, before the closing one). When the
    element holds no usable prompt, ``value`` is None and ``problem`` says why, with
    ``start`` at the element.
    """

    __slots__ = ("value", "start", "end", "problem")  # noqa: RUF023 - field order
    value: str | None
    start: int
    end: int
    problem: str | None

    def __init__(self, value: str | None, start: int, end: int, problem: str | None = None) -> None:
        self._set_fields(value, start, end, problem)


def _skip_ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _expect(text: str, pos: int, char: str, what: str) -> int:
    if pos >= len(text) or text[pos] != char:
        raise JSONDecodeError(f"Expecting {what}", text, pos)
    return pos + 1


def _string(text: str, pos: int) -> tuple[str, int]:
    """Decode the string literal whose opening quote is at ``pos``; returns (value, end)."""
    value, end = _scanstring(text, pos + 1, True)
    return value, end


def _skip_value(text: str, pos: int) -> int:
    try:
        _, end = _DECODER.raw_decode(text, pos)
    except JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:  # deeply nested input, huge numbers
        raise JSONDecodeError(str(exc), text, pos) from None
    return end


def _after_item(text: str, pos: int, close: str) -> tuple[int, bool]:
    """Past what follows an item of an array or object: a ``,`` (True: another item
    comes, whitespace skipped) or the ``close`` bracket (False)."""
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] == ",":
        return _skip_ws(text, pos + 1), True
    return _expect(text, pos, close, "',' delimiter"), False


def _object_member(text: str, pos: int, key: str) -> tuple[Element, int]:
    """The element of the object at ``pos`` whose member ``key`` holds the prompt."""
    start = pos
    found: Element | None = None
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "}":
        pos += 1
    else:
        more = True
        while more:
            if pos >= len(text) or text[pos] != '"':
                raise JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, pos
                )
            name, pos = _string(text, pos)
            pos = _skip_ws(text, pos)
            pos = _skip_ws(text, _expect(text, pos, ":", "':' delimiter"))
            if name == key:
                # The last duplicate wins, as with json.loads.
                if pos < len(text) and text[pos] == '"':
                    value, end = _string(text, pos)
                    found = Element(value, pos + 1, end - 1)
                    pos = end
                else:
                    found = Element(None, pos, pos, f'the "{key}" field is not a string')
                    pos = _skip_value(text, pos)
            else:
                pos = _skip_value(text, pos)
            pos, more = _after_item(text, pos, "}")
    if found is None:
        found = Element(None, start, start, f'the object has no "{key}" field')
    return found, pos


def read_element(text: str, pos: int, key: str) -> tuple[Element, int]:
    """Read the value at ``pos`` (no leading whitespace); returns it and the end offset."""
    if pos >= len(text):
        raise JSONDecodeError("Expecting value", text, pos)
    char = text[pos]
    if char == '"':
        value, end = _string(text, pos)
        return Element(value, pos + 1, end - 1), end
    if char == "{":
        return _object_member(text, pos, key)
    end = _skip_value(text, pos)
    problem = f'expected a string or an object with a "{key}" string field'
    return Element(None, pos, pos, problem), end


def scan_array(text: str, key: str) -> Iterator[Element]:
    """The elements of a document that must be one array of prompts.

    Raises :class:`JSONDecodeError` (with the offset) at the first syntax error; the
    elements before it have been yielded by then.
    """
    pos = _skip_ws(text, 0)
    if pos < len(text) and text[pos] != "[":
        # Valid JSON of the wrong shape gets its own message; invalid JSON the parser's.
        _skip_value(text, pos)
        raise JSONDecodeError("Expecting a JSON array of prompts", text, pos)
    pos = _skip_ws(text, _expect(text, pos, "[", "value"))
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        more = True
        while more:
            element, pos = read_element(text, pos, key)
            yield element
            pos, more = _after_item(text, pos, "]")
    pos = _skip_ws(text, pos)
    if pos != len(text):
        raise JSONDecodeError("Extra data", text, pos)


def scan_line(text: str, key: str) -> Element:
    """The element of one JSON Lines line (not blank)."""
    pos = _skip_ws(text, 0)
    element, pos = read_element(text, pos, key)
    pos = _skip_ws(text, pos)
    if pos != len(text):
        raise JSONDecodeError("Extra data", text, pos)
    return element


def literal_offsets(raw: str) -> list[int] | None:
    """For each code point of the decoded string, its offset in the literal ``raw``.

    The list has one more entry, ``len(raw)``, for the end. None when the literal has no
    escapes, so that decoded and raw offsets are the same.
    """
    if "\\" not in raw:
        return None
    out: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        out.append(i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1 : i + 2] != "u":
            i += 2
        else:
            # json combines a high surrogate escape with a following low one.
            high = int(raw[i + 2 : i + 6], 16)
            if 0xD800 <= high <= 0xDBFF and raw[i + 6 : i + 8] == "\\u":
                low = int(raw[i + 8 : i + 12], 16)
                i += 12 if 0xDC00 <= low <= 0xDFFF else 6
            else:
                i += 6
    out.append(n)
    return out


def encode_fragment(value: str) -> str:
    """``value`` escaped for the inside of a JSON string literal (non-ASCII kept as is)."""
    body = json.dumps(value, ensure_ascii=False)[1:-1]
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be written raw
        body = json.dumps(value)[1:-1]
    return body


def rewrite_literal(raw: str, old: str, new: str) -> str:
    """The literal ``raw`` (decoding to ``old``) changed to decode to ``new``.

    Only what changed is re-encoded: every run of characters that the change keeps
    (found by ``difflib``) is copied from the literal as written, escapes included.
    """
    if old == new:
        return raw
    from difflib import SequenceMatcher

    offsets = literal_offsets(raw)

    def at(i: int) -> int:
        return i if offsets is None else offsets[i]

    out = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(raw[at(i1) : at(i2)])
        else:
            out.append(encode_fragment(new[j1:j2]))
    return "".join(out)
