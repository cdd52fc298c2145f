"""The client against a hostile gateway (``hostile_gateway.py``, on 127.0.0.1): every
read is bounded in bytes and in time, result links are untrusted input, and no answer
turns into a traceback or a second paid task (issue 12 items 3, 4, 8, 9; issue 13 item 4).

Each test here failed on the code before its fix: bodies were read whole (a gzip bomb
was inflated in memory), timeouts were gaps between bytes, redirects were followed to
any host, every result link was fetched, a ``Content-Type`` named a file ``.png``, and
deep JSON raised ``RecursionError``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import mjprompt_tests_hostile_gateway as hg  # loaded by conftest.py
import pytest

from mjprompt.client import (
    AsyncClient,
    AuthenticationError,
    Client,
    DownloadError,
    MalformedResponseError,
    Polling,
    ResponseLostError,
    ResponseTooLargeError,
    Retrying,
    Task,
    TransportError,
)

KEY = "sk-hostile-0123456789abcdef"


def client(gateway: Any, **options: Any) -> Client:
    settings: dict[str, Any] = {
        "base_url": gateway.url,
        "timeout": 3.0,
        "retrying": Retrying(attempts=2, base=0.01, cap=0.01),
        "polling": Polling(minimum=0.05, maximum=0.1, floor=0.05, first_default=0.05),
    }
    settings.update(options)
    return Client(KEY, **settings)


def a_task(gateway: Any) -> Task:
    task, _ = gateway.create(None)
    return Task.from_json(task)


# ------------------------------------------------------------ bounded bodies (item 3)


@pytest.mark.parametrize(
    "fault",
    [
        hg.Huge(300 * 1024 * 1024),  # announced by Content-Length
        hg.Huge(300 * 1024 * 1024, chunked=True),
        hg.Huge(None),  # endless chunked body
        hg.Huge(300 * 1024 * 1024, gzip=True),  # a gzip bomb: ~300 KB on the wire
    ],
    ids=["content-length", "chunked", "endless", "gzip-bomb"],
)
def test_a_huge_answer_to_a_query_is_refused_within_the_limit(gateway: Any, fault: Any) -> None:
    task = a_task(gateway)
    gateway.script("GET", fault, fault)
    with client(gateway) as c, pytest.raises(ResponseTooLargeError, match="more than 1048576"):
        c.get(task.id)


def test_a_huge_answer_to_the_post_says_the_task_may_exist(gateway: Any) -> None:
    gateway.script("POST", hg.Huge(None))
    with client(gateway) as c, pytest.raises(ResponseTooLargeError) as info:
        c.submit("a red apple")
    assert "may have been created" in str(info.value)
    assert len(gateway.posts) == 1  # never resent


def test_the_limit_is_configurable(gateway: Any) -> None:
    task = a_task(gateway)
    with client(gateway, max_response_bytes=100) as c, pytest.raises(ResponseTooLargeError):
        c.get(task.id)  # a task object is a few hundred bytes


def test_async_client_bounds_bodies_too(gateway: Any) -> None:
    task = a_task(gateway)
    gateway.script("GET", hg.Huge(None, gzip=True), hg.Huge(None, gzip=True))

    async def go() -> None:
        async with AsyncClient(
            KEY, base_url=gateway.url, timeout=3.0, retrying=Retrying(attempts=1)
        ) as c:
            await c.get(task.id)

    with pytest.raises(ResponseTooLargeError):
        asyncio.run(go())


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip-bomb"])
def test_peak_memory_on_a_300_mb_answer_stays_under_100_mb(
    gateway: Any, cli: Any, gzip: bool
) -> None:
    task = a_task(gateway)
    gateway.script("GET", *[hg.Huge(300 * 1024 * 1024, gzip=gzip, chunked=True)] * 4)
    env = {
        **__import__("os").environ,
        "EVOLINK_API_KEY": KEY,
        "EVOLINK_BASE_URL": gateway.url,
    }
    run = cli("status", task.id, "--retries", "0", env=env, timeout=60)
    assert run.returncode == 1
    assert "more than 1048576 bytes" in run.stderr
    assert run.peak_rss_mb < 100, run.peak_rss_mb


def test_a_huge_download_error_body_is_not_read_whole(gateway: Any, tmp_path: Path) -> None:
    gateway.script("FILE", hg.Huge(None, status=500), hg.Huge(None, status=500))
    with client(gateway) as c, pytest.raises(DownloadError, match="HTTP 500"):
        c.download(c.wait(a_task(gateway)), tmp_path)


# ------------------------------------------------------------ deadlines (item 4)


def test_a_drip_fed_answer_cannot_hold_the_client_past_its_deadline(gateway: Any) -> None:
    task = a_task(gateway)
    gateway.script("GET", hg.Drip(0.5), hg.Drip(0.5))
    start = time.monotonic()
    with (
        client(gateway, timeout=1.5, retrying=Retrying(attempts=1)) as c,
        pytest.raises(ResponseLostError, match="in time"),
    ):
        c.get(task.id)
    assert time.monotonic() - start < 1.5 + 1.0


def test_async_drip_fed_answer_is_bounded(gateway: Any) -> None:
    task = a_task(gateway)
    gateway.script("GET", hg.Drip(0.5))

    async def go() -> None:
        async with AsyncClient(
            KEY, base_url=gateway.url, timeout=1.5, retrying=Retrying(attempts=1)
        ) as c:
            await c.get(task.id)

    start = time.monotonic()
    with pytest.raises(TransportError):
        asyncio.run(go())
    assert time.monotonic() - start < 1.5 + 1.0


def test_wait_timeout_bounds_a_drip_fed_query(gateway: Any) -> None:
    # The request timeout is long; the wait's own deadline (1.5 s) is what must hold.
    from mjprompt.client import WaitTimeoutError

    task = a_task(gateway)
    gateway.script("GET", *[hg.Drip(0.5)] * 5)
    start = time.monotonic()
    with client(gateway, timeout=60.0) as c, pytest.raises(WaitTimeoutError):
        c.wait(task.id, timeout=1.5)
    assert time.monotonic() - start < 1.5 + 1.0


def test_a_drip_fed_download_is_bounded(gateway: Any, tmp_path: Path) -> None:
    gateway.script("FILE", *[hg.Drip(0.5)] * 3)
    with client(gateway, download_timeout=1.5) as c:
        done = c.wait(a_task(gateway))
        start = time.monotonic()
        with pytest.raises(DownloadError):
            c.download(done, tmp_path)
    assert time.monotonic() - start < 1.5 + 1.0
    assert not list(tmp_path.glob("*.png"))


# ------------------------------------------------------------ result links (item 8)


def test_more_results_than_documented_is_a_protocol_error(gateway: Any, tmp_path: Path) -> None:
    gateway.results = 5
    with client(gateway) as c:
        done = c.wait(a_task(gateway))
        with pytest.raises(MalformedResponseError, match="at most 4"):
            c.download(done, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example.com/a.png",  # plain http to a host that is not the base
        "https://127.0.0.1:1/a.png",  # loopback on another port
        "https://10.0.0.7/a.png",
        "https://[::ffff:169.254.169.254]/latest/meta-data",
        "https://169.254.169.254/latest/meta-data",
        "https://metadata.internal/a.png",
        "https://user:pw@cdn.example.com/a.png",
        "file:///etc/passwd",
    ],
)
def test_result_links_that_point_inward_are_refused(gateway: Any, tmp_path: Path, url: str) -> None:
    task = Task.from_json({"id": "task-unified-1-x", "status": "completed", "results": [url]})
    with client(gateway) as c, pytest.raises(DownloadError, match="refused"):
        c.download(task, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_to_another_host_is_not_followed(gateway: Any, tmp_path: Path) -> None:
    gateway.script("FILE", hg.Redirect("http://169.254.169.254/latest/meta-data"))
    with client(gateway) as c:
        done = c.wait(a_task(gateway))
        with pytest.raises(DownloadError, match="redirected to another host"):
            c.download(done, tmp_path)


def test_a_redirect_on_the_same_host_is_followed(gateway: Any, tmp_path: Path) -> None:
    with client(gateway) as c:
        done = c.wait(a_task(gateway))
        gateway.script("FILE", hg.Redirect(done.results[0] + "?again=1"))
        (path,) = c.download(done, tmp_path)
    assert path.read_bytes() == hg.png_bytes()


def test_an_svg_is_never_saved_as_an_image(gateway: Any, tmp_path: Path) -> None:
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    gateway.image = svg
    with client(gateway) as c:
        done = c.wait(a_task(gateway))
        with pytest.raises(DownloadError, match="PNG, JPEG or WebP"):
            c.download(done, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".png", ".svg")]


# ------------------------------------------------------------ deep JSON (item 9)


def test_deep_json_answer_is_a_typed_error(gateway: Any) -> None:
    task = a_task(gateway)
    gateway.script("GET", hg.Deep(200_000), hg.Deep(200_000))
    with client(gateway) as c, pytest.raises(MalformedResponseError, match="nested too deeply"):
        c.get(task.id)


def test_deep_json_answer_to_the_post(gateway: Any) -> None:
    gateway.script("POST", hg.Deep(200_000))
    with client(gateway) as c, pytest.raises(MalformedResponseError):
        c.submit("a red apple")


def test_huge_number_in_an_answer_is_a_typed_error(gateway: Any) -> None:
    task = a_task(gateway)
    big = hg.Reply(200, b'{"id": "' + task.id.encode() + b'", "progress": ' + b"9" * 5000 + b"}")
    gateway.script("GET", big, big)
    with client(gateway) as c, pytest.raises(MalformedResponseError):
        c.get(task.id)


# ------------------------------------------------------- key over plain http (item 5)


@pytest.mark.parametrize(
    "base",
    [
        "http://127.evil.example",  # a name, not the loopback address (was accepted)
        "http://127.0.0.1.nip.io",
        "http://0x7f.1",
        "http://2130706433",
        "http://[::ffff:127.0.0.1]",
        "http://10.0.0.1",
        "http://localhost.evil.example",
    ],
)
def test_plain_http_is_for_loopback_literals_only(base: str) -> None:
    from mjprompt.client import ConfigurationError

    with pytest.raises(ConfigurationError, match="plain http"):
        Client(KEY, base_url=base)


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:9", "http://localhost:1"]
)
def test_plain_http_loopback_is_accepted(base: str) -> None:
    with Client(KEY, base_url=base) as c:
        assert c.base_url == base


def test_a_loopback_base_never_goes_through_a_proxy(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with hg.Gateway() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        task = a_task(gateway)
        with client(gateway) as c:
            assert c.get(task.id).id == task.id
        assert proxy.seen_headers == []  # the key never reached the proxy
    assert gateway.seen_headers[-1]["Authorization"] == "Bearer " + KEY


# ------------------------------------------------------------- key scrubbing (item 12)


def _escaped(key: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if i % 2 == 0 else c for i, c in enumerate(key))


def _percent(key: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in key)


@pytest.mark.parametrize("spelling", ["json", "percent", "mixed"])
def test_echoed_key_is_scrubbed_in_every_spelling(gateway: Any, spelling: str) -> None:
    echo = {
        "json": _escaped(KEY),
        "percent": _percent(KEY),
        "mixed": KEY[:3] + _percent(KEY[3:8]) + _escaped(KEY[8:]),
    }[spelling]
    body = ('{"error": {"code": "unauthorized", "message": "bad key ' + echo + '"}}').encode()
    gateway.script("POST", hg.Reply(401, body, (("X-Echo", _percent(KEY)),)))
    with client(gateway) as c, pytest.raises(AuthenticationError) as info:
        c.submit("a red apple")
    text = str(info.value) + repr(info.value.__dict__)
    assert KEY not in text and KEY[3:] not in text
    assert echo not in text
    assert "***" in text


def test_download_error_bodies_are_scrubbed(gateway: Any, tmp_path: Path) -> None:
    body = ('{"error": {"code": "x", "message": "you sent ' + _escaped(KEY) + '"}}').encode()
    gateway.script("FILE", hg.Reply(500, body), hg.Reply(500, body))
    with client(gateway) as c:
        done = c.wait(a_task(gateway))
        with pytest.raises(DownloadError) as info:
            c.download(done, tmp_path)
    assert "***" in str(info.value)
    assert KEY[3:] not in str(info.value) and _escaped(KEY) not in str(info.value)


def test_a_post_not_sent_for_lack_of_time_is_not_called_possibly_created(gateway: Any) -> None:
    # The deadline passed before the POST could start: the request was never sent, so
    # the error must not say the task may exist (a batch journals it `not_taken`).
    from mjprompt.client import ConnectionFailedError

    with client(gateway, timeout=0.0) as c, pytest.raises(ConnectionFailedError) as info:
        c.submit("a red apple")
    assert "may have been created" not in str(info.value)
    assert gateway.posts == []
