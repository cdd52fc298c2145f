"""The client core pinned where mutants of the client sample (seed 21, 2026-12-05)
passed every other test (issue 21, docs/testing.md). Each test names the mutants it
stands against; the fixtures (fake API, fake time, sync and async drivers) are
tests/client/conftest.py's."""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from mjprompt.client import ConfigurationError, DownloadError, _core
from mjprompt.client import journal as journal_module
from mjprompt.client.errors import MalformedResponseError, ResponseTooLargeError, TaskError
from mjprompt.client.journal import Journal, JournalError
from mjprompt.client.task import Task, TaskErrorInfo

API = "https://api.example.test"  # the fake API of conftest.py
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _done(kit: Any, url: str) -> Task:
    return Task.from_json(kit.task_json("completed", 100, results=[url]))


# --- waits and downloads --------------------------------------------------------------


def test_a_poll_ends_by_the_wait_s_deadline_not_the_client_s_timeout(
    make_driver: Any, api: Any, kit: Any
) -> None:
    # AsyncClient._api 9: the query's `deadline` dropped, so a poll could hang for the
    # client's whole timeout (30 s here) after the wait's own (2 s) has passed.
    seen: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        return kit.ok(kit.task_json("completed", 100))

    driver = make_driver(timeout=30.0)
    api.on("GET", f"/v1/tasks/{kit.TASK_ID}", answer)
    driver("wait", kit.TASK_ID, timeout=2.0)
    assert seen and all(0 < t <= 2.0 for t in seen), seen


