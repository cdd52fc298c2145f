"""The documented contract's functions on their own (the HTTP side is test_behaviours.py)."""

from __future__ import annotations

import pytest

from mjprompt.sandbox.contract import (
    Request,
    check_request,
    is_loopback_url,
    prompt_failure,
    remove_speed_flags,
)
from mjprompt.sandbox.envelope import ApiError


@pytest.mark.decision("G07", "G10")
def test_an_accepted_request_keeps_what_was_sent() -> None:
    url = "https://example.com/hook"
    assert check_request({"model": "mj-v7", "prompt": "a cat", "callback_url": url}) == Request(
        "a cat", "fast", url
    )
    turbo = {"model": "mj-v7", "prompt": "a cat --fast", "model_params": {"speed": "turbo"}}
    assert check_request(turbo) == Request("a cat --fast", "turbo", None)


@pytest.mark.decision("G10")
def test_loopback_callbacks_only_with_the_switch() -> None:
    body = {"model": "mj-v7", "prompt": "a cat", "callback_url": "http://127.0.0.1:9/h"}
    with pytest.raises(ApiError, match="callback_url: "):
        check_request(body)
    assert check_request(body, allow_loopback=True).callback_url == body["callback_url"]
    private = dict(body, callback_url="https://10.0.0.1/h")
    with pytest.raises(ApiError, match="private"):
        check_request(private, allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/h", True),
        ("https://127.9.9.9/h", True),
        ("http://[::1]/h", True),
        ("http://[::ffff:127.0.0.1]/h", True),
        ("http://localhost./h", True),
        ("http://LOCALHOST/h", True),
        ("ftp://127.0.0.1/h", False),
        ("http://10.0.0.1/h", False),
        ("http://example.com/h", False),
        ("http://[::1/h", False),
        ("127.0.0.1", False),
    ],
)
def test_is_loopback_url(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


@pytest.mark.decision("P01")
@pytest.mark.parametrize(
    ("prompt", "left"),
    [
        ("a cat --fast", "a cat"),
        ("a cat --TURBO --ar 2:3", "a cat --ar 2:3"),
        ("a cat --draft --s 50 --fast", "a cat --s 50"),
        ("a cat --faster", "a cat --faster"),
        ("a cat--fast", "a cat--fast"),
    ],
)
def test_remove_speed_flags(prompt: str, left: str) -> None:
    assert remove_speed_flags(prompt) == left


def test_prompt_failure_names_the_reason() -> None:
    assert prompt_failure("a cat --ar 2:3", "fast") is None
    reason = prompt_failure("a cat --cw 50", "draft")
    assert reason == "--cw is not supported by mj-v7 (decision P03)"
