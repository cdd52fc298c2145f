"""Callback URLs, their signatures and bodies, pinned where mutants passed (issue 21).

Each test names the function of ``mjprompt.callbacks`` whose mutants it stands against.
"""

from __future__ import annotations

import pytest

from mjprompt.callbacks import (
    CallbackError,
    callback_url_problem,
    signed_callback_url,
    verify_callback_url,
)
from mjprompt.client import parse_callback_body

KEY = "k" * 16  # the shortest key allowed


@pytest.mark.parametrize(
    "host",
    [
        "1.2.3.4.0",  # five parts: never read as 1.2.3.4
        "10.0.0.08",  # a two-digit octal part with an 8: not read as decimal 8
        "010.0.0.09",  # the same after an octal part (and no crash)
    ],
)
def test_numbers_that_are_no_ipv4_address_are_refused_as_such(host: str) -> None:
    # _whatwg_ipv4: the 4-part limit, the octal prefix of two-character parts, the
    # 8/9 check of octal parts.
    problem = callback_url_problem(f"https://{host}/hook")
    assert problem == f"host {host!r} ends in a number but is not a valid IPv4 address"


def test_delete_is_a_control_character() -> None:
    # callback_url_problem: U+007F refused like the C0 controls.
    problem = callback_url_problem("https://example.com/\x7fhook")
    assert problem is not None and "control character" in problem


def test_a_backslash_is_refused_with_the_reason() -> None:
    problem = callback_url_problem("https://example.com\\@10.0.0.1/hook")
    assert problem == "callback_url contains a backslash (URL parsers disagree about it)"


def test_a_key_of_16_bytes_signs_and_15_do_not() -> None:
    # _key_bytes: the bound is 16 bytes.
    signed = signed_callback_url("https://example.com/hook", KEY, ref="job-1")
    assert verify_callback_url(signed.url, KEY) == "job-1"
    with pytest.raises(CallbackError, match="at least 16 bytes"):
        signed_callback_url("https://example.com/hook", KEY[:-1], ref="job-1")


def test_signing_names_what_is_wrong() -> None:
    # signed_callback_url: the base URL is checked first (an empty one is "empty", not
    # what the query appended to it makes of it); the ref's alphabet is spelled out.
    with pytest.raises(CallbackError, match=r"^callback_url is empty$"):
        signed_callback_url("", KEY, ref="job-1")
    with pytest.raises(CallbackError) as info:
        signed_callback_url("https://example.com/hook", KEY, ref="a b")
    assert str(info.value) == "ref must be 1-128 characters from A-Z a-z 0-9 . _ ~ -"


@pytest.mark.parametrize("query", ["mjp_sig=abc", "mjp_ref=job-1", "x=1"])
def test_a_query_without_a_ref_or_a_signature_is_not_verified(query: str) -> None:
    # verify_callback_url: a missing parameter is "no ref", not a crash.
    assert verify_callback_url(query, KEY) is None
    assert verify_callback_url("https://example.com/hook?" + query, KEY) is None


def test_callback_body_refusals_say_why() -> None:
    # parse_callback_body: each refusal carries its reason.
    with pytest.raises(CallbackError, match=r"^callback body is \d+ characters, more than "):
        parse_callback_body("x" * (1024 * 1024 + 1))
    with pytest.raises(CallbackError, match=r"^callback body is JSON nested too deeply to read$"):
        parse_callback_body("[" * 100_000)
    with pytest.raises(CallbackError, match=r"^callback body must be a JSON object$"):
        parse_callback_body("[1]")


def test_a_host_name_of_253_characters_is_the_longest() -> None:
    # _host_problem: 253 characters pass, 254 do not.
    host = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 57]) + ".com"
    assert len(host) == 253
    assert callback_url_problem(f"https://{host}/hook") is None
    problem = callback_url_problem(f"https://a{host}/hook")
    assert problem == "host name is longer than 253 characters"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("HTTP://example.com/hook", "callback_url must use https, not http"),
        ("https://example.com:65536/hook", "invalid port '65536'"),
        ("https://example.com:/hook", "invalid port ''"),
        ("https://[2606:4700::1111]:/hook", "invalid port ''"),
    ],
)
def test_scheme_and_port_refusals(url: str, problem: str) -> None:
    # callback_url_problem: the scheme named in lower case, the port range ends at
    # 65535, an empty port (after a name or an IPv6 literal) shown as ''.
    assert callback_url_problem(url) == problem
    assert callback_url_problem("https://example.com:65535/hook") is None
