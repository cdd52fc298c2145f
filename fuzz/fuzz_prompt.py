"""Coverage-guided fuzz target (atheris) for parse, lint, fix and render, and for the
CLI's prompt-file reader.

    pip install -e '.[fuzz]'
    mkdir -p /tmp/mjfuzz && python fuzz/fuzz_prompt.py -max_total_time=60 /tmp/mjfuzz fuzz/seeds

(``.ci/run`` runs exactly that for 60 s; a crash writes ``crash-*`` with the input.)
Replay one input without atheris: ``python fuzz/fuzz_prompt.py --replay FILE...``.

The first byte of an input chooses what is fuzzed, the rest is the input:

- bit 1 clear: a prompt. The bytes are decoded as UTF-8 with ``surrogateescape``, so
  every string shape arrives, lone surrogates included. Properties (a failed assert is
  a finding): ``lint`` never raises, in both profiles, and every span and edit lies
  inside the prompt; ``str(parse_lenient(x)) == x``; ``fix`` (unsafe when bit 0 is set)
  never leaves more errors of any code than it found, reaches its fixed point within its
  bound on rounds (``converged``), and a second ``fix`` applies nothing; ``render`` is
  idempotent.
- bit 1 set: a prompt file, read as text, JSON Lines or JSON (bits 2-3). Properties:
  reading never raises; every problem has a message; when nothing is wrong, the
  pieces the reader hands out rebuild the file exactly (what ``fix`` relies on).

The properties live in :func:`check`, which the test suite also runs over the seeds
(tests/reliability/test_fuzz.py), so a finding turned into a seed stays fixed.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

# Fuzzing (not a replay, not an import by the tests): instrument mjprompt's own code
# for coverage as it is imported. Only mjprompt: instrumenting everything loaded costs
# about 40 s before the first input.
_FUZZING = __name__ == "__main__" and "--replay" not in sys.argv
instrumented: Any = contextlib.nullcontext()
if _FUZZING:
    import atheris

    instrumented = atheris.instrument_imports(include=["mjprompt"])

with instrumented:
    import mjprompt
    from mjprompt.cli.sources import Problem, PromptItem, Source, Verbatim, read_source
    from mjprompt.diagnostics import Diagnostic, Severity
    from mjprompt.parser import parse_lenient

KINDS = ("text", "jsonl", "json", "text")
MAX_INPUT = 4096


def _errors(diagnostics: Sequence[Diagnostic]) -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity is Severity.ERROR)


def check_prompt(text: str, unsafe: bool) -> None:
    prompt = parse_lenient(text)
    assert str(prompt) == text
    for profile in ("evolink", "midjourney"):
        found = mjprompt.lint(text, profile=profile)
        for d in found:
            assert 0 <= d.span.start <= d.span.end <= len(text), (text, d)
            for edit in d.fix.edits if d.fix else ():
                assert 0 <= edit.start <= edit.end <= len(text), (text, d)
        result = mjprompt.fix(text, profile=profile, unsafe=unsafe)
        assert not (_errors(result.remaining) - _errors(found)), (text, result.text)
        assert result.converged, (text, result.text)
        again = mjprompt.fix(result.text, profile=profile, unsafe=unsafe)
        assert not again.applied, (text, result.text, [d.code for d in again.applied])
    once = mjprompt.render(prompt)
    assert mjprompt.render(parse_lenient(once)) == once, (text, once)


def check_file(data: bytes, kind: str) -> None:
    source = Source("fuzz", kind, stdin=True)
    items = list(read_source(source, stdin=io.BytesIO(data), keep=True))
    problems = [i for i in items if isinstance(i, Problem)]
    assert all(p.message for p in problems)
    if problems:
        return
    pieces = []
    for item in items:
        if isinstance(item, Verbatim):
            pieces.append(item.text)
        elif isinstance(item, PromptItem):
            raw = item.origin.raw
            pieces.append(item.text if raw is None else raw)
    assert "".join(pieces).encode("utf-8", "surrogatepass") == data, data


def check(data: bytes) -> None:
    """Every property for one fuzz input (see the module docstring)."""
    if not data:
        return
    flags, body = data[0], data[1 : MAX_INPUT + 1]
    if flags & 2:
        check_file(body, KINDS[(flags >> 2) & 3])
    else:
        check_prompt(body.decode("utf-8", "surrogateescape"), unsafe=bool(flags & 1))


def main(argv: list[str]) -> None:
    if argv[1:2] == ["--replay"]:
        for name in argv[2:]:
            with open(name, "rb") as fh:
                check(fh.read())
            print(f"{name}: ok")
        return
    atheris.Setup(argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
