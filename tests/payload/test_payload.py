"""build_payload: the body of POST /v1/images/generations (PRODUCT.md §6, evolink-api.md §1)."""

from __future__ import annotations

import re

import pytest

import mjprompt
from mjprompt import payload as payload_module
from mjprompt.ast import Prompt
from mjprompt.diagnostics import Diagnostic, Severity, Span
from mjprompt.payload import PayloadError, build_payload
from mjprompt.rules import REGISTRY


def test_plain_prompt_is_sent_as_is() -> None:
    text = "A cinematic shot of a Maine Coon cat on a neon-lit balcony --ar 16:9 --s 500"
    assert build_payload(text) == {"model": "mj-v7", "prompt": text}


def test_key_order_matches_the_documented_body() -> None:
    body = build_payload("a cat", speed="turbo", callback_url="https://example.com/hook")
    assert list(body) == ["model", "prompt", "model_params", "callback_url"]
    assert body["model_params"] == {"speed": "turbo"}
    assert body["callback_url"] == "https://example.com/hook"


@pytest.mark.parametrize(
    ("text", "prompt", "speed"),
    [
        ("a cat --ar 16:9 --fast", "a cat --ar 16:9", "fast"),
        ("a cat --turbo --ar 16:9", "a cat --ar 16:9", "turbo"),
        ("a cat --draft", "a cat", "draft"),
        ("a cat --ar 16:9 --TURBO", "a cat --ar 16:9", "turbo"),
        ("a cat \u2014fast --s 50", "a cat --s 50", "fast"),
    ],
)
def test_speed_flags_move_into_model_params(text: str, prompt: str, speed: str) -> None:
    body = build_payload(text)
    assert body["prompt"] == prompt
    assert body["model_params"] == {"speed": speed}


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("a cat --v 7", "a cat"),
        ("a cat --version 7 --ar 2:3", "a cat --ar 2:3"),
        ("a cat --ar 2:3 --v 7 --fast", "a cat --ar 2:3"),
    ],
)
def test_redundant_version_is_removed(text: str, prompt: str) -> None:
    assert build_payload(text)["prompt"] == prompt


def test_rest_of_the_text_is_kept_byte_for_byte() -> None:
    kept = "  two  spaces,\tand a tab — and café ☕ --ar 16:9   --s 500"
    assert build_payload(kept + " --fast")["prompt"] == kept


def test_speed_argument_without_flag() -> None:
    assert build_payload("a cat", speed="draft")["model_params"] == {"speed": "draft"}
    assert build_payload("a cat", speed="FAST")["model_params"] == {"speed": "fast"}


def test_no_speed_means_no_model_params() -> None:
    assert "model_params" not in build_payload("a cat")


def test_flag_agreeing_with_argument_is_fine() -> None:
    body = build_payload("a cat --turbo", speed="turbo")
    assert body == {"model": "mj-v7", "prompt": "a cat", "model_params": {"speed": "turbo"}}


def test_flag_contradicting_argument_is_an_error() -> None:
    with pytest.raises(PayloadError) as info:
        build_payload("a cat --turbo", speed="fast")
    codes = [d.code for d in info.value.diagnostics]
    assert "PL002" in codes
    diag = next(d for d in info.value.diagnostics if d.code == "PL002")
    assert diag.span == Span(6, 13)
    assert "1:7" in str(info.value)


def test_two_different_speed_flags_are_an_error() -> None:
    with pytest.raises(PayloadError) as info:
        build_payload("a cat --fast --draft")
    assert any(d.severity is Severity.ERROR for d in info.value.diagnostics)
    assert any(d.span.start >= 13 for d in info.value.diagnostics)


def test_invalid_speed_argument() -> None:
    with pytest.raises(PayloadError, match="draft, fast, turbo"):
        build_payload("a cat", speed="relax")


def test_prompt_with_errors_is_refused_with_diagnostics() -> None:
    text = "a cat \u2013ar 16:9"
    with pytest.raises(PayloadError) as info:
        build_payload(text)
    err = info.value
    assert err.text == text
    assert [d.code for d in err.diagnostics] == [
        d.code for d in mjprompt.lint(text) if d.severity is Severity.ERROR
    ]
    assert re.search(r"1:7: MJ101", str(err))


def test_error_elsewhere_still_refuses_when_flags_are_removed() -> None:
    with pytest.raises(PayloadError):
        build_payload("a cat --ar 16:9 more text --fast")


def test_the_same_flag_twice_is_still_a_duplicate() -> None:
    # The linter calls a repeated parameter an error; build_payload does not excuse it.
    if not any(d.severity is Severity.ERROR for d in mjprompt.lint("a cat --fast --fast")):
        pytest.skip("the rule set does not report duplicates")
    with pytest.raises(PayloadError):
        build_payload("a cat --fast --fast")


