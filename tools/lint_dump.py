"""Print every diagnostic of ``mjprompt.lint`` (and the fixes of ``mjprompt.fix``) on
the real-prompt corpus and the rule cases, in both profiles, one line each.

A safety net for refactoring the rules and the driver: run it before and after and
compare the outputs (``diff``); they must be identical.

    python tools/lint_dump.py > /tmp/before.txt
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mjprompt

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real-prompts.jsonl"
CASES = ROOT / "tests" / "rules" / "cases.json"
PROFILES = ("evolink", "midjourney")


def _case_text(case: str | dict[str, Any]) -> str:
    # The same construction as tests/rules/test_cases.py `build`.
    if isinstance(case, str):
        return case
    text: str = case.get("text", "")
    for part, times in case.get("parts", ()):
        text += part * times
    if "pad" in case:
        text += "x" * (case["pad"] - len(text))
    return text


def texts(corpus: Path = CORPUS) -> Iterator[str]:
    """The corpus prompts (when the corpus is there), then every rule case."""
    if corpus.is_file():
        with corpus.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)["prompt"]
    cases = json.loads(CASES.read_text("utf-8"))
    for code, spec in cases.items():
        if code.startswith("_"):
            continue
        for kind in ("fail", "pass"):
            for case in spec[kind]:
                yield _case_text(case)
        for case in spec.get("fix", ()):
            yield _case_text(case["input"])


def dump(out: Any = sys.stdout) -> None:
    for n, text in enumerate(texts()):
        for profile in PROFILES:
            for d in mjprompt.lint(text, profile=profile):
                fix = None
                if d.fix is not None:
                    edits = [(e.start, e.end, e.replacement) for e in d.fix.edits]
                    fix = (edits, d.fix.safe, d.fix.description)
                row = (n, profile, d.code, d.rule, d.severity.value, d.span.start, d.span.end)
                print(*row, repr(d.message), repr(fix), sep="\t", file=out)
            result = mjprompt.fix(text, profile=profile, unsafe=True)
            if result.changed:
                print(n, profile, "fixed", repr(result.text), sep="\t", file=out)


if __name__ == "__main__":
    dump()
