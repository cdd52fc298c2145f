"""Callback URLs: validation, per-task secrets, and parsing the body the API posts.

The evolink API posts the task object to ``callback_url`` when a task ends. It only
accepts ``https`` URLs of at most 2048 characters that do not point at a private
address (evolink-api.md §5), and the callbacks are **unsigned**. So:

- :func:`callback_url_problem` checks a URL before it is sent (the library refuses a
  URL the API would refuse, and a few that parsers disagree about);
- :func:`signed_callback_url` / :func:`verify_callback_url` put a per-task secret in
  the URL and check it in constant time, so a receiver can drop forged posts;
- ``mjprompt.client.parse_callback_body`` turns the body the API posts into a task
  (it lives with the task model: this module is below the client and imports nothing
  of it).

This module never imports httpx.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from urllib.parse import parse_qsl, urlencode

import attrs

from . import evolink

__all__ = [
    "MAX_CALLBACK_BODY_LENGTH",
    "MAX_CALLBACK_URL_LENGTH",
    "CallbackError",
    "SignedCallback",
    "callback_url_problem",
    "host_problem",
    "signed_callback_url",
    "verify_callback_url",
]

MAX_CALLBACK_URL_LENGTH = evolink.MAX_CALLBACK_URL_LENGTH
# A task object is a few KiB; the client reads API answers up to 1 MiB, and so does this.
MAX_CALLBACK_BODY_LENGTH = 1024 * 1024

# Names that never leave the machine or the local network. Hosts are never resolved
# (that would make validation depend on the network); see docs/callbacks.md.
_LOCAL_SUFFIXES = ("localhost", "local", "internal", "localdomain", "home.arpa", "lan")

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?\Z")
_HEX = re.compile(r"0[xX][0-9a-fA-F]*\Z")
_DEC = re.compile(r"[0-9]+\Z")

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The special-purpose address table, pinned here rather than taken from `ipaddress`'s
# is_private/is_global/is_reserved, whose tables changed between Python 3.10 and 3.13
# (so a verdict depended on the patch version). Sources: the IANA IPv4 and IPv6
# Special-Purpose Address Registries (2025), plus multicast, site-local and the rule
# that only 2000::/3 is global unicast. Ranges the registries mark globally reachable
# (the AS112 and AMT anycast /24s, PCP/TURN anycast) are not listed: they are public.
# The first label matching wins; the first four labels are "specific" (they say more
# than an address embedded in the IPv6 form).
_SPECIFIC = ("unspecified", "loopback", "link-local", "multicast")
_V4_TABLE: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),  # "this network" (RFC 791)
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("224.0.0.0/4", "multicast"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "private (documentation, TEST-NET-1)"),
        ("198.51.100.0/24", "private (documentation, TEST-NET-2)"),
        ("203.0.113.0/24", "private (documentation, TEST-NET-3)"),
        ("198.18.0.0/15", "private (benchmarking)"),
        ("192.88.99.0/24", "reserved (deprecated 6to4 relay anycast)"),
        ("255.255.255.255/32", "reserved (limited broadcast)"),
        ("240.0.0.0/4", "reserved"),
    )
)
_V6_TABLE: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fe80::/10", "link-local"),
        ("ff00::/8", "multicast"),
        ("fec0::/10", "site-local"),  # deprecated (RFC 3879), still routed inside sites
        ("fc00::/7", "private (unique local)"),
        ("2001:db8::/32", "private (documentation)"),
        ("3fff::/20", "private (documentation)"),
        ("2001::/23", "reserved (IETF protocol assignments, Teredo)"),
        ("2002::/16", "reserved (6to4)"),
        ("100::/64", "reserved (discard-only)"),
        ("100:0:0:1::/64", "reserved (dummy prefix)"),
        ("5f00::/16", "reserved (SRv6 SIDs)"),
        ("64:ff9b::/96", "reserved (NAT64 translation)"),
        ("64:ff9b:1::/48", "reserved (local NAT64 translation)"),
    )
)
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")


def _label(addr: _IPAddress) -> str | None:
    """The special-purpose label of ``addr`` from the pinned table; None when public."""
    if isinstance(addr, ipaddress.IPv4Address):
        return next((label for net, label in _V4_TABLE if addr in net), None)
    label = next((label for net, label in _V6_TABLE if addr in net), None)
    if label is None and addr not in _GLOBAL_UNICAST:
        label = "reserved (not global unicast)"
    return label


def _embedded(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one wraps (mapped, compatible, NAT64, 6to4, Teredo)."""
    value = int(addr)
    if addr in _MAPPED or addr in _COMPATIBLE or any(addr in net for net in _NAT64):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if addr in _SIXTOFOUR:
        return ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF)
    if addr in _TEREDO:  # the client's address, obfuscated by inverting its bits
        return ipaddress.IPv4Address(~value & 0xFFFFFFFF)
    return None