def test_oref_with_turbo_argument_is_refused() -> None:
    # PG7: --oref runs in fast mode only. The text alone is fine; with speed="turbo" it is not.
    text = "a red apple --oref https://example.com/a.png"
    if any(d.severity is Severity.ERROR for d in mjprompt.lint(text + " --turbo")):
        with pytest.raises(PayloadError, match="turbo"):
            build_payload(text, speed="turbo")
    assert build_payload(text, speed="fast")["prompt"] == text


def test_only_a_flag_leaves_nothing_to_send() -> None:
    with pytest.raises(PayloadError):
        build_payload("--fast")


def test_overlapping_removals_at_the_start_do_not_corrupt() -> None:
    with pytest.raises(PayloadError):
        build_payload("--fast --v 7")


def test_other_versions_are_not_removed() -> None:
    # `--v 6` is never silently dropped (that would buy a V7 image nobody asked for):
    # the endpoint is V7 only, so the prompt is refused at `--v 6`, and the text that
    # would be sent keeps it.
    text = "a cat --v 6"
    with pytest.raises(PayloadError) as caught:
        build_payload(text)
    assert any(d.span.start >= text.index("--v") for d in caught.value.diagnostics)


def test_bad_callback_url_is_refused() -> None:
    with pytest.raises(PayloadError, match="loopback"):
        build_payload("a cat", callback_url="https://127.0.0.1/hook")
    with pytest.raises(PayloadError, match="https"):
        build_payload("a cat", callback_url="http://example.com/hook")


def test_non_string_prompt() -> None:
    with pytest.raises(PayloadError, match="string"):
        build_payload(42)  # type: ignore[arg-type]


def test_lazy_export() -> None:
    assert mjprompt.build_payload is build_payload
    assert mjprompt.PayloadError is PayloadError


def _fake_lint(code_on_flags: str, conflict: bool = False):  # type: ignore[no-untyped-def]
    """The real lint plus an error with ``code_on_flags`` on every speed flag and ``--v 7``
    (and, with ``conflict``, an error on ``--oref`` when turbo is asked for)."""
    real = payload_module._lint

    def fake(prompt: Prompt) -> list[Diagnostic]:
        text = prompt.source
        found = list(real(prompt))
        for m in re.finditer(r"--(fast|turbo|draft)\b|--v 7\b", text):
            found.append(
                Diagnostic(code_on_flags, "x", Severity.ERROR, "flag", Span(m.start(), m.end()))
            )
        if conflict and "--oref" in text and "--turbo" in text:
            i = text.index("--turbo")
            found.append(Diagnostic("MJ5ZZ", "y", Severity.ERROR, "oref+turbo", Span(i, i + 7)))
        return found

    return fake


def test_findings_of_api_strips_rules_on_removed_tokens_are_excused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # MJ408 reports a flag the API strips (rule metadata `api_strips`): even as an
    # error it does not refuse a prompt whose flag build_payload removes.
    assert REGISTRY["MJ408"].api_strips
    monkeypatch.setattr(payload_module, "_lint", _fake_lint("MJ408"))
    assert build_payload("a cat --fast --v 7")["prompt"] == "a cat"


def test_findings_of_other_rules_on_removed_tokens_are_not_excused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(payload_module, "_lint", _fake_lint("MJ4ZZ"))
    with pytest.raises(PayloadError, match="MJ4ZZ"):
        build_payload("a cat --fast --v 7")


def test_speed_argument_conflicts_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payload_module, "_lint", _fake_lint("MJ408", conflict=True))
    text = "a cat --oref https://example.com/a.png"
    with pytest.raises(PayloadError) as info:
        build_payload(text, speed="turbo")
    codes = [d.code for d in info.value.diagnostics]
    assert "MJ5ZZ" in codes
    assert "MJ408" not in codes  # the appended flag is stripped: its finding is excused
    assert all("speed='turbo'" in d.message for d in info.value.diagnostics)
    assert all(d.span.end <= len(text) for d in info.value.diagnostics)
    assert build_payload(text, speed="fast")["model_params"] == {"speed": "fast"}


def test_one_lint_per_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = payload_module._lint

    def counting(prompt: Prompt) -> list[Diagnostic]:
        calls.append(prompt.source)
        return real(prompt)

    monkeypatch.setattr(payload_module, "_lint", counting)
    for text, speed in [("a cat", None), ("a cat --v 7 --fast", None), ("a cat ", "turbo")]:
        calls.clear()
        build_payload(text, speed=speed)
        assert len(calls) == 1, (text, speed, calls)
    assert calls == ["a cat --turbo"]
