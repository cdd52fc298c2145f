"""Lone surrogates and undecodable bytes in prompts (issue 12 item 10): a PayloadError or
a usage error with the position, exit 2, nothing sent — never a UnicodeEncodeError from
deep inside the client, never "All checks passed".

Each test fails on the code before the fix (``build_payload`` accepted the text, the
client raised UnicodeEncodeError while encoding the body, the CLI printed an internal
error, and ``check -p`` passed the prompt).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mjprompt.client import Client
from mjprompt.payload import NOT_TEXT, PayloadError, build_payload

KEY = "sk-not-text-0123456789abcdef"
BAD = "a cat \udcff on a mat"  # what Python makes of b"a cat \xff on a mat" in argv


@pytest.mark.parametrize("text", [BAD, "\ud800 alone", "tail \udfff"])
def test_build_payload_refuses_lone_surrogates(text: str) -> None:
    with pytest.raises(PayloadError) as info:
        build_payload(text)
    (diag,) = info.value.diagnostics
    assert diag.code == NOT_TEXT
    assert text[diag.span.start] == next(c for c in text if 0xD800 <= ord(c) <= 0xDFFF)
    assert "lone surrogate" in str(info.value)


def test_client_submit_refuses_before_any_request() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(500))
    with Client(KEY, base_url="https://api.example.test", transport=transport) as client:
        with pytest.raises(PayloadError, match="1:7"):
            client.submit(BAD)
        with pytest.raises(PayloadError, match="not valid text"):
            client.submit_payload({"model": "mj-v7", "prompt": BAD})
    assert seen == []


def test_cli_submit_argument_with_a_byte_that_is_not_utf8(cli: Any, env_without_api: Any) -> None:
    env = {**env_without_api, "EVOLINK_API_KEY": KEY, "EVOLINK_BASE_URL": "http://127.0.0.1:9"}
    for command in ("submit", "generate", "payload"):
        args = [command, BAD] if command != "generate" else [command, BAD, "--out", "/tmp/x"]
        run = cli(*args, env=env)
        assert run.returncode == 2, (command, run.stderr)
        assert "<prompt>:1:7: the prompt contains U+DCFF" in run.stderr
        assert "byte 0xff" in run.stderr


def test_cli_generate_file_with_a_json_surrogate_escape(
    cli: Any, env_without_api: Any, tmp_path: Path
) -> None:
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(json.dumps("fine prompt") + "\n" + '"bad \\ud800 prompt"\n', "utf-8")
    env = {**env_without_api, "EVOLINK_API_KEY": KEY, "EVOLINK_BASE_URL": "http://127.0.0.1:9"}
    run = cli("generate", "--file", str(prompts), "--out", str(tmp_path / "o"), env=env)
    assert run.returncode == 2
    assert f"{prompts}:2:" in run.stderr and "U+D800" in run.stderr
    assert "nothing was submitted" in run.stderr


def test_check_p_reports_it(cli: Any) -> None:
    run = cli("check", "-p", BAD)
    assert run.returncode == 2
    assert "1:7: error: the prompt contains U+DCFF" in run.stderr
    assert "All checks passed" not in run.output
