"""Coverage-guided fuzz target (atheris) for parse, lint, fix and render.

    pip install -e '.[fuzz]'
    mkdir -p /tmp/mjfuzz && python fuzz/fuzz_prompt.py -max_total_time=60 /tmp/mjfuzz fuzz/seeds

Properties checked on every input (an AssertionError is a finding):
- ``lint`` never raises, in both profiles, and every span lies inside the prompt;
- ``str(parse_lenient(x)) == x`` (lossless);
- ``fix`` never raises and never leaves more errors of any code than it found;
- ``render`` is idempotent.
"""

from __future__ import annotations

import sys
from collections import Counter

import atheris

with atheris.instrument_imports(include=["mjprompt"]):
    import mjprompt
    from mjprompt.diagnostics import Severity
    from mjprompt.parser import parse_lenient


def _errors(diagnostics: object) -> Counter[str]:
    return Counter(
        d.code
        for d in diagnostics  # type: ignore[attr-defined]
        if d.severity is Severity.ERROR
    )


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(4096) if fdp.ConsumeBool() else fdp.ConsumeUnicode(4096)
    prompt = parse_lenient(text)
    assert str(prompt) == text
    for profile in ("evolink", "midjourney"):
        found = mjprompt.lint(text, profile=profile)
        for d in found:
            assert 0 <= d.span.start <= d.span.end <= len(text), (text, d)
        result = mjprompt.fix(text, profile=profile, unsafe=fdp.ConsumeBool())
        assert not (_errors(result.remaining) - _errors(found)), (text, result.text)
    once = mjprompt.render(prompt)
    assert mjprompt.render(parse_lenient(once)) == once, (text, once)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
