"""The callback URL validator against spellings that point somewhere they should not.

tests/callbacks/test_callback_urls.py holds the first table (good and bad URLs); this one
adds the spellings it does not have, and checks that together they cover every family
the issue names: IPv6 zone ids, IPv4-mapped IPv6, ``0x7f.1``, ``2130706433``, ``[::]``,
trailing dots, userinfo tricks and over-long URLs. Each bad URL is refused with its
reason by every door a URL can come in through: the validator, ``build_payload``, the
clients (before any request), the CLI (exit 2), and the sandbox (400).
"""

from __future__ import annotations

import importlib.util
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

import mjprompt
from mjprompt.callbacks import MAX_CALLBACK_URL_LENGTH, callback_url_problem
from mjprompt.client import Client
from mjprompt.sandbox import Sandbox, SandboxConfig

LONG_HOST = "a" * 63 + "." + ("b" * 63 + ".") * 3 + "com"

# (url, a word the reason must contain)
MORE_BAD: list[tuple[str, str]] = [
    # IPv6 zone ids, in every encoding
    ("https://[fe80::1%eth0]/hook", "zone"),
    ("https://[::1%25lo]/hook", "zone"),
    ("https://[fe80::1%2525eth0]/hook", "zone"),
    # IPv4 inside IPv6
    ("https://[::ffff:127.0.0.1]:443/hook", "loopback"),
    ("https://[0:0:0:0:0:ffff:127.0.0.1]/hook", "loopback"),
    ("https://[::ffff:169.254.169.254]/latest/meta-data", "link-local"),
    ("https://[::ffff:a9fe:a9fe]/latest/meta-data", "link-local"),
    ("https://[::127.0.0.1]/hook", "loopback"),  # the deprecated IPv4-compatible form
    ("https://[::ffff:0:127.0.0.1]/hook", "reserved"),  # IPv4-translated
    ("https://[64:ff9b::7f00:1]/hook", "loopback"),  # NAT64
    ("https://[2001::1]/hook", "reserved"),  # Teredo
    # other IPv6 spellings of nowhere
    ("https://[0::1]/hook", "loopback"),
    ("https://[0000:0000:0000:0000:0000:0000:0000:0001]/hook", "loopback"),
    ("https://[::]:443/hook", "unspecified"),
    ("https://[0:0:0:0:0:0:0:0]/hook", "unspecified"),
    ("https://[100::1]/hook", "reserved"),  # discard-only
    ("https://[2001:db8::1]/hook", "private"),  # documentation
    ("https://[fec0::1]/hook", "site-local"),
    # IPv4 in decimal, octal, hex and short forms (0x7f.1 and 2130706433: first table)
    ("https://0x7F.0x0.0x0.0x1/hook", "loopback"),
    ("https://0177.1/hook", "loopback"),
    ("https://0177.0.0.01/hook", "loopback"),
    ("https://017700000001/hook", "loopback"),
    ("https://127.000.000.001/hook", "loopback"),
    ("https://127.1.1/hook", "loopback"),
    ("https://3232235777/hook", "private"),  # 192.168.1.1
    ("https://0xa9fea9fe/latest/meta-data", "link-local"),
    ("https://0x0/hook", "unspecified"),
    ("https://192.0.2.1/hook", "private"),  # TEST-NET-1
    ("https://198.18.0.1/hook", "private"),  # benchmarking
    ("https://0x100.0.0.1/hook", "not a valid IPv4"),
    ("https://1.2.3/hook", "unusual spelling"),
    # trailing dots and empty labels
    ("https://2130706433./hook", "dot"),
    ("https://127.0.0.1./hook", "dot"),
    ("https://0.0.0.0./hook", "dot"),
    ("https://example.com../hook", "dot"),
    ("https://.example.com/hook", "invalid label"),
    # userinfo and other parser-confusion tricks
    ("https://evil.com@localhost/hook", "user info"),
    ("https://@127.0.0.1/hook", "user info"),
    ("https://user@[::1]/hook", "user info"),
    ("https://good.com:443@127.0.0.1/hook", "user info"),
    ("https://127.0.0.1%2f@good.com/hook", "user info"),
    ("https://127.0.0.1#@good.com/hook", "fragment"),
    ("https://127.0.0.1?@good.com/hook", "loopback"),
    ("https://good.com%40127.0.0.1/hook", "invalid character"),
    ("https://127%2E0%2E0%2E1/hook", "invalid character"),
    ("https://good.com\t@127.0.0.1/hook", "control"),
    ("https:\\\\127.0.0.1/hook", "backslash"),
    ("https:/\\127.0.0.1/hook", "backslash"),
    ("https:127.0.0.1/hook", "https://host"),
    ("https:///127.0.0.1/hook", "no host"),
    ("//127.0.0.1/hook", "absolute"),
    ("https://[::1]:/hook", "port"),
    ("https://[::1]x/hook", "after the IPv6 literal"),
    ("https://example.com:443:443/hook", "invalid character"),
    # look-alikes and local names
    ("https://127\u30020\u30020\u30021/hook", "ASCII"),  # ideographic full stops
    ("https://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/hook", "ASCII"),
    ("https://exa\u00admple.com/hook", "ASCII"),  # a soft hyphen
    ("https://example.com\u200b/hook", "ASCII"),  # a zero-width space
    ("https://LOCALHOST:8443/hook", "local"),
    ("https://localhost.localdomain/hook", "local"),
    ("https://metadata.google.internal/computeMetadata/v1", "local"),
    ("https://router.home.arpa/hook", "local"),
    # over-long
    ("https://example.com/" + "a" * (MAX_CALLBACK_URL_LENGTH - 19), "2048"),
    ("https://example.com/" + "a" * 1_000_000, "2048"),
    ("https://" + LONG_HOST + "/hook", "253"),
    ("https://" + "a." * 130 + "com/hook", "253"),
]

