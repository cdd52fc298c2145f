"""Per-task callback secrets (constant-time check) and parsing callback bodies."""

from __future__ import annotations

import hmac
import json
import subprocess
import sys

import pytest

from mjprompt.callbacks import (
    CallbackError,
    callback_url_problem,
    signed_callback_url,
    verify_callback_url,
)
from mjprompt.client import parse_callback_body
from mjprompt.client.task import Task

KEY = "a-long-server-side-signing-key"


def test_signed_url_round_trip() -> None:
    signed = signed_callback_url("https://example.com/hooks/mj", KEY)
    assert signed.url.startswith("https://example.com/hooks/mj?mjp_ref=")
    assert callback_url_problem(signed.url) is None
    assert verify_callback_url(signed.url, KEY) == signed.ref
    path_and_query = signed.url[len("https://example.com") :]
    assert verify_callback_url(path_and_query, KEY) == signed.ref
    assert verify_callback_url(signed.url.split("?", 1)[1], KEY) == signed.ref


def test_each_task_gets_its_own_secret() -> None:
    a = signed_callback_url("https://example.com/h", KEY)
    b = signed_callback_url("https://example.com/h", KEY)
    assert a.ref != b.ref and a.url != b.url


def test_existing_query_is_kept_and_ref_can_be_chosen() -> None:
    signed = signed_callback_url("https://example.com/h?tenant=7", KEY, ref="job-42")
    assert signed.url.startswith("https://example.com/h?tenant=7&mjp_ref=job-42&mjp_sig=")
    assert verify_callback_url(signed.url, KEY) == "job-42"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda u: u.replace("mjp_ref=job-42", "mjp_ref=job-43"),
        lambda u: u[:-1] + ("0" if u[-1] != "0" else "1"),
        lambda u: u.split("&mjp_sig=")[0],
        lambda u: u + "&mjp_sig=00",
        lambda u: u.replace("mjp_sig=", "mjp_sig=x"),
        lambda u: "https://example.com/h",
        lambda u: "",
    ],
)
def test_forged_or_damaged_urls_are_rejected(tamper: object) -> None:
    signed = signed_callback_url("https://example.com/h", KEY, ref="job-42")
    assert callable(tamper)
    assert verify_callback_url(tamper(signed.url), KEY) is None


def test_wrong_key_is_rejected() -> None:
    signed = signed_callback_url("https://example.com/h", KEY)
    assert verify_callback_url(signed.url, KEY + "-other") is None


def test_signature_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    signed = signed_callback_url("https://example.com/h", KEY)
    assert verify_callback_url(signed.url, KEY) == signed.ref
    assert len(calls) == 1


def test_bad_inputs_to_signing() -> None:
    with pytest.raises(CallbackError, match="https"):
        signed_callback_url("http://example.com/h", KEY)
    with pytest.raises(CallbackError, match="16 bytes"):
        signed_callback_url("https://example.com/h", "short")
    with pytest.raises(CallbackError, match="ref"):
        signed_callback_url("https://example.com/h", KEY, ref="has space")
    with pytest.raises(CallbackError, match="2048"):
        signed_callback_url("https://example.com/" + "a" * 2000, KEY)


def test_parse_callback_body() -> None:
    body = {
        "id": "task-unified-1756817821-4x3rx6ny",
        "status": "completed",
        "progress": 100,
        "results": ["https://media.example/1.png"],
        "surprise": True,
    }
    for form in (body, json.dumps(body), json.dumps(body).encode()):
        task = parse_callback_body(form)
        assert isinstance(task, Task)
        assert task.id == body["id"]
        assert task.is_completed
        assert task.results == ("https://media.example/1.png",)
        assert task.raw["surprise"] is True


def test_parse_failed_callback_body() -> None:
    task = parse_callback_body(
        b'{"id": "task-unified-1-x", "status": "failed",'
        b' "error": {"code": "content_policy_violation", "message": "blocked"}}'
    )
    assert task.status == "failed"
    assert task.error is not None and task.error.code == "content_policy_violation"


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"{not json", "line 1 column 2"),
        (b"[1, 2]", "object"),
        (b'{"status": "completed"}', "task id"),
        (b"", "not JSON"),
    ],
)
def test_bad_callback_bodies(body: bytes, match: str) -> None:
    with pytest.raises(CallbackError, match=match):
        parse_callback_body(body)


def test_callbacks_and_parsing_a_body_do_not_import_httpx() -> None:
    code = (
        "import sys, mjprompt.callbacks, mjprompt.client as c;"
        'c.parse_callback_body(b\'{"id": "task-unified-1-x"}\');'
        "sys.exit(1 if 'httpx' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
