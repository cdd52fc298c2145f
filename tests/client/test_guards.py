"""Direct guards for the money/secrets checks named by tools/mutants.toml (M16-M21, M27)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mjprompt import payload
from mjprompt.callbacks import callback_url_problem
from mjprompt.client import _files
from mjprompt.client._core import (
    ConfigurationError,
    Retrying,
    Secret,
    check_idempotency_key,
    is_loopback_host,
    resolve_base_url,
)
from mjprompt.client._files import ImageSaver
from mjprompt.client.errors import DownloadError


@pytest.mark.parametrize("host", ["1270.0.0.1", "127", "0x7f.1", "0177.0.0.1", "127.0.1"])
def test_plain_http_loopback_needs_a_canonical_127_address(host: str) -> None:
    assert not is_loopback_host(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "::1", "localhost"])
def test_plain_http_loopback_accepts_the_real_ones(host: str) -> None:
    assert is_loopback_host(host)


def test_scrub_removes_the_json_escaped_and_percent_encoded_key() -> None:
    key = Secret("sk-abc")
    escaped = "".join(f"\\u{ord(c):04x}" for c in "sk-abc")
    percent = "".join(f"%{ord(c):02X}" for c in "sk-abc")
    assert key.scrub(f"a {escaped} b") == "a *** b"
    assert key.scrub(f"a {percent} b") == "a *** b"
    assert key.scrub_bytes(escaped.encode()) == b"***"


@pytest.mark.parametrize("key", ["a" * 16 + "\n", "a" * 16 + " x", "a" * 97])
def test_idempotency_key_is_anchored_at_the_end(key: str) -> None:
    with pytest.raises(ConfigurationError):
        check_idempotency_key(key)


def test_retry_jitter_both_ends() -> None:
    policy = Retrying(base=1.0, jitter=0.25)
    assert policy.delay(0, None, lambda: 0.0) == pytest.approx(0.75)
    assert policy.delay(0, None, lambda: 1.0) == pytest.approx(1.25)
    assert policy.delay(0, None, lambda: 0.5) == pytest.approx(1.0)


@pytest.mark.parametrize("host", ["printer.lan", "nas.home.arpa", "db.internal"])
def test_local_suffixes_are_refused_as_callbacks(host: str) -> None:
    assert callback_url_problem(f"https://{host}/hook") is not None


@pytest.mark.parametrize(
    "url", ["http://1270.evil.example", "http://127evil.example", "http://127.evil.example"]
)
def test_plain_http_base_url_refused_for_names_that_start_with_127(url: str) -> None:
    with pytest.raises(ConfigurationError):
        resolve_base_url(url)


def test_ipv6_loopback_only_in_its_canonical_spelling() -> None:
    assert not is_loopback_host("0:0:0:0:0:0:0:1")


def test_image_body_cap_is_enforced_at_the_first_byte_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small cap stands in for 64 MiB; one byte over it is refused, nothing is left (M25).
    monkeypatch.setattr(_files, "MAX_IMAGE_BYTES", 10)
    url = "https://cdn.example/x.png"
    with (
        pytest.raises(DownloadError),
        ImageSaver(
            tmp_path, "task-unified-1", 0, url, content_type=None, expected_length=None
        ) as saver,
    ):
        saver.write(b"\x89PNG\r\n\x1a\n" + b"xyz")
    assert list(tmp_path.iterdir()) == []


def test_payload_guards_the_8192_limit_even_if_the_rules_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The linter normally reports an over-long prompt; the payload guard must hold on its
    # own (a rule set without the length rule), so a plan with no diagnostics is forced (M26).
    long_prompt = "a" * (payload.MAX_PROMPT_LENGTH + 1)
    plan = payload._Outgoing(prompt=long_prompt, speed=None, diagnostics=())
    monkeypatch.setattr(payload, "_outgoing", lambda text, speed: plan)
    with pytest.raises(payload.PayloadError, match="8192"):
        payload.build_payload(long_prompt)
