"""The payment path refuses what would be billed wrongly (issue 21, payload target).

Each test pins a behaviour that a mutant of ``payload.py`` (or of a rule the payload
relies on) changed without any other test noticing; the mutant is named in the test.
"""

from __future__ import annotations

import pytest

from mjprompt.parsing import parse_lenient
from mjprompt.payload import PayloadError, build_payload, delete_params, strip_api_flags


def _refused_at(text: str) -> list[str]:
    """The text under each diagnostic of the refusal of ``text``."""
    with pytest.raises(PayloadError) as caught:
        build_payload(text)
    return [text[d.span.start : d.span.end] for d in caught.value.diagnostics]


def test_an_oref_with_a_weight_is_refused() -> None:
    # tools/mutants.toml M32: `--oref URL::2` accepted (Omni Reference takes no weight).
    url = "https://example.com/x.png"
    assert any(url in under for under in _refused_at(f"a cat --oref {url}::2"))
    assert build_payload(f"a cat --oref {url}")["prompt"] == f"a cat --oref {url}"


@pytest.mark.parametrize(
    ("text", "sent"),
    [("--fast --ar 1:1", "--ar 1:1"), ("--fast  --ar 1:1 ", "--ar 1:1 ")],
)
def test_a_speed_flag_at_the_start_goes_with_the_blanks_after_it(text: str, sent: str) -> None:
    # payload._removal: the blanks after a leading flag skipped one by one (not `end = 1`,
    # not two at a time), and the text's last blank never taken for one before the start.
    # (payload.delete_params: the flag goes with the linter's own delete_token fix.)
    prompt = parse_lenient(text)
    stripped = strip_api_flags(prompt)
    assert [p.name for p, _ in stripped.speeds] == ["fast"]
    assert delete_params(text, [p for p, _ in stripped.speeds])[0] == sent


def test_the_refusal_counts_its_errors_in_words() -> None:
    # payload._describe: "1 error" without "(and 0 more)", "2 errors (and 1 more)".
    with pytest.raises(PayloadError) as one:
        build_payload("a cat --s 5000")
    assert "has 1 error; not sent: 1:11: " in str(one.value)
    assert "more)" not in str(one.value)
    with pytest.raises(PayloadError) as two:
        build_payload("a cat --s 5000 --chaos 500")
    assert "has 2 errors; not sent: 1:11: " in str(two.value)
    assert str(two.value).endswith(" (and 1 more)")


def test_speed_conflicts_name_both_sides() -> None:
    # payload._outgoing: the first flag is named in PL001; PL002 has its rule name.
    with pytest.raises(PayloadError) as flags:
        build_payload("a cat --fast --turbo")
    messages = [d.message for d in flags.value.diagnostics]
    assert "`--turbo` contradicts `--fast`: choose one speed" in messages
    with pytest.raises(PayloadError) as argument:
        build_payload("a cat --fast", speed="turbo")
    (diag,) = argument.value.diagnostics
    assert (diag.rule, diag.message) == (
        "speed-contradicts-argument",
        "`--fast` contradicts speed='turbo'",
    )


def test_an_error_found_with_the_speed_flag_points_into_the_users_text() -> None:
    # payload._outgoing: a finding of the probe (the text plus ` --turbo`) is clamped to
    # the user's text, whose length is all an editor or a caret line can show.
    text = "a cat --oref https://example.com/x.png"
    with pytest.raises(PayloadError) as info:
        build_payload(text, speed="turbo")
    assert info.value.diagnostics
    for d in info.value.diagnostics:
        assert d.span.end <= len(text) and d.span.start <= d.span.end
        assert d.message.endswith("(with speed='turbo')")


def test_a_lone_surrogate_is_refused_where_it_is() -> None:
    # build_payload: the not-text refusal says where, in the same words as the others.
    text = "a \udcff cat"
    with pytest.raises(PayloadError) as info:
        build_payload(text)
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.span.start, diag.span.end) == ("PL007", 2, 3)
    assert str(info.value).startswith("the prompt has 1 error; not sent: 1:3: PL007 ")
    assert "0xff" in str(info.value) and info.value.text == text


def test_argument_refusals_carry_their_diagnostic() -> None:
    # build_payload / _check_speed: a bad speed or callback URL refuses with one
    # diagnostic (code, rule, the reason, at the start).
    with pytest.raises(PayloadError) as speed:
        build_payload("a cat", speed="slow")
    (diag,) = speed.value.diagnostics
    assert (diag.code, diag.rule, diag.span.start, diag.span.end) == (
        "PL003",
        "invalid-speed",
        0,
        0,
    )
    with pytest.raises(PayloadError) as hook:
        build_payload("a cat", callback_url="http://example.com/hook")
    (diag,) = hook.value.diagnostics
    assert (diag.code, diag.rule) == ("PL004", "invalid-callback-url")
    assert (diag.message, diag.span.start, diag.span.end) == (
        "callback_url must use https, not http",
        0,
        0,
    )


def test_the_length_guard_names_the_part_beyond_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # build_payload's own 8192 guard (the rules normally report first): its diagnostic
    # covers from the limit to the end, under its rule name.
    from mjprompt import payload

    text = "a" * (payload.MAX_PROMPT_LENGTH + 5)
    plan = payload._Outgoing(prompt=text, speed=None, diagnostics=())
    monkeypatch.setattr(payload, "_outgoing", lambda text, speed: plan)
    with pytest.raises(PayloadError) as info:
        build_payload(text)
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.rule) == ("PL005", "prompt-too-long")
    assert (diag.span.start, diag.span.end) == (payload.MAX_PROMPT_LENGTH, len(text))
    assert info.value.text == text  # what the spans refer to


@pytest.mark.parametrize(("char", "byte"), [("\udc80", "0x80"), ("\udcff", "0xff")])
def test_an_undecodable_byte_is_named_at_both_ends_of_its_range(char: str, byte: str) -> None:
    # payload.surrogate_problem: U+DC80..U+DCFF are the bytes 0x80..0xff of a command
    # line that was not UTF-8; the refusal names the byte.
    with pytest.raises(PayloadError) as info:
        build_payload("a " + char)
    assert f"(an undecodable byte {byte} becomes one)" in str(info.value)


def test_nothing_left_to_send_is_refused_over_the_whole_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # payload._outgoing's own empty-prompt guard (the rules normally report an empty prompt
    # first): with a rule set that reports nothing, `--fast` alone leaves nothing to send.
    from mjprompt import payload

    monkeypatch.setattr(payload, "_lint", lambda prompt: [])
    text = "--fast  --v 7"
    with pytest.raises(PayloadError) as info:
        build_payload(text)
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.message) == ("PL006", "nothing is left to send")
    assert (diag.span.start, diag.span.end) == (0, len(text))
