"""``lint_many``: the diagnostics of ``lint`` for each text, in order, read lazily."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

import mjprompt

TEXTS = [
    "a cat --ar 16:9",
    "a cat –ar 16:9 --v 6.1",
    "",
    "a {red, green} bird --s 5000",
    "https://e.com/a.png --sref 1 --sw 50",
    "a cat --ar 1:1 --ar 2:3",
]


@pytest.mark.parametrize("batch", [1, 2, 4, 64])
@pytest.mark.parametrize("profile", ["evolink", "midjourney"])
def test_same_as_lint_for_each_text(batch: int, profile: str) -> None:
    expected = [mjprompt.lint(t, profile=profile) for t in TEXTS]
    assert list(mjprompt.lint_many(TEXTS, profile=profile, batch=batch)) == expected


def test_select_and_ignore_are_passed_on() -> None:
    texts = ["a cat –ar 16:9 --v 6.1"]
    only = list(mjprompt.lint_many(texts, select=["MJ101"]))
    assert [d.code for d in only[0]] == ["MJ101"]
    without = list(mjprompt.lint_many(texts, ignore=["MJ101"]))
    assert "MJ101" not in [d.code for d in without[0]]


def test_on_the_corpus(corpus: list[str]) -> None:
    assert list(mjprompt.lint_many(corpus)) == [mjprompt.lint(t) for t in corpus]


def test_reads_at_most_one_batch_ahead() -> None:
    taken: list[int] = []

    def texts() -> Iterator[str]:
        for n in itertools.count():
            taken.append(n)
            yield f"a cat --seed {n}"

    results = mjprompt.lint_many(texts(), batch=3)
    assert next(results) == []
    assert len(taken) == 3  # one batch read, nothing more
    for _ in range(3):
        next(results)
    assert len(taken) == 6


def test_bad_arguments_raise_at_the_call() -> None:
    with pytest.raises(ValueError, match="batch"):
        mjprompt.lint_many(["a cat"], batch=0)
    with pytest.raises(ValueError, match="profile"):
        mjprompt.lint_many(["a cat"], profile="nijijourney")
    with pytest.raises(TypeError, match="several texts"):
        mjprompt.lint_many("a cat --ar 16:9")