# Each family the issue names, and how to recognise a member of it.
FAMILIES = {
    "IPv6 zone id": lambda u: "%" in u and "[" in u,
    "IPv4-mapped IPv6": lambda u: "[::ffff:" in u.lower(),
    "hex IPv4 (0x7f.1)": lambda u: "//0x" in u.lower(),
    "one-number IPv4 (2130706433)": lambda u: re.search(r"//0?\d{8,}\.?/", u) is not None,
    "[::]": lambda u: "//[::]" in u,
    "trailing dot": lambda u: ".:" in u or "./" in u.split("//", 1)[-1][:260],
    "userinfo": lambda u: "@" in u.split("/")[2] if u.count("/") >= 2 else False,
    "over-long": lambda u: len(u) > MAX_CALLBACK_URL_LENGTH,
}


def _load_first_table() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "callbacks" / "test_callback_urls.py"
    spec = importlib.util.spec_from_file_location("first_callback_table", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIRST = _load_first_table()
ALL_BAD: list[tuple[str, str]] = [*FIRST.BAD, *MORE_BAD]
SAMPLE = [
    "https://[fe80::1%25eth0]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://0x7f.1/hook",
    "https://2130706433/hook",
    "https://[::]/hook",
    "https://127.0.0.1./hook",
    "https://good.com@127.0.0.1/",
    "https://example.com/" + "a" * 2048,
]


def test_the_tables_cover_every_family_with_many_spellings() -> None:
    urls = [u for u, _ in ALL_BAD]
    assert len(set(urls)) == len(urls)  # no spelling twice
    assert len(urls) >= 40 + len(FIRST.BAD)
    for family, member in FAMILIES.items():
        found = [u for u in urls if member(u)]
        assert len(found) >= 2, f"{family}: {found}"


@pytest.mark.parametrize(("url", "reason"), MORE_BAD, ids=lambda v: str(v)[:60])
def test_more_bad_callback_urls(url: str, reason: str) -> None:
    start = time.process_time()
    problem = callback_url_problem(url)
    assert time.process_time() - start < 0.5  # a megabyte URL is refused at once
    assert problem is not None, url
    assert reason.lower() in problem.lower(), problem
    assert "\n" not in problem
    assert len(problem) < 400  # the reason never echoes a megabyte back


@pytest.mark.parametrize("url", [u for u, _ in ALL_BAD], ids=lambda v: str(v)[:60])
def test_every_bad_url_is_refused_by_build_payload(url: str) -> None:
    with pytest.raises(mjprompt.PayloadError) as info:
        mjprompt.build_payload("a cat", callback_url=url)
    assert "callback_url" in str(info.value)


def test_the_client_refuses_before_any_request() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    transport = httpx.MockTransport(handler)
    with Client(
        "sk-test-0123456789", base_url="https://api.example.test", transport=transport
    ) as c:
        for url, _ in ALL_BAD:
            with pytest.raises(mjprompt.PayloadError):
                c.submit("a cat", callback_url=url)
    assert sent == []


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=0.1)) as sb:
        yield sb


def test_the_sandbox_refuses_them_with_a_400(sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {sandbox.api_key}"}
    with httpx.Client(base_url=sandbox.base_url, headers=headers) as http:
        for url, _ in ALL_BAD:
            if len(url) > 100_000:
                continue  # the sandbox caps request bodies at 1 MiB (413, tested there)
            answer = http.post(
                "/v1/images/generations",
                json={"model": "mj-v7", "prompt": "a cat", "callback_url": url},
            )
            assert answer.status_code == 400, url
            # the documented envelope has no `param`; the message names the field
            assert "callback_url" in answer.json()["error"]["message"], url
    assert sandbox.tasks() == []
    assert sandbox.callbacks.snapshot() == []


@pytest.mark.parametrize("url", SAMPLE, ids=lambda v: str(v)[:40])
def test_the_cli_refuses_them_with_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mjprompt.cli import main

    assert main(["payload", "a cat", "--callback-url", url]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("mjprompt: error: --callback-url: ")
    assert len(err) < 400
