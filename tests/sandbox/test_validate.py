"""Request validation: the library's checks, answered as 400 invalid_request."""

from __future__ import annotations

from typing import Any

import pytest

from mjprompt.parsing import parse_lenient
from mjprompt.payload import strip_api_flags
from mjprompt.sandbox.envelope import ApiError
from mjprompt.sandbox.validate import validate

OK = {"model": "mj-v7", "prompt": "a red fox in snow --ar 3:2"}


def body(**changes: Any) -> dict[str, Any]:
    out = dict(OK)
    for key, value in changes.items():
        if value is ...:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    ("request_body", "param", "fragment"),
    [
        ([], None, "must be a JSON object, not an array"),
        ("x", None, "must be a JSON object, not a string"),
        (body(model=...), "model", "model is required"),
        (body(model="mj-v6"), "model", "model must be 'mj-v7'"),
        (body(model=7), "model", "model must be 'mj-v7'"),
        (body(prompt=...), "prompt", "prompt is required"),
        (body(prompt=None), "prompt", "prompt is required"),
        (body(prompt=5), "prompt", "prompt must be a string, not a number"),
        (body(prompt="   "), "prompt", "prompt is empty"),
        (body(prompt="a" * 8193), "prompt", "8193 characters long; at most 8192"),
        (body(model_params=[]), "model_params", "model_params must be an object"),
        (body(model_params={"speed": "relax"}), "model_params.speed", "draft, fast, turbo"),
        (body(model_params={"speed": 1}), "model_params.speed", "not 1"),
        (body(model_params={"speed": "fast", "n": 2}), "model_params.n", "accepts only speed"),
        (body(n=4), "n", "unknown field 'n'"),
        (body(callback_url=5), "callback_url", "must be a string, not a number"),
        (body(callback_url="http://example.com/hook"), "callback_url", "https"),
        (body(callback_url="https://127.0.0.1/hook"), "callback_url", "loopback"),
        (body(callback_url="https://10.1.2.3/hook"), "callback_url", "private"),
        (body(callback_url="https://localhost/hook"), "callback_url", "localhost"),
        (body(prompt="a cat –ar 16:9"), "prompt", "MJ101"),
        (body(prompt="a cat --foo 3"), "prompt", "MJ301"),
        (body(prompt="a cat --v 6"), "prompt", "MJ402"),
        (body(prompt="a cat --q 3"), "prompt", "MJ305"),
        (
            body(prompt="a cat --oref https://a.example/x.png", model_params={"speed": "draft"}),
            "prompt",
            "with model_params.speed 'draft'",
        ),
    ],
)
def test_invalid_requests_name_the_problem(
    request_body: Any, param: str | None, fragment: str
) -> None:
    with pytest.raises(ApiError) as info:
        validate(request_body)
    error = info.value
    assert (error.status, error.code, error.type) == (
        400,
        "invalid_request",
        "invalid_request_error",
    )
    assert error.message.startswith("Invalid request parameters: ")
    assert fragment in error.message
    assert error.param == param


@pytest.mark.parametrize(
    ("request_body", "speed"),
    [
        (OK, "fast"),
        (body(model_params={"speed": "draft"}), "draft"),
        (body(model_params={"speed": "turbo"}), "turbo"),
        (body(model_params={}), "fast"),
        (body(model_params={"speed": None}), "fast"),
        (body(callback_url=None), "fast"),
        (body(callback_url="https://example.com/hooks/mj?t=1"), "fast"),
        (body(prompt="a" * 8192), "fast"),
        # The API strips speed flags and a redundant --v 7 instead of refusing them ...
        (body(prompt="a cat --fast --v 7"), "fast"),
        # ... even two different speeds (an error for the library, stripped by the API).
        (body(prompt="a cat --draft --turbo"), "fast"),
        (body(prompt="a cat --draft", model_params={"speed": "turbo"}), "turbo"),
    ],
)
def test_valid_requests_pass(request_body: dict[str, Any], speed: str) -> None:
    request = validate(request_body)
    assert request.speed == speed
    assert request.prompt == request_body["prompt"]


def test_error_position_counts_in_the_prompt_as_received() -> None:
    # `--fast ` is stripped before linting; the column still points into the original.
    prompt = "a cat --fast –ar 16:9"
    with pytest.raises(ApiError) as info:
        validate(body(prompt=prompt))
    column = prompt.index("–") + 1
    assert f"prompt:1:{column}: MJ101 error" in info.value.message


def test_unknown_fields_pass_when_not_strict() -> None:
    assert validate(body(n=4, model_params={"speed": "fast", "x": 1}), strict=False).speed == "fast"


def test_loopback_callbacks_need_the_switch() -> None:
    url = "http://127.0.0.1:8123/hook"
    with pytest.raises(ApiError):
        validate(body(callback_url=url))
    assert validate(body(callback_url=url), allow_loopback=True).callback_url == url
    assert validate(body(callback_url="http://localhost/x"), allow_loopback=True).callback_url
    # the switch opens loopback only: other targets still follow the real rule
    for other in ("http://example.com/hook", "https://10.0.0.1/hook", "ftp://127.0.0.1/x"):
        with pytest.raises(ApiError):
            validate(body(callback_url=other), allow_loopback=True)


@pytest.mark.parametrize(
    ("prompt", "stripped"),
    [
        ("a cat --fast", "a cat"),
        ("a cat --turbo --ar 2:3", "a cat --ar 2:3"),
        ("a cat --ar 2:3 --draft --s 50", "a cat --ar 2:3 --s 50"),
        ("a cat --v 7 --FAST", "a cat"),
        ("a cat --version 7.0", "a cat"),
        ("a cat --v 6", "a cat --v 6"),  # not redundant: refused by lint
        ("a cat –fast", "a cat –fast"),  # not a marker the API knows
        ("a cat —fast --ar 2:3", "a cat --ar 2:3"),  # an em dash is a marker (MJ103, info)
        ("a cat", "a cat"),
    ],
)
def test_strip_api_flags(prompt: str, stripped: str) -> None:
    # The one stripping function, shared with build_payload.
    assert strip_api_flags(parse_lenient(prompt)).text == stripped


def test_a_stripped_token_keeps_its_own_errors() -> None:
    # `--v 7.` is the version lock with a trailing full stop: the API strips it, but the
    # full stop is an error the linter reports (MJ108), as build_payload does.
    with pytest.raises(ApiError, match="MJ108"):
        validate(body(prompt="a cat --v 7."))
