"""The floor for pure Python: split a prompt into images, text and parameters by regex.

No validation, no positions, no permutations: just the three parts, so that the parser's
throughput can be read against what any pure-Python pass over the text costs. This
module imports nothing but ``re``: it also runs inside the peer parser's environment.
"""

from __future__ import annotations

import re

_IMAGES = re.compile(r"^(?:\s*<?https?://\S+)+")
_PARAMS = re.compile(r"(?<!\S)--[A-Za-z]")
_PARAM_SPLIT = re.compile(r"--([A-Za-z]+)\s*([^-]*(?:-(?!-)[^-]*)*)")


def regex_split(text: str) -> tuple[list[str], str, list[tuple[str, str]]]:
    """Images, text and (name, value) pairs by regular expressions alone."""
    m = _IMAGES.match(text)
    images = m.group().split() if m else []
    rest = text[m.end() :] if m else text
    p = _PARAMS.search(rest)
    body, tail = (rest[: p.start()], rest[p.start() :]) if p else (rest, "")
    return images, body.strip(), [(n, v.strip()) for n, v in _PARAM_SPLIT.findall(tail)]
