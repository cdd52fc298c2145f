"""The SSRF verdicts come from mjprompt's own pinned table of special-purpose ranges,
never from ``ipaddress``'s ``is_private``/``is_global``/``is_reserved`` (whose tables
changed between Python 3.10 and 3.13, so the same URL was refused on one and accepted
on another). Issue 12 item 7.

This module needs only the standard library and mjprompt, so ``.ci/run`` can run it
(with the URL tables) on the oldest and newest Python it finds. On the code before the
fix, ``192.0.0.9``, ``3fff::1``, ``5f00::1``, ``64:ff9b::808:808`` and others were
accepted on Python 3.11.
"""

from __future__ import annotations

import inspect
import re

import pytest

import mjprompt.callbacks as callbacks
from mjprompt.callbacks import callback_url_problem

# (address as written in a URL host, a word the refusal must contain) — None: accepted.
TABLE: list[tuple[str, str | None]] = [
    # IPv4 special-purpose registry
    ("0.1.2.3", "unspecified"),
    ("10.255.0.1", "private"),
    ("100.64.0.1", "shared"),
    ("100.127.255.254", "shared"),
    ("127.8.9.10", "loopback"),
    ("169.254.169.254", "link-local"),
    ("172.20.0.1", "private"),
    ("192.0.0.1", "reserved"),  # IETF protocol assignments: the whole /24
    ("192.0.0.8", "reserved"),
    ("192.0.0.9", "reserved"),  # PCP anycast: accepted before (version-dependent)
    ("192.0.0.10", "reserved"),
    ("192.0.0.170", "reserved"),  # NAT64 discovery
    ("192.0.0.255", "reserved"),
    ("192.0.2.200", "private"),
    ("192.88.99.1", "reserved"),
    ("192.168.100.1", "private"),
    ("198.18.0.1", "private"),
    ("198.19.255.255", "private"),
    ("198.51.100.7", "private"),
    ("203.0.113.9", "private"),
    ("224.0.0.251", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    # public IPv4 next to special ranges
    ("8.8.8.8", None),
    ("1.1.1.1", None),
    ("100.63.255.255", None),
    ("100.128.0.1", None),
    ("172.32.0.1", None),
    ("192.0.1.1", None),
    ("192.0.3.1", None),
    ("192.31.196.1", None),  # AS112: globally reachable per IANA
    ("198.20.0.1", None),
    ("223.255.255.254", None),
    # IPv6 special-purpose registry
    ("[::]", "unspecified"),
    ("[::1]", "loopback"),
    ("[fe80::abcd]", "link-local"),
    ("[febf::1]", "link-local"),
    ("[fec0::1]", "site-local"),
    ("[fc00::1]", "private"),
    ("[fdff::1]", "private"),
    ("[ff0e::1]", "multicast"),
    ("[2001:db8:1::1]", "private"),
    ("[3fff::1]", "private"),  # documentation (RFC 9637): new in Python 3.13's tables
    ("[3fff:fff:ffff::1]", "private"),
    ("[5f00::1]", "reserved"),  # SRv6 SIDs
    ("[100::1]", "reserved"),
    ("[100:0:0:1::1]", "reserved"),  # dummy prefix
    ("[2001:2::1]", "reserved"),  # benchmarking, inside 2001::/23
    ("[2001:10::1]", "reserved"),  # ORCHID
    ("[2001:20::1]", "reserved"),  # ORCHIDv2
    ("[4000::1]", "reserved"),  # outside 2000::/3
    ("[::2]", "embedded"),  # IPv4-compatible 0.0.0.2
    # IPv4 wrapped in IPv6: the embedded address is judged; a public one must be
    # written as itself
    ("[::ffff:10.0.0.1]", "private"),
    ("[::ffff:192.0.0.9]", "reserved"),
    ("[::ffff:8.8.8.8]", "write 8.8.8.8"),
    ("[::8.8.8.8]", "write 8.8.8.8"),  # IPv4-compatible
    ("[64:ff9b::7f00:1]", "loopback"),
    ("[64:ff9b::808:808]", "write 8.8.8.8"),  # NAT64 of a public address
    ("[64:ff9b:1::a00:1]", "private"),  # local-use NAT64
    ("[2002:a00:1::1]", "private"),  # 6to4 of 10.0.0.1
    ("[2002:808:808::1]", "write 8.8.8.8"),  # 6to4 of a public address
    ("[2001:0:4136:e378:8000:63bf:3f57:fdf2]", "private"),  # Teredo, client 192.168.2.13
    # public IPv6
    ("[2606:4700:4700::1111]", None),
    ("[2a00:1450:4001:80b::200e]", None),
    ("[2620:4f:8000::1]", None),  # AS112 direct delegation: globally reachable
]


@pytest.mark.parametrize(("host", "word"), TABLE)
def test_pinned_verdicts(host: str, word: str | None) -> None:
    problem = callback_url_problem(f"https://{host}/hook")
    if word is None:
        assert problem is None
    else:
        assert problem is not None and word in problem, problem


def test_the_verdicts_do_not_use_ipaddress_classification() -> None:
    source = inspect.getsource(callbacks)
    code = "\n".join(line.split("#")[0] for line in source.splitlines())
    used = re.findall(
        r"\.is_(private|global|reserved|link_local|loopback|multicast|"
        r"unspecified|site_local)\b|\.(ipv4_mapped|sixtofour|teredo)\b",
        code,
    )
    assert used == []
