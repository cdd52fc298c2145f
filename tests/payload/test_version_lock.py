"""One definition of "V7" (issue 18): build_payload, the linter and the sandbox agree.

The endpoint locks the model to V7 (``mjprompt.evolink.LOCKED_VERSION_TEXTS``): a `--v`
that names the lock is redundant and stripped, a spelling the grammar does not read as
a flag is plain text, and any other version is refused. Before, ``build_payload("a cat
--v 7.0")`` sent `--v 7.0` while the linter said the API removes it and the sandbox
stripped it. Each spelling below goes through all three; the sandbox runs in-process
(strict behaviour, which mirrors the library) on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mjprompt import evolink
from mjprompt.diagnostics import Severity
from mjprompt.lint import lint
from mjprompt.parsing import parse_lenient
from mjprompt.payload import PayloadError, build_payload, strip_api_flags
from mjprompt.rules import models
from mjprompt.sandbox import Sandbox, SandboxConfig

STRIPPED, TEXT, REFUSED = "stripped", "text", "refused"

CASES = [
    ("a cat --v 7", STRIPPED),
    ("a cat --v 7.0", STRIPPED),  # the regression: it used to be sent
    ("a cat --version 7", STRIPPED),
    ("a cat --version 7.0", STRIPPED),
    ("a cat --V 7", STRIPPED),  # upper case: MJ106 warns, the flag is still the lock
    ("a cat --VERSION 7.0", STRIPPED),
    ("a cat —v 7", STRIPPED),  # an em dash is a marker (MJ103, info)
    ("a cat —version 7.0", STRIPPED),
    ("a cat --v 7.0 --fast", STRIPPED),  # with a speed flag, both go
    ("a cat — v 7", TEXT),  # a dash and a space: words, not a flag
    ("a cat --v 7.", REFUSED),  # the lock with a stray full stop (MJ108)
    ("a cat --v 6.1", REFUSED),  # another model (MJ402)
    ("a cat --v 7.1", REFUSED),
    ("a cat –v 7", REFUSED),  # an en dash is not a marker (MJ101)
]


@pytest.fixture(scope="module")
def strict_sandbox() -> Iterator[httpx.Client]:
    sb = Sandbox(SandboxConfig(behaviour="strict", task_duration=0.1)).start()
    headers = {"Authorization": f"Bearer {sb.api_key}"}
    try:
        with httpx.Client(
            base_url=sb.base_url, headers=headers, trust_env=False, timeout=5.0
        ) as client:
            yield client
    finally:
        sb.stop()


def test_one_definition() -> None:
    assert models.V7_TEXTS is evolink.LOCKED_VERSION_TEXTS
    assert [v for v in ("7", "7.0", "7.1", "6", "07") if evolink.is_locked_version(v)] == [
        "7",
        "7.0",
    ]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_linter_payload_and_sandbox_agree(
    strict_sandbox: httpx.Client, text: str, kind: str
) -> None:
    found = lint(text, profile="evolink")
    errors = [d.code for d in found if d.severity is Severity.ERROR]
    says_removed = any(d.code == "MJ401" for d in found)  # "the API ... removes `--v`"
    shared = strip_api_flags(parse_lenient(text)).text
    answer = strict_sandbox.post(evolink.GENERATIONS_PATH, json={"model": "mj-v7", "prompt": text})

    if kind == REFUSED:
        assert errors, text
        with pytest.raises(PayloadError):
            build_payload(text)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "invalid_request"
        return

    assert errors == [], (text, found)
    body = build_payload(text)
    assert answer.status_code == 200, answer.text
    resent = strict_sandbox.post(evolink.GENERATIONS_PATH, json=body)
    assert resent.status_code == 200, resent.text
    if kind == STRIPPED:
        assert says_removed, text
        assert body["prompt"] == shared == "a cat"
    else:
        assert not says_removed, text
        assert body["prompt"] == shared == text


def test_the_regression_itself() -> None:
    assert build_payload("a cat --v 7.0") == {"model": "mj-v7", "prompt": "a cat"}
