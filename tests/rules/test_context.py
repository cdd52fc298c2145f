"""The lookups a rule's context offers agree with each other, built or not; what it reports."""

from __future__ import annotations

import pytest

from mjprompt.diagnostics import Diagnostic, Severity, Span
from mjprompt.params import PARAMS
from mjprompt.parser import parse_lenient
from mjprompt.profiles import profile_named
from mjprompt.rules.base import Context, replace_span

_NAMES = [spec.name for spec in PARAMS]


def _check(text: str) -> None:
    prompt = parse_lenient(text)
    # Before the index exists, `named` scans the parameters...
    scanned = {name: Context(prompt, "evolink").named(name) for name in _NAMES}
    ctx = Context(prompt, "evolink")
    index = ctx.by_canonical
    # ...and afterwards reads the index: both agree with it, in prompt order.
    for name in _NAMES:
        assert scanned[name] == list(index.get(name, [])) == ctx.named(name), (text, name)
    known = [p for p in prompt.params if p.spec is not None]
    assert sorted(p.span.start for ps in index.values() for p in ps) == [
        p.span.start for p in known
    ]


def test_named_and_the_index_through_aliases() -> None:
    text = "a cat --version 7 --ar 16:9 --v 6.1 --aspect 2:3 --zzz 1 --V 7"
    _check(text)
    ctx = Context(parse_lenient(text), "evolink")
    assert [p.name for p in ctx.named("version")] == ["version", "v", "V"]
    assert [p.name for p in ctx.named("aspect")] == ["ar", "aspect"]
    assert ctx.named("seed") == []
    assert ctx.first("version") is ctx.named("version")[0]
    assert ctx.has("aspect") and not ctx.has("seed")


def test_named_and_the_index_on_the_corpus(corpus: list[str], case_texts: list[str]) -> None:
    for text in [*corpus, *case_texts]:
        _check(text)


def test_a_context_takes_a_profile_or_its_name() -> None:
    prompt = parse_lenient("a cat --ar 16:9")
    assert Context(prompt, "midjourney").profile is profile_named("midjourney")
    assert Context(prompt, profile_named("evolink")).profile.max_length == 8192
    with pytest.raises(ValueError, match="unknown profile 'discord'"):
        Context(prompt, "discord")


def test_report_files_a_diagnostic_of_the_running_rule() -> None:
    ctx = Context(parse_lenient("a cat --v 7"), "evolink")
    with pytest.raises(AttributeError, match="running"):
        ctx.report(Span(0, 1), "no rule runs")  # only the driver calls rules
    ctx.running = ("MJ999", "test-only", Severity.WARNING)
    fix = replace_span(Span(2, 5), "dog", "write dog")
    ctx.report(Span(2, 5), "a cat", fix)
    ctx.report(Span(0, 1), "an a", severity=Severity.ERROR)
    assert ctx.found == [
        Diagnostic("MJ999", "test-only", Severity.WARNING, "a cat", Span(2, 5), fix),
        Diagnostic("MJ999", "test-only", Severity.ERROR, "an a", Span(0, 1), None),
    ]
