"""The sandbox's balance: ``GET /v1/credits``, reserved credits from the cost model, the
debit and refund, and the documented 402 when the balance cannot pay (decisions B01-B05).

These tests also show what a client of the balance can rely on: a POST the balance
cannot pay creates nothing, and ``sb.balance()`` / ``GET /v1/credits`` always agree with
the ``usage.credits_reserved`` of the tasks created.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mjprompt.evolink import (
    CREDITS_PATH,
    Balance,
    CreditsErrorResponse,
    estimate_payload,
    estimate_prompt,
    parse_credits_response,
)
from mjprompt.sandbox import Sandbox

from .conftest import GEN, FakeClock

Post = Callable[..., httpx.Response]


def balance_of(c: httpx.Client) -> Balance:
    """What a client reads: the documented body, parsed by the contract module."""
    response = c.get(CREDITS_PATH)
    return parse_credits_response(response.json(), response.status_code)


@pytest.mark.decision("B01")
def test_credits_answers_the_documented_body_with_the_starting_balance(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox(credits=123.5)
    response = client_for(sb).get(CREDITS_PATH)
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "token": {"remaining_credits": 123.5, "unlimited_credits": False, "used_credits": 0.0},
            "user": {"remaining_credits": 123.5, "used_credits": 0.0},
        },
        "message": "",
        "success": True,
    }
    assert parse_credits_response(response.json()).available == 123.5
    assert sb.balance().available == 123.5


@pytest.mark.decision("B01", "B05")
def test_credits_needs_the_key_and_answers_integer_codes(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client]
) -> None:
    refused = client_for(sandbox, key="sk-wrong").get(CREDITS_PATH)
    assert refused.status_code == 401
    assert refused.json() == {
        "error": {
            "code": 401,
            "message": "Invalid or expired token",
            "type": "authentication_error",
        }
    }
    with pytest.raises(CreditsErrorResponse) as caught:
        parse_credits_response(refused.json(), 401)
    assert caught.value.code == 401 and caught.value.type == "authentication_error"
    assert client_for(sandbox).post(CREDITS_PATH).status_code == 405


@pytest.mark.decision("B05")
def test_faults_on_credits_use_that_endpoints_documented_rows(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client]
) -> None:
    sandbox.inject("rate_limit", path=CREDITS_PATH, retry_after=60)
    limited = client_for(sandbox).get(CREDITS_PATH)
    assert limited.status_code == 429
    assert limited.json()["error"] == {
        "code": 429,
        "message": "Rate limit exceeded",
        "type": "rate_limit_error",
        "fallback_suggestion": "retry after 60 seconds",
    }
    with pytest.raises(CreditsErrorResponse) as caught:
        parse_credits_response(limited.json(), 429)
    assert caught.value.fallback_suggestion == "retry after 60 seconds"
    sandbox.inject("503", path=CREDITS_PATH)
    assert client_for(sandbox).get(CREDITS_PATH).json()["error"]["code"] == 503


@pytest.mark.decision("B02")
@pytest.mark.parametrize(
    ("prompt", "speed", "reserved"),
    [
        ("a red fox", None, 5.4),
        ("a red fox", "draft", 2.7),
        ("a red fox", "turbo", 10.8),
        ("a red fox --q 2", None, 10.8),
        ("a red fox --q 4", "draft", 10.8),
        ("a red fox --oref https://example.com/o.png", "fast", 10.8),
        ("a red fox --oref https://example.com/o.png --q 2", None, 21.6),
        ("a red fox --turbo", None, 5.4),  # the API removes the flag: the speed is fast
    ],
)
def test_reserved_credits_follow_the_cost_model(
    client: httpx.Client, create: Post, prompt: str, speed: str | None, reserved: float
) -> None:
    fields: dict[str, Any] = {} if speed is None else {"model_params": {"speed": speed}}
    body = create(client, prompt, **fields).json()
    assert body["usage"]["credits_reserved"] == reserved
    sent = {"model": "mj-v7", "prompt": prompt, **fields}
    assert estimate_payload(sent).credits == reserved


@pytest.mark.decision("B02")
def test_the_sandbox_reserves_what_estimate_prompt_predicts(
    client: httpx.Client, create: Post
) -> None:
    # What `mjprompt estimate` prints for a prompt sent with its speed as model_params.
    prompt = "a red fox --q 2"
    expected = estimate_prompt(prompt, "turbo").credits
    body = create(client, prompt, model_params={"speed": "turbo"}).json()
    assert body["usage"]["credits_reserved"] == expected == 21.6


@pytest.mark.decision("B03")
def test_creation_debits_and_a_failed_task_is_refunded(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Post,
    clock: FakeClock,
) -> None:
    sb = make_sandbox(credits=100, clock=clock, task_duration=10)
    c = client_for(sb)
    create(c, "a red fox")
    create(c, "a red fox sandbox-fail")
    create(c, "a red fox sandbox-cancel", model_params={"speed": "turbo"})
    # Reserved on creation, whatever the outcome will be.
    assert balance_of(c).user_remaining == pytest.approx(100 - 5.4 - 5.4 - 10.8)
    assert balance_of(c).user_used == pytest.approx(21.6)
    clock.advance(10)
    # Failed and cancelled tasks are refunded; the completed one stays paid.
    after = balance_of(c)
    assert after.user_remaining == pytest.approx(94.6)
    assert after.token_used == after.user_used == pytest.approx(5.4)
    assert sb.balance() == after


@pytest.mark.decision("B03")
def test_moderated_images_are_not_refunded(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Post,
    clock: FakeClock,
) -> None:
    sb = make_sandbox(credits=10, clock=clock, task_duration=1)
    c = client_for(sb)
    task = create(c, "a red fox sandbox-images:1").json()
    clock.advance(2)
    done = c.get(f"/v1/tasks/{task['id']}").json()
    assert len(done["results"]) == 1 and done["usage"]["credits_used"] == 5.4
    assert balance_of(c).user_remaining == pytest.approx(4.6)


@pytest.mark.decision("B03")
def test_an_idempotent_replay_is_not_charged_twice(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox(credits=6)
    c = client_for(sb)
    body = {"model": "mj-v7", "prompt": "a red fox"}
    headers = {"Idempotency-Key": "estimate-replay-0001"}
    first = c.post(GEN, json=body, headers=headers)
    again = c.post(GEN, json=body, headers=headers)
    # The balance (0.6 left) could not pay a second task: a replay is not one.
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.headers["idempotency-replayed"] == "true"
    assert balance_of(c).user_remaining == pytest.approx(0.6)


@pytest.mark.decision("B04")
def test_a_post_the_balance_cannot_pay_is_402_and_creates_nothing(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], create: Post
) -> None:
    sb = make_sandbox(credits=10)
    c = client_for(sb)
    assert create(c, "a red fox").status_code == 200  # 5.4 reserved, 4.6 left
    refused = create(c, "a red fox")  # 5.4 > 4.6
    assert refused.status_code == 402
    assert refused.json() == {
        "error": {
            "code": "insufficient_quota",
            "message": "Insufficient quota. Please top up your account.",
            "type": "insufficient_quota",
        }
    }
    assert len(sb.tasks()) == 1
    assert balance_of(c).user_remaining == pytest.approx(4.6)
    # A cheaper call still fits: the check is against this call's reservation.
    assert create(c, "a red fox", model_params={"speed": "draft"}).status_code == 200
    assert balance_of(c).user_remaining == pytest.approx(1.9)
    assert len(sb.tasks()) == 2


@pytest.mark.decision("B04")
def test_a_refund_makes_room_again(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    create: Post,
    clock: FakeClock,
) -> None:
    sb = make_sandbox(credits=5.4, clock=clock, task_duration=1)
    c = client_for(sb)
    assert create(c, "a red fox sandbox-fail").status_code == 200
    assert create(c, "a red fox").status_code == 402
    clock.advance(1)  # failed: refunded
    assert create(c, "a red fox").status_code == 200
    assert balance_of(c).user_remaining == 0


@pytest.mark.decision("B04")
def test_concurrent_posts_never_spend_more_than_the_balance(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox(credits=27)  # exactly five fast calls
    c = client_for(sb, limits=httpx.Limits(max_connections=20))
    statuses: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        status = c.post(GEN, json={"model": "mj-v7", "prompt": "a red fox"}).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=post) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(statuses) == [200] * 5 + [402] * 7
    assert len(sb.tasks()) == 5
    assert balance_of(c).user_remaining == 0


@pytest.mark.decision("B04")
def test_strict_behaviour_checks_the_balance_too(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], create: Post
) -> None:
    sb = make_sandbox(credits=3, behaviour="strict")
    c = client_for(sb)
    assert create(c, "a red fox").status_code == 402
    assert create(c, "a red fox", model_params={"speed": "draft"}).status_code == 200


def test_the_default_balance_is_large_and_the_root_names_the_endpoint(
    client: httpx.Client, sandbox: Sandbox
) -> None:
    assert balance_of(client).available == 1_000_000
    assert f"GET {CREDITS_PATH}" in client.get("/").json()["endpoints"]


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_a_bad_starting_balance_is_refused(bad: float) -> None:
    from mjprompt.sandbox import SandboxConfig

    with pytest.raises(ValueError, match="credits must be a finite number >= 0"):
        SandboxConfig(credits=bad)


@pytest.mark.decision("B01")
def test_the_command_line_sets_the_starting_balance() -> None:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "mjprompt", "sandbox", "--credits", "7.5", "--exit-after", "60"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None
        url = p.stdout.readline().split()[-1]
        with httpx.Client(
            base_url=url, headers={"Authorization": "Bearer sk-sandbox"}, trust_env=False
        ) as c:
            assert balance_of(c).available == 7.5
            assert c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).status_code == 200
            assert c.post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).status_code == 402
            assert balance_of(c).user_remaining == pytest.approx(2.1)
    finally:
        p.terminate()
        p.wait(10)
    # Read through the reader that read the first line (it may hold the next ones).
    assert p.stdout is not None
    assert "  credits: 7.5\n" in p.stdout.read()


def test_a_bad_balance_on_the_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from mjprompt.cli import main

    assert main(["sandbox", "--credits", "-3"]) == 2
    assert "credits must be a finite number >= 0" in capsys.readouterr().err