class CallbackError(ValueError):
    """A callback URL or body that cannot be used; the message says why."""


def _address_problem(addr: _IPAddress) -> str | None:
    """Why ``addr`` is not a public address, or None when it is (pinned table above:
    the same verdict on every Python version)."""
    label = _label(addr)
    own = f"{addr} is a {label} address" if label is not None else None
    if label in _SPECIFIC:
        return own  # a specific class (loopback, …) says more than the embedded address
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = _embedded(addr)
        if embedded is not None:
            inner = _address_problem(embedded)
            if inner is not None:
                return f"{inner} (embedded in {addr})"
            return f"{addr} wraps the IPv4 address {embedded}; write {embedded}"
    return own


def _whatwg_ipv4(host: str) -> int | None:
    """Parse ``host`` the way browsers and most URL libraries do (decimal, octal, hex,
    1-4 parts); None when it is not a valid number."""
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if part == "":
            return None
        if _HEX.match(part):
            numbers.append(int(part[2:] or "0", 16))
        elif _DEC.match(part):
            octal = len(part) > 1 and part[0] == "0"
            if octal and re.search(r"[89]", part):
                return None
            numbers.append(int(part, 8) if octal else int(part))
        else:
            return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return value


def _ends_in_number(host: str) -> bool:
    last = host.split(".")[-1]
    return bool(_DEC.match(last) or _HEX.match(last))


def host_problem(host: str) -> str | None:
    """Why ``host`` (as written in a URL) is not a public host; None when it is.

    Used for callback URLs and for the result links the client downloads."""
    return _host_problem(host)


def _host_problem(host: str) -> str | None:
    if host == "":
        return "the URL has no host"
    if host.startswith("["):
        if not host.endswith("]"):
            return f"unterminated IPv6 literal {host!r}"
        inner = host[1:-1]
        if "%" in inner:
            return f"IPv6 zone ids are local to one machine ({host})"
        try:
            addr6 = ipaddress.IPv6Address(inner)
        except ValueError:
            return f"invalid IPv6 literal {host!r}"
        return _address_problem(addr6)
    if not host.isascii():
        return f"host {host!r} is not ASCII; write it in its xn-- (punycode) form"
    host = host.lower()
    bad = next((c for c in host if not (c.isalnum() or c in ".-_")), None)
    if bad is not None:
        return f"host {host!r} has an invalid character {bad!r}"
    if host.endswith("."):
        return f"host {host!r} ends with a dot"
    if _ends_in_number(host):
        value = _whatwg_ipv4(host)
        if value is None:
            return f"host {host!r} ends in a number but is not a valid IPv4 address"
        addr4 = ipaddress.IPv4Address(value)
        problem = _address_problem(addr4)
        if problem is not None:
            return problem if str(addr4) == host else f"host {host!r} means {problem}"
        if str(addr4) != host:
            # Parsers disagree about these spellings (0177 octal or decimal?): refuse them.
            return f"host {host!r} is an unusual spelling of {addr4}; write {addr4}"
        return None
    for suffix in _LOCAL_SUFFIXES:
        if host == suffix or host.endswith("." + suffix):
            return f"host {host!r} is a local name"
    if "." not in host:
        return f"host {host!r} is not a public domain name (no dot)"
    if len(host) > 253:
        return "host name is longer than 253 characters"
    for label in host.split("."):
        if not _LABEL.match(label):
            return f"host {host!r} has an invalid label {label!r}"
    return None


