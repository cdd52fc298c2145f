"""What the benchmark runs on: the corpus, long prompts of several shapes, big prompt files."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import mjprompt

__all__ = ["CORPUS", "SHAPES", "lint_dataset", "load_corpus", "long_prompt", "write_prompt_file"]

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real-prompts.jsonl"


def lint_dataset(prompts: Sequence[str]) -> None:
    """Lint prompts the way `mjprompt check` does (``lint_many``), results dropped."""
    for _ in mjprompt.lint_many(prompts):
        pass


def load_corpus(path: Path = CORPUS, limit: int | None = None) -> list[str]:
    """The prompts of a JSON Lines corpus (one ``{"prompt": ...}`` per non-blank line)."""
    with path.open(encoding="utf-8") as fh:
        prompts = [json.loads(line)["prompt"] for line in fh if line.strip()]
    return prompts[:limit] if limit else prompts


def _fill(head: str, unit: str, tail: str, length: int) -> str:
    """``head`` + ``unit`` repeated + ``tail``, cut to exactly ``length`` characters."""
    room = max(0, length - len(head) - len(tail))
    body = (unit * (room // len(unit) + 1))[:room]
    return head + body + tail


_TAIL = " --ar 16:9 --stylize 250 --chaos 10 --no text, watermark --v 7"

# Each shape stresses one part of the language; all are linear in the length for a
# linear-time linter, so their per-character cost must stay flat as they grow.
SHAPES: dict[str, Callable[[int], str]] = {
    # A realistic prompt: prose, then a parameter block.
    "prose": lambda n: _fill(
        "", "a lighthouse on a cliff at dusk, oil painting, warm light, ", _TAIL, n
    ),
    # Hundreds of parameters (repeated ones included).
    "parameters": lambda n: _fill("a cat", " --ar 16:9 --s 250 --c 10 --seed 42 --no text", "", n),
    # Many permutation groups in the text.
    "permutations": lambda n: _fill("", "a {red, blue} bird, ", " --ar 1:1", n),
    # Many multi-prompt weights.
    "weights": lambda n: _fill("", "space ship::2 ", " --v 7", n),
    # One long word, no whitespace at all.
    "one word": lambda n: _fill("", "abcdefghij", "", n),
}


def long_prompt(length: int, shape: str = "prose") -> str:
    """A prompt of exactly ``length`` characters of the given shape."""
    return SHAPES[shape](length)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def write_prompt_file(path: Path, prompts: Sequence[str], lines: int) -> Path:
    """A text prompt file of ``lines`` lines cycling through ``prompts`` (one per line)."""
    flat = [_LINE_BREAK.sub(" ", p) for p in prompts if p.strip()]
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for prompt in itertools.islice(itertools.cycle(flat), lines):
            fh.write(prompt + "\n")
    return path