def test_a_download_retry_is_logged_as_a_get(
    driver: Any, api: Any, kit: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # AsyncClient._download_one 12: the retry policy of a download is a GET's.
    api.on(
        "GET", "/r/0", httpx.RemoteProtocolError("peer closed"), httpx.Response(200, content=PNG)
    )
    with caplog.at_level(logging.INFO, logger="mjprompt"):
        (path,) = driver("download", _done(kit, "https://cdn.example/r/0"), tmp_path)
    assert path.read_bytes() == PNG
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 1 and retries[0].startswith("retrying GET in "), retries


def _hops(n: int) -> list[httpx.Response]:
    return [httpx.Response(302, headers={"location": f"/r/{i + 1}"}) for i in range(n)]


@pytest.mark.parametrize("hops", [1, _core.MAX_REDIRECTS])
def test_up_to_max_redirects_are_followed(
    driver: Any, api: Any, kit: Any, tmp_path: Path, hops: int
) -> None:
    # AsyncClient._fetch 5: `range(MAX_REDIRECTS + 1)` to `- 1` follows 3 hops at most.
    for i, response in enumerate(_hops(hops)):
        api.on("GET", f"/r/{i}", response)
    api.on("GET", f"/r/{hops}", httpx.Response(200, content=PNG))
    (path,) = driver("download", _done(kit, "https://cdn.example/r/0"), tmp_path)
    assert path.read_bytes() == PNG


def test_one_redirect_more_is_refused(driver: Any, api: Any, kit: Any, tmp_path: Path) -> None:
    hops = _core.MAX_REDIRECTS + 1
    for i, response in enumerate(_hops(hops)):
        api.on("GET", f"/r/{i}", response)
    api.on("GET", f"/r/{hops}", httpx.Response(200, content=PNG))
    with pytest.raises(DownloadError, match=f"more than {_core.MAX_REDIRECTS} redirects"):
        driver("download", _done(kit, "https://cdn.example/r/0"), tmp_path)


def test_the_declared_length_reaches_the_body_reader() -> None:
    # reader_headers 22: the length passed under another name is never read, so a body
    # declared too long is read up to the limit instead of refused before its first byte.
    response = httpx.Response(200, headers={"Content-Length": "99"}, stream=httpx.ByteStream(b""))
    assert _core.reader_headers(response) == {
        "content-encoding": "identity",
        "content-length": "99",
    }
    assert "content-length" not in _core.reader_headers(response, length=False)
    with pytest.raises(ResponseTooLargeError, match="more than 10 bytes"):
        _core.BodyReader(
            _core.reader_headers(response), limit=10, deadline=1e9, clock=lambda: 0.0, where="W"
        )


# --- redirects and result links -------------------------------------------------------


def test_a_redirect_to_a_host_equal_only_in_upper_case_is_refused() -> None:
    # _origin 17: hosts compared upper-cased: "ß" upper-cases to "SS", so ß.example
    # would count as ss.example and the redirect would be followed.
    with pytest.raises(DownloadError, match="redirected to another host"):
        _core.redirect_target("https://ss.example/a", "https://ss.example/a", "https://ß.example/b")
    assert _core.redirect_target("https://SS.example/a", "https://ss.example/a", "/b") == (
        "https://ss.example/b"
    )


def test_a_refused_redirect_names_the_link_without_its_query() -> None:
    # redirect_target 21: the link shown without its query (the signature).
    original = "https://cdn.example/r/0?sig=SECRET"
    with pytest.raises(DownloadError) as info:
        _core.redirect_target(original, original, "https://evil.example/x?t=1")
    assert str(info.value) == (
        "https://cdn.example/r/0 redirected to another host (https://evil.example/x); not followed"
    )


def test_result_links_up_to_4096_characters() -> None:
    # result_url_problem 4 (4096 moved to 4097), 5 (the words).
    base = "https://cdn.example/"
    longest = base + "a" * (4096 - len(base))
    assert _core.result_url_problem(longest, API) is None
    assert _core.result_url_problem(longest + "a", API) == "not a usable link"
    assert _core.result_url_problem(None, API) == "not a usable link"  # type: ignore[arg-type]


def test_a_base_url_with_a_query_is_refused_with_the_reason() -> None:
    # resolve_base_url 43: the reason.
    with pytest.raises(ConfigurationError) as info:
        _core.resolve_base_url("https://api.example.test/?x=1")
    assert str(info.value) == "the base URL must not have a query or fragment"


def test_an_unknown_content_coding_is_named_in_40_characters() -> None:
    # BodyReader.__init__ 33: the coding is cut to 40 characters in the message.
    coding = "x" * 39 + "yz"
    with pytest.raises(MalformedResponseError) as info:
        _core.BodyReader(
            {"content-encoding": coding}, limit=10, deadline=1e9, clock=lambda: 0.0, where="W"
        )
    assert f"content coding {coding[:40]!r}, which" in str(info.value)
    assert "yz" not in str(info.value)


# --- the key in the logs --------------------------------------------------------------


def test_a_new_client_puts_the_scrub_filter_on_the_http_loggers() -> None:
    # _guard_logs 4: `not in` to `in`: the filter never added.
    from mjprompt.client import AsyncClient

    loggers = [logging.getLogger(name) for name in _core._QUOTING_LOGGERS]
    had = [_core._SCRUB_FILTER in lg.filters for lg in loggers]
    for lg in loggers:
        lg.removeFilter(_core._SCRUB_FILTER)
    try:
        AsyncClient("sk-guard-0123456789abcdef")
        assert all(_core._SCRUB_FILTER in lg.filters for lg in loggers)
        AsyncClient("sk-guard-0123456789abcdef")
        assert all(lg.filters.count(_core._SCRUB_FILTER) == 1 for lg in loggers)
    finally:
        for lg, present in zip(loggers, had, strict=True):
            if present:
                lg.addFilter(_core._SCRUB_FILTER)
            else:
                lg.removeFilter(_core._SCRUB_FILTER)


# --- tasks, task errors, the journal --------------------------------------------------


def test_a_task_built_here_writes_its_fields() -> None:
    # Task.to_json 2: a task without the JSON it came from (raw) writes its own fields.
    task = Task(id="t-1", status="processing", progress=40)
    assert task.to_json() == {"id": "t-1", "status": "processing", "progress": 40}
    failed = Task(id="t-2", status="failed", error=TaskErrorInfo("c", "m", "x"))
    assert failed.to_json()["error"] == {
        "code": "c",
        "message": "m",
        "type": "x",
        "suggestion": None,
    }


def test_the_type_of_a_task_error_is_read() -> None:
    # TaskErrorInfo.from_json 4, 23.
    info = TaskErrorInfo.from_json({"code": "c", "message": "m", "type": "invalid_request"})
    assert info is not None and info.type == "invalid_request"


def test_a_task_error_without_an_error_object_has_no_remote_message() -> None:
    # TaskError.__init__ 8: "" and not "XXXX" when the task carries no error.
    error = TaskError(Task(id="t-3", status="cancelled"))
    assert error.remote_message == ""
    assert str(error) == "task t-3 cancelled: cancelled"


def test_an_unreadable_journal_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Journal._open 21: the reason, when the opened journal cannot be read (fstat).
    def broken(fd: int) -> Any:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(journal_module.os, "fstat", broken)
    with pytest.raises(JournalError) as info:
        Journal.open(tmp_path)
    monkeypatch.undo()
    assert (
        str(info.value) == f"cannot read {tmp_path / 'mjprompt-journal.jsonl'}: Input/output error"
    )