def callback_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be used as a ``callback_url``; None when it can.

    Rules (PRODUCT.md §6): ``https`` only, at most 2048 characters, no ``localhost``
    and no IP literal that is loopback, private, link-local, reserved, multicast or
    unspecified, in any spelling (IPv6 with or without zone id, IPv4-mapped IPv6,
    decimal / octal / hex / short IPv4 forms). Also refused, because URL parsers
    disagree about them: userinfo (``https://good.com@127.0.0.1/``), backslashes,
    whitespace or control characters, trailing dots, unusual spellings of public
    addresses, a ``#fragment`` (never sent to the server). Host names are not resolved.
    """
    if not isinstance(url, str):
        return f"callback_url must be a string, not {type(url).__name__}"
    if url == "":
        return "callback_url is empty"
    if len(url) > MAX_CALLBACK_URL_LENGTH:
        return f"callback_url is {len(url)} characters long; the API allows at most 2048"
    bad = next((c for c in url if c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        return f"callback_url contains whitespace or a control character ({bad!r})"
    if "\\" in url:
        return "callback_url contains a backslash (URL parsers disagree about it)"
    scheme, sep, rest = url.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return "callback_url must be an absolute https:// URL"
    if scheme.lower() != "https":
        return f"callback_url must use https, not {scheme.lower()}"
    if not rest.startswith("//"):
        return "callback_url must look like https://host/path"
    rest = rest[2:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "#" in tail:
        return "callback_url has a #fragment, which is never sent to the server"
    if "@" in authority:
        return "callback_url must not contain user info (user@host)"
    host, port = authority, ""
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return f"unterminated IPv6 literal in {authority!r}"
        host, after = authority[: close + 1], authority[close + 1 :]
        if after:
            if not after.startswith(":"):
                return f"unexpected text after the IPv6 literal: {after!r}"
            port = after[1:] or "-"
    elif ":" in authority:
        host, _, port = authority.rpartition(":")
        port = port or "-"
    if port and (not _DEC.match(port) or not 0 < int(port) <= 65535):
        return f"invalid port {port if port != '-' else ''!r}"
    return _host_problem(host)


# ---------------------------------------------------------------------------- secrets


@attrs.frozen
class SignedCallback:
    """A callback URL carrying a per-task secret.

    ``ref`` is your own reference for the request (random unless you choose it; store
    it with the job). The URL's ``mjp_sig`` is HMAC-SHA256(key, ref), so a receiver
    holding only ``key`` can check any callback without a lookup table.
    """

    url: str
    ref: str = attrs.field(repr=True)


_REF_PARAM = "mjp_ref"
_SIG_PARAM = "mjp_sig"


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < 16:
        raise CallbackError("the callback signing key must be at least 16 bytes long")
    return raw


def _signature(key: bytes, ref: str) -> str:
    return hmac.new(key, ref.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_callback_url(
    base_url: str, key: str | bytes, *, ref: str | None = None
) -> SignedCallback:
    """Append ``mjp_ref`` and ``mjp_sig`` query parameters to ``base_url``.

    Raises :class:`CallbackError` when ``base_url`` is not an acceptable callback URL,
    when the key is shorter than 16 bytes, or when ``ref`` has unusual characters.
    """
    if ref is None:
        ref = secrets.token_urlsafe(16)
    if not re.fullmatch(r"[A-Za-z0-9._~-]{1,128}", ref):
        raise CallbackError("ref must be 1-128 characters from A-Z a-z 0-9 . _ ~ -")
    problem = callback_url_problem(base_url)
    if problem is not None:
        raise CallbackError(problem)
    sig = _signature(_key_bytes(key), ref)
    joiner = "&" if "?" in base_url else "?"
    url = base_url + joiner + urlencode({_REF_PARAM: ref, _SIG_PARAM: sig})
    problem = callback_url_problem(url)
    if problem is not None:
        raise CallbackError(problem)
    return SignedCallback(url=url, ref=ref)


def verify_callback_url(url_or_query: str, key: str | bytes) -> str | None:
    """The ``ref`` of a callback whose signature is right, else None.

    Accepts the full URL the request arrived on, its path with query, or the bare
    query string. The signature is compared with :func:`hmac.compare_digest`.
    """
    query = url_or_query.split("#", 1)[0]
    if "?" in query:
        query = query.split("?", 1)[1]
    elif "=" not in query:
        return None
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    refs, sigs = params.get(_REF_PARAM, []), params.get(_SIG_PARAM, [])
    if len(refs) != 1 or len(sigs) != 1:
        return None
    expected = _signature(_key_bytes(key), refs[0])
    if not hmac.compare_digest(expected.encode("ascii"), sigs[0].encode("utf-8", "replace")):
        return None
    return refs[0]
