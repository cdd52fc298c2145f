"""Pure parsing of the documented bodies: ``GET /v1/credits`` and a task's ``usage``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mjprompt.evolink import (
    CREDITS_PATH,
    Balance,
    CreditsErrorResponse,
    CreditsResponseError,
    MalformedCreditsResponse,
    Usage,
    parse_credits_response,
    parse_usage,
)

# The example of the GET /v1/credits reference [CRED], as documented.
DOCUMENTED: dict[str, Any] = {
    "data": {
        "token": {
            "remaining_credits": 99416.4429,
            "unlimited_credits": False,
            "used_credits": 583.5571,
        },
        "user": {"remaining_credits": 1095.3996, "used_credits": 135.9048},
    },
    "message": "",
    "success": True,
}


def test_the_documented_example() -> None:
    balance = parse_credits_response(DOCUMENTED)
    assert balance == Balance(
        user_remaining=1095.3996,
        user_used=135.9048,
        token_remaining=99416.4429,
        token_used=583.5571,
        token_unlimited=False,
    )
    # The key allows more than the account has: the account is the limit.
    assert balance.available == 1095.3996


def test_a_key_with_a_smaller_quota_limits_what_is_available() -> None:
    body = copy.deepcopy(DOCUMENTED)
    body["data"]["token"]["remaining_credits"] = 12.5
    assert parse_credits_response(body).available == 12.5
    body["data"]["token"]["unlimited_credits"] = True
    assert parse_credits_response(body).available == 1095.3996


def test_round_trip_through_the_documented_body() -> None:
    balance = parse_credits_response(DOCUMENTED)
    assert balance.to_json() == DOCUMENTED
    assert parse_credits_response(balance.to_json()) == balance


def test_unknown_fields_are_ignored_and_unlimited_defaults_to_false() -> None:
    body = copy.deepcopy(DOCUMENTED)
    body["code"] = 200
    body["request_id"] = "r-1"
    del body["data"]["token"]["unlimited_credits"]
    body["data"]["token"]["extra"] = {"x": 1}
    balance = parse_credits_response(body)
    assert balance.token_unlimited is False and balance.user_remaining == 1095.3996


def test_integers_are_credits_too() -> None:
    body = copy.deepcopy(DOCUMENTED)
    body["data"]["user"]["remaining_credits"] = 7
    assert parse_credits_response(body).user_remaining == 7.0


@pytest.mark.parametrize(
    ("body", "status", "code", "kind", "message", "suggestion"),
    [
        # the endpoint's own reference: integer codes, fallback_suggestion
        (
            {
                "error": {
                    "code": 429,
                    "message": "Rate limit exceeded",
                    "type": "rate_limit_error",
                    "fallback_suggestion": "retry after 60 seconds",
                }
            },
            429,
            429,
            "rate_limit_error",
            "Rate limit exceeded",
            "retry after 60 seconds",
        ),
        # the other endpoints' shape: string codes
        (
            {
                "error": {
                    "code": "insufficient_quota",
                    "message": "Insufficient quota. Please top up your account.",
                    "type": "insufficient_quota",
                }
            },
            402,
            "insufficient_quota",
            "insufficient_quota",
            "Insufficient quota. Please top up your account.",
            None,
        ),
        # a numeric string is the same code as the integer
        (
            {"error": {"code": " 401 ", "message": "Invalid or expired token"}},
            401,
            401,
            None,
            "Invalid or expired token",
            None,
        ),
        # the inner object without its wrapper
        (
            {
                "code": 503,
                "type": "service_unavailable_error",
                "message": "Service temporarily unavailable",
            },
            503,
            503,
            "service_unavailable_error",
            "Service temporarily unavailable",
            None,
        ),
        # success false with a message
        ({"success": False, "message": "key disabled"}, 200, None, None, "key disabled", None),
        # an error envelope whose code is neither
        (
            {"error": {"code": True, "message": 5}},
            500,
            None,
            None,
            "the server reported an error",
            None,
        ),
    ],
)
def test_error_envelopes(
    body: dict[str, Any],
    status: int,
    code: str | int | None,
    kind: str | None,
    message: str,
    suggestion: str | None,
) -> None:
    with pytest.raises(CreditsErrorResponse) as caught:
        parse_credits_response(body, status)
    error = caught.value
    assert (error.status, error.code, error.type, error.message) == (status, code, kind, message)
    assert error.fallback_suggestion == suggestion
    assert isinstance(error, CreditsResponseError) and isinstance(error, ValueError)
    assert f"HTTP {status}: {message}" in str(error)


def test_an_error_status_without_an_envelope_is_still_an_error_response() -> None:
    with pytest.raises(CreditsErrorResponse) as caught:
        parse_credits_response(DOCUMENTED, 500)
    assert caught.value.status == 500 and caught.value.code is None
    with pytest.raises(CreditsErrorResponse, match="HTTP 502 without a JSON object"):
        parse_credits_response("<html>", 502)


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda b: b.pop("data"), "data"),
        (lambda b: b.__setitem__("data", []), "data"),
        (lambda b: b["data"].pop("user"), "data.user"),
        (lambda b: b["data"].__setitem__("token", "x"), "data.token"),
        (lambda b: b["data"]["user"].pop("remaining_credits"), "data.user.remaining_credits"),
        (lambda b: b["data"]["user"].__setitem__("used_credits", "12"), "data.user.used_credits"),
        (lambda b: b["data"]["token"].__setitem__("used_credits", True), "data.token.used_credits"),
        (
            lambda b: b["data"]["token"].__setitem__("remaining_credits", float("nan")),
            "data.token.remaining_credits",
        ),
        (
            lambda b: b["data"]["token"].__setitem__("unlimited_credits", "no"),
            "data.token.unlimited_credits",
        ),
    ],
)
def test_malformed_bodies_name_the_field(mutate: Any, where: str) -> None:
    body = copy.deepcopy(DOCUMENTED)
    mutate(body)
    with pytest.raises(MalformedCreditsResponse) as caught:
        parse_credits_response(body)
    assert caught.value.where == where
    assert str(caught.value).startswith(f"GET {CREDITS_PATH}: {where}: ")


def test_a_body_that_is_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedCreditsResponse, match="not a JSON object: list"):
        parse_credits_response([1, 2])


def test_usage_of_a_creation_body() -> None:
    body = {"usage": {"billing_rule": "per_call", "credits_reserved": 1.8, "user_group": "default"}}
    assert parse_usage(body) == Usage("per_call", 1.8, None, "default")


def test_usage_after_completion() -> None:
    assert (
        parse_usage({"usage": {"credits_reserved": 5.4, "credits_used": 5.4}}).credits_used == 5.4
    )
    # evolink's own client reads usage.cost.credits when credits_used is absent
    assert parse_usage({"usage": {"cost": {"credits": 2.7, "usd": 0.04}}}).credits_used == 2.7
    assert parse_usage({"usage": {"credits_used": 0, "cost": {"credits": 9}}}).credits_used == 0


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"usage": None},
        {"usage": "x"},
        {"usage": {"credits_reserved": "1.8", "billing_rule": 3, "credits_used": True}},
        {"usage": {"credits_reserved": float("inf"), "cost": "x"}},
    ],
)
def test_odd_usage_never_raises(body: Any) -> None:
    assert parse_usage(body) == Usage()
