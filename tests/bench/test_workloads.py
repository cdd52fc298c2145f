"""The benchmark's inputs: long prompts of exact lengths, prompt files, the regex floor."""

from __future__ import annotations

import re

import pytest
from floor import regex_split
from workloads import SHAPES, long_prompt, write_prompt_file

import mjprompt
from mjprompt.parser import parse_lenient


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("length", [240, 1000, 8192])
def test_long_prompts_have_the_exact_length(shape: str, length: int) -> None:
    text = long_prompt(length, shape)
    assert len(text) == length
    assert str(parse_lenient(text)) == text


def test_the_shapes_stress_what_they_say() -> None:
    assert len(parse_lenient(long_prompt(8192, "parameters")).params) > 500
    assert sum(1 for _ in parse_lenient(long_prompt(8192, "permutations")).permutations()) > 300
    assert not any(c.isspace() for c in long_prompt(8192, "one word"))
    prose = parse_lenient(long_prompt(8192))
    assert [p.canonical for p in prose.params] == ["aspect", "stylize", "chaos", "no", "version"]
    assert not mjprompt.lint(long_prompt(8192), select=["MJ1"])  # no syntax finding


def test_prompt_files_cycle_the_prompts_one_per_line(tmp_path) -> None:
    path = write_prompt_file(tmp_path / "p.txt", ["a cat", "two\nlines", "  "], 7)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines == ["a cat", "two lines"] * 3 + ["a cat", ""]


_BARE_OR_ODD_MARKER = re.compile(r"(?<!\S)--(?![A-Za-z])|[{}\u2014\u2013\u2212]|- -|---")


def test_the_regex_floor_splits_ordinary_prompts_as_the_parser_does(corpus: list[str]) -> None:
    # The floor does the same job as the parser (images / text / parameters) on
    # prompts without permutations or malformed markers, so the rates compare like
    # with like.
    checked = 0
    for text in corpus:
        if _BARE_OR_ODD_MARKER.search(text):
            continue
        images, body, params = regex_split(text)
        prompt = parse_lenient(text)
        assert images == [i.raw for i in prompt.images], text
        assert body == prompt.text_source.strip(), text
        assert [name for name, _ in params] == [p.name for p in prompt.params], text
        checked += 1
    assert checked > len(corpus) // 2
