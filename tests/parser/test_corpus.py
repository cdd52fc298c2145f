"""Every real prompt of the corpus: lint never raises, spans are in range, parse is lossless."""

from __future__ import annotations

import mjprompt
from mjprompt.parser import parse_lenient


def test_corpus_lint_spans_and_lossless(corpus: list[str]) -> None:
    for text in corpus:
        for profile in ("evolink", "midjourney"):
            for d in mjprompt.lint(text, profile=profile):
                assert 0 <= d.span.start <= d.span.end <= len(text), (text, d)
                if d.fix is not None:
                    for e in d.fix.edits:
                        assert 0 <= e.start <= e.end <= len(text), (text, d)
        prompt = mjprompt.parse(text)
        assert str(prompt) == text


def test_corpus_nodes_cover_all_but_whitespace(corpus: list[str]) -> None:
    for text in corpus:
        prompt = parse_lenient(text)
        pos = 0
        for node in prompt.nodes():
            assert text[pos : node.span.start].strip() == "", (text, node)
            assert node.span.start >= pos
            pos = node.span.end
        assert text[pos:].strip() == ""


def test_corpus_render_is_idempotent_and_keeps_parameters(corpus: list[str]) -> None:
    for text in corpus:
        prompt = parse_lenient(text)
        once = mjprompt.render(prompt)
        again = parse_lenient(once)
        assert mjprompt.render(again) == once, text
        assert sorted((p.canonical or p.name, p.value_text) for p in prompt.params) == sorted(
            (p.canonical or p.name, p.value_text) for p in again.params
        ), text


def test_corpus_fix_never_adds_errors(corpus: list[str]) -> None:
    for text in corpus:
        before = [d for d in mjprompt.lint(text) if d.severity is mjprompt.Severity.ERROR]
        result = mjprompt.fix(text)
        after = [d for d in result.remaining if d.severity is mjprompt.Severity.ERROR]
        assert len(after) <= len(before), (text, result.text)
