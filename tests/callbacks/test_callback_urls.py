"""Table of callback URLs, good and bad (PRODUCT.md §6)."""

from __future__ import annotations

import pytest

from mjprompt.callbacks import callback_url_problem

GOOD = [
    "https://example.com/hook",
    "https://example.com",
    "https://example.com/",
    "HTTPS://Example.COM/hook",
    "https://api.example.co.uk/webhooks/image-task-completed",
    "https://example.com:8443/hook?x=1&y=2",
    "https://example.com/hook?token=abc%20def",
    "https://my-host.example.org/a/b/c",
    "https://xn--bcher-kva.example/hook",
    "https://8.8.8.8/hook",
    "https://1.1.1.1:443/",
    "https://[2001:4860:4860::8888]/hook",
    "https://[2606:4700:4700::1111]:8443/hook",
    "https://localhost.example.com/hook",  # a real subdomain, not localhost
    "https://example.com/" + "a" * (2048 - len("https://example.com/")),
    "https://sub_domain.example.com/hook",
    "https://example.com/path@with-at",  # '@' in the path is not userinfo
]

BAD = [
    ("http://example.com/hook", "https"),
    ("ftp://example.com/hook", "https"),
    ("example.com/hook", "absolute"),
    ("", "empty"),
    ("https:/example.com", "https://host"),
    ("https://", "no host"),
    ("https://example.com/" + "a" * 2048, "2048"),
    ("https://localhost/hook", "local"),
    ("https://LOCALHOST/hook", "local"),
    ("https://localhost./hook", "dot"),
    ("https://foo.localhost/hook", "local"),
    ("https://printer.local/hook", "local"),
    ("https://intranet/hook", "no dot"),
    ("https://example.com./hook", "dot"),
    ("https://127.0.0.1/hook", "loopback"),
    ("https://127.1/hook", "loopback"),
    ("https://2130706433/hook", "loopback"),
    ("https://0177.0.0.1/hook", "loopback"),
    ("https://0x7f.1/hook", "loopback"),
    ("https://0x7f000001/hook", "loopback"),
    ("https://0/hook", "unspecified"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://10.0.0.1/hook", "private"),
    ("https://172.16.5.4/hook", "private"),
    ("https://172.31.255.255/hook", "private"),
    ("https://192.168.1.10/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://100.64.0.1/hook", "shared"),
    ("https://224.0.0.1/hook", "multicast"),
    ("https://240.0.0.1/hook", "reserved"),
    ("https://255.255.255.255/hook", "255.255.255.255"),
    ("https://[::1]/hook", "loopback"),
    ("https://[::]/hook", "unspecified"),
    ("https://[0:0:0:0:0:0:0:1]/hook", "loopback"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://[fe80::1%25eth0]/hook", "zone"),
    ("https://[fc00::1]/hook", "private"),
    ("https://[fd12:3456::1]/hook", "private"),
    ("https://[ff02::1]/hook", "multicast"),
    ("https://[::ffff:127.0.0.1]/hook", "loopback"),
    ("https://[::ffff:7f00:1]/hook", "loopback"),
    ("https://[::ffff:10.1.2.3]/hook", "private"),
    ("https://[64:ff9b::a00:1]/hook", "private"),
    ("https://[2002:c0a8:0101::1]/hook", "private"),  # 6to4 around 192.168.1.1
    ("https://[::ffff:8.8.8.8]/hook", "write 8.8.8.8"),  # public, but wrapped
    ("https://[::1/hook", "unterminated"),
    ("https://[not-an-ip]/hook", "invalid IPv6"),
    ("https://good.com@127.0.0.1/", "user info"),
    ("https://user:pass@example.com/", "user info"),
    ("https://good.com\\@127.0.0.1/", "backslash"),
    ("https://example.com/ho ok", "whitespace"),
    ("https://example.com/\nhook", "control"),
    ("https://example.com/hook#frag", "fragment"),
    ("https://example.com:0/hook", "port"),
    ("https://example.com:99999/hook", "port"),
    ("https://example.com:/hook", "port"),
    ("https://example.com:abc/hook", "port"),
    ("https://134744072/hook", "unusual spelling"),  # public, but spelled as one number
    ("https://010.8.8.8/hook", "unusual spelling"),  # octal or decimal? parsers disagree
    ("https://1.2.3.256/hook", "not a valid IPv4"),
    ("https://example.123/hook", "not a valid IPv4"),
    ("https://１２７．０．０．１/hook", "ASCII"),
    ("https://%31%32%37.0.0.1/hook", "invalid character"),
    ("https://-bad-.example.com/", "invalid label"),
    ("https://exa mple.com/", "whitespace"),
]


@pytest.mark.parametrize("url", GOOD)
def test_good_callback_urls(url: str) -> None:
    assert callback_url_problem(url) is None


@pytest.mark.parametrize(("url", "reason"), BAD)
def test_bad_callback_urls(url: str, reason: str) -> None:
    problem = callback_url_problem(url)
    assert problem is not None, url
    assert reason.lower() in problem.lower(), problem
    assert "\n" not in problem


def test_table_is_large_enough() -> None:
    assert len(GOOD) + len(BAD) >= 40


def test_non_string_is_a_problem_not_a_crash() -> None:
    assert "string" in (callback_url_problem(123) or "")  # type: ignore[arg-type]


def test_length_limit_is_exactly_2048() -> None:
    base = "https://example.com/"
    assert callback_url_problem(base + "a" * (2048 - len(base))) is None
    assert callback_url_problem(base + "a" * (2049 - len(base))) is not None
